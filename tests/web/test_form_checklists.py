"""A screening checklist in the owners' web form (content 2026.12.4): one page of boxes, one per area and "none of
these"; the ticked areas' questions come next and no other; Next with nothing ticked asks the yes/no question."""

from __future__ import annotations

import pytest

from tests.web.formclient import action_of, follow, invite, make_client, open_link, options_of, post
from vettriage.intake.session import choices_for


@pytest.fixture
def client(store_url, catalogue):
    c, _ = make_client(store_url, catalogue)
    with c:
        yield c


def _n(catalogue, value):
    item = catalogue.items["gw_cognition_areas"]
    return str(next(c.number for c in choices_for(item, catalogue, "owner") if c.value == value))


def test_the_ticked_areas_open_their_questions_only(client, store, catalogue):
    code, _, intake = invite(store, catalogue, "Rex")
    open_link(client, code)
    page = client.get("/form/q/gw_cognition_areas")
    assert page.status_code == 200
    areas = catalogue.checklist_by_id["gw_cognition_areas"].areas
    assert [lab for _, lab in options_of(page.text)][:len(areas)] == [a.label.owner for a in areas]
    assert 'data-exclusive="1"' in page.text  # "none of these" clears the other boxes
    done = post(client, action_of(page.text), page.text, {"answer": [_n(catalogue, "sleep")], "action": "next"})
    assert done.status_code == 303 and done.headers["location"].endswith("/form/q/cog_sleep_night_restless")
    assert store.get_intake(intake.id).answers["gw_cognition_areas"] == ["sleep"]
    page = follow(client, done)
    for item_id in ("cog_sleep_night_restless", "cog_sleep_night_waking", "cog_sleep_night_vocal"):
        assert f"/form/q/{item_id}" == action_of(page.text)
        page = follow(client, post(client, action_of(page.text), page.text, {"answer": "0", "action": "next"}))
    assert action_of(page.text) == "/form/q/gw_pain_areas"  # no other behaviour question


def test_none_skips_the_block_and_nothing_ticked_asks_the_yes_no_question(client, store, catalogue):
    code, _, intake = invite(store, catalogue, "Rex")
    open_link(client, code)
    page = client.get("/form/q/gw_cognition_areas")
    blank = post(client, action_of(page.text), page.text, {"action": "next"})
    assert blank.status_code == 303 and blank.headers["location"].endswith("/form/q/gw_cognition")
    assert "gw_cognition_areas" not in store.get_intake(intake.id).answers
    page = client.get("/form/q/gw_cognition_areas")
    none = post(client, action_of(page.text), page.text, {"answer": [_n(catalogue, "none")], "action": "next"})
    assert none.headers["location"].endswith("/form/q/gw_pain_areas")
    assert store.get_intake(intake.id).answers["gw_cognition_areas"] == ["none"]
