"""Key presses for a technician's whole intake of an example, from the desk's `n` to the result, walked with the
documented keys only (tests/app/keywalk.py, the walk the Pilot test in tests/app/test_keys.py makes): once
answering every question, once with Ctrl+N where the owner said no to the rest of a section.

Run from a checkout: .venv/bin/python bench/keys.py [ANSWERS.yaml]. Point PYTHONPATH at another checkout's
root to count its keys with this same walk (the figures "before" in a change's note).
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def _walker() -> object:
    spec = importlib.util.spec_from_file_location("keywalk", HERE / "tests" / "app" / "keywalk.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["keywalk"] = module  # its dataclass looks its module up there
    if str(HERE) not in sys.path:
        sys.path.append(str(HERE))  # tests.plain.script, after PYTHONPATH's checkout
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


async def _count(example: Path, section_none: bool) -> object:
    import vettriage
    from vettriage.config import Config
    from vettriage.content import load_catalogue
    from vettriage.store import open_store
    from vettriage.tui.app import make_app

    kw = _walker()
    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/keys.db")
        try:
            app = make_app(store=store, catalogue=catalogue, config=Config(clinic_name="Bench"), mode="tech")
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                count = await kw.walk(app, pilot, catalogue, kw.file_answers(catalogue, example),  # type: ignore
                                      section_none=section_none)
        finally:
            store.close()
    print(f"# vettriage from {Path(vettriage.__file__).parent.parent}", file=sys.stderr)
    return count


def main() -> None:
    example = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "examples" / "arthritis.yaml"
    print(f"{example.name}: key presses from the desk's n to the result (80x24, technician)")
    for section_none, label in ((False, "every question answered"), (True, "with Ctrl+N where a section is none")):
        c = asyncio.run(_count(example, section_none))
        keys = ", ".join(f"{k} {n}" for k, n in sorted(c.by_key.items(), key=lambda kv: -kv[1])[:6])  # type: ignore
        print(f"  {label:38} total {c.total:4}  desk {c.desk:3}  questions {c.questions:4}  "  # type: ignore
              f"finish {c.finish}  ({keys})")  # type: ignore


if __name__ == "__main__":
    main()
