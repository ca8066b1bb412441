"""What `vettriage serve` says to anyone: no code in any log line whatever the request's length, our headers
on every response (aiohttp's own 400 included), no server version, a favicon."""

from __future__ import annotations

import socket
import urllib.request

from tests.web.conftest import invite_for
from vettriage.web import invites as inv

HEADERS = ("content-security-policy", "referrer-policy", "x-content-type-options", "x-frame-options")


def raw_get(port: int, target: str) -> tuple[int, dict[str, str]]:
    """Send one GET with exactly this request target; (status, headers) of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in head[1:] if ":" in line)}
    return status, headers


def test_a_10kb_request_line_logs_no_code_and_gets_our_headers(live, store, catalogue):
    code, _, _ = invite_for(store, catalogue, "Rex")
    status, headers = raw_get(live.port, f"/i/{code}?pad={'a' * 10_000}")
    assert status == 400
    assert all(h in headers for h in HEADERS), headers
    assert headers["server"] == "vettriage"
    status, headers = raw_get(live.port, f"/i/{code}")  # the same code, normal length: opens
    assert status == 200 and headers["server"] == "vettriage"
    status, headers = raw_get(live.port, "/ws/" + "T" * 9000)  # a ticket-shaped path, too long
    assert status == 400 and all(h in headers for h in HEADERS)
    status, headers = raw_get(live.port, "/nothing-here")
    assert status == 404 and all(h in headers for h in HEADERS) and headers["server"] == "vettriage"
    out = live.output()
    assert "bad request from 127.0.0.1" in out, out
    assert code not in out and code[:12] not in out and "T" * 32 not in out
    assert "aiohttp" not in out and "Traceback" not in out


def test_favicon_and_no_version_anywhere(live, store, catalogue):
    with urllib.request.urlopen(live.url + "/favicon.ico", timeout=10) as r:
        assert r.status == 200 and r.headers["Content-Type"].startswith("image/svg+xml")
        assert r.headers["Server"] == "vettriage" and "Content-Security-Policy" in r.headers
        assert b"<svg" in r.read()
    code, _, _ = invite_for(store, catalogue, "Rex")
    with urllib.request.urlopen(inv.invite_link(live.url, code), timeout=10) as r:
        assert r.headers["Server"] == "vettriage"
        assert 'rel="icon"' in r.read().decode()
