"""`vettriage serve` as a process: our headers on every response (the protocol's own 400 included), no code
in any log line, a half-open request closed after the header deadline, a cap on connections per address,
malformed requests closed quietly, 127.0.0.1 unless told."""

from __future__ import annotations

import socket
import time
import urllib.request

import pytest

from tests.web.conftest import LiveServer
from tests.web.formclient import invite
from vettriage.cli import main
from vettriage.web import invites as inv

HEADERS = ("content-security-policy", "referrer-policy", "x-content-type-options", "x-frame-options")


def raw(port: int, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes; (status, headers, body) of the answer (status 0 when closed without one)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        got = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            got += chunk
    if not got:
        return 0, {}, b""
    head, _, body = got.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}
    return int(lines[0].split()[1]), headers, body


def get(port: int, target: str) -> tuple[int, dict[str, str], bytes]:
    return raw(port, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())


def test_long_and_malformed_requests_get_our_headers_and_leave_no_code_in_the_log(live, store, catalogue):
    code, _, _ = invite(store, catalogue, "Rex")
    status, headers, _ = get(live.port, f"/i/{code}?pad={'a' * 10_000}")
    assert status == 414 and all(h in headers for h in HEADERS), headers
    status, headers, _ = raw(live.port, b"GET /i/" + code.encode() + b"?" + b"a" * 70_000 + b" HTTP/1.1\r\n")
    assert status == 400 and all(h in headers for h in HEADERS), headers  # never completed: past h11's limit
    assert headers["server"] == "vettriage"
    status, headers, _ = raw(live.port, b"NOT HTTP AT ALL\r\n\r\n")
    assert status == 400 and all(h in headers for h in HEADERS)
    status, headers, _ = get(live.port, f"/i/{code}")  # the same code, normal length: opens
    assert status == 200 and headers["server"] == "vettriage" and "HttpOnly" in headers["set-cookie"]
    status, headers, _ = get(live.port, "/nothing-here")
    assert status == 404 and all(h in headers for h in HEADERS) and "uvicorn" not in str(headers).lower()
    time.sleep(0.3)
    out = live.output()
    assert "malformed request from 127.0.0.1" in out, out
    assert "GET /i/… 200" in out
    assert code not in out and code[:12] not in out and "a" * 64 not in out
    assert "Traceback" not in out and "Invalid HTTP request" not in out


def test_a_half_open_request_is_closed_after_the_header_deadline(store_url, tmp_path):
    live = LiveServer(store_url, tmp_path, "--header-timeout", "1")
    try:
        with socket.create_connection(("127.0.0.1", live.port), timeout=10) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
            started = time.monotonic()
            assert s.recv(1024) == b""  # closed by the server, without an answer
            assert time.monotonic() - started < 8
        status, _, _ = get(live.port, "/")  # the server itself is fine
        assert status == 404
        assert "did not arrive in 1s" in live.output()
    finally:
        live.stop()


def test_connections_per_address_are_capped(store_url, tmp_path):
    live = LiveServer(store_url, tmp_path, "--per-address", "3")
    held = []
    try:
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", live.port), timeout=10)
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # half-open, holding its place
            held.append(s)
        time.sleep(0.3)
        extra = socket.create_connection(("127.0.0.1", live.port), timeout=10)
        extra.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        try:
            assert extra.recv(1024) == b""  # refused: closed at once
        except ConnectionResetError:
            pass
        extra.close()
        for s in held:
            s.close()
        time.sleep(0.3)
        assert get(live.port, "/")[0] == 404  # the address gets its places back
        assert "too many connections from 127.0.0.1" in live.output()
    finally:
        for s in held:
            s.close()
        live.stop()


def test_favicon_static_and_no_version_anywhere(live, store, catalogue):
    assert f"listening on 127.0.0.1:{live.port}" in live.output()  # loopback unless told otherwise
    with urllib.request.urlopen(live.url + "/favicon.ico", timeout=10) as r:
        assert r.status == 200 and r.headers["Content-Type"].startswith("image/svg+xml")
        assert r.headers["Server"] == "vettriage" and "Content-Security-Policy" in r.headers
    code, _, _ = invite(store, catalogue, "Rex")
    with urllib.request.urlopen(inv.invite_link(live.url, code), timeout=10) as r:
        assert r.headers["Server"] == "vettriage" and r.headers["Referrer-Policy"] == "no-referrer"
        page = r.read().decode()
        assert 'rel="icon"' in page and "/static/form.css" in page and code not in page


def test_listening_beyond_loopback_needs_a_public_url(capsys):
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "--public-url" in err and err.count("\n") == 1
    assert main(["serve", "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err


@pytest.mark.parametrize("flag", ["--header-timeout", "--per-address"])
def test_limits_are_checked(flag, capsys):
    assert main(["serve", flag, "0"]) == 2
    assert flag in capsys.readouterr().err
