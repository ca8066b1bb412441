"""A whole owner intake with the real app in headless Chromium: the last answers, the review, the result and
the handout download are driven in the browser; the store and the server are checked afterwards."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.web.browser import open_owner, wait_until
from tests.web.conftest import invite_for
from vettriage.engine.answers import read_answers_file, visible_items
from vettriage.web import invites as inv

pytest.importorskip("playwright.sync_api")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "arthritis.yaml"
LEFT = 2
"""Questions the owner answers in the browser (the rest are filled in through the store first)."""


def prefill_all_but_last(store, catalogue, intake_id: int, name: str) -> list[str]:
    """Store an example's answers except the last LEFT visible questions; resume there. Returns those ids."""
    answers = dict(read_answers_file(catalogue, EXAMPLE).values)
    answers["dog_name"] = name
    shown = visible_items(catalogue, answers)
    left = shown[-LEFT:]
    for item_id in shown[:-LEFT]:
        if item_id in answers:
            store.save_answer(intake_id, item_id, answers[item_id], who="owner", position=item_id)
    store.set_position(intake_id, left[0])
    return left


def handout_text(path: str) -> str:
    """The words of a downloaded handout, PDF or HTML."""
    data = Path(path).read_bytes()
    if data.startswith(b"%PDF"):
        from pypdf import PdfReader

        return " ".join((page.extract_text() or "") for page in PdfReader(path).pages)
    assert b"<html" in data[:2000].lower(), data[:200]
    return data.decode("utf-8")


def status_of(url: str) -> int:
    """The HTTP status of a plain GET."""
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as err:
        return err.code


def test_owner_finishes_the_intake_and_downloads_the_handout(browser, live, store, catalogue):
    name = "Pepperpot"
    code, invite, intake = invite_for(store, catalogue, name)
    left = prefill_all_but_last(store, catalogue, intake.id, name)
    link = inv.invite_link(live.url, code)
    ctx, page, screen, response = open_owner(browser, link)
    assert response.status == 200
    downloads: list = []
    ctx.on("page", lambda p: p.on("download", lambda d: downloads.append(d)))
    page.on("download", lambda d: downloads.append(d))
    page.wait_for_selector("body.-first-byte")

    # The app resumes at the first question left; "don't know" answers it and moves on.
    first = catalogue.items[left[0]]
    screen.wait_for(" ".join(first.text.owner.split()[:4]))
    page.click("#terminal")
    mark = screen.mark()
    page.keyboard.press("u")
    wait_until(lambda: store.get_intake(intake.id).answers.get(left[0]) == "unknown", what="first answer saved",
               page=page)
    # The last one is free text: type it and press Enter, which saves it and opens the review.
    screen.wait_for(" ".join(catalogue.items[left[1]].text.owner.split()[:4]), since=mark)
    note = "Sleeps more than last year"
    page.keyboard.type(note)
    mark = screen.mark()
    page.keyboard.press("Enter")
    screen.wait_for("Review", since=mark)
    assert store.get_intake(intake.id).answers[left[1]] == note
    assert store.get_intake(intake.id).status == "in_progress"

    mark = screen.mark()
    page.keyboard.press("c")
    # the example leaves a question or two unanswered: finishing anyway is confirmed first
    screen.wait_for("Finish anyway", since=mark)
    mark = screen.mark()
    page.keyboard.press("y")
    shown = screen.wait_for("Handout PDF", since=mark)
    assert f"{name} · urgency:" in shown and "Pain: " in shown  # the result screen, owner wording
    assert "Summary PDF" not in shown  # an owner gets the handout only
    done = store.get_intake(intake.id)
    assert done.status == "completed" and done.assessment is not None

    page.keyboard.press("H")  # the handout as PDF
    wait_until(lambda: downloads, timeout=30, what="the handout download", page=page)
    download = downloads[0]
    assert download.suggested_filename.endswith(".pdf") and "handout" in download.suggested_filename
    text = handout_text(download.path())
    assert name in text and "examined by a vet" in " ".join(text.split())

    # The owner leaves: the app ends, the invitation is used up, and the link opens nothing any more.
    ctx.close()
    wait_until(lambda: not live.children(), what="the app process to end")
    wait_until(lambda: next(i for i in store.list_invites() if i.id == invite.id).used, what="invitation used")
    assert inv.invite_state(next(i for i in store.list_invites() if i.id == invite.id)) == "used"
    before = live.output().count("GET /ws/")
    assert status_of(link) == 403
    ctx2, page2, _, again = open_owner(browser, link)
    assert again.status == 403 and page2.query_selector("#terminal") is None
    ctx2.close()
    assert live.children() == [] and live.output().count("GET /ws/") == before
