"""The floor of bench/web.py: the owners' form's job done with bare Starlette and Jinja2. Not part of the package.

Run by uvicorn (`web_floor:app`, BENCH_WALK=walk.json BENCH_DB=floor.db): the pages of the bench's walk (the
questions ours asks a calm dog, each with the context ours renders it with) rendered per request from the
package's own templates (the same template, the same page size), a POST that writes one row to SQLite (WAL,
synchronous=FULL, one write at a time, as our store) and redirects to the next question. No session, no CSRF
check, no engine: what any form on this stack costs.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from importlib.resources import files

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

WALK = json.loads(open(os.environ["BENCH_WALK"]).read())
PAGES = {p["id"]: p for p in WALK}
NEXT = {p["id"]: (WALK[n + 1]["id"] if n + 1 < len(WALK) else None) for n, p in enumerate(WALK)}
env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(files("vettriage.web") / "templates")),
                         autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
db = sqlite3.connect(os.environ["BENCH_DB"], isolation_level=None, check_same_thread=False)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
db.execute("CREATE TABLE IF NOT EXISTS answers (id INTEGER PRIMARY KEY, owner TEXT, item TEXT, value TEXT)")
lock = threading.Lock()


def save(owner: str, item: str, value: str) -> None:
    with lock:
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO answers (owner, item, value) VALUES (?, ?, ?)", (owner, item, value))
        db.execute("COMMIT")


def page(template: str, **context: object) -> HTMLResponse:
    return HTMLResponse(env.get_template(template).render(**context))


async def invite(request: Request) -> Response:
    response = page("message.html", title="Before your visit", text="Start", clinic=WALK[0]["context"]["clinic"],
                    csrf="")
    response.set_cookie("owner", request.path_params["code"], httponly=True, samesite="strict")
    return response


async def resume(request: Request) -> Response:
    return RedirectResponse(f"/form/q/{WALK[0]['id']}", status_code=303)


async def question(request: Request) -> Response:
    p = PAGES[request.path_params["item"]]
    return page(p["template"], **p["context"])


async def answer(request: Request) -> Response:
    form = await request.form()
    item = request.path_params["item"]
    await run_in_threadpool(save, request.cookies.get("owner", ""), item, "|".join(
        f"{k}={v}" for k, v in form.multi_items() if k != "csrf"))
    nxt = NEXT[item]
    return RedirectResponse(f"/form/q/{nxt}" if nxt else "/form/review", status_code=303)


async def review(request: Request) -> Response:
    return page("message.html", title="Check all answers", text="The end of the walk.",
                clinic=WALK[0]["context"]["clinic"], csrf="")


app = Starlette(routes=[Route("/i/{code}", invite), Route("/form", resume), Route("/form/review", review),
                        Route("/form/q/{item}", question, methods=["GET"]),
                        Route("/form/q/{item}", answer, methods=["POST"])])
