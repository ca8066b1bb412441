"""Issue 26: the record and every document agree on withdrawn red flags and on amendments (who, when, why):
`vettriage intakes show`, the vet's summary and the owner's handout print the same lines (the result screen is
checked in tests/app/test_record_changes.py)."""

from __future__ import annotations

import html
from typing import Any

import pytest

from tests.render.record_case import AMEND_REASON, withdrawn_and_amended
from vettriage.record_changes import record_changes


@pytest.fixture
def stored(tmp_path, catalogue) -> tuple[str, int]:
    from vettriage.store import open_store

    url = f"sqlite:///{tmp_path / 'rec.db'}"
    store = open_store(url)
    try:
        return url, withdrawn_and_amended(store, catalogue)
    finally:
        store.close()


def _changes(url: str, intake_id: int, catalogue: Any) -> Any:
    from vettriage.store import open_store

    store = open_store(url)
    try:
        intake = store.get_intake(intake_id)
        return record_changes(catalogue, intake.answers, store.audit(intake_id), intake.status)
    finally:
        store.close()


def test_the_record_knows_what_was_withdrawn_and_amended(stored, catalogue):
    changes = _changes(*stored, catalogue)
    assert [w.flag for w in changes.withdrawn] == ["collapse"]
    w = changes.withdrawn[0]
    assert (w.item, w.old, w.new, w.who) == ("rf_collapse", True, False, "technician")
    assert [(a.who, a.reason, a.items) for a in changes.amendments] == [("technician", AMEND_REASON, ("stairs",))]


def test_intakes_show_and_both_documents_say_the_same(stored, catalogue, capsys, tmp_path):
    from vettriage.cli import main

    url, intake_id = stored
    changes = _changes(url, intake_id, catalogue)
    lines = changes.withdrawn_lines() + changes.amendment_lines()
    assert len(lines) == 2 and AMEND_REASON in lines[1] and "Collapse" in lines[0]
    assert main(["intakes", "show", str(intake_id), "--db", url]) == 0
    shown = capsys.readouterr().out
    assert all(line in shown for line in lines)
    assert "EMERGENCY SIGN REPORTED" not in shown and "withdrawn" in shown
    for kind, mode in (("previsit", "tech"), ("handout", "owner")):
        out = tmp_path / f"{kind}.html"
        assert main(["report", "--intake", str(intake_id), "--kind", kind, "-o", str(out), "--db", url]) == 0
        text = html.unescape(out.read_text())
        want = changes.withdrawn_lines(mode) + changes.amendment_lines()
        assert all(line in text for line in want), (kind, want)
        md = tmp_path / f"{kind}.md"
        assert main(["report", "--intake", str(intake_id), "--kind", kind, "--format", "md", "-o", str(md),
                     "--db", url]) == 0
        assert AMEND_REASON.split(":")[0] in md.read_text()


def test_a_form_never_changed_has_no_history(catalogue):
    assert not record_changes(catalogue, {"dog_name": "Pip"}, [], "completed")
