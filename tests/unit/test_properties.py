"""Property-based: malformed content and answers never produce a traceback, only InputError (exit 2)."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vettriage.cli import main
from vettriage.content import load_catalogue
from vettriage.engine import assess, read_answers_file, validate_answers
from vettriage.errors import InputError, InputErrors
from vettriage.resources import questionnaires_dir

SHIPPED = questionnaires_dir()
FILES = sorted(p.name for p in SHIPPED.glob("*.yaml"))

values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True) | st.text(max_size=20)
    | st.dates() | st.sampled_from(["unknown", "yes", "no", "pink", "none_24_48h"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_answers_validator_only_raises_input_error(catalogue, data) -> None:
    ids = list(catalogue.items)
    keys = st.sampled_from(ids) | st.text(max_size=12) | st.integers()
    raw = data.draw(st.dictionaries(keys, values, max_size=12))
    try:
        answers = validate_answers(catalogue, raw)
    except InputError as exc:
        # every problem at once (InputErrors), each on one line, and never more than the limit and a count
        lines = exc.lines() if isinstance(exc, InputErrors) else [str(exc)]
        assert all("\n" not in line for line in lines) and len(lines) <= InputErrors.SHOWN + 1
        return
    assess(catalogue, answers)


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_answers_file_garbage(text) -> None:
    cat = load_catalogue()
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "a.yaml"
        p.write_bytes(text.encode("utf-8", "replace"))
        try:
            read_answers_file(cat, p)
        except InputError:
            pass


@st.composite
def mutated_content(draw):
    name = draw(st.sampled_from(FILES))
    lines = (SHIPPED / name).read_text().splitlines()
    kind = draw(st.sampled_from(["delete", "duplicate", "insert", "truncate", "swap_chars"]))
    i = draw(st.integers(0, max(len(lines) - 1, 0)))
    if kind == "delete" and lines:
        del lines[i]
    elif kind == "duplicate" and lines:
        lines.insert(i, lines[i])
    elif kind == "insert":
        lines.insert(i, draw(st.text(alphabet=" :-[]{}#'\"abc0123\t", max_size=12)))
    elif kind == "truncate":
        lines = lines[:i]
    elif lines:
        line = lines[i]
        j = draw(st.integers(0, max(len(line) - 1, 0)))
        lines[i] = line[:j] + draw(st.sampled_from([":", "]", "'", "x", " ", ""])) + line[j + 1:]
    return name, "\n".join(lines) + "\n"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mut=mutated_content())
def test_broken_content_gives_one_line_error(mut, capsys) -> None:
    name, text = mut
    with tempfile.TemporaryDirectory() as d:
        dst = Path(d) / "q"
        shutil.copytree(SHIPPED, dst)
        (dst / name).write_text(text)
        capsys.readouterr()
        code = main(["validate", str(dst)])
        err = capsys.readouterr().err
        assert code in (0, 2)
        if code == 2:
            assert err.count("\n") == 1 and "Traceback" not in err and str(dst) in err


@settings(max_examples=40, deadline=None)
@given(when=st.dates(min_value=dt.date(1990, 1, 1)))
def test_dates_round_trip(catalogue, when) -> None:
    date_items = [i for i in catalogue.items.values() if i.type == "date" and i.enable_when is None]
    for item in date_items:
        assert validate_answers(catalogue, {item.id: when}).values[item.id] == when.isoformat()
