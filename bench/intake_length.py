"""How long an intake is: questions asked, screens shown and key presses in the Textual app, before and after the
screening gateways and grouped emergency screens (issue 27), measured in the same run.

"Before" is the same content without gateways.yaml and screens.yaml (a temporary copy of questionnaires/: what
main asked before issue 27); "after" is the shipped content. Each answers set is walked as an owner would answer:
after, a gateway is answered no when every detail behind it was "not seen" in the answers file, yes when any was
seen or "don't know" (vettriage.engine.gateways.screened_walk); before, the file is answered as it is. A practice
file records only what the owner reported (many questions left blank): there a detail left blank counts as not
seen for its gateway, as the owner, asked the screening question, would have said no.

- questions: the questions branching shows for those answers (every emergency sign counts as one);
- screens: the question screens shown (a grouped emergency screen counts once);
- keys: the key presses a person makes in the Textual app, driven by Pilot (digit + Enter on a listed answer,
  u for don't know, y / n / u per sign and 0 for "none of these" on a grouped screen, Enter alone past a blank).
  The walk is checked: the stored answers must equal the answers walked.

Answers sets: the shipped examples, and the practice answers files (validation/practice/*.yaml if present, else
the case bank's validation/cases/*.answers.yaml; counted without Pilot unless --pilot-all, as a Pilot walk costs
about 0.1 s per key on 2 cores). Targets (issue 27): a healthy senior in at most 45 questions and 25 screens;
the most complex shipped example in at most 85 questions.

With --also DIR (e.g. an earlier release's questionnaires/), a middle column walks that content with its own
screening questions, by this checkout's code.

Run: .venv/bin/python bench/intake_length.py [--pilot-all] [--no-pilot] [--also DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vettriage.content.catalogue import load_catalogue  # noqa: E402
from vettriage.content.models import UNKNOWN  # noqa: E402
from vettriage.engine.answers import read_answers_file, visible_items  # noqa: E402,F401
from vettriage.engine.gateways import intake_length, screened_walk  # noqa: E402


def stops(catalogue: Any, answers: dict[str, Any]) -> tuple[int, int]:
    """(questions, screens) for a walk through `answers`."""
    return intake_length(catalogue, answers)


async def pilot_keys(catalogue: Any, answers: dict[str, Any], db: Path) -> int:
    """Walk the intake in the Textual app answering `answers` with keys; return the number of presses."""
    from vettriage.config import Config
    from vettriage.store import open_store
    from vettriage.tui.app import make_app
    from vettriage.tui.screens.emergency import EmergencyScreen
    from vettriage.tui.screens.question import QuestionScreen
    from vettriage.tui.screens.review import ReviewScreen

    store = open_store(f"sqlite:///{db}")
    app = make_app(store=store, catalogue=catalogue, config=Config(clinic_name="Bench", clinic_phone="0"),
                   dog_name=str(answers.get("dog_name", "Bench")), mode="owner", locked=True)
    keys = 0

    async def press(pilot: Any, *k: str) -> None:
        nonlocal keys
        keys += len(k)
        await pilot.press(*k)

    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        for _ in range(400):
            scr = app.screen
            if isinstance(scr, EmergencyScreen):
                await press(pilot, "f")  # finish the questions for the record
                await pilot.pause()
                continue
            if not isinstance(scr, QuestionScreen):
                break
            s = scr.session
            item = s.item
            if s.screen is not None:
                ids = s.screen_items()
                if all(answers.get(i) is False for i in ids) and not any(i in s.answers for i in ids):
                    await press(pilot, "0")
                else:
                    for i in ids:
                        if i in s.answers and s.answers[i] == answers.get(i):
                            await press(pilot, "down")
                            continue
                        v = answers.get(i)
                        await press(pilot, "down" if v is None else "y" if v is True else "n" if v is False else "u")
                        await pilot.pause()
                        if getattr(app.screen, "_pending", None):
                            await press(pilot, "enter")  # a yes waits on its sign: Enter opens the steps
                            await pilot.pause()
                        if isinstance(app.screen, EmergencyScreen):
                            await press(pilot, "f")
                            await pilot.pause()
                    await press(pilot, "enter")
                await pilot.pause()
                continue
            v = answers.get(item.id)
            if item.id == "dog_name" and item.id in s.answers:
                await press(pilot, "enter")
            elif v is None:
                await press(pilot, "right")
            elif v == UNKNOWN:
                await press(pilot, "u" if item.type != "text" else "ctrl+u")
                await pilot.pause()
                await press(pilot, "enter")  # "don't know" is chosen like a digit: Enter goes on
            elif item.type in ("yesno", "scale", "choice"):
                from vettriage.intake.session import choices_for

                number = next(c.number for c in choices_for(item, catalogue, s.mode) if c.value == v)
                await press(pilot, *str(number))
                await pilot.pause()
                if isinstance(app.screen, EmergencyScreen):
                    continue  # the answer raised a red flag: the interrupt is answered at the loop's top
                await press(pilot, "enter")
            elif item.type == "multi":
                from vettriage.intake.session import choices_for

                nums = [str(c.number) for c in choices_for(item, catalogue, s.mode) if c.value in v]
                from vettriage.tui.widgets.answer import TWO_DIGIT_WINDOW

                for num in nums:
                    await press(pilot, *num)
                    await pilot.pause(TWO_DIGIT_WINDOW + 0.1)  # two numbers typed at once would combine
                await press(pilot, "enter")
            else:
                text = f"{v:g}" if isinstance(v, (int, float)) else str(v)
                await press(pilot, *text, "enter")
            await pilot.pause()
        assert isinstance(app.screen, ReviewScreen), (type(app.screen).__name__, getattr(getattr(app.screen, "session", None), "item", None) and app.screen.session.item.id, keys)
        intake = store.list_intakes()[0] if hasattr(store, "list_intakes") else None
    stored = {k: v for k, v in store.get_intake(intake.id).answers.items() if v is not None} if intake else None
    store.close()
    if stored is not None:
        want = {k: v for k, v in answers.items() if k in set(visible_items(catalogue, answers))}
        missing = {k for k in want if stored.get(k) != want[k]}
        assert not missing, f"the walk did not store {sorted(missing)[:5]}"
    return keys


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pilot-all", action="store_true", help="drive the app for the practice files too")
    ap.add_argument("--no-pilot", action="store_true", help="count questions and screens only")
    ap.add_argument("--only", help="walk only the answers sets whose name contains this")
    ap.add_argument("--also", metavar="DIR", help="a middle column: another content folder (e.g. an earlier "
                    "release's questionnaires/), walked with its own screening questions by this code")
    args = ap.parse_args()

    shipped = ROOT / "questionnaires"
    after = load_catalogue(shipped, packs=[], use_cache=False)
    middle = load_catalogue(Path(args.also), packs=[], use_cache=False) if args.also else None
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "q"
        shutil.copytree(shipped, plain, ignore=shutil.ignore_patterns("gateways.yaml", "screens.yaml"))
        before = load_catalogue(plain, packs=[], use_cache=False)
        sets = [(p.stem, p) for p in sorted((ROOT / "examples").glob("*.yaml"))]
        practice = ROOT / "validation" / "practice"
        more = sorted(practice.glob("*.yaml")) if practice.is_dir() else sorted(
            (ROOT / "validation" / "cases").glob("*.answers.yaml"))
        sets += [(p.name.split(".")[0], p) for p in more]
        if args.only:
            sets = [(n, p) for n, p in sets if args.only in n]
        cats = [before] + ([middle] if middle else []) + [after]
        heads = " → ".join(["before"] + ([middle.version] if middle else []) + [after.version])
        w = 10 + 12 * len(cats)
        print(f"{'answers':<22}{'questions':>{w}}{'screens':>{w}}{'keys (Pilot)':>{w}}")
        print(f"{'':<22}{heads:>{w}}{heads:>{w}}{heads:>{w}}")
        most = ("", 0)
        for n, (name, path) in enumerate(sets):
            full = dict(read_answers_file(before, path).values)
            # a practice file records only what the owner reported: asked a screening question, that owner says
            # no where the file reports nothing behind it (tests/unit/test_gateways.py: same clinical results)
            walks = [full] + [screened_walk(c, full, blank_is_no=path.parent.name != "examples") for c in cats[1:]]
            counts = [stops(c, a) for c, a in zip(cats, walks)]
            k = ""
            if not args.no_pilot and (path.parent.name == "examples" or args.pilot_all):
                k = " → ".join(str(asyncio.run(pilot_keys(c, a, Path(tmp) / f"{j}-{n}.db")))
                               for j, (c, a) in enumerate(zip(cats, walks)))
            q = " → ".join(str(c[0]) for c in counts)
            sc = " → ".join(str(c[1]) for c in counts)
            print(f"{name:<22}{q:>{w}}{sc:>{w}}{k:>{w}}", flush=True)
            q1, s1 = counts[-1]
            if path.parent.name == "examples" and q1 > most[1]:
                most = (name, q1)
            if name == "healthy-senior":
                print(f"{'':<22}target: at most 45 questions ({'met' if q1 <= 45 else 'NOT met'}) and 25 screens "
                      f"({'met' if s1 <= 25 else 'NOT met'})")
        if most[0]:
            print(f"most questions of a shipped example: {most[0]} {most[1]} (target: at most 85, "
                  f"{'met' if most[1] <= 85 else 'NOT met'})")


if __name__ == "__main__":
    main()
