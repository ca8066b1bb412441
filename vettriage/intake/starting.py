"""Finding, starting and resuming intakes through the store. No Textual: used by the app and its tests."""

from __future__ import annotations

from typing import Any

from vettriage.intake.session import WHO
from vettriage.localtime import local_day


def find_in_progress(store: Any, dog_name: str) -> Any | None:
    """The most recent in-progress intake of a dog with exactly this name (case-insensitive), if any."""
    wanted = dog_name.strip().casefold()
    rows = [r for r in store.list_intakes(status="in_progress", dog=dog_name.strip())
            if r.dog_name.strip().casefold() == wanted]
    if not rows:
        return None
    latest = max(rows, key=lambda r: (r.updated_at, r.id))
    return store.get_intake(latest.id)


def in_progress_of(store: Any, dog_id: int) -> Any | None:
    """The most recent in-progress intake of one dog (by id), if any."""
    rows = [r for r in store.dog_history(dog_id) if r.status == "in_progress"]
    return store.get_intake(max(rows, key=lambda r: (r.updated_at, r.id)).id) if rows else None


def dog_choices(store: Any, name: str) -> list[tuple[int, str]]:
    """The dogs whose whole name is `name`, each with a line that tells them apart (chart, owner, last visit)."""
    out = []
    for d in store.dogs_named(name):
        last = store.visits(d.id, limit=1)
        bits = [f"dog {d.id}", d.name] + [x for x in (
            f"chart {d.chart}" if d.chart else "", f"owner {d.owner_name}" if d.owner_name else "",
            d.breed_or_size or "", f"last visit {local_day(last[-1].at)}" if last else "no visit yet") if x]
        out.append((d.id, " · ".join(bits)))
    return out


def start_intake(store: Any, catalogue: Any, dog_name: str, mode: str, dog_id: int | None = None) -> Any:
    """Create a new intake, with the dog's name already answered: for dog `dog_id`, for a new dog when
    `dog_id` is 0, else (None) for the dog of that name or a new one."""
    name = " ".join(dog_name.split())
    if not name:
        raise ValueError("the dog's name is empty")
    if dog_id:
        dog = store.get_dog(dog_id)
        name = dog.name
    elif dog_id == 0:
        dog = store.add_dog(name)
    else:
        dogs = [d for d in store.find_dogs(name) if d.name.casefold() == name.casefold()]
        dog = dogs[0] if dogs else store.add_dog(name)
    intake = store.create_intake(dog.id, by=WHO.get(mode, mode), mode=mode,  # type: ignore[arg-type]
                                 content_version=catalogue.version, content_hash=catalogue.hash)
    if "dog_name" in catalogue.items:
        store.save_answer(intake.id, "dog_name", name, who=WHO.get(mode, mode), position=None)
    if dog_id:
        prefill_history(store, catalogue, intake.id, dog.id, WHO.get(mode, mode))
    return store.get_intake(intake.id)


def prefill_history(store: Any, catalogue: Any, intake_id: int, dog_id: int, who: str) -> int:
    """A known dog's new intake starts with its last completed visit's history answers (medicines,
    conditions, signalment: the items the content marks `history`), never its signs or ratings. Each is
    audited as pre-filled, and the questions still come up in order, answered, for the owner to confirm.
    Returns how many were filled."""
    import datetime as dt

    from vettriage.followup import prefill

    visits = store.visits(dog_id, limit=1)
    if not visits:
        return 0
    last = store.get_intake(visits[-1].intake_id)
    day = local_day(last.created_at)
    values = {k: v for k, v in prefill(catalogue, last.answers, day, dt.date.today()).items() if k != "dog_name"}
    if values:
        store.save_answers(intake_id, values, who=who,
                           reason=f"pre-filled from the visit of {day} (intake {last.id}): confirm with the owner")
    return len(values)


def resume_or_start(store: Any, catalogue: Any, dog_name: str, mode: str) -> Any:
    """`vettriage intake --dog NAME`: the dog's intake in progress if there is one, else a new one."""
    return find_in_progress(store, dog_name) or start_intake(store, catalogue, dog_name, mode)


def open_store(url: str | None) -> Any:
    """Open the configured store (imported here so the driver stays off the start-up path)."""
    from vettriage.store import open_store as _open

    return _open(url or None)
