"""The owners' web form under a crowd of owners paced like people, against a floor measured in the same run.
Prints figures; asserts nothing.

Two servers, each a process on 127.0.0.1 with a fresh SQLite store, both up for the whole run:
  form   `vettriage serve`, as a clinic runs it (the session checked in the store, Origin and CSRF, the answer
         saved through IntakeSession with the engine's red-flag check, the next page rendered)
  floor  bench/web_floor.py under uvicorn (h11, as ours): the same pages rendered per request from the package's
         own templates with the context ours gives them (the same template, the same page size), a POST that
         writes one row to SQLite (WAL, synchronous=FULL) and redirects to the next question

Each simulated owner opens their own link and answers the questionnaire as a person does: reads the page,
thinks for a random 2-6 s (`--think`), answers the question on it (a calm dog's answers: "No", the first
option, "None of these", a small number, the text already there) and presses Next. The figure is the time
from the POST of the answer to the next page received in full (the 303 followed as a browser does, the HTML
read to its end). N owners (10, 50, 100: `--crowds`) answer for a fixed period (`--seconds`), first on one
server then on the other (the order alternating by N), each N on fresh links; an owner who reaches the review
opens a new link. Median and p95 per N, with the floor's and their ratios; and the servers' CPU per answer
(the process's user+system time over the period / answers: the POST and the page after it), with its floor.
The load generator runs in this process on the same cores: its CPU per answer is printed too, and the
machine's load average at the start and the end. Traffic only to 127.0.0.1.

Run: .venv/bin/python bench/web.py [--seconds S] [--crowds 10,50,100] [--think 2-6]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import html
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
TICK = os.sysconf("SC_CLK_TCK")
TOKEN = "0" * 64
"""The floor's CSRF field (it checks none): the page holds one as ours does."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(x) for x in (task / "children").read_text().split()]
            except FileNotFoundError:
                pass
    return out


def tree_cpu(pid: int) -> float:
    """User + system CPU seconds of the process and its children so far."""
    total = 0.0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(") ", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICK
        except (FileNotFoundError, IndexError):
            pass
    return total


def rss_mib(pid: int) -> float:
    total = 0
    for p in tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def p95(xs: list[float]) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))] if s else float("nan")


class Server:
    """A server subprocess; ready once it answers HTTP."""

    def __init__(self, argv: list[str], env: dict[str, str], port: int, probe: str) -> None:
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


# -- an owner, as a browser --------------------------------------------------------------------------------------
FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*class="question ([a-z ]+)"')
CSRF = re.compile(r'name="csrf" value="([^"]*)"')
CHOICE = re.compile(r'<input type="(radio|checkbox)" id="[^"]+" name="answer" value="([^"]+)"([^>]*)> '
                    r'<span>([^<]*)</span>')
NUMBER = re.compile(r'<input class="field" type="number"[^>]* min="([^"]+)" max="([^"]+)" value="([^"]*)"')
DATE = re.compile(r'<input class="field" type="date"[^>]* value="([^"]*)"')
TEXT = re.compile(r'<textarea class="field"[^>]*>([^<]*)</textarea>', re.S)


def calm_answer(page: str) -> tuple[str, list[tuple[str, str]]] | None:
    """(where the form posts, its fields) for the question on `page`, as a calm dog's owner answers it; None
    when the page is not a question (the review: the walk is over)."""
    form = FORM.search(page)
    if form is None:
        return None
    action, kind = html.unescape(form.group(1)), form.group(2)
    fields = [("csrf", CSRF.search(page).group(1))]  # type: ignore[union-attr]
    if "screen" in kind:
        return action, fields + [("action", "none")]
    choices = CHOICE.findall(page)
    if choices:
        labels = {html.unescape(label): value for _, value, _, label in choices}
        exclusive = [value for _, value, attrs, _ in choices if "data-exclusive" in attrs]
        pick = labels.get("No") or (exclusive[0] if exclusive else choices[0][1])
        fields.append(("answer", pick))
    elif (m := NUMBER.search(page)) is not None:
        lo, hi, shown = float(m.group(1)), float(m.group(2)), m.group(3)
        fields.append(("answer", shown or (f"{1:g}" if lo <= 1 <= hi else f"{lo:g}")))
    elif (m := DATE.search(page)) is not None:
        fields.append(("answer", m.group(1) or "2024-01-15"))
    elif (m := TEXT.search(page)) is not None:
        fields.append(("answer", html.unescape(m.group(1)) or "bench"))
    return action, fields + [("action", "next")]


class Owner:
    """One owner's browser: their own cookies, their link, the page on screen."""

    def __init__(self, base: str, links: list[str]) -> None:
        self.base, self.links = base, links
        self.http = httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=True,
                                      headers={"Origin": base})
        self.page = ""
        self.sizes: list[int] = []
        self.screen = False
        """The last answer was a grouped emergency page ("None of these"), not one question."""

    async def open(self) -> None:
        await self.http.get(self.links.pop())
        self.page = (await self.http.get("/form")).text

    async def answer(self) -> float | None:
        """Answer the question on screen; ms from the POST to the next page read in full (None: a new link
        was opened instead, the last one being at its review)."""
        todo = calm_answer(self.page)
        if todo is None:
            await self.open()
            return None
        data: dict[str, list[str]] = {}
        for key, value in todo[1]:
            data.setdefault(key, []).append(value)
        self.screen = 'class="question screen"' in self.page
        t0 = time.perf_counter()
        r = await self.http.post(todo[0], data=data)
        self.page = r.text  # httpx has read the whole body, after following the 303 with a GET
        took = (time.perf_counter() - t0) * 1000
        self.sizes.append(len(r.content))
        if r.status_code != 200:
            raise RuntimeError(f"{todo[0]}: status {r.status_code}: {self.page[:300]}")
        return took

    async def close(self) -> None:
        await self.http.aclose()


async def crowd(server: Server, links: list[str], n: int, seconds: float, think: tuple[float, float],
                ) -> dict[str, Any]:
    """n owners answering for `seconds`, each after a think time; their latencies and the CPU per answer."""
    owners = [Owner(server.base, links) for _ in range(n)]
    for o in owners:
        await o.open()
    rss = rss_mib(server.proc.pid)
    times: list[float] = []
    screens: list[float] = []
    questions: list[float] = []
    errors: list[str] = []
    end = time.perf_counter() + seconds

    async def run(o: Owner) -> None:
        await asyncio.sleep(random.uniform(0, think[1]))  # owners did not all open their link at once
        while time.perf_counter() < end:
            try:
                took = await o.answer()
            except (httpx.HTTPError, RuntimeError) as exc:
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
                took = None
            if took is not None:
                times.append(took)
                (screens if o.screen else questions).append(took)
            await asyncio.sleep(random.uniform(*think))

    cpu0, own0 = tree_cpu(server.proc.pid), time.process_time()
    await asyncio.gather(*(run(o) for o in owners))
    cpu = tree_cpu(server.proc.pid) - cpu0
    own = time.process_time() - own0
    sizes = [b for o in owners for b in o.sizes]
    for o in owners:
        await o.close()
    if errors:
        print(f"    {len(errors)} errors, e.g. {errors[0]}", flush=True)
    answers = max(1, len(times))
    return {"times": times, "screens": screens, "questions": questions, "cpu_ms": cpu / answers * 1000, "own_ms": own / answers * 1000, "rss": rss,
            "bytes": statistics.mean(sizes) if sizes else 0.0}


# -- the walk the floor serves -----------------------------------------------------------------------------------
def jsonable(x: Any) -> Any:
    if dataclasses.is_dataclass(x):
        return {f.name: jsonable(getattr(x, f.name)) for f in dataclasses.fields(x)}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items()}
    return x


def floor_walk(catalogue: Any, store: Any, clinic: dict[str, str]) -> list[dict[str, Any]]:
    """The pages a calm dog's owner sees in our form, each with the context ours renders it with (a headless
    owner-mode session on a store of its own, answered as `calm_answer` answers)."""
    from vettriage.content.models import UNKNOWN
    from vettriage.intake.session import IntakeSession
    from vettriage.intake.starting import start_intake
    from vettriage.web import form as forms

    s = IntakeSession(catalogue, store, start_intake(store, catalogue, "Bench", "owner"), "owner")
    pages: list[dict[str, Any]] = []
    for _ in range(1000):
        item, cat = s.item, catalogue
        p = s.progress()
        section = next(x for x in cat.sections if x.id == cat.section_of[item.id])
        intro = section.intro.for_mode("owner") if section.intro and p.question_index == 1 else ""
        prev = s.visible.index(s.screen_items()[0])
        back = f"/form/q/{s.visible[s.previous_index()]}" if prev > 0 else ""
        common = {"clinic": clinic, "csrf": TOKEN, "progress": jsonable(p), "intro": intro, "notice": "",
                  "back_url": back, "emergency": False, "dog": s.dog_name}
        if s.screen is not None:
            ids = s.screen_items()
            signs = []
            for i in ids:
                it = cat.items[i]
                options = list(forms.control_for(it, cat, None, "owner").options)
                if it.allow_unknown:
                    options.append(forms.Option(forms.UNKNOWN_FIELD, "Don't know", False))
                signs.append({"id": i, "field": forms.screen_field(i), "question": it.text.for_mode("owner"),
                              "help": it.help.for_mode("owner") if it.help else "", "options": jsonable(options),
                              "error": ""})
            context = {**common, "title": s.screen.title.for_mode("owner"),
                       "heading": s.screen.title.for_mode("owner"), "signs": signs, "first": p.question_index,
                       "last": p.question_index + len(ids) - 1, "errors": "", "action": f"/form/q/{ids[0]}",
                       "none_of_these": True}
            pages.append({"id": ids[0], "template": "screen.html", "context": context})
            s.answer_screen_none()
        else:
            stored = s.answers.get(item.id)
            control = forms.control_for(item, cat, stored, "owner")
            context = {**common, "title": item.text.for_mode("owner"), "item": {"id": item.id},
                       "question": item.text.for_mode("owner"),
                       "help": item.help.for_mode("owner") if item.help else "", "control": jsonable(control),
                       "error": "", "action": f"/form/q/{item.id}", "dont_know": item.allow_unknown,
                       "answered_unknown": stored == UNKNOWN}
            pages.append({"id": item.id, "template": "question.html", "context": context})
            if stored is None:
                from vettriage.intake.session import choices_for

                if item.type in ("scale", "yesno", "choice", "multi"):
                    cs = choices_for(item, cat, "owner")
                    pick = next((c for c in cs if c.value is False or c.value == "none"), cs[0])
                    value: Any = [pick.value] if item.type == "multi" else pick.value
                elif item.type in ("number", "months"):
                    value = 1.0 if item.min <= 1 <= item.max else float(item.min)
                else:
                    value = "2024-01-15" if item.type == "date" else "bench"
                if s.answer(value).new_red_flags:
                    raise RuntimeError(f"the calm answer to {item.id} raises a red flag")
        nxt = s.next_stop()
        if nxt is None:
            return pages
        s.go(s.visible.index(nxt), remember=False)
    raise RuntimeError("the walk did not end")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=40.0, help="how long each crowd answers, per server")
    ap.add_argument("--crowds", default="10,50,100", help="the numbers of owners, comma-separated")
    ap.add_argument("--think", default="2-6", help="an owner's think time between answers, MIN-MAX seconds")
    args = ap.parse_args()
    crowds = [int(x) for x in args.crowds.split(",")]
    think = tuple(float(x) for x in args.think.split("-"))
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)",
          flush=True)
    import vettriage
    from vettriage.config import Config
    from vettriage.content import load_catalogue
    from vettriage.store import open_store
    from vettriage.web import invites as inv

    print(f"vettriage from {Path(vettriage.__file__).parent.parent}; {args.seconds:g} s per crowd, think "
          f"{args.think} s", flush=True)
    cat = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "empty.toml").write_text("")
        os.environ["VETTRIAGE_CONFIG"] = str(tmp / "empty.toml")
        url = f"sqlite:///{tmp / 'form.db'}"
        store = open_store(url)
        links_needed = sum(crowds) * 3 + 20
        ours_links = []
        for i in range(links_needed):
            dog = store.add_dog(f"Dog{i}")
            code, _, _ = inv.create_invite(store, dog, content_version=cat.version, content_hash=cat.hash,
                                           lifetime=dt.timedelta(hours=3), prefill={"dog_name": f"Dog{i}"})
            ours_links.append(f"/i/{code}")
        walk_store = open_store(f"sqlite:///{tmp / 'walk.db'}")
        config = Config()
        phone = (config.clinic_phone or "").strip()
        clinic = {"name": config.clinic_name, "phone": phone, "tel": f"tel:{phone}" if phone else "",
                  "address": config.clinic_address or "", "contact": ""}
        walk = floor_walk(cat, walk_store, clinic)
        walk_store.close()
        (tmp / "walk.json").write_text(json.dumps(walk))
        floor_links = [f"/i/F{i}" for i in range(links_needed)]
        port = free_port()
        # every simulated owner comes from 127.0.0.1: the per-address cap is lifted for the bench
        form = Server([sys.executable, "-m", "vettriage", "serve", "--port", str(port), "--store", url,
                       "--per-address", "10000"], {}, port, "/favicon.ico")
        port = free_port()
        floor = Server([sys.executable, "-m", "uvicorn", "--app-dir", str(HERE), "web_floor:app", "--port",
                        str(port), "--log-level", "warning", "--http", "h11", "--no-access-log"],
                       {"BENCH_WALK": str(tmp / "walk.json"), "BENCH_DB": str(tmp / "floor.db")}, port,
                       f"/form/q/{walk[0]['id']}")
        servers = {"form": (form, ours_links), "floor": (floor, floor_links)}
        print(f"the walk: {len(walk)} pages; a page of ours {len(walk[1]['context'])} fields of context", flush=True)
        results: dict[tuple[str, int], dict[str, Any]] = {}
        try:
            for k, n in enumerate(crowds):
                order = ["form", "floor"] if k % 2 == 0 else ["floor", "form"]
                for name in order:
                    server, links = servers[name]
                    r = crowd(server, links, n, args.seconds, think)  # type: ignore[arg-type]
                    results[(name, n)] = asyncio.run(r)
                    t = results[(name, n)]["times"]
                    print(f"  {name:5} {n:4d} owners: {len(t):5d} answers, median {statistics.median(t):6.1f} ms, "
                          f"p95 {p95(t):6.1f} ms, server {results[(name, n)]['cpu_ms']:5.1f} CPU-ms per answer, "
                          f"server RSS {results[(name, n)]['rss']:.0f} MiB, pages {results[(name, n)]['bytes']:.0f} B on average",
                          flush=True)
        finally:
            form.stop()
            floor.stop()
            store.close()
    print()
    print("answer POSTed -> next page received in full, ours (vettriage serve) against the floor (bare Starlette+Jinja2):")
    for n in crowds:
        o, f = results[("form", n)], results[("floor", n)]
        om, op, fm, fp = (statistics.median(o["times"]), p95(o["times"]), statistics.median(f["times"]),
                          p95(f["times"]))
        print(f"  {n:4d} owners: median {om:6.1f} ms (floor {fm:6.1f}) {om / fm:5.2f}x   p95 {op:6.1f} ms "
              f"(floor {fp:6.1f}) {op / fp:5.2f}x   answers {len(o['times'])}/{len(f['times'])}")
    for label, key in (("one question a page", "questions"), ("a grouped emergency page, None of these", "screens")):
        print(f"  of which {label}:")
        for n in crowds:
            o, f = results[("form", n)][key], results[("floor", n)][key]
            if o and f:
                print(f"    {n:4d} owners: median {statistics.median(o):6.1f} ms (floor {statistics.median(f):6.1f}) "
                      f"{statistics.median(o) / statistics.median(f):5.2f}x   p95 {p95(o):6.1f} ms (floor "
                      f"{p95(f):6.1f}) {p95(o) / p95(f):5.2f}x   answers {len(o)}/{len(f)}")
    print("server CPU-ms per answer (the POST and the next page), ours against the floor:")
    for n in crowds:
        o, f = results[("form", n)], results[("floor", n)]
        print(f"  {n:4d} owners: {o['cpu_ms']:6.2f} ms (floor {f['cpu_ms']:6.2f}) {o['cpu_ms'] / f['cpu_ms']:5.2f}x"
              f"   load generator {o['own_ms']:.1f} / {f['own_ms']:.1f} ms per answer (same cores)")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
