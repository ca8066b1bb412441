"""The owners' web form: a Starlette application of server-rendered pages, one question a page.

Routes (nothing else exists; no desk, no other intake, no other command):
  GET  /i/{code}            the invitation link: opens the intake's one session (taking over any other), sets
                            the session cookie and shows the start page (or the emergency page first)
  GET  /form                where the owner is: the emergency page, the current question, or the result
  GET  /form/q/{item}       one question; POST saves its answer (the session's `answer_item`, one store
                            transaction, as the terminal app) and goes on
  GET  /form/review         every answer, each with a link to change it; POST /form/complete completes
  GET  /form/emergency      the emergency: the clinic's phone as a tel: link, what to do now
  GET  /form/done           what happens next, and the handout: /form/handout.html, /form/handout.pdf
  POST /form/leave          save and leave: the session ends
  GET  /static/form.css, /static/form.js, /favicon.ico

Every POST must come from the public URL's Origin and carry the session's CSRF token. The session lives in the
store (vettriage.web.state), so any worker serves any request. Store calls run on a worker's store threads
(`OwnerForm.call`) so the event loop never waits on the database.
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from importlib.resources import files
from typing import Any, Callable
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from vettriage.content.models import UNKNOWN
from vettriage.intake.session import IntakeSession, RedFlagsUnanswered
from vettriage.intake.words import DEFAULT_CONTACT, GAPS_WARNING, red_flags_unanswered
from vettriage.web import form as forms
from vettriage.web import invites as inv
from vettriage.web import state
from vettriage.web.limits import FailureLimiter
from vettriage.web.origin import origin_of
from vettriage.web.pages import REFUSAL_TEXT, REFUSAL_TITLE, STATUS

log = logging.getLogger("vettriage.web")

IDLE_TIMEOUT = 30 * 60.0
GUESSES = {"missing", "unknown"}
"""Refusals that count against an address: a code that is not one of ours. A real link that no longer works
(expired, revoked) is an owner with an old link, not a guess."""
MAX_FORM = 16 * 1024


class OwnerForm:
    """The application's state: settings, the store (one per worker process), the content and templates."""

    def __init__(self, store_factory: Callable[[], Any], *, public_url: str, catalogue: Any = None,
                 config: Any = None, idle_timeout: float = IDLE_TIMEOUT, trust_forwarded: bool = False,
                 fail_limit: int = 10, fail_window: float = 600.0) -> None:
        self.store_factory = store_factory
        self.public_url = public_url.rstrip("/")
        self.origin = origin_of(self.public_url)
        self.secure = self.public_url.startswith("https://")
        self._catalogue = catalogue
        self._config = config
        self.idle_timeout = idle_timeout
        self.trust_forwarded = trust_forwarded
        self.limiter = FailureLimiter(fail_limit, fail_window)
        self._store: Any = None
        self._pool = ThreadPoolExecutor(max_workers=STORE_THREADS, thread_name_prefix="vettriage-store")

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(*args)` (store work and the page it leads to) on this worker's store threads, so that the
        event loop never waits on the database."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    # -- what every request needs ---------------------------------------------------------------------------
    @property
    def store(self) -> Any:
        """The store, opened on first use in this process (each worker has its own connections)."""
        if self._store is None:
            self._store = SerialWrites(self.store_factory())
        return self._store

    @property
    def catalogue(self) -> Any:
        """The content, loaded once per process (packs from the environment, as `serve` hands them)."""
        if self._catalogue is None:
            from vettriage.content import load_catalogue

            self._catalogue = load_catalogue()
        return self._catalogue

    @property
    def config(self) -> Any:
        """The clinic's settings (name, phone, address) for the pages and the handout."""
        if self._config is None:
            from vettriage.config import load_config

            self._config = load_config()
        return self._config

    @cached_property
    def templates(self) -> Any:
        """The page templates, autoescaped: owner-typed text is always escaped."""
        import jinja2

        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(files("vettriage.web") / "templates")),
                                 autoescape=True, trim_blocks=True, lstrip_blocks=True,
                                 undefined=jinja2.StrictUndefined)
        return env

    def client_address(self, request: Request) -> str:
        """The owner's address: the peer, or the proxy's X-Forwarded-For entry when told to trust it."""
        peer = request.client.host if request.client else "unknown"
        if self.trust_forwarded and peer in ("127.0.0.1", "::1"):
            last = request.headers.get("x-forwarded-for", "").split(",")[-1].strip()
            if last:
                return last
        return peer

    def clinic(self) -> dict[str, Any]:
        """The clinic as the pages show it."""
        c = self.config
        phone = (c.clinic_phone or "").strip()
        dial = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
        return {"name": c.clinic_name, "phone": phone, "tel": f"tel:{dial}" if dial else "",
                "address": c.clinic_address or "", "contact": c.emergency_contact() if c else DEFAULT_CONTACT}

    # -- responses -----------------------------------------------------------------------------------------
    def page(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A rendered page."""
        context.setdefault("clinic", self.clinic())
        context.setdefault("csrf", "")
        html = self.templates.get_template(template).render(**context)
        return HTMLResponse(html, status_code=status)

    def refuse(self, reason: str, status: int | None = None, **headers: str) -> HTMLResponse:
        """A short page saying why (no details an attacker could use)."""
        response = self.page("message.html", STATUS.get(reason, 404) if status is None else status,
                             title=REFUSAL_TITLE.get(reason, "Pre-visit questionnaire"),
                             text=REFUSAL_TEXT.get(reason, REFUSAL_TEXT["not_found"]), reason=reason)
        response.headers.update(headers)
        if reason in ("left", "expired", "revoked", "used", "unknown"):
            response.delete_cookie(state.COOKIE, path="/", httponly=True, samesite="strict", secure=self.secure)
        return response

    def session_for(self, intake_id: int) -> IntakeSession:
        """The intake's session as stored now (every request starts from the store: no memory between them),
        with the intake's status and stored position beside it."""
        intake = self.store.get_intake(intake_id)
        s = IntakeSession(self.catalogue, self.store, intake, "owner")
        s.status = intake.status  # type: ignore[attr-defined]
        s.position = intake.position  # type: ignore[attr-defined]
        return s

    # -- checks --------------------------------------------------------------------------------------------
    async def verdict(self, request: Request) -> state.Verdict:
        """What the request's session cookie opens now."""
        cookie = request.cookies.get(state.COOKIE)
        return await self.call(state.check_session, self.store, cookie, self.idle_timeout)

    async def posted(self, request: Request) -> tuple[state.Verdict, Any] | Response:
        """A POST's session and form, after the Origin check and the CSRF token; else the refusal page."""
        origin = request.headers.get("origin")
        if origin is None or origin_of(origin) != self.origin:
            return self.refuse("origin")
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_FORM):
            return self.refuse("too_large")
        verdict = await self.verdict(request)
        if not verdict.ok:
            return self.refuse(verdict.reason or "nosession")
        try:
            data = await request.form(max_files=0, max_fields=200, max_part_size=MAX_FORM)
        except Exception:
            return self.refuse("bad_request")
        if not state.csrf_ok(verdict.token or "", data.get("csrf") if isinstance(data.get("csrf"), str) else None):
            return self.refuse("csrf")
        return verdict, data


STORE_THREADS = 2
"""Threads per worker for store work: one request's commit (an fsync: SQLite runs synchronous=FULL) overlaps
another's reading and rendering. Not more than the store keeps connections for (store.db.POOL_SIZE): a thread
beyond them would open and close a connection on every call."""
WRITES = frozenset({"save_answer", "save_answers", "set_position", "mark_emergency", "withdraw_emergency",
                    "complete", "mark_seen"})


class SerialWrites:
    """The store, with this process's write transactions taken one at a time under a lock: they would
    otherwise meet at SQLite's write lock, whose busy handler waits in sleeps of up to tens of milliseconds.
    Reads (WAL) go on beside them. Other processes and machines are ordered by the database as before."""

    def __init__(self, store: Any) -> None:
        import threading

        self._store = store
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._store, name)
        if name not in WRITES:
            return value

        def write(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return value(*args, **kwargs)

        return write

    def run(self, fn: Callable[..., Any], *, write: bool = False) -> Any:
        """The store's `run`, a write one under the lock."""
        if not write:
            return self._store.run(fn)
        with self._lock:
            return self._store.run(fn, write=True)


def _from(request: Request) -> str:
    """Where a question was opened from, when it changes what comes next: the review or a refused completion."""
    value = request.query_params.get("from", "")
    return value if value in ("review", "complete") else ""


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _q(item_id: str, *query: str) -> str:
    q = "&".join(x for x in query if x)
    return f"/form/q/{quote(item_id)}" + (f"?{q}" if q else "")


def build_app(owner: OwnerForm) -> Starlette:
    """The ASGI application for `owner`'s settings."""

    # -- the link ------------------------------------------------------------------------------------------
    async def invite(request: Request) -> Response:
        address = owner.client_address(request)
        code = request.path_params["code"]
        try:
            access = await owner.call(inv.check_code, owner.store, code)
        except Exception:
            log.exception("store unavailable while checking a code")
            return owner.refuse("busy", **{"Retry-After": "30"})
        if not access.ok:
            reason = access.reason or "unknown"
            if reason in GUESSES:
                if owner.limiter.blocked(address):
                    return owner.refuse("limited", **{"Retry-After": str(owner.limiter.retry_after(address))})
                owner.limiter.fail(address)
            return owner.refuse(reason)
        assert access.intake_id is not None and access.invite_id is not None

        def opened() -> tuple[str, Any, dict[str, Any]]:
            token = state.open_session(owner.store, access.intake_id)
            verdict = state.check_session(owner.store, state.cookie_value(access.invite_id, token), owner.idle_timeout)
            return token, owner.session_for(access.intake_id), verdict.web or {}

        token, s, web = await owner.call(opened)
        response = await owner.call(start_page, s, web, token)
        response.set_cookie(state.COOKIE, state.cookie_value(access.invite_id, token), path="/", httponly=True,
                            samesite="strict", secure=owner.secure)
        # the code is in this page's address: it must never leave in a Referer, not even to this server
        response.headers["referrer-policy"] = "no-referrer"
        return response

    def start_page(s: IntakeSession, web: dict[str, Any], token: str) -> Response:
        if s.emergency and state.emergency_unseen(web):
            return emergency_page(s, token, first=True)
        if s.status != "in_progress":
            return done_page(s, token)
        resumed = bool(set(s.answers) - {"dog_name"})
        return owner.page("start.html", title="Pre-visit questionnaire", dog=s.dog_name, resumed=resumed,
                          answered=len([i for i in s.visible if i in s.answers]), total=len(s.visible),
                          next_url="/form")

    # -- where the owner is --------------------------------------------------------------------------------
    async def resume(request: Request) -> Response:
        verdict = await owner.verdict(request)
        if not verdict.ok:
            return owner.refuse(verdict.reason or "nosession")

        def where() -> Response:
            s = owner.session_for(verdict.intake_id)  # type: ignore[arg-type]
            if s.status != "in_progress":
                return _see("/form/done")
            if s.emergency and state.emergency_unseen(verdict.web or {}) and request.query_params.get("go") != "on":
                return _see("/form/emergency")
            # the stored position is the last question answered (each answer stores it in its own
            # transaction), or where the owner saved and left: go on from it
            if grouped(s) and any(i not in s.answers for i in s.screen_items()):
                return _see(_q(s.screen_items()[0]))  # a grouped screen with a sign still blank: that screen
            if s.answers.get(s.item.id) is not None:
                following = s.next_stop()
                return _see(_q(following) if following else "/form/review")
            return _see(_q(s.item.id))

        return await owner.call(where)

    # -- one question --------------------------------------------------------------------------------------
    async def question(request: Request) -> Response:
        verdict = await owner.verdict(request)
        if not verdict.ok:
            return owner.refuse(verdict.reason or "nosession")
        item_id = request.path_params["item"]
        back_to = _from(request)

        def show() -> Response:
            s = owner.session_for(verdict.intake_id)  # type: ignore[arg-type]
            if s.status != "in_progress":
                return _see("/form/done")
            if item_id not in s.visible:
                return _see(_q(s.item.id))
            s.go(s.visible.index(item_id), remember=False)  # the answer stores the position with it
            return question_page(s, verdict.token or "", back_to=back_to)

        return await owner.call(show)

    def grouped(s: IntakeSession) -> bool:
        """The current question is on a grouped emergency screen that is asked as one page: each sign a
        fieldset of radio buttons."""
        return s.screen is not None and all(s.catalogue.items[i].type in forms.SCREEN_TYPES
                                            for i in s.screen_items())

    def back_of(s: IntakeSession, back_to: str) -> str:
        """Where "Back" goes: the review when changing from it, else the screen before this one."""
        if back_to == "review":
            return "/form/review"
        first = s.visible.index(s.screen_items()[0])
        return _q(s.visible[s.previous_index()]) if first > 0 else ""

    def refused_notice(s: IntakeSession, back_to: str) -> str:
        if back_to == "complete":
            gaps = s.gaps().red_flags
            if gaps:
                return (f"Before your answers can be sent: {red_flags_unanswered(len(gaps))} Answer each one, "
                        "or choose \"Don't know\".")
        return ""

    def screen_page(s: IntakeSession, token: str, *, back_to: str = "", errors: dict[str, str] | None = None,
                    status: int = 200) -> Response:
        """A grouped emergency screen as one page: a fieldset per sign, "None of these" for the blank ones."""
        cat = s.catalogue
        ids = s.screen_items()
        s.go(s.visible.index(ids[0]), remember=False)
        p = s.progress()
        errors = errors or {}
        section = next(x for x in cat.sections if x.id == cat.section_of[ids[0]])
        signs = []
        for i in ids:
            item = cat.items[i]
            stored = s.answers.get(i)
            options = list(forms.control_for(item, cat, stored, "owner").options)
            if item.allow_unknown:
                options.append(forms.Option(forms.UNKNOWN_FIELD, "Don't know", stored == UNKNOWN))
            signs.append({"id": i, "field": forms.screen_field(i), "question": item.text.for_mode("owner"),
                          "help": item.help.for_mode("owner") if item.help else "", "options": options,
                          "error": errors.get(i, "")})
        n = len(errors)
        return owner.page(
            "screen.html", status=status,
            title=("Error: " if errors else "") + s.screen.title.for_mode("owner"),
            heading=s.screen.title.for_mode("owner"), signs=signs, progress=p, first=p.question_index,
            last=p.question_index + len(ids) - 1,
            intro=section.intro.for_mode("owner") if section.intro and p.question_index == 1 else "",
            errors=(f"{n} answer{'s' if n != 1 else ''} could not be saved (marked below); the others are saved."
                    if n else ""),
            notice=refused_notice(s, back_to), csrf=state.csrf_token(token),
            action=_q(ids[0], f"from={back_to}" if back_to else ""), back_url=back_of(s, back_to),
            none_of_these=bool(s.screen_blanks()), emergency=s.emergency_now, dog=s.dog_name)

    def question_page(s: IntakeSession, token: str, *, back_to: str = "", error: str = "",
                      typed: str | None = None, status: int = 200) -> Response:
        if grouped(s):
            return screen_page(s, token, back_to=back_to, status=status)
        item = s.item
        cat = s.catalogue
        p = s.progress()
        sec_id = cat.section_of[item.id]
        section = next(x for x in cat.sections if x.id == sec_id)
        intro = section.intro.for_mode("owner") if section.intro and p.question_index == 1 else ""
        control = forms.control_for(item, cat, s.answers.get(item.id), "owner", typed)
        notice = refused_notice(s, back_to)
        return owner.page(
            "question.html", status=status, title=("Error: " if error else "") + item.text.for_mode("owner"),
            item=item, question=item.text.for_mode("owner"),
            help=item.help.for_mode("owner") if item.help else "", intro=intro, control=control,
            progress=p, error=error, csrf=state.csrf_token(token), action=_q(item.id, f"from={back_to}" if back_to
                                                                                    else ""),
            back_url=back_of(s, back_to),
            dont_know=item.allow_unknown, answered_unknown=s.answers.get(item.id) == UNKNOWN,
            emergency=s.emergency_now, dog=s.dog_name, notice=notice)

    async def answer(request: Request) -> Response:
        checked = await owner.posted(request)
        if isinstance(checked, Response):
            return checked
        verdict, data = checked
        item_id = request.path_params["item"]
        back_to = _from(request)
        action = data.get("action") if isinstance(data.get("action"), str) else "next"

        def save() -> Response:
            s = owner.session_for(verdict.intake_id)  # type: ignore[arg-type]
            if s.status != "in_progress":
                return _see("/form/done")
            if item_id not in s.visible:
                return _see(_q(s.item.id))
            s.go(s.visible.index(item_id), remember=False)
            if grouped(s):
                return save_screen(s, verdict.token or "", data, action, back_to)
            item = s.item
            fields = forms.form_list(data, "answer")
            typed = fields[0] if fields and item.type not in forms.LISTED else None
            try:
                if action == "unknown" and item.allow_unknown:
                    value = UNKNOWN
                else:
                    value = forms.check_answer(item, s.catalogue, forms.posted_answer(item, s.catalogue, fields))
            except forms.Refused as exc:
                if action == "leave":  # what was typed cannot be saved; every other answer is
                    return leave_now(s, verdict.token or "")
                return question_page(s, verdict.token or "", back_to=back_to, error=str(exc), typed=typed,
                                     status=422)
            outcome = None
            if value is not None or item.id in s.answers:
                outcome = s.answer_item(item.id, value)
            if outcome is not None and outcome.new_red_flags:
                return interrupted(s, action, back_to)
            return went_on(s, verdict.token or "", action, back_to)

        return await owner.call(save)

    def interrupted(s: IntakeSession, action: str, back_to: str) -> Response:
        """The emergency first, whatever was asked for; its "go on" leads where the answer would have."""
        state.note_emergency(owner.store, s.intake_id)
        following = s.next_stop(back_to_review=back_to in ("review", "complete")) if action != "leave" else None
        return _see("/form/emergency" + (f"?next={quote(following)}" if following else ""))

    def went_on(s: IntakeSession, token: str, action: str, back_to: str) -> Response:
        """Where a saved page leads: leaving, the review, the next emergency gap, or the next screen."""
        if action == "leave":
            return leave_now(s, token)
        if action == "review":
            return _see("/form/review")
        if back_to == "complete":
            gap = s.first_red_flag_gap()
            return _see(_q(gap, "from=complete") if gap else "/form/review")
        nxt = s.next_stop(back_to_review=back_to == "review")
        return _see(_q(nxt) if nxt else "/form/review")

    def save_screen(s: IntakeSession, token: str, data: Any, action: str, back_to: str) -> Response:
        """A grouped page's answers, each saved through `answer_item` in the page's order (a sign left
        untouched stays unanswered); then "None of these" answers no to the signs still blank. Any yes shows
        the emergency page: the interrupt is marked in the store with the first yes."""
        shown = s.screen_items()
        first = shown[0]
        answers, errors = forms.posted_screen([s.catalogue.items[i] for i in shown], s.catalogue, data)
        raised = False
        with s.one_write():  # the page is one press of a button: its answers are one write where they can be
            for item_id, value in answers.items():
                if item_id in s.visible:
                    raised = bool(s.answer_item(item_id, value).new_red_flags) or raised
            s.go(s.visible.index(first), remember=False)
            # "None of these" only when the page's signs are still the ones shown and all were read: a sign the
            # owner has not seen is never answered for them
            unchanged = s.screen_items() == shown
            if action == "none" and not errors and unchanged:
                raised = bool(s.answer_screen_none().new_red_flags) or raised
        if raised:  # the emergency first, whatever else the page holds
            return interrupted(s, action, back_to)
        if errors and action != "leave":
            return screen_page(s, token, back_to=back_to, errors=errors, status=422)
        if action == "none" and not unchanged:
            return screen_page(s, token, back_to=back_to)
        return went_on(s, token, action, back_to)

    def leave_now(s: IntakeSession, token: str) -> Response:
        s.save_position()
        state.end_session(owner.store, s.intake_id, token)
        return owner.refuse("left")

    async def leave(request: Request) -> Response:
        checked = await owner.posted(request)
        if isinstance(checked, Response):
            return checked
        verdict, _ = checked
        return await owner.call(lambda: leave_now(owner.session_for(verdict.intake_id),  # type: ignore
                                                         verdict.token or ""))

    # -- the emergency -------------------------------------------------------------------------------------
    def emergency_page(s: IntakeSession, token: str, *, first: bool = False, following: str = "") -> Response:
        raised = [f for f in s.catalogue.red_flags if f in s.red_flags]  # in the content's order
        notice = s.emergency_notice(raised, owner.clinic()["contact"])
        done = s.status != "in_progress"
        if done:
            nxt = "/form/done"
        elif following in s.visible:
            nxt = _q(following)
        else:
            nxt = "/form?go=on" if not following else "/form/review"
        return owner.page("emergency.html", title=notice.title, notice=notice, reported_before=first,
                          csrf=state.csrf_token(token), next_url=nxt, done=done, dog=s.dog_name)

    async def emergency(request: Request) -> Response:
        verdict = await owner.verdict(request)
        if not verdict.ok:
            return owner.refuse(verdict.reason or "nosession")
        following = request.query_params.get("next", "")
        return await owner.call(lambda: emergency_page(owner.session_for(verdict.intake_id),  # type: ignore
                                                              verdict.token or "", following=following))

    # -- review and completion -----------------------------------------------------------------------------
    def review_page(s: IntakeSession, token: str, *, error: str = "", confirm: str = "",
                    status: int = 200) -> Response:
        sections = []
        grouped_ids = {i for sc in s.catalogue.screens if len(sc.items) > 1 for i in sc.items}
        for section in s.catalogue.sections:
            ids = [i for i in s.visible if s.catalogue.section_of[i] == section.id]
            if ids:
                rows = [{"id": i, "text": s.catalogue.items[i].text.for_mode("owner"),
                         "answer": s.label(s.catalogue.items[i], s.answers.get(i)),
                         "state": "answered" if s.answers.get(i) not in (None, UNKNOWN) else
                         ("unknown" if s.answers.get(i) == UNKNOWN else "blank"),
                         "url": _q(i, "from=review") + (f"#sign-{i}" if i in grouped_ids else "")} for i in ids]
                sections.append({"title": section.title.for_mode("owner"), "rows": rows})
        unanswered = sum(1 for i in s.visible if i not in s.answers)
        return owner.page("review.html", status=status, title=("Error: " if error else "") + "Check your answers",
                          sections=sections, answered=len(s.visible) - unanswered, total=len(s.visible),
                          unanswered=unanswered, error=error, confirm=confirm, csrf=state.csrf_token(token),
                          emergency=s.emergency_now, dog=s.dog_name, back_url=_q(s.visible[-1]))

    async def review(request: Request) -> Response:
        verdict = await owner.verdict(request)
        if not verdict.ok:
            return owner.refuse(verdict.reason or "nosession")

        def show() -> Response:
            s = owner.session_for(verdict.intake_id)  # type: ignore[arg-type]
            if s.status != "in_progress":
                return _see("/form/done")
            return review_page(s, verdict.token or "")

        return await owner.call(show)

    async def complete(request: Request) -> Response:
        checked = await owner.posted(request)
        if isinstance(checked, Response):
            return checked
        verdict, data = checked
        confirmed = data.get("confirm") == "yes"

        def finish() -> Response:
            s = owner.session_for(verdict.intake_id)  # type: ignore[arg-type]
            if s.status != "in_progress":
                return _see("/form/done")
            missing = s.required_missing()
            if missing:
                return review_page(s, verdict.token or "", status=422, error="Please answer first: " + "; ".join(
                    s.catalogue.items[i].text.for_mode("owner") for i in missing))
            gaps = s.gaps()
            if gaps.red_flags:
                return _see(_q(gaps.red_flags[0], "from=complete", "why=urgent"))
            if gaps.others and not confirmed:
                return review_page(s, verdict.token or "", confirm=f"{gaps.describe()}. {GAPS_WARNING}")
            try:
                s.complete()
            except RedFlagsUnanswered:
                return _see("/form/review")
            return _see("/form/done")

        return await owner.call(finish)

    def done_page(s: IntakeSession, token: str) -> Response:
        intake = owner.store.get_intake(s.intake_id)
        from vettriage.engine.assessment import Assessment

        a = Assessment.model_validate(intake.assessment) if intake.assessment and \
            intake.assessment.get("schema_version") else None
        flags = [(s.catalogue.red_flags[h.id].title.owner, s.catalogue.red_flags[h.id].action.owner)
                 for h in (a.red_flags if a else [])]
        return owner.page("done.html", title="Thank you", dog=s.dog_name, flags=flags,
                          urgency=a.urgency if a else None, csrf=state.csrf_token(token))

    async def done(request: Request) -> Response:
        verdict = await owner.verdict(request)
        if not verdict.ok:
            return owner.refuse(verdict.reason or "nosession")

        def show() -> Response:
            s = owner.session_for(verdict.intake_id)  # type: ignore[arg-type]
            if s.status == "in_progress":
                return _see("/form")
            return done_page(s, verdict.token or "")

        return await owner.call(show)

    async def handout(request: Request) -> Response:
        verdict = await owner.verdict(request)
        if not verdict.ok:
            return owner.refuse(verdict.reason or "nosession")
        fmt = request.path_params["fmt"]
        if fmt not in ("html", "pdf"):
            return owner.refuse("not_found")

        def build() -> Response:
            from vettriage.commands.report import load_intake_inputs
            from vettriage.render import Clinic, render

            intake = owner.store.get_intake(verdict.intake_id)  # type: ignore[arg-type]
            if intake.status == "in_progress":
                return _see("/form")
            assessment, values, meta = load_intake_inputs(owner.catalogue, intake,
                                                          clinic=Clinic.from_config(owner.config))
            out = render("handout", fmt, owner.catalogue, assessment, values, meta)  # type: ignore[arg-type]
            body = out.encode("utf-8") if isinstance(out, str) else out
            safe = "".join(ch for ch in intake.dog.name if ch.isalnum())[:40] or "dog"
            name = f"handout-{safe}-{intake.id}.{fmt}"
            kind = "text/html; charset=utf-8" if fmt == "html" else "application/pdf"
            disposition = "inline" if fmt == "html" and request.query_params.get("download") != "1" else "attachment"
            response = Response(body, media_type=kind)
            response.headers["content-disposition"] = f'{disposition}; filename="{name}"'
            # the handout's own stylesheet is inline in the document: allow styles there, nothing else
            response.headers["content-security-policy"] = ("default-src 'none'; style-src 'unsafe-inline'; "
                                                           "img-src data:; frame-ancestors 'none'")
            return response

        return await run_in_threadpool(build)  # a PDF takes a while: not on the store thread

    # -- the rest ------------------------------------------------------------------------------------------
    static = files("vettriage.web") / "static"
    css = (static / "form.css").read_bytes()
    js = (static / "form.js").read_bytes()
    icon = (static / "favicon.svg").read_bytes()

    async def root(request: Request) -> Response:
        return owner.refuse("missing")

    async def not_found(request: Request, exc: Exception) -> Response:
        return owner.refuse("not_found")

    async def not_allowed(request: Request, exc: Exception) -> Response:
        return owner.refuse("not_found", 405)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("error handling a request: %s", type(exc).__name__)
        return owner.refuse("busy", 500)

    routes = [
        Route("/", root),
        Route("/i/{code}", invite),
        Route("/form", resume),
        Route("/form/q/{item}", question, methods=["GET"]),
        Route("/form/q/{item}", answer, methods=["POST"]),
        Route("/form/review", review),
        Route("/form/complete", complete, methods=["POST"]),
        Route("/form/leave", leave, methods=["POST"]),
        Route("/form/emergency", emergency),
        Route("/form/done", done),
        Route("/form/handout.{fmt:str}", handout),
        Route("/static/form.css", lambda r: Response(css, media_type="text/css")),
        Route("/static/form.js", lambda r: Response(js, media_type="application/javascript")),
        Route("/favicon.ico", lambda r: Response(icon, media_type="image/svg+xml")),
    ]
    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_allowed, 500: server_error})
    app.state.owner = owner
    return app


def from_environment() -> Any:
    """The application as `vettriage serve` configures it, for each uvicorn worker (settings come through the
    environment so that a worker process started by uvicorn builds the same one)."""
    from vettriage.store import open_store
    from vettriage.web.guard import QuietInvalid, guarded, install_redacting_logging
    from vettriage.web.serve import configure_protocol

    install_redacting_logging()  # again in each worker: a spawned process starts with no logging set up
    logging.getLogger("uvicorn.error").addFilter(QuietInvalid())
    configure_protocol()
    url = os.environ["VETTRIAGE_WEB_STORE"]
    owner = OwnerForm(lambda: open_store(url), public_url=os.environ["VETTRIAGE_WEB_PUBLIC_URL"],
                      idle_timeout=float(os.environ.get("VETTRIAGE_WEB_IDLE", IDLE_TIMEOUT)),
                      trust_forwarded=os.environ.get("VETTRIAGE_WEB_TRUST_FORWARDED") == "1")
    return guarded(build_app(owner), owner)
