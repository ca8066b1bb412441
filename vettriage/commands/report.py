"""`vettriage plan`, `vettriage report` and `vettriage handouts`: the care plan and the two documents.

Jinja2, WeasyPrint, the database drivers and rich are imported inside the handlers only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from typing import TYPE_CHECKING, Any

from vettriage import DISCLAIMER
from vettriage.commands._options import add_content_arg, add_db_arg, add_output_arg
from vettriage.commands._packs import add_pack_arg
from vettriage.errors import InputError
from vettriage.files import write_atomic

if TYPE_CHECKING:  # pathlib (~1.5 ms with urllib.parse): a report's paths stay text
    from pathlib import Path


def register(sub: Any) -> None:
    """Add `plan`, `report` and `handouts`."""
    p = sub.add_parser("plan", help="the ordered care options for an answers file (text, or JSON with --json)")
    p.add_argument("file", help="answers file (YAML: question id -> answer)")
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    add_content_arg(p)
    add_pack_arg(p)
    p.set_defaults(func=run_plan)

    r = sub.add_parser("report", help="the vet's pre-visit summary or the owner's handout (HTML, Markdown, PDF)")
    r.add_argument("file", nargs="?", help="an answers file (YAML: question id -> answer), or use --intake")
    r.add_argument("--intake", type=int, metavar="ID", help="a stored intake instead of an answers file")
    r.add_argument("--kind", choices=["previsit", "handout"], default="previsit",
                   help="previsit: the vet's summary; handout: the owner's (default: previsit)")
    r.add_argument("--format", choices=["html", "md", "pdf"], default="html", help="html, md or pdf (default: html)")
    add_output_arg(r, "the file to write ('-' or absent: standard output; a PDF needs a file)")
    r.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size of a PDF (default: a4)")
    r.add_argument("--by", help="who answered an answers file (default: owner)")
    r.add_argument("--diary", action="store_true", help="add the two-week diary page to the owner's handout")
    add_db_arg(r)
    add_content_arg(r)
    add_pack_arg(r)
    r.set_defaults(func=run_report)

    h = sub.add_parser("handouts", help="the owner handouts for one day's completed intakes (HTML, or PDF)")
    h.add_argument("--date", required=True, help="day the intakes were started: YYYY-MM-DD or 'today' "
                   "(the local calendar day)")
    h.add_argument("--diary", action="store_true", help="add the two-week diary page to each handout")
    add_output_arg(h, "the folder to write the handouts into (made if missing)", required=True)
    h.add_argument("--format", choices=["html", "pdf"], default="html",
                   help="html or pdf (default: html; PDFs are made by one worker process per core)")
    h.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size of a PDF (default: a4)")
    h.add_argument("--jobs", type=int, metavar="N", help="worker processes for PDFs (default: one per core)")
    h.add_argument("-q", "--quiet", action="store_true", help="no progress on standard error")
    add_db_arg(h)
    add_content_arg(h)
    add_pack_arg(h)
    h.set_defaults(func=run_handouts)


# --- plan ---------------------------------------------------------------------------------------------------


def run_plan(args: argparse.Namespace) -> int:
    """Print the plan for an answers file."""
    from vettriage.commands._packs import load_content
    from vettriage.engine import assess, read_answers_file
    from vettriage.plan import make_plan

    cat = load_content(args, args.content)
    answers = read_answers_file(cat, args.file)
    plan = make_plan(cat, assess(cat, answers), answers.values)
    if args.json:
        sys.stdout.write(plan.model_dump_json(indent=2) + "\n")
        return 0
    out: list[str] = []
    if plan.deferred:
        acts = {cat.red_flags[s.id].act for s in plan.now if s.id in cat.red_flags}
        out.append("EMERGENCY - the care plan is deferred. Do this now:" if "today" not in acts or "now" in acts
                   else "SAME-DAY EMERGENCY - the care plan is deferred. Call the vet now; the dog is seen today:")
        out += [f"  ! {s.title}: {s.action}" for s in plan.now]
        if plan.home:
            out.append("Until your dog is seen:")
            out += [f"  - {h.owner}" for h in plan.home]
    else:
        out.append("Care options, in order:" if not plan.routine else "No finding: routine senior care.")
        for i, o in enumerate(plan.options, 1):
            warn = " [caution for this dog]" if o.cautioned else ""
            out.append(f"  {i:>2}. {o.title} ({o.category}; evidence {o.evidence}){warn}")
            out += [f"        ! {w}" for w in o.vet_why]
            out += [f"        - {c.title}" for c in o.cautions]
        for w in plan.withheld:
            out.append(f"  Not offered: {w.vet_title} ({w.tech})")
        if plan.about_ketamine is not None:
            out.append(f"  About ketamine: {plan.about_ketamine.tech}")
    out.append(DISCLAIMER)
    sys.stdout.write("\n".join(out) + "\n")
    return 0


# --- report -------------------------------------------------------------------------------------------------


def _store_errors(args: argparse.Namespace, fn: Any) -> Any:
    """Run `fn(store)` on the store named by --db; store problems become one-line InputErrors."""
    from vettriage.store import open_store
    from vettriage.store.api import StoreError

    where = args.db or "database"
    try:
        store = open_store(args.db)
    except StoreError as exc:
        raise InputError(where, None, str(exc)) from None
    try:
        return fn(store)
    except StoreError as exc:
        raise InputError(where, None, str(exc)) from None
    finally:
        store.close()


def load_intake_inputs(cat: Any, intake: Any, clinic: Any = None, diary: bool = False, trail: Any = None
                       ) -> tuple[Any, dict[str, Any], Any]:
    """(Assessment, answers, ReportMeta) for a stored intake. The stored Assessment is used when it was made
    with this exact content; otherwise the answers are assessed again with the current content (always, for
    an intake not completed: its document is a DRAFT of what the answers so far say). `trail` (the intake's
    audit events) lets the documents say which red flags were withdrawn and who amended it, when and why."""
    from vettriage.record_changes import RecordChanges, record_changes

    from vettriage.engine.answers import validate_answers
    from vettriage.engine.assessment import SCHEMA_VERSION, Assessment
    from vettriage.render import ReportMeta

    answers = validate_answers(cat, intake.answers, f"intake {intake.id}")
    values = dict(answers.values)
    # answers to questions an earlier content version asked are not scored, but the documents show them as asked
    values.update({k: v for k, v in intake.answers.items() if k in cat.retired_items and v is not None})
    if not values.get("dog_name"):
        values["dog_name"] = intake.dog.name
    # An Assessment stored before the three-valued engine (schema 1) has no category status: assess again.
    stored_ok = bool(intake.assessment) and intake.assessment.get("schema_version") == SCHEMA_VERSION
    if stored_ok and intake.content_hash == cat.hash and intake.status != "in_progress":
        from vettriage.record import StoredValueError

        try:
            # checked field by field as pydantic would, without importing it (vettriage.record.from_stored)
            assessment = Assessment.from_stored(intake.assessment)
        except StoredValueError as exc:
            raise InputError(f"intake {intake.id}", f"assessment.{exc.path}" if exc.path else "assessment",
                             f"{exc.message}: the stored assessment is damaged (edited or corrupted); no document "
                             "was written") from None
    else:
        from vettriage.engine.triage import assess  # the rule program: only when the stored result cannot serve

        assessment = assess(cat, answers)
    extra = {"clinic": clinic} if clinic is not None else {}
    changes = (record_changes(cat, intake.answers, trail, intake.status, validated=answers) if trail is not None
               else RecordChanges(amended=intake.status == "amended"))
    meta = ReportMeta(by=intake.by, mode=intake.mode, when=intake.updated_at, intake_id=intake.id,
                      owner_name=intake.dog.owner_name, status=intake.status, position=intake.position,
                      diary=diary, content_version=intake.content_version, dog=intake.dog, changes=changes, **extra)
    return assessment, values, meta


def clinic_from_config() -> Any:
    """The clinic's identity for the documents, from the configuration (a bad logo is a one-line error)."""
    from vettriage.config import load_config
    from vettriage.render import Clinic

    return Clinic.from_config(load_config())


def run_report(args: argparse.Namespace) -> int:
    """Render one document to a file or standard output. One document is bounded work: the collector is off
    for an HTML or Markdown one (a PDF's layout makes cyclic garbage in proportion to its pages, so it keeps
    the collector), and the interpreter's collections at exit are skipped (vettriage.gcpause): by then the
    store is closed (_store_errors) and the output written whole (write_atomic or standard output)."""
    from vettriage.gcpause import collector_off, no_collection_at_exit

    no_collection_at_exit()
    if args.format == "pdf":
        return _report(args)
    with collector_off():
        return _report(args)


def _report(args: argparse.Namespace) -> int:
    from vettriage.commands._packs import load_content
    from vettriage.render import ReportMeta, render

    if (args.file is None) == (args.intake is None):
        raise InputError("report", "FILE", "give an answers file or --intake ID (exactly one)")
    to_stdout = args.output in (None, "-")
    if args.format == "pdf" and to_stdout:
        raise InputError("report", "-o", "a PDF needs an output file (-o OUT.pdf)")
    cat = load_content(args, args.content)
    clinic = clinic_from_config()
    if args.file is not None:
        from vettriage.engine import assess, read_answers_file

        answers = read_answers_file(cat, args.file)
        assessment, values = assess(cat, answers), answers.values
        try:
            when = dt.datetime.fromtimestamp(os.stat(args.file).st_mtime, dt.timezone.utc)
        except OSError:
            when = None
        by = args.by or "owner"
        meta = ReportMeta(by=by, mode="owner" if by == "owner" else "tech", when=when, clinic=clinic,
                          diary=args.diary)
    since = None
    if args.file is None:
        intake, visits, trail = _store_errors(args, lambda s: (s.get_intake(args.intake), s.visits_until(args.intake),
                                                                s.audit(args.intake)))
        assessment, values, meta = load_intake_inputs(cat, intake, clinic, args.diary, trail)
        if args.kind == "previsit" and len(visits) >= 2:
            from vettriage.frozen import replace

            # page 1's profile chart draws the last completed visit's scores beside this one's
            meta = replace(meta, previous_scores=visits[-2].assessment.get("scores") or {},
                           previous_day=visits[-2].at.date().isoformat())
        if args.kind == "previsit" and len(visits) >= 2:
            from vettriage.render.trend import for_visits

            # this visit as assessed for this document; the earlier ones as they were stored
            pairs = [(v.at, v.assessment) for v in visits[:-1]] + [(visits[-1].at, assessment.model_dump(mode="json"))]
            since = for_visits(cat, pairs, "tech")  # the vet's summary: the clinical titles
    if since is None:
        doc = render(args.kind, args.format, cat, assessment, values, meta, paper=args.paper)
    else:
        from vettriage.plan import make_plan
        from vettriage.render import build_context, render_context

        context = dict(build_context(args.kind, cat, assessment, values, make_plan(cat, assessment, values), meta))
        context["since_last_visit"] = since
        doc = render_context(context, args.format, args.paper)
    if to_stdout:
        sys.stdout.write(doc)  # type: ignore[arg-type]
    else:
        write_atomic(args.output, doc)
    return 0


# --- handouts -----------------------------------------------------------------------------------------------


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40] or "dog"


def parse_day(text: str) -> dt.date:
    """`today` (the local calendar day) or YYYY-MM-DD."""
    if text.strip().casefold() == "today":
        from vettriage.localtime import today

        return today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError("--date", None, f"{text!r} is not a date (YYYY-MM-DD or today)") from None


def intakes_of_day(store: Any, day: dt.date) -> list[Any]:
    """The intakes started on local day `day`, by id (vettriage.localtime places each by its local date)."""
    from vettriage.localtime import intakes_of_day as of_day

    return sorted(of_day(store, day), key=lambda r: r.id)


def run_handouts(args: argparse.Namespace) -> int:
    """`vettriage handouts` (vettriage.commands.handouts)."""
    from vettriage.commands.handouts import run_handouts as run

    return run(args)


def handouts_summary(day: dt.date, out_dir: Path, done: int, failed: int, unfinished: int) -> str:
    """How many handouts were written, and why none when none were."""
    waiting = f"; {unfinished} intake(s) not completed yet, so no handout" if unfinished else ""
    if done:
        extra = f", {failed} failed (named on standard error)" if failed else ""
        return f"wrote {done} handout(s) for {day.isoformat()} to {out_dir}{extra}{waiting}"
    if failed:
        return (f"wrote no handouts for {day.isoformat()}: all {failed} completed intake(s) failed "
                "(named on standard error)")
    if unfinished:
        return (f"wrote no handouts for {day.isoformat()}: none of its {unfinished} intake(s) is completed yet "
                "(handouts are written for completed intakes; `vettriage report --intake ID --kind handout` "
                "writes a DRAFT of one)")
    return f"wrote no handouts for {day.isoformat()}: no intake was started that day (local time)"
