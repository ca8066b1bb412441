"""The dogs the due list leaves out, as the desk lists them: those marked lost to follow-up (latest mark first)
and those overdue past the cut-off (most overdue first), each a keyset page that agrees with `due_counts`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.due_fixtures import due_dogs

TODAY = dt.date.today()
ON = TODAY + dt.timedelta(days=14)
SINCE = TODAY - dt.timedelta(days=182)


def _days(*offsets: int) -> list[dt.date]:
    return [TODAY + dt.timedelta(days=d) for d in offsets]


def _pages(read: Any, key: Any, size: int) -> list[list[int]]:
    """Every page of `read(limit=, after=)`, each as dog ids, following the keyset `key(last row)`."""
    pages, after = [], None
    while True:
        page = read(limit=size, after=after)
        if not page:
            return pages
        pages.append([d.dog.id for d in page])
        after = key(page[-1])


def test_overdue_past_the_cut_off_pages_most_overdue_first_and_leaves_out_the_lost(store: Any) -> None:
    ids = due_dogs(store, _days(-200, -400, -300, -10, 0, -183, 30))
    store.mark_lost(ids[2], "Sam", "moved away")  # overdue and lost: listed with the lost, not here
    pages = _pages(lambda **kw: store.dogs_overdue(ON, SINCE, **kw), lambda d: (d.due, d.intake_id), 2)
    assert pages == [[ids[1], ids[0]], [ids[5]]]
    assert store.due_counts(ON, SINCE).overdue == 3
    # the due list and the overdue list are the whole list without the lost: no dog twice, none missing
    due = [d.dog.id for d in store.dogs_due(ON, overdue_since=SINCE)]
    assert sorted(due + sum(pages, [])) == sorted(set(ids) - {ids[2], ids[6]})


def test_lost_dogs_page_latest_mark_first_and_agree_with_the_count(store: Any) -> None:
    ids = due_dogs(store, _days(-5, 3, -300, -1, 40))
    for dog in (ids[0], ids[2], ids[1], ids[3], ids[4]):
        store.mark_lost(dog, "Sam", f"reason {dog}")
    pages = _pages(lambda **kw: store.dogs_lost(ON, **kw), lambda d: (d.lost_at, d.intake_id), 2)
    # ids[4] is due in 40 days: not due by ON, so neither counted nor listed (as `dogs due --all`)
    assert pages == [[ids[3], ids[1]], [ids[2], ids[0]]]
    assert store.due_counts(ON, SINCE).lost == 4
    (first,) = store.dogs_lost(ON, limit=1)
    assert (first.lost_by, first.lost_reason) == ("Sam", f"reason {ids[3]}")


def test_a_mark_taken_back_or_replaced_by_a_later_visit_leaves_the_lost_list(store: Any, catalogue: Any) -> None:
    from vettriage.engine import assess
    from vettriage.intake.starting import start_intake

    rex, bo = due_dogs(store, _days(-5, -3))
    store.mark_lost(rex, "Sam", "moved away")
    store.mark_lost(bo, "Sam", "seen elsewhere")
    store.mark_lost(rex, "Alex", "marked by mistake", lost=False)
    assert [d.dog.id for d in store.dogs_lost(ON)] == [bo]
    # Bo comes back: the new visit is the last one, and its re-screen is months away
    visit = start_intake(store, catalogue, "Dog 1", "tech", dog_id=bo)
    store.complete(visit.id, assess(catalogue, {}).model_dump(mode="json"))
    assert store.dogs_lost(ON) == [] and store.due_counts(ON, SINCE).lost == 0


def test_equal_mark_times_page_by_id_without_losing_a_dog(store: Any) -> None:
    ids = due_dogs(store, _days(-1, -2, -3))
    when = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.timezone.utc)

    def same_time(tx: Any) -> None:
        for dog in ids:
            tx.execute("UPDATE intakes SET lost_at = ?, lost_by = 'Sam', lost_reason = 'closed' WHERE dog_id = ?",
                       (tx.dialect.dump("ts", when), dog))

    store.run(same_time, write=True)
    pages = _pages(lambda **kw: store.dogs_lost(ON, **kw), lambda d: (d.lost_at, d.intake_id), 1)
    assert pages == [[ids[2]], [ids[1]], [ids[0]]]
    assert store.dogs_lost(ON)[0].lost_at == when
