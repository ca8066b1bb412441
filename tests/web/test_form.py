"""The owners' web form in process (Starlette's TestClient): the whole intake, the emergency and reopening,
completion and the handout, and every guarantee of the web intake (sessions, expiry, revocation, idleness,
Origin and CSRF on every POST, cookies, headers, escaping, nothing but the form's routes)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.web.formclient import (BASE, action_of, answer_all, csrf_of, follow, invite, legend_of, make_client,
                                  open_link, options_of, post)
from vettriage.web import state

HEADERS = ("content-security-policy", "referrer-policy", "x-content-type-options", "x-frame-options",
           "cache-control")


@pytest.fixture
def client(store_url, catalogue):
    c, owner = make_client(store_url, catalogue)
    with c:
        yield c


def calm(legend, options, text):
    """The answers of a dog with nothing alarming: no, never, not at all; a number in range; text left blank."""
    for v, label in options:
        if label.lower() in ("no", "never", "not at all", "none of these", "as before", "none", "normal"):
            return {"answer": v}
    if options:
        return {"answer": options[0][0]}
    if 'type="number"' in text:
        low = float(re.search(r'min="([0-9.]+)"', text).group(1))
        return {"answer": f"{max(low, 1):g}"}
    return {"action": "next"}


def test_a_whole_intake_is_saved_answer_by_answer_and_completes(client, store, catalogue):
    code, _, intake = invite(store, catalogue, "Rex")
    page = open_link(client, code)
    assert "Question 2 of" in page.text  # the dog's name is already answered: the first open question
    seen = []
    given = [1]  # the dog's name

    def pick(legend, options, text):
        seen.append(legend)
        # every answer given so far is already in the store, before the next question is answered
        assert len(store.get_intake(intake.id).answers) >= given[0]
        fields = calm(legend, options, text)
        given[0] += "answer" in fields
        return fields

    review = answer_all(client, page, pick)
    assert "Check your answers" in review.text and len(seen) > 20
    done = follow(client, post(client, "/form/complete", review.text))
    assert done.url.path == "/form/done" and "Thank you" in done.text
    stored = store.get_intake(intake.id)
    assert stored.status == "completed" and stored.assessment["urgency"] != "emergency"
    assert {e.who for e in store.audit(intake.id)} == {"owner"}
    html = client.get("/form/handout.html")
    assert html.status_code == 200 and "Rex" in html.text and "examined by a vet" in html.text.replace("\n", " ")
    assert client.get("/form/handout.exe").status_code == 404
    pdf = client.get("/form/handout.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and "attachment" in \
        pdf.headers["content-disposition"]
    # reopening a completed intake's link shows the result and the handout, not the questions
    again = client.get(f"/i/{code}")
    assert again.status_code == 200 and "/form/handout.pdf" in again.text
    assert follow(client, client.get("/form/q/dog_age_years")).url.path == "/form/done"


def test_a_refused_answer_says_why_next_to_the_question_and_saves_nothing(client, store, catalogue):
    code, _, intake = invite(store, catalogue, "Rex")
    page = open_link(client, code)
    assert legend_of(page.text).startswith("How old")
    bad = post(client, action_of(page.text), page.text, {"answer": "200"})
    assert bad.status_code == 422
    assert 'id="q-error"' in bad.text and 'aria-describedby="q-help q-hint q-error"' in bad.text
    assert 'aria-invalid="true"' in bad.text and 'value="200"' in bad.text and bad.text.count("<title>Error:") == 1
    assert "dog_age_years" not in store.get_intake(intake.id).answers
    words = post(client, action_of(page.text), page.text, {"answer": "old"})
    assert words.status_code == 422 and "not a number" in words.text
    ok = follow(client, post(client, action_of(page.text), page.text, {"answer": "11,5"}))
    assert store.get_intake(intake.id).answers["dog_age_years"] == 11.5 and ok.status_code == 200
    back = client.get(re.search(r'href="(/form/q/dog_age_years)"', ok.text).group(1))
    assert 'value="11.5"' in back.text  # back shows the answer given


def test_dont_know_and_checklists(client, store, catalogue):
    code, _, intake = invite(store, catalogue, "Rex")
    page = open_link(client, code)
    post(client, action_of(page.text), page.text, {"action": "unknown"})
    assert store.get_intake(intake.id).answers["dog_age_years"] == "unknown"
    item = next(i for i in catalogue.items.values() if i.type == "multi" and any(
        o.value == "none" for o in i.options or ()) and not i.enable_when)
    page = client.get(f"/form/q/{item.id}")
    from vettriage.intake.session import choices_for

    none = str(next(c.number for c in choices_for(item, catalogue, "owner") if c.value == "none"))
    other = next(v for v, _ in options_of(page.text) if v != none)
    assert 'data-exclusive="1"' in page.text
    both = post(client, action_of(page.text), page.text, {"answer": [none, other]})
    assert both.status_code == 422 and "cannot be ticked together" in both.text
    post(client, action_of(page.text), page.text, {"answer": [other]})
    assert isinstance(store.get_intake(intake.id).answers[item.id], list)


def emergency_answer(page_text):
    """The first red-flag question answered "yes"."""
    yes = next(v for v, label in options_of(page_text) if label == "Yes")
    return {"answer": yes}


def test_an_emergency_interrupts_and_reopening_shows_it_until_staff_have_seen_it(store_url, store, catalogue):
    client, _ = make_client(store_url, catalogue)
    code, _, intake = invite(store, catalogue, "Rex")
    open_link(client, code)
    page = client.get("/form/q/rf_breathing")
    assert page.status_code == 200
    hit = post(client, action_of(page.text), page.text, emergency_answer(page.text))
    assert hit.status_code == 303 and hit.headers["location"].startswith("/form/emergency")
    em = follow(client, hit)
    assert 'href="tel:01632960000"' in em.text and "This needs a vet now" in em.text
    flag = catalogue.red_flags["breathing"]
    assert flag.action.owner.replace("'", "&#39;") in em.text
    stored = store.get_intake(intake.id)
    assert stored.emergency and stored.urgency == "emergency"
    # the link opened again (another day, another tab): the emergency page comes first
    other, _ = make_client(store_url, catalogue)
    again = other.get(f"/i/{code}")
    assert "This needs a vet now" in again.text and "Earlier you told us" in again.text
    assert follow(other, other.get("/form")).url.path == "/form/emergency"
    # ... until a member of staff marks it seen (audited with who and when)
    store.mark_seen(intake.id, "Sam")
    third, _ = make_client(store_url, catalogue)
    page = third.get(f"/i/{code}")
    assert "This needs a vet now" not in page.text and "Welcome back" in page.text
    seen = [e for e in store.audit(intake.id) if e.item_id == "emergency_seen"]
    assert seen and seen[0].who == "Sam" and seen[0].at is not None


def test_completing_is_refused_while_an_emergency_question_is_unanswered(client, store, catalogue):
    code, _, intake = invite(store, catalogue, "Rex")
    page = open_link(client, code)
    review = follow(client, client.get("/form/review"))
    done = post(client, "/form/complete", review.text)
    assert done.status_code == 303 and "from=complete" in done.headers["location"]
    q = follow(client, done)
    assert q.url.path.startswith("/form/q/rf_")
    assert "urgent-sign questions are not answered" in q.text and 'aria-describedby="q-notice' in q.text
    assert store.get_intake(intake.id).status == "in_progress"


def test_gaps_need_a_confirmation(client, store, catalogue):
    code, _, intake = invite(store, catalogue, "Rex")
    open_link(client, code)
    from vettriage.engine.triage import RED_FLAG_SECTION

    for item_id in [i for i in catalogue.items if catalogue.section_of[i] == RED_FLAG_SECTION]:
        page = client.get(f"/form/q/{item_id}")
        if page.status_code == 200 and "/form/q/" + item_id in page.text:
            post(client, action_of(page.text), page.text, {"action": "unknown"})
    review = client.get("/form/review")
    ask = post(client, "/form/complete", review.text)
    assert ask.status_code == 200 and "Finish with questions unanswered?" in ask.text
    assert store.get_intake(intake.id).status == "in_progress"
    done = post(client, "/form/complete", ask.text, {"confirm": "yes"})
    assert done.headers["location"] == "/form/done"
    assert store.get_intake(intake.id).status == "completed"


def test_the_newest_session_takes_over_and_the_old_page_says_why(store_url, store, catalogue):
    code, _, intake = invite(store, catalogue, "Rex")
    phone, _ = make_client(store_url, catalogue)
    laptop, _ = make_client(store_url, catalogue)
    old = open_link(phone, code)
    open_link(laptop, code)
    late = post(phone, action_of(old.text), old.text, {"answer": "9"})
    assert late.status_code == 409 and "another tab or on another device" in late.text
    assert "dog_age_years" not in store.get_intake(intake.id).answers
    assert phone.get("/form/review").status_code == 409


def test_expiry_revocation_and_idleness_end_a_session(store_url, store, catalogue):
    code, invite_row, intake = invite(store, catalogue, "Rex")
    client, owner = make_client(store_url, catalogue, idle_timeout=60)
    page = open_link(client, code)
    store.revoke_invite(invite_row.id)
    gone = post(client, action_of(page.text), page.text, {"answer": "9"})
    assert gone.status_code == 403 and "no longer valid" in gone.text
    assert client.get(f"/i/{code}").status_code == 403
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=4)
    old, _, _ = invite(store, catalogue, "Old", lifetime=dt.timedelta(days=3), now=past)
    assert client.get(f"/i/{old}").status_code == 403 and "expired" in client.get(f"/i/{old}").text
    code2, inv2, intake2 = invite(store, catalogue, "Bella")
    fresh, _ = make_client(store_url, catalogue, idle_timeout=60)
    open_link(fresh, code2)
    cookie = fresh.cookies.get(state.COOKIE)
    after_expiry = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=73)
    assert state.check_session(store, cookie, 10**9, now=after_expiry).reason == "expired"  # mid-session too
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=61)
    assert state.check_session(store, cookie, 60, now=later).reason == "idle"
    assert fresh.get("/form/review").status_code == 403  # ended: the owner opens the link again
    assert fresh.get(f"/i/{code2}").status_code == 200 and fresh.get("/form/review").status_code == 200


def test_save_and_leave_ends_the_session(client, store, catalogue):
    code, _, intake = invite(store, catalogue, "Rex")
    page = open_link(client, code)
    left = post(client, action_of(page.text), page.text, {"answer": "12", "action": "leave"})
    assert left.status_code == 200 and "Your answers are saved" in left.text
    assert store.get_intake(intake.id).answers["dog_age_years"] == 12
    assert client.get("/form/review").status_code == 403
    # the same link goes on after the question the owner stopped at
    from vettriage.intake.session import IntakeSession

    s = IntakeSession(catalogue, store, store.get_intake(intake.id), "owner")
    s.go_to("dog_age_years")
    assert client.get(f"/i/{code}").status_code == 200
    back = follow(client, client.get("/form"))
    assert back.url.path == f"/form/q/{s.next_stop()}"


@pytest.mark.parametrize("origin", [None, "http://evil.example", "null", "https://testserver",
                                    "http://testserver:8080"])
def test_every_post_needs_our_origin(client, store, catalogue, origin):
    code, _, intake = invite(store, catalogue, "Rex")
    page = open_link(client, code)
    r = post(client, action_of(page.text), page.text, {"answer": "9"}, origin=origin or "")
    assert r.status_code == 403
    assert "dog_age_years" not in store.get_intake(intake.id).answers
    for path in ("/form/complete", "/form/leave"):
        assert post(client, path, page.text, origin=origin or "").status_code == 403
    assert store.get_intake(intake.id).status == "in_progress"


def test_every_post_needs_the_sessions_csrf_token(client, store, catalogue):
    code, _, intake = invite(store, catalogue, "Rex")
    page = open_link(client, code)
    for token in ("", "0" * 40, state.csrf_token("someone-else" * 4)):
        r = client.post(action_of(page.text), data={"csrf": token, "answer": "9"}, headers={"Origin": BASE})
        assert r.status_code == 403
    r = client.post(action_of(page.text), data={"answer": "9"}, headers={"Origin": BASE})
    assert r.status_code == 403 and "dog_age_years" not in store.get_intake(intake.id).answers
    # a token from another intake's page does not carry over either
    other_code, _, _ = invite(store, catalogue, "Bella")
    c2, _ = make_client(store.url, catalogue)
    other_page = open_link(c2, other_code)
    assert client.post(action_of(page.text), data={"csrf": csrf_of(other_page.text), "answer": "9"},
                       headers={"Origin": BASE}).status_code == 403


def test_cookie_flags_headers_and_no_code_in_pages(client, store, catalogue):
    code, _, _ = invite(store, catalogue, "Rex")
    first = client.get(f"/i/{code}")
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http on 127.0.0.1; behind TLS it is set (next test)
    assert first.headers["referrer-policy"] == "no-referrer"  # the code is in this page's address
    assert code not in first.text
    for path in ("/i/" + code, "/form", "/form/review", "/nothing", "/", "/static/form.css", "/favicon.ico",
                 "/i/" + "A" * 43, "/form/handout.pdf"):
        r = client.get(path)
        assert all(h in r.headers for h in HEADERS), path
        assert r.headers["server"] == "vettriage" and "script-src 'self'" in r.headers["content-security-policy"]
        assert "https://" not in r.text.replace("https://testserver", "")  # no outside fonts or scripts


def test_secure_cookie_and_hsts_behind_tls(store_url, store, catalogue):
    from starlette.testclient import TestClient

    from vettriage.config import Config
    from vettriage.store import open_store
    from vettriage.web.app import OwnerForm, build_app
    from vettriage.web.guard import guarded

    owner = OwnerForm(lambda: open_store(store_url), public_url="https://intake.clinic.example",
                      catalogue=catalogue, config=Config())
    c = TestClient(guarded(build_app(owner), owner), base_url="https://intake.clinic.example")
    code, _, _ = invite(store, catalogue, "Rex")
    r = c.get(f"/i/{code}")
    assert "Secure" in r.headers["set-cookie"] and "strict-transport-security" in r.headers


def test_owner_typed_text_is_escaped(client, store, catalogue):
    code, _, intake = invite(store, catalogue, "<script>alert(1)</script>")
    page = open_link(client, code)
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    text_item = next(i for i in catalogue.items.values() if i.type == "text" and not i.required
                     and not i.enable_when)
    q = client.get(f"/form/q/{text_item.id}")
    post(client, action_of(q.text), q.text, {"answer": '"><img src=x onerror=alert(1)>'})
    review = client.get("/form/review")
    assert "<img src=x" not in review.text and "&lt;img src=x" in review.text


def test_only_the_forms_routes_exist(client, store, catalogue):
    code, _, _ = invite(store, catalogue, "Rex")
    for path in ("/desk", "/intakes/1", "/static/", "/static/../app.py", "/static/%2e%2e/app.py", "/ws/x",
                 "/download/" + "0" * 32, "/form/q/not_an_item/../../etc/passwd", "/form/handout.exe"):
        r = client.get(path)
        assert r.status_code in (403, 404) or r.headers.get("location", "").startswith("/form"), path
        assert "Traceback" not in r.text
    assert client.post(f"/i/{code}").status_code == 405


def test_failed_codes_are_limited_but_a_valid_link_always_opens(store_url, store, catalogue):
    client, _ = make_client(store_url, catalogue, fail_limit=5)
    good, _, _ = invite(store, catalogue, "Rex")
    for _ in range(5):
        assert client.get("/i/" + "B" * 43).status_code == 404
    blocked = client.get("/i/" + "B" * 43)
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert client.get(f"/i/{good}").status_code == 200
    assert client.get("/i/" + "B" * 43).status_code == 429
    # a real link that no longer works does not count as a guess
    other, _ = make_client(store_url, catalogue, fail_limit=2)
    gone, revoked, _ = invite(store, catalogue, "Gone")
    store.revoke_invite(revoked.id)
    for _ in range(4):
        assert other.get(f"/i/{gone}").status_code == 403
    assert other.get("/i/" + "C" * 43).status_code == 404


def test_each_link_reaches_only_its_own_intake(store_url, store, catalogue):
    a, _, ia = invite(store, catalogue, "Rex")
    b, _, ib = invite(store, catalogue, "Bella")
    ca, _ = make_client(store_url, catalogue)
    cb, _ = make_client(store_url, catalogue)
    pa, pb = open_link(ca, a), open_link(cb, b)
    assert "Rex" in pa.text and "Bella" not in pa.text and "Bella" in pb.text
    post(ca, action_of(pa.text), pa.text, {"answer": "7"})
    post(cb, action_of(pb.text), pb.text, {"answer": "3"})
    assert store.get_intake(ia.id).answers["dog_age_years"] == 7
    assert store.get_intake(ib.id).answers["dog_age_years"] == 3
