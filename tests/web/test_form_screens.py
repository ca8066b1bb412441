"""A grouped emergency screen in the owners' web form (issue 27): one page, a fieldset per sign, "None of these"
for the blank ones, an untouched screen left unanswered, a yes raising the emergency page, back and next by
screen, the review changing one sign. Driven in process with Starlette's TestClient."""

from __future__ import annotations

import html
import re

import pytest

from tests.web.formclient import BASE, action_of, follow, invite, is_screen, make_client, open_link, post, signs_of
from vettriage.content.models import UNKNOWN


@pytest.fixture
def client(store_url, catalogue):
    c, _ = make_client(store_url, catalogue)
    with c:
        yield c


def screen_ids(catalogue, item_id):
    """The signs of `item_id`'s screen, in the content's order (all visible for a dog with no answers)."""
    return list(catalogue.screen_of[item_id].items)


def stored(store, intake):
    return store.get_intake(intake.id).answers


def test_a_grouped_page_lists_all_its_signs_each_a_group_with_yes_no_and_dont_know(client, store, catalogue):
    code, _, _ = invite(store, catalogue, "Rex")
    open_link(client, code)
    ids = screen_ids(catalogue, "rf_belly_pain")
    for opened in (ids[0], "rf_belly_pain"):  # any sign of the screen opens the whole screen
        page = client.get(f"/form/q/{opened}")
        assert page.status_code == 200 and is_screen(page.text)
        assert signs_of(page.text) == [(i, catalogue.items[i].text.owner) for i in ids]
        assert action_of(page.text) == f"/form/q/{ids[0]}"
    for i in ids:
        labels = [(v, html.unescape(lab)) for v, lab in
                  re.findall(rf'name="answer-{i}" value="([^"]+)"[^>]*> <span>([^<]*)</span>', page.text)]
        assert labels == [("1", "Yes"), ("2", "No"), ("unknown", "Don't know")], i
    assert 'value="none"' in page.text and "None of these" in page.text
    # not a one-tap page: the script sends only a form of class "radio"; a grouped page needs its button
    assert re.search(r'<form [^>]*class="question screen"', page.text)
    assert not re.search(r'<form [^>]*class="[^"]*\bradio\b', page.text)
    assert catalogue.screen_of["rf_belly_pain"].title.owner in page.text


def test_none_of_these_answers_no_to_the_blank_signs_and_keeps_the_answered_ones(client, store, catalogue):
    code, _, intake = invite(store, catalogue, "Rex")
    open_link(client, code)
    ids = screen_ids(catalogue, "rf_collapse")
    page = client.get(f"/form/q/{ids[0]}")
    # one sign answered earlier ("don't know"), then Next: the others stay unanswered
    first = post(client, action_of(page.text), page.text, {f"answer-{ids[1]}": "unknown", "action": "next"})
    assert first.status_code == 303
    assert stored(store, intake).get(ids[1]) == UNKNOWN and not {ids[0], ids[2]} & set(stored(store, intake))
    page = client.get(f"/form/q/{ids[0]}")
    assert re.search(rf'name="answer-{ids[1]}" value="unknown" checked', page.text)
    # now one more given on the page, then "None of these"
    went = post(client, action_of(page.text), page.text,
                {f"answer-{ids[1]}": "unknown", f"answer-{ids[2]}": "2", "action": "none"})
    assert went.status_code == 303 and went.headers["location"] == "/form/q/rf_gums"  # on to the next screen
    answers = stored(store, intake)
    assert answers[ids[0]] is False and answers[ids[1]] == UNKNOWN and answers[ids[2]] is False
    # each answer went through the session: one audited change each, by the owner
    changed = [e.item_id for e in store.audit(intake.id) if e.item_id in ids]
    assert sorted(changed) == sorted(ids) and store.get_intake(intake.id).urgency != "emergency"
    again = client.get(f"/form/q/{ids[0]}")
    assert 'value="none"' not in again.text  # nothing left blank: no "None of these"


def test_an_untouched_screen_stays_unanswered_and_completing_is_refused(client, store, catalogue):
    code, _, intake = invite(store, catalogue, "Rex")
    open_link(client, code)
    ids = screen_ids(catalogue, "rf_retching")
    page = client.get(f"/form/q/{ids[0]}")
    went = post(client, action_of(page.text), page.text, {"action": "next"})
    after = catalogue.screens[catalogue.screens.index(catalogue.screen_of[ids[0]]) + 1]
    assert went.status_code == 303 and went.headers["location"] == f"/form/q/{after.items[0]}"
    assert not set(ids) & set(stored(store, intake))  # never a no
    review = client.get("/form/review")
    done = post(client, "/form/complete", review.text)
    assert done.status_code == 303 and "from=complete" in done.headers["location"]
    refused = follow(client, done)
    assert is_screen(refused.text) and 'id="q-notice"' in refused.text
    assert 'aria-describedby="q-notice' in refused.text
    assert store.get_intake(intake.id).status == "in_progress"


def test_a_yes_on_a_grouped_page_raises_the_emergency_page_and_saves_every_answer(client, store_url, store,
                                                                                   catalogue):
    code, _, intake = invite(store, catalogue, "Rex")
    open_link(client, code)
    ids = screen_ids(catalogue, "rf_collapse")
    page = client.get(f"/form/q/{ids[0]}")
    hit = post(client, action_of(page.text), page.text,
               {f"answer-{ids[0]}": "2", "answer-rf_breathing": "1", f"answer-{ids[2]}": "2", "action": "next"})
    assert hit.status_code == 303 and hit.headers["location"].startswith("/form/emergency")
    em = follow(client, hit)
    assert "This needs a vet now" in em.text and 'href="tel:01632960000"' in em.text
    answers = stored(store, intake)
    assert answers[ids[0]] is False and answers["rf_breathing"] is True and answers[ids[2]] is False
    assert store.get_intake(intake.id).emergency
    # "None of these" with a yes ticked: the yes is kept (and interrupts), the blanks become no
    code2, _, intake2 = invite(store, catalogue, "Bella")
    other, _ = make_client(store_url, catalogue)
    with other:
        open_link(other, code2)
        belly = screen_ids(catalogue, "rf_retching")
        page = other.get(f"/form/q/{belly[0]}")
        hit = post(other, action_of(page.text), page.text, {f"answer-{belly[0]}": "1", "action": "none"})
        assert hit.status_code == 303 and hit.headers["location"].startswith("/form/emergency")
        answers = stored(store, intake2)
        assert answers[belly[0]] is True and all(answers[i] is False for i in belly[1:])


def test_back_and_next_go_by_screen_and_the_review_changes_one_sign(client, store, catalogue):
    code, _, intake = invite(store, catalogue, "Rex")
    open_link(client, code)
    collapse, belly = screen_ids(catalogue, "rf_collapse"), screen_ids(catalogue, "rf_retching")
    gums = client.get("/form/q/rf_gums")
    assert re.search(rf'<a href="/form/q/{collapse[0]}">Back</a>', gums.text)
    page = client.get(f"/form/q/{belly[0]}")
    assert '<a href="/form/q/rf_gums">Back</a>' in page.text
    before = client.get(f"/form/q/{collapse[0]}")
    from vettriage.engine.answers import visible_items

    shown = visible_items(catalogue, stored(store, intake))
    assert f'<a href="/form/q/{shown[shown.index(collapse[0]) - 1]}">Back</a>' in before.text
    # the review: each sign on its own row, its Change link opening the screen at that sign
    review = client.get("/form/review")
    assert f'href="/form/q/{collapse[1]}?from=review#sign-{collapse[1]}"' in review.text
    page = client.get(f"/form/q/{collapse[1]}?from=review")
    assert is_screen(page.text) and '<a href="/form/review">Back</a>' in page.text
    back = post(client, action_of(page.text), page.text, {f"answer-{collapse[1]}": "2", "action": "next"})
    assert back.headers["location"] == "/form/review"
    assert stored(store, intake)[collapse[1]] is False and collapse[0] not in stored(store, intake)


def test_a_grouped_page_post_needs_the_origin_and_the_csrf_token(client, store, catalogue):
    code, _, intake = invite(store, catalogue, "Rex")
    open_link(client, code)
    ids = screen_ids(catalogue, "rf_collapse")
    page = client.get(f"/form/q/{ids[0]}")
    fields = {"action": "none", f"answer-{ids[0]}": "1"}
    assert post(client, action_of(page.text), page.text, fields, origin="https://evil.example").status_code == 403
    assert post(client, action_of(page.text), page.text, fields, origin="").status_code == 403
    assert client.post(action_of(page.text), data={**fields, "csrf": "0" * 40},
                       headers={"Origin": BASE}).status_code == 403
    assert not set(ids) & set(stored(store, intake)) and not store.get_intake(intake.id).emergency


def test_a_refused_sign_says_why_next_to_it_and_the_other_answers_are_saved(client, store, catalogue):
    code, _, intake = invite(store, catalogue, "Rex")
    open_link(client, code)
    ids = screen_ids(catalogue, "rf_collapse")
    page = client.get(f"/form/q/{ids[0]}")
    bad = post(client, action_of(page.text), page.text,
               {f"answer-{ids[0]}": "9", f"answer-{ids[1]}": "2", "action": "none"})
    assert bad.status_code == 422 and "<title>Error: " in bad.text
    assert re.search(rf'<fieldset class="sign" id="sign-{ids[0]}" aria-describedby="[^"]*e-{ids[0]}"', bad.text)
    assert f'id="e-{ids[0]}"' in bad.text and f'id="{ids[0]}-1" name="answer-{ids[0]}" value="1" aria-invalid' \
        in bad.text
    answers = stored(store, intake)
    # the valid answer is saved; "None of these" waits until the page is right: nothing is answered no unseen
    assert answers[ids[1]] is False and ids[0] not in answers and ids[2] not in answers
