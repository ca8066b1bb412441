"""The owners' form in real headless Chromium against `vettriage serve`: a whole intake on a phone and on a
laptop (one tap per answer where the question allows it), JavaScript off, the emergency and reopening, the
handout download, the accessibility tree, and axe-core with 0 violations on every page type at both sizes."""

from __future__ import annotations

import re

import pytest

from tests.web.formclient import invite
from vettriage.web import invites as inv

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
CALM = ("no", "never", "not at all", "none of these", "as before", "none", "normal", "no medicines or supplements",
        "nothing abnormal", "no, ordinary food", "no lumps")


def new_page(browser, viewport, *, javascript=True):
    ctx = browser.new_context(viewport=viewport, accept_downloads=True, java_script_enabled=javascript)
    ctx.set_default_timeout(15000)
    return ctx, ctx.new_page()


class AxeCheck:
    """axe-core on each kind of page, once per kind: the violations found, by page kind."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.done: dict[str, list] = {}

    def __call__(self, page, kind: str) -> None:
        if kind in self.done:
            return
        result = self.axe.run(page)
        self.done[kind] = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                           for v in result.response["violations"]]


def page_kind(page) -> str:
    path = page.url.split("?")[0].rsplit("/", 2)
    if "/form/q/" in page.url:
        kind = page.locator("form.question").get_attribute("class").split()[-1]
        error = "-error" if page.locator("#q-error").count() else ""
        return f"question-{kind}{error}"
    return path[-1]


def answer_here(page, *, pointer=True) -> bool:
    """Answer the question on screen as a calm owner would; True when it took one tap."""
    radios = page.locator("form.radio input[type=radio]")
    if radios.count():
        labels = [page.locator(f"label[for=a{i + 1}] span").inner_text() for i in range(radios.count())]
        pick = next((i for i, lab in enumerate(labels) if lab.lower() in CALM), 0)
        with page.expect_navigation():
            page.locator(f"label[for=a{pick + 1}]").click()  # one tap: the page's script sends the form
            if not pointer:
                page.get_by_role("button", name="Next").click()
        return pointer
    boxes = page.locator("input[type=checkbox]")
    if boxes.count():
        labels = [page.locator(f"label[for=a{i + 1}] span").inner_text() for i in range(boxes.count())]
        pick = next((i for i, lab in enumerate(labels) if lab.lower() in CALM), boxes.count() - 1)
        page.locator(f"label[for=a{pick + 1}]").click()
    elif page.locator("input[type=number]").count():
        page.locator("input[type=number]").fill(page.locator("input[type=number]").get_attribute("max")[:1] or "1")
    with page.expect_navigation():
        page.get_by_role("button", name="Next").click()
    return False


def run_intake(page, axe, *, pointer=True) -> tuple[int, int]:
    """From the start page to the review: (questions, one-tap answers)."""
    page.get_by_role("link", name=re.compile("Start|Go on")).click()
    questions = taps = 0
    while "/form/q/" in page.url or "/form/emergency" in page.url:
        if "/form/emergency" in page.url:
            page.get_by_role("link", name=re.compile("Finish the questions")).click()
            continue
        axe(page, page_kind(page))
        questions += 1
        taps += answer_here(page, pointer=pointer)
        assert questions < 300
    return questions, taps


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_a_whole_intake_then_the_handout(browser, live, store, catalogue, viewport):
    code, _, intake = invite(store, catalogue, "Rex")
    ctx, page = new_page(browser, viewport)
    axe = AxeCheck()
    try:
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(inv.invite_link(live.url, code))
        axe(page, "start")
        # nothing is wider than the screen (no sideways scrolling on a phone)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        questions, taps = run_intake(page, axe)
        assert "/form/review" in page.url and questions > 20
        assert taps >= questions * 0.6, (taps, questions)  # every single choice takes one tap
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        axe(page, "review")
        page.get_by_role("button", name="Send my answers").click()
        if page.get_by_role("button", name="Finish anyway").count():
            axe(page, "review-confirm")
            page.get_by_role("button", name="Finish anyway").click()
        assert "/form/done" in page.url
        axe(page, "done")
        with page.expect_download() as pdf:
            page.get_by_role("link", name="Save the handout as a PDF").click()
        assert open(pdf.value.path(), "rb").read(5) == b"%PDF-"
        with page.expect_download() as html:
            page.get_by_role("link", name="Save the handout as a web page (HTML)").click()
        assert "Rex" in open(html.value.path(), encoding="utf-8").read()
        page.get_by_role("link", name="Open the handout").click()
        assert "Rex" in page.content()
        assert store.get_intake(intake.id).status == "completed"
        page.goto(live.url + "/form/leave-nothing")
        axe(page, "message")
        assert not errors
    finally:
        ctx.close()
    assert {k: v for k, v in axe.done.items() if v} == {}, axe.done
    assert {"start", "review", "done", "question-radio", "question-checkbox", "question-number",
            "question-text", "message"} <= set(axe.done)


def test_each_question_is_a_labelled_group_with_its_options(browser, live, store, catalogue):
    code, _, _ = invite(store, catalogue, "Rex")
    ctx, page = new_page(browser, PHONE)
    try:
        page.goto(inv.invite_link(live.url, code))
        page.get_by_role("link", name="Start").click()
        for item_id in ("dog_age_years", "rf_breathing", "dog_size"):
            if item_id not in catalogue.items:
                continue
            page.goto(f"{live.url}/form/q/{item_id}")
            item = catalogue.items[item_id]
            group = page.get_by_role("group", name=item.text.owner)
            assert group.count() == 1, item_id
            if item.type in ("yesno", "choice", "scale"):
                from vettriage.intake.session import choices_for

                for c in choices_for(item, catalogue, "owner"):
                    assert group.get_by_role("radio", name=c.label, exact=True).count() == 1, (item_id, c.label)
            else:
                assert group.get_by_role("spinbutton").count() == 1
            snap = page.locator("main").aria_snapshot()
            assert f'group "{item.text.owner}"' in snap
    finally:
        ctx.close()


def test_with_javascript_off_the_whole_intake_still_works(browser, live, store, catalogue):
    code, _, intake = invite(store, catalogue, "Bella")
    ctx, page = new_page(browser, PHONE, javascript=False)
    try:
        page.goto(inv.invite_link(live.url, code))
        questions, taps = run_intake(page, lambda *a: None, pointer=False)
        assert taps == 0 and questions > 20 and "/form/review" in page.url
        page.get_by_role("button", name="Send my answers").click()
        if page.get_by_role("button", name="Finish anyway").count():
            page.get_by_role("button", name="Finish anyway").click()
        assert "/form/done" in page.url and store.get_intake(intake.id).status == "completed"
    finally:
        ctx.close()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_an_emergency_shows_at_once_and_again_on_reopening(browser, live, store, catalogue, viewport):
    code, _, intake = invite(store, catalogue, "Rex")
    axe = AxeCheck()
    ctx, page = new_page(browser, viewport)
    try:
        page.goto(inv.invite_link(live.url, code))
        page.get_by_role("link", name="Start").click()
        page.goto(f"{live.url}/form/review")
        page.get_by_role("button", name="Send my answers").click()  # refused: urgent signs unanswered
        assert "/form/q/rf_" in page.url and page.locator("#q-notice").is_visible()
        axe(page, "question-notice")
        page.goto(f"{live.url}/form/q/dog_age_years")
        page.locator("input[type=number]").fill("99")
        page.get_by_role("button", name="Next").click()
        assert page.locator("#q-error").is_visible()
        axe(page, "question-error")
        assert page.locator("#answer").get_attribute("aria-describedby").endswith("q-error")
        page.goto(f"{live.url}/form/q/rf_breathing")
        with page.expect_navigation():
            page.get_by_role("radio", name="Yes", exact=True).click()
        assert "/form/emergency" in page.url
        axe(page, "emergency")
        call = page.get_by_role("link", name=re.compile("Call Riverside Vets"))
        assert call.get_attribute("href") == "tel:01632960000" and call.is_visible()
        assert catalogue.red_flags["breathing"].action.owner in page.inner_text("main")
    finally:
        ctx.close()
    assert store.get_intake(intake.id).emergency
    ctx, page = new_page(browser, viewport)  # another day: the link opened again
    try:
        page.goto(inv.invite_link(live.url, code))
        assert page.get_by_role("heading", name="This needs a vet now").is_visible()
        assert page.get_by_role("link", name=re.compile("Call Riverside Vets")).get_attribute("href") == \
            "tel:01632960000"
        axe(page, "emergency-reopened")
        store.mark_seen(intake.id, "Sam")
        page.goto(inv.invite_link(live.url, code))
        assert page.get_by_role("heading", name="This needs a vet now").count() == 0
    finally:
        ctx.close()
    assert {k: v for k, v in axe.done.items() if v} == {}, axe.done


def test_the_older_tab_says_it_was_taken_over(browser, live, store, catalogue):
    code, _, _ = invite(store, catalogue, "Rex")
    ctx, page = new_page(browser, PHONE)
    axe = AxeCheck()
    try:
        page.goto(inv.invite_link(live.url, code))
        page.get_by_role("link", name="Start").click()
        other = ctx.browser.new_context(viewport=LAPTOP)
        other.new_page().goto(inv.invite_link(live.url, code))
        page.locator("input[type=number]").fill("9")
        page.get_by_role("button", name="Next").click()
        assert "another tab or on another device" in page.inner_text("main")
        axe(page, "takeover")
        other.close()
    finally:
        ctx.close()
    assert axe.done["takeover"] == []
