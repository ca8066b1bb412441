"""The owners' web form's costs against two floors measured in the same run. Prints figures; asserts nothing.

Three servers, each in its own process(es) on 127.0.0.1, each on a fresh SQLite store:
  form     `vettriage serve` (the owners' form: session check in the store, CSRF, the engine's red-flag check,
           the answer saved through IntakeSession, the next page rendered)
  bare     a bare Starlette form under uvicorn: one template, one `store.save_answer` per POST, nothing else
           (the floor: what any form on this stack costs)
  terminal the path this replaced: textual-serve running the Textual owner app, one process per owner
           (only when textual-serve is installed: `pip install .[bench]`)

For each: CPU-ms per answered question (server processes' CPU from /proc over a run of answers; an answer is
the POST and the GET of the next page, or for the terminal the keystrokes, the save and the repaint), memory
per concurrent owner (the server's RSS growth per owner with sessions open; for the terminal the RSS of each
owner's process), and owners each answering every 3 s: the largest number held with p95 (answer to next page
shown, or keypress to answer stored) under 100 ms. The load generator runs in this process on the same cores:
its CPU is printed too. `--quick`: shorter levels and a smaller ramp. Traffic only to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from vettriage.content import load_catalogue
from vettriage.store import open_store
from vettriage.web import invites as inv

TICK = os.sysconf("SC_CLK_TCK")
PERIOD = 3.0
TARGET_MS = 100.0
QUICK = "--quick" in sys.argv[1:]
ONLY = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv[1:-1] else None
"""`--only form|bare|terminal`: measure one of the three (the summary then lacks the others)."""
LEVEL_SECONDS = 9.0 if QUICK else 24.0
FORM_RAMP = [10, 50, 100, 200] if QUICK else [10, 25, 50, 100, 200, 300, 400]
TERMINAL_RAMP = [1, 2, 4, 8] if QUICK else [1, 2, 4, 8, 12, 16]
ANSWERS = 60 if QUICK else 150

BARE_APP = '''
import os
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route
import jinja2
from vettriage.store import open_store

store = open_store(os.environ["BENCH_STORE"])
page = jinja2.Environment(autoescape=True).from_string(
    "<!DOCTYPE html><html lang=en><title>q</title><form method=post><fieldset><legend>{{ q }}</legend>"
    "<input name=answer type=number value='{{ v }}'></fieldset><button>Next</button></form></html>")

async def show(request):
    return HTMLResponse(page.render(q="How old is your dog?", v=""))

async def answer(request):
    form = await request.form()
    intake = int(request.query_params["i"])
    await run_in_threadpool(store.save_answer, intake, "dog_age_years", float(form["answer"]), who="owner")
    return RedirectResponse(f"/q?i={intake}", status_code=303)

app = Starlette(routes=[Route("/q", show), Route("/q", answer, methods=["POST"])])
'''

TERMINAL_APP = '''
import os, uuid
from vettriage.config import Config
from vettriage.content import load_catalogue
from vettriage.intake.starting import start_intake
from vettriage.store import open_store
from vettriage.tui.app import make_app

store = open_store(os.environ["BENCH_STORE"])
cat = load_catalogue()
intake = start_intake(store, cat, "Term" + uuid.uuid4().hex[:8], "owner", dog_id=0)
make_app(store=store, catalogue=cat, config=Config(), intake_id=intake.id, locked=True, mode="owner").run()
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (0 when it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    except (FileNotFoundError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


def children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except FileNotFoundError:
            pass
    return out


def tree(pid: int) -> list[int]:
    """The process and its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children(p)
    return out


def tree_cpu(pid: int) -> float:
    return sum(cpu_seconds(p) for p in tree(pid))


def p95(values: list[float]) -> float:
    s = sorted(values)
    return s[max(0, int(len(s) * 0.95) - 1)] if s else float("nan")


class Server:
    """A server subprocess; ready once it answers HTTP."""

    def __init__(self, argv: list[str], env: dict[str, str], port: int, probe: str) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(argv, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + probe, timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"server {argv} did not start")

    def stop(self) -> None:
        self.proc.send_signal(2)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# -- the form and the bare form: owners as HTTP clients ---------------------------------------------------------
class FormOwner:
    """One owner in the form: opened by the link, answering the age question again and again (each answer is
    saved and moves to the next question, as in the intake; the next answer comes back to the age)."""

    def __init__(self, http: httpx.AsyncClient, base: str, code: str) -> None:
        self.http, self.base, self.code = http, base, code
        self.csrf = ""
        self.n = 0

    async def open(self) -> None:
        await self.http.get(f"{self.base}/i/{self.code}")
        page = await self.http.get(f"{self.base}/form/q/dog_age_years")
        self.csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)

    async def answer(self) -> None:
        self.n += 1
        r = await self.http.post(f"{self.base}/form/q/dog_age_years",
                                 data={"csrf": self.csrf, "answer": str(2 + self.n % 10)},
                                 headers={"Origin": self.base})
        assert r.status_code == 303, r.status_code
        page = await self.http.get(self.base + r.headers["location"])
        assert page.status_code == 200


class BareOwner:
    def __init__(self, http: httpx.AsyncClient, base: str, intake_id: int) -> None:
        self.http, self.base, self.intake_id = http, base, intake_id
        self.n = 0

    async def open(self) -> None:
        await self.http.get(f"{self.base}/q?i={self.intake_id}")

    async def answer(self) -> None:
        self.n += 1
        r = await self.http.post(f"{self.base}/q?i={self.intake_id}", data={"answer": str(2 + self.n % 10)})
        assert r.status_code == 303, r.status_code
        assert (await self.http.get(self.base + r.headers["location"])).status_code == 200


async def measure_http(name: str, server: Server, make_owner) -> dict[str, object]:
    """CPU per answer (one owner, answers back to back), memory per owner, and the every-3-s ramp."""
    out: dict[str, object] = {}
    async with httpx.AsyncClient(timeout=30) as http:
        owner = make_owner(http)
        await owner.open()
        for _ in range(5):
            await owner.answer()  # warm
        cpu0, bench0 = tree_cpu(server.proc.pid), time.process_time()
        for _ in range(ANSWERS):
            await owner.answer()
        out["cpu_ms"] = (tree_cpu(server.proc.pid) - cpu0) / ANSWERS * 1000
        out["bench_ms"] = (time.process_time() - bench0) / ANSWERS * 1000
    rss0 = sum(rss_kib(p) for p in tree(server.proc.pid))
    ramp = []
    for n in FORM_RAMP:
        clients = [httpx.AsyncClient(timeout=30) for _ in range(n)]
        owners = [make_owner(c) for c in clients]
        for o in owners:
            await o.open()
            await o.answer()
        rss = sum(rss_kib(p) for p in tree(server.proc.pid))
        latencies: list[float] = []
        end = time.perf_counter() + LEVEL_SECONDS

        async def run(o) -> None:
            await asyncio.sleep(random.uniform(0, PERIOD))
            while time.perf_counter() < end:
                t0 = time.perf_counter()
                try:
                    await o.answer()
                    latencies.append((time.perf_counter() - t0) * 1000)
                except (httpx.HTTPError, AssertionError):
                    latencies.append(10_000.0)
                await asyncio.sleep(max(0.0, PERIOD - (time.perf_counter() - t0)))

        cpu0, bench0, wall0 = tree_cpu(server.proc.pid), time.process_time(), time.perf_counter()
        await asyncio.gather(*(run(o) for o in owners))
        wall = time.perf_counter() - wall0
        busy = (tree_cpu(server.proc.pid) - cpu0 + time.process_time() - bench0) / (wall * (os.cpu_count() or 1))
        for c in clients:
            await c.aclose()
        ramp.append((n, statistics.median(latencies), p95(latencies), (rss - rss0) / n, busy))
        print(f"  {name}: {n:4d} owners every {PERIOD:g} s: p50 {ramp[-1][1]:6.1f} ms  p95 {ramp[-1][2]:7.1f} ms  "
              f"server RSS +{(rss - rss0) / n:6.1f} KiB per owner  cores busy {busy:.0%}", flush=True)
        if ramp[-1][2] > 5 * TARGET_MS:
            break
    out["ramp"] = ramp
    out["rss_mib"] = rss0 / 1024
    return out


# -- the terminal in the browser -------------------------------------------------------------------------------
class SaveProbe:
    """How many of the bench's terminal intakes have their age answer stored as `age` (read-only SQLite)."""

    def __init__(self, url: str) -> None:
        self.db = sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True, isolation_level=None)

    def count(self, ids: list[int], age: float) -> set[int]:
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT id, json_extract(answers, '$.dog_age_years') FROM intakes WHERE id IN "
                               f"({marks})", ids).fetchall()
        return {i for i, v in rows if v is not None and float(v) == age}

    def close(self) -> None:
        self.db.close()

    def newest(self, n: int) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT id FROM intakes ORDER BY id DESC LIMIT ?", (n,))]


async def measure_terminal(tmp: Path, url: str) -> dict[str, object] | None:
    try:
        import aiohttp
        import textual_serve  # noqa: F401
    except ImportError:
        print("  terminal: textual-serve is not installed (pip install .[bench]): not measured")
        return None
    script = tmp / "terminal_app.py"
    script.write_text(TERMINAL_APP)
    port = free_port()
    runner = tmp / "terminal_serve.py"
    runner.write_text(f"from textual_serve.server import Server\nServer({f'{sys.executable} {script}'!r}, "
                      f"host='127.0.0.1', port={port}).serve()\n")
    open_store(url).close()  # the schema, before the probe opens it read-only
    server = Server([sys.executable, str(runner)], {"BENCH_STORE": url}, port, "/")
    probe = SaveProbe(url)
    out: dict[str, object] = {"ramp": []}
    try:
        async with aiohttp.ClientSession() as http:
            for n in TERMINAL_RAMP:
                sockets = []
                for _ in range(n):
                    ws = await http.ws_connect(f"ws://127.0.0.1:{port}/ws?width=100&height=30",
                                               headers={"Origin": server.base})
                    await painted(ws, b"Don't know")
                    sockets.append(ws)
                await asyncio.sleep(1.0)
                ids = probe.newest(n)
                apps = [p for p in tree(server.proc.pid) if p != server.proc.pid]
                latencies: list[float] = []
                rounds = max(2, int(LEVEL_SECONDS / PERIOD))
                cpu0 = tree_cpu(server.proc.pid)
                for rnd in range(rounds):
                    age = float(rnd % 9 + 2)
                    t0 = time.perf_counter()
                    pending = set(ids)
                    sent = {}
                    order = list(zip(sockets, ids))
                    random.shuffle(order)
                    async def send_all() -> None:
                        for k, (ws, intake_id) in enumerate(order):  # spread over the period, as owners would
                            await asyncio.sleep(PERIOD * 0.5 / max(1, n) if k else 0)
                            sent[intake_id] = time.perf_counter()
                            await ws.send_json(["stdin", f"{int(age)}\r"])

                    sender = asyncio.create_task(send_all())
                    deadline = t0 + 12
                    while pending and time.perf_counter() < deadline:
                        waiting = [i for i in pending if i in sent]
                        for i in probe.count(waiting, age) if waiting else ():
                            latencies.append((time.perf_counter() - sent[i]) * 1000)
                            pending.discard(i)
                        await asyncio.sleep(0.002)
                    await sender
                    latencies += [10_000.0] * len(pending)
                    await asyncio.sleep(0.5)
                    for ws in sockets:
                        await ws.send_json(["stdin", "\x1b[D"])  # back to the age question
                    await asyncio.sleep(max(0.0, PERIOD - (time.perf_counter() - t0)))
                cpu = tree_cpu(server.proc.pid) - cpu0
                per_app = statistics.mean(rss_kib(p) for p in apps) / 1024 if apps else 0.0
                # each round is an answer plus the move back, both repainted: the answer's share is half
                cpu_ms = cpu / (rounds * n) * 1000 / 2
                out["ramp"].append((n, statistics.median(latencies), p95(latencies), per_app, cpu_ms))
                print(f"  terminal: {n:3d} owners every {PERIOD:g} s: p50 {out['ramp'][-1][1]:6.1f} ms  p95 "
                      f"{out['ramp'][-1][2]:7.1f} ms  {per_app:5.1f} MiB per owner  ~{cpu_ms:.0f} CPU-ms per answer",
                      flush=True)
                for ws in sockets:
                    await ws.close()
                await asyncio.sleep(1.0)
                if out["ramp"][-1][2] > 20 * TARGET_MS:
                    break
    finally:
        probe.close()
        server.stop()
    return out


async def painted(ws, needle: bytes, limit: float = 30.0) -> None:
    import aiohttp

    seen = b""
    async with asyncio.timeout(limit):
        while needle not in seen:
            msg = await ws.receive()
            if msg.type == aiohttp.WSMsgType.BINARY:
                seen = (seen + msg.data)[-65536:]
            elif msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                raise RuntimeError("app closed")


def held(ramp: list[tuple]) -> int:
    ok = [row[0] for row in ramp if row[2] < TARGET_MS]
    return max(ok) if ok else 0


async def main() -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores); "
          f"{'quick' if QUICK else 'full'} run", flush=True)
    cat = load_catalogue()
    results = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if ONLY == "terminal":
            results["terminal"] = await measure_terminal(tmp, f"sqlite:///{tmp / 'terminal.db'}")
            return summary(results)
        # the form: vettriage serve, as a clinic runs it
        url = f"sqlite:///{tmp / 'form.db'}"
        store = open_store(url)
        codes = []
        for i in range(max(FORM_RAMP) * 2 + 10):
            dog = store.add_dog(f"Dog{i}")
            code, _, _ = inv.create_invite(store, dog, content_version=cat.version, content_hash=cat.hash,
                                           lifetime=inv.dt.timedelta(hours=2), prefill={"dog_name": f"Dog{i}"})
            codes.append(code)
        (tmp / "empty.toml").write_text("")
        port = free_port()
        # every simulated owner comes from 127.0.0.1: the per-address cap is lifted for the bench
        form = Server([sys.executable, "-m", "vettriage", "serve", "--port", str(port), "--store", url,
                       "--per-address", "10000"],
                      {"VETTRIAGE_CONFIG": str(tmp / "empty.toml")}, port, "/favicon.ico")
        it = iter(codes)
        try:
            results["form"] = await measure_http("form", form, lambda h: FormOwner(h, form.base, next(it)))
        finally:
            form.stop()
            store.close()
        # the bare Starlette form on its own store
        bare_url = f"sqlite:///{tmp / 'bare.db'}"
        bare_store = open_store(bare_url)
        ids = [bare_store.create_intake(bare_store.add_dog(f"B{i}").id, by="owner", mode="owner",
                                        content_version=cat.version, content_hash=cat.hash).id
               for i in range(max(FORM_RAMP) * 2 + 10)]
        bare_store.close()
        (tmp / "bare_app.py").write_text(BARE_APP)
        port = free_port()
        bare = Server([sys.executable, "-m", "uvicorn", "--app-dir", str(tmp), "bare_app:app", "--port", str(port),
                       "--log-level", "warning", "--http", "h11", "--no-access-log"],
                      {"BENCH_STORE": bare_url}, port, "/q?i=1")
        it_ids = iter(ids)
        try:
            results["bare"] = await measure_http("bare", bare, lambda h: BareOwner(h, bare.base, next(it_ids)))
        finally:
            bare.stop()
        results["terminal"] = await measure_terminal(tmp, f"sqlite:///{tmp / 'terminal.db'}")
    summary(results)


def summary(results: dict[str, object]) -> None:
    """The three side by side."""
    print()
    print(f"{'':10} {'CPU-ms/answer':>14} {'memory per owner':>20} {'owners every 3 s, p95 < 100 ms':>32}")
    for name in ("form", "bare", "terminal"):
        r = results.get(name)
        if not r:
            continue
        if name == "terminal":
            ramp = r["ramp"]
            cpu = statistics.median(row[4] for row in ramp) if ramp else float("nan")
            mem = f"{statistics.median(row[3] for row in ramp):.1f} MiB (a process)" if ramp else "-"
        else:
            ramp = r["ramp"]
            cpu = r["cpu_ms"]
            mem = f"{max(0.0, statistics.median(row[3] for row in ramp)):.1f} KiB (store-held)"
        print(f"{name:10} {cpu:14.1f} {mem:>20} {held(ramp):>25d} (ramp {[row[0] for row in ramp]})")
    if "form" in results and "bare" in results:
        f, b = results["form"], results["bare"]
        print(f"form / bare Starlette form: {f['cpu_ms'] / b['cpu_ms']:.2f}x the CPU per answer; "
              f"load generator in this process: {f['bench_ms']:.1f} ms per answer (same cores)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
