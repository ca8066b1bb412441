"""vettriage.gcpause: the collector is off inside, and afterwards exactly as it was, also after an error; the
commands and the content loader that use it leave it as they found it."""

from __future__ import annotations

import contextlib
import gc
import io
from pathlib import Path

import pytest

from vettriage import DISCLAIMER
from vettriage.cli import main
from vettriage.content import load_catalogue
from vettriage.gcpause import collector_off

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "arthritis.yaml")


@pytest.fixture
def collector():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("on", [True, False])
def test_off_inside_then_as_it_was(collector, on) -> None:
    (gc.enable if on else gc.disable)()
    with collector_off():
        assert not gc.isenabled()
        with collector_off():  # nested: the inner one must not turn it back on
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled() is on


def test_restored_after_an_error(collector) -> None:
    gc.enable()
    with pytest.raises(KeyError), collector_off():
        raise KeyError("x")
    assert gc.isenabled()


@pytest.mark.parametrize("on", [True, False])
@pytest.mark.parametrize("argv", [["assess", EXAMPLE], ["assess", EXAMPLE, "--json"], ["assess", "/no/such.yaml"],
                                  ["assess", "--help"],
                                  ["report", "--intake", "1", "--db", "{db}", "--format", "md"],
                                  ["report", "--intake", "1", "--db", "{db}", "--kind", "handout"],
                                  ["report", "--intake", "999", "--db", "{db}"]])
def test_commands_leave_the_collector_as_they_found_it(collector, store, on, argv) -> None:
    (gc.enable if on else gc.disable)()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            contextlib.suppress(SystemExit):
        main([a.replace("{db}", store) for a in argv])
    assert gc.isenabled() is on


@pytest.mark.parametrize("use_cache", [True, False])
def test_content_load_leaves_the_collector_on(collector, use_cache) -> None:
    gc.enable()
    load_catalogue(use_cache=use_cache)
    assert gc.isenabled()
    with pytest.raises(Exception):
        load_catalogue("/no/such/folder")
    assert gc.isenabled()


def test_assess_skips_the_collections_at_exit_and_still_prints_everything(tmp_path) -> None:
    """In a process of its own, `assess` leaves an exit hook that puts what is alive out of the collector's
    reach (and only one, however often it runs); what it printed is whole."""
    import os
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(f"""
        import atexit, contextlib, gc, io, sys
        from vettriage.cli import main
        out = io.StringIO()
        hooks = atexit._ncallbacks()
        with contextlib.redirect_stdout(out):
            codes = [main(["assess", {EXAMPLE!r}]) for _ in range(3)]
        before = gc.get_freeze_count()
        hooks = atexit._ncallbacks() - hooks
        atexit._run_exitfuncs()
        print(codes, before, hooks, gc.get_freeze_count() > 1000, out.getvalue().count("Urgency:"))
    """)
    env = dict(os.environ, VETTRIAGE_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.split() == ["[0,", "0,", "0]", "0", "1", "True", "3"], done.stdout + done.stderr
    piped = subprocess.run([sys.executable, "-m", "vettriage", "assess", EXAMPLE], capture_output=True, text=True,
                           env=env, check=True)
    assert piped.stdout.endswith(f"{DISCLAIMER}\n") and piped.stdout.startswith("Urgency: ")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    """A database with one completed intake, made through the command line."""
    db = str(tmp_path_factory.mktemp("gcpause") / "s.db")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["intakes", "add", EXAMPLE, "--dog", "Rex", "--db", db]) == 0
    return db


@pytest.mark.parametrize("to_file", [False, True])
def test_report_skips_the_collections_at_exit_and_leaves_the_store_closed(tmp_path, to_file) -> None:
    """In a process of its own, `report --intake` leaves its exit hook, writes its document whole, and closes the
    store before the interpreter stops (SQLite removes the -wal and -shm files when the last connection closes:
    a connection left to a finaliser that never runs would leave them)."""
    import os
    import shutil
    import subprocess
    import sys

    db = tmp_path / "s.db"
    env = dict(os.environ, VETTRIAGE_CACHE_DIR=str(tmp_path / "cache"))
    subprocess.run([sys.executable, "-m", "vettriage", "intakes", "add", EXAMPLE, "--dog", "Rex", "--db", str(db)],
                   capture_output=True, env=env, check=True)
    out = tmp_path / "h.html"
    argv = [sys.executable, "-m", "vettriage", "report", "--intake", "1", "--db", str(db)]
    argv += ["-o", str(out)] if to_file else []
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
    doc = out.read_text() if to_file else done.stdout
    assert doc.rstrip().endswith("</html>") and "examined by a vet" in doc.lower().replace("\n", " ")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("s.db")) == ["s.db"]
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)
