"""Drives the owners' form in process (Starlette's TestClient): pages parsed with regular expressions, forms
posted as a browser would post them, with the page's Origin and CSRF token."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

BASE = "http://testserver"


def make_client(store_url: str, catalogue: Any, *, idle_timeout: float = 1800, config: Any = None, **kw: Any) -> Any:
    """(TestClient, OwnerForm) on the store at `store_url`."""
    from starlette.testclient import TestClient

    from vettriage.config import Config
    from vettriage.store import open_store
    from vettriage.web.app import OwnerForm, build_app
    from vettriage.web.guard import guarded

    config = config or Config(clinic_name="Riverside Vets", clinic_phone="01632 960000")
    owner = OwnerForm(lambda: open_store(store_url), public_url=BASE, catalogue=catalogue, config=config,
                      idle_timeout=idle_timeout, **kw)
    return TestClient(guarded(build_app(owner), owner), base_url=BASE, follow_redirects=False), owner


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def action_of(page: str) -> str:
    return html.unescape(re.search(r'<form method="post" action="([^"]+)"[^>]*class="question', page).group(1))


def options_of(page: str) -> list[tuple[str, str]]:
    """(value, label) of each radio button or checkbox."""
    return [(v, html.unescape(lab)) for v, lab in
            re.findall(r'name="answer" value="([^"]+)"[^>]*> <span>([^<]*)</span>', page)]


def legend_of(page: str) -> str:
    return html.unescape(re.search(r"<legend><h1>(.*?)</h1></legend>", page).group(1))


def follow(client: Any, response: Any, limit: int = 5) -> Any:
    """Follow 303s (the form's post-redirect-get) to the page."""
    while response.status_code in (302, 303) and limit:
        response = client.get(response.headers["location"])
        limit -= 1
    return response


def post(client: Any, path: str, page: str, data: dict[str, Any] | None = None, *, origin: str = BASE) -> Any:
    """POST a form from `page` (its CSRF token) to `path`."""
    fields = {"csrf": csrf_of(page), **(data or {})}
    return client.post(path, data=fields, headers={"Origin": origin} if origin else {})


def open_link(client: Any, code: str) -> Any:
    """The invitation link, then on to where the owner is."""
    first = client.get(f"/i/{code}")
    assert first.status_code == 200, first.text
    return follow(client, client.get("/form"))


def invite(store: Any, catalogue: Any, name: str, **kw: Any) -> tuple[str, Any, Any]:
    from vettriage.web import invites as inv

    dog = inv.find_or_add_dog(store, name, None)
    return inv.create_invite(store, dog, content_version=catalogue.version, content_hash=catalogue.hash,
                             lifetime=kw.pop("lifetime", dt.timedelta(hours=72)), prefill={"dog_name": name}, **kw)


def answer_all(client: Any, page: Any, pick: Any, limit: int = 300) -> Any:
    """Answer every question with `pick(legend, options, page_text) -> dict of form fields` until the review."""
    for _ in range(limit):
        if "/form/review" in str(page.url) or "Check your answers</h1>" in page.text:
            return page
        if "/form/emergency" in str(page.url):
            page = follow(client, client.get(re.search(r'class="button" href="([^"]+)"', page.text).group(1)))
            continue
        fields = pick(legend_of(page.text), options_of(page.text), page.text)
        page = follow(client, post(client, action_of(page.text), page.text, fields))
    raise AssertionError("never reached the review")
