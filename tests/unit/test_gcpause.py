"""vettriage.gcpause: the collector is off inside, and afterwards exactly as it was, also after an error; the
commands and the content loader that use it leave it as they found it."""

from __future__ import annotations

import contextlib
import gc
import io
from pathlib import Path

import pytest

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
                                  ["assess", "--help"]])
def test_assess_leaves_the_collector_as_it_found_it(collector, on, argv) -> None:
    (gc.enable if on else gc.disable)()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            contextlib.suppress(SystemExit):
        main(argv)
    assert gc.isenabled() is on


@pytest.mark.parametrize("use_cache", [True, False])
def test_content_load_leaves_the_collector_on(collector, use_cache) -> None:
    gc.enable()
    load_catalogue(use_cache=use_cache)
    assert gc.isenabled()
    with pytest.raises(Exception):
        load_catalogue("/no/such/folder")
    assert gc.isenabled()
