"""State lives in the store: two `vettriage serve` processes (one of them with two workers) on one PostgreSQL
database answer one intake between them, request by request, and it stays consistent."""

from __future__ import annotations

import re

import pytest

from tests.store.conftest import PG_BIN, new_pg_database, pg_server  # noqa: F401 (pg_server is a fixture)
from tests.web.conftest import LiveServer, children_of_pid, free_port
from tests.web.formclient import action_of, csrf_of, invite, options_of
from vettriage.store import open_store


@pytest.fixture
def pg_url(request):
    admin = request.getfixturevalue("pg_server")
    if admin is None:
        pytest.skip(f"PostgreSQL server binaries not found in {PG_BIN} (apt-get install postgresql)")
    return new_pg_database(admin)


def test_one_intake_answered_through_two_servers_and_four_workers_stays_consistent(pg_url, catalogue, tmp_path):
    import httpx

    store = open_store(pg_url)
    port_a = free_port()
    public = f"http://127.0.0.1:{port_a}"
    a = LiveServer(pg_url, tmp_path, "--workers", "2", port=port_a)
    b = LiveServer(pg_url, tmp_path, "--workers", "2", "--public-url", public)
    try:
        assert len(children_of_pid(a.proc.pid)) >= 2  # uvicorn's worker processes
        code, _, intake = invite(store, catalogue, "Rex")
        http = httpx.Client(timeout=20)
        servers = [a.url, b.url]
        first = http.get(f"{a.url}/i/{code}")
        assert first.status_code == 200
        page = http.get(f"{b.url}/form", follow_redirects=True)  # the cookie opens it on the other server
        answered = 0
        for n in range(20):  # fewer than the intake holds (a checklist's "none" skips its block): ends on a question
            if "/form/q/" not in str(page.url):
                break
            base = servers[n % 2]
            options = options_of(page.text)
            fields = {"csrf": csrf_of(page.text)}
            if options:
                fields["answer"] = options[-1][0] if 'type="checkbox"' in page.text else options[0][0]
            elif 'type="number"' in page.text:
                fields["answer"] = "3"
            r = http.post(base + action_of(page.text), data=fields, headers={"Origin": public})
            assert r.status_code == 303, (base, r.status_code, r.text[:300])
            answered += "answer" in fields
            nxt = r.headers["location"]
            if nxt.startswith("/form/emergency"):
                em = http.get(servers[(n + 1) % 2] + nxt)
                nxt = re.search(r'class="button" href="([^"]+)"', em.text).group(1).replace("&amp;", "&")
            page = http.get(servers[(n + 1) % 2] + nxt, follow_redirects=True)
        stored = store.get_intake(intake.id)
        assert len(stored.answers) == answered + 1  # each answer once, whichever process took it
        events = [e for e in store.audit(intake.id) if e.item_id != "dog_name"]
        assert len({e.item_id for e in events}) == len(events) == answered  # no answer saved twice
        assert "/form/q/" in str(page.url)
        # the newest session takes over across servers: a page opened on B ends the one opened on A
        other = httpx.Client(timeout=20)
        assert other.get(f"{b.url}/i/{code}").status_code == 200
        late = http.post(a.url + action_of(page.text), data={"csrf": csrf_of(page.text), "answer": "1"},
                         headers={"Origin": public})
        assert late.status_code == 409
        assert len(store.get_intake(intake.id).answers) == answered + 1
    finally:
        a.stop()
        b.stop()
        store.close()
