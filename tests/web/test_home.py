"""What the clinic sees of owners at home (vettriage.intake.home) and `intakes list` / `intakes seen`."""

from __future__ import annotations

import datetime as dt

from tests.web.formclient import action_of, invite, make_client, open_link, options_of, post
from vettriage.cli import main
from vettriage.intake.home import home_rows


def _red_flag_from_home(store_url, catalogue, code):
    web, _ = make_client(store_url, catalogue)
    open_link(web, code)
    page = web.get("/form/q/rf_collapse")
    yes = next(v for v, label in options_of(page.text) if label == "Yes")
    assert post(web, action_of(page.text), page.text, {"answer": yes}).status_code == 303


def test_progress_words_and_alarms_first(store_url, store, catalogue):
    quiet, _, quiet_intake = invite(store, catalogue, "Ada")
    _, _, waiting = invite(store, catalogue, "Bo")
    loud, _, loud_intake = invite(store, catalogue, "Rex")
    web, _ = make_client(store_url, catalogue)
    page = open_link(web, quiet)
    post(web, action_of(page.text), page.text, {"answer": "9"})
    _red_flag_from_home(store_url, catalogue, loud)
    rows = home_rows(store)
    assert [r.dog_name for r in rows][0] == "Rex" and rows[0].alarm
    assert rows[0].progress.startswith("EMERGENCY ") and rows[0].progress.endswith("(not seen)")
    words = {r.dog_name: r.progress for r in rows}
    assert words["Ada"] == "started (2 answers)" and words["Bo"] == "not started"
    store.mark_seen(loud_intake.id, "Sam")
    rows = home_rows(store)
    assert not any(r.alarm for r in rows) and rows[0].dog_name != "Rex" or rows[0].seen_by == "Sam"
    assert {r.dog_name: r.progress for r in rows}["Rex"].endswith("emergency seen")
    store.complete(quiet_intake.id, {"urgency": "routine"})
    assert {r.dog_name: r.progress for r in home_rows(store)}["Ada"] == "answered"
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)
    assert {r.link for r in home_rows(store, now=later)} == {"expired"}


def test_intakes_list_puts_a_home_red_flag_first_and_seen_is_audited(store_url, store, catalogue, capsys):
    loud, _, loud_intake = invite(store, catalogue, "Rex")
    invite(store, catalogue, "Bo")  # newer: listed first otherwise
    _red_flag_from_home(store_url, catalogue, loud)
    assert main(["intakes", "list", "--db", store_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("AT HOME") and lines[1].split()[0] == str(loud_intake.id)
    assert "EMERGENCY" in lines[1] and "(not seen)" in lines[1] and lines[2].endswith("not started")
    assert main(["intakes", "seen", str(loud_intake.id), "--by", "Sam  Lee", "--db", store_url]) == 0
    assert "marked seen by Sam Lee" in capsys.readouterr().out
    event = [e for e in store.audit(loud_intake.id) if e.item_id == "emergency_seen"][0]
    assert event.who == "Sam Lee" and event.at is not None
    assert main(["intakes", "list", "--db", store_url]) == 0
    assert "(not seen)" not in capsys.readouterr().out
    assert main(["intakes", "seen", "999", "--by", "Sam", "--db", store_url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
