"""`vettriage intakes add|list|show|export|import`: stored intake records from the command line.

Store problems (a corrupt or foreign database, an unknown id) become InputError: one line, exit 2.
The database drivers are imported only inside the handlers, through vettriage.store.open_store.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys

from vettriage.commands._options import add_content_arg, add_db_arg, add_output_arg
from vettriage.commands._packs import add_pack_arg
from vettriage.errors import InputError

TYPE_CHECKING = False  # typing costs ~2 ms at start-up: only the type checker reads these names
if TYPE_CHECKING:
    from typing import Any, Callable


def register(sub: Any) -> None:
    """Add `intakes` and its sub-commands."""
    p = sub.add_parser("intakes", help="stored intakes: add, list, show, export, import")
    isub = p.add_subparsers(dest="intakes_command", metavar="ACTION", required=True)

    a = isub.add_parser("add", help="store a completed intake from an answers file")
    a.add_argument("file", help="answers file (YAML: question id -> answer)")
    who = a.add_mutually_exclusive_group(required=True)
    who.add_argument("--dog", help="the dog's name (an existing dog of that name, else a new one)")
    who.add_argument("--dog-id", type=int, metavar="ID", help="the dog's id (see `vettriage dogs list`)")
    who.add_argument("--chart", help="the dog's chart number (see `vettriage dogs add --chart`)")
    a.add_argument("--by", default="owner", help="who filled it in: 'owner' (default) or a technician's name")
    add_content_arg(a)
    add_pack_arg(a)
    a.set_defaults(func=_guarded(run_add))

    ls = isub.add_parser("list", help="list intakes, newest first")
    ls.add_argument("--date", help="the day the intakes were started: YYYY-MM-DD or 'today' (the local calendar "
                    "day)")
    ls.add_argument("--status", choices=["in_progress", "completed", "amended"], help="only intakes in this state")
    ls.add_argument("--urgency", choices=["emergency", "soon", "routine"], help="only intakes of this urgency")
    ls.add_argument("--dog", help="part of the dog's name, any case")
    ls.add_argument("--limit", type=int, default=200, metavar="N", help="at most N intakes (default 200)")
    ls.set_defaults(func=_guarded(run_list))

    se = isub.add_parser("seen", help="mark a red flag reported from home as seen (audited with who and when)")
    se.add_argument("id", type=int, help="the intake's id (see `vettriage intakes list`)")
    se.add_argument("--by", required=True, help="who saw it (recorded in the audit trail)")
    se.set_defaults(func=_guarded(run_seen))

    sh = isub.add_parser("show", help="show one intake")
    sh.add_argument("id", type=int, help="the intake's id (see `vettriage intakes list`)")
    sh.add_argument("--json", action="store_true", help="the whole record as JSON")
    sh.set_defaults(func=_guarded(run_show))

    ex = isub.add_parser("export", help="export every dog and intake")
    ex.add_argument("--format", choices=["json", "csv"], default="json", help="json or csv (default: json)")
    ex.add_argument("--indent", type=_indent, metavar="N", help="JSON indented by N spaces (0 to 8) for reading; "
                    "default: compact, one record a line (about 40%% smaller and 3x faster to write)")
    ex.add_argument("--jobs", type=int, metavar="N", help="worker processes for a compact JSON export of an "
                    "SQLite store (default: one per core from 2,000 intakes; 1: one process). The file is the same "
                    "either way; CSV, --indent and PostgreSQL are always written by one process")
    add_output_arg(ex)
    ex.set_defaults(func=_guarded(run_export))

    im = isub.add_parser("import", help="import an export file: all of it or nothing")
    im.add_argument("file", help="a file written by `vettriage intakes export` (JSON)")
    add_content_arg(im)
    add_pack_arg(im)
    im.set_defaults(func=_guarded(run_import))

    for parser in (a, ls, se, sh, ex, im):
        add_db_arg(parser)


def _indent(text: str) -> int:
    """--indent N: a whole number of spaces, 0 to 8 (a one-line usage error otherwise, exit 2)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 8:
        raise argparse.ArgumentTypeError(f"expected 0 to 8 spaces, not {text[:20]!r}")
    return value


def _guarded(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn a StoreError into the one-line InputError the CLI prints."""
    def run(args: argparse.Namespace) -> int:
        from vettriage.store.api import StoreError

        try:
            return fn(args)
        except StoreError as exc:
            text = str(exc)
            where, sep, rest = text.partition(": ")
            if sep and (where.startswith("/") or "://" in where or where == getattr(args, "db", None)):
                raise InputError(where, None, rest) from None  # the message already names the database
            raise InputError(getattr(args, "db", None) or "database", None, text) from None

    return run


def _open(args: argparse.Namespace) -> Any:
    from vettriage.store import open_store

    return open_store(args.db)


MAX_BY = 200  # the column's width (PostgreSQL enforces it; it would fail the transaction late)


def check_by(by: str) -> str:
    """The `--by` value, or InputError before anything is read or written."""
    if not by.strip():
        return "owner"
    return check_dog_name(by, "--by")


def check_dog_name(value: str, source: str, field: str | None = None, limit: int = MAX_BY) -> str:
    """A name as given (`--dog`, `--by`, a FHIR Patient's name): spaces joined, or InputError when it is blank,
    longer than `limit`, not valid Unicode or holds a control character (as `dogs add` refuses them)."""
    from vettriage.textcheck import clean_name

    name, problem = clean_name(value, limit)
    if problem:
        raise InputError(source, field, f"the name {problem}: give a name of 1 to {limit} characters, without "
                         "control characters")
    return name  # type: ignore[return-value]


def run_add(args: argparse.Namespace) -> int:
    """Validate and assess an answers file, then store it as a completed intake in one transaction (warning
    when emergency questions are unanswered: every output of it says so; and naming every answer that branching
    made irrelevant)."""
    from vettriage.commands._packs import load_content
    from vettriage.engine import assess, read_answers_file
    from vettriage.engine.gateways import implied_gateways
    from vettriage.store.sqlstore import AmbiguousDog

    by = check_by(args.by)
    dog_name = check_dog_name(args.dog, "--dog") if args.dog is not None else ""
    cat = load_content(args, args.content)
    answers = read_answers_file(cat, args.file)
    implied = implied_gateways(cat, answers.values)
    if implied:  # a form that answers a block's questions and skips its screening question: that was a yes
        from vettriage.engine.answers import validate_answers

        from dataclasses import replace

        again = validate_answers(cat, {**answers.values, **{g: True for g in implied}}, args.file)
        answers = replace(again, dropped=tuple(dict.fromkeys(answers.dropped + again.dropped)))
    assessment = assess(cat, answers)
    store = _open(args)
    try:
        known = None
        if args.dog is None:  # --dog-id or --chart: that dog, never one found by name
            from vettriage.commands.dogs import resolve_dog

            known = resolve_dog(store, args.dog_id, args.chart).id
        try:
            dog, intake = store.record_intake(
                dog_name, dog_id=known, by=by, mode="owner" if by == "owner" else "tech", content_version=cat.version,
                content_hash=cat.hash, answers=answers.values, assessment=assessment.model_dump(mode="json"),
                dog_details=_dog_details(answers.values))
        except AmbiguousDog as exc:
            raise InputError("--dog", None, str(exc)) from None
    finally:
        store.close()
    for item_id in answers.dropped:
        # kept out of the record: the question is not asked given the other answers (branching)
        print(f"warning: {args.file}: {item_id}: answer ignored: this question is not asked given the other "
              "answers", file=sys.stderr)
    if implied:
        # one line, not one per gateway: a file made before gateways leaves all of them unanswered
        print(f"note: {args.file}: {len(implied)} screening question(s) not answered, stored as yes because "
              f"questions behind them are answered: {', '.join(implied)}", file=sys.stderr)
    missing = assessment.red_flags_unanswered
    if missing:
        # stored as given (a form is what the phone call gave), but nobody may read it as "no emergency"
        print(f"warning: {len(missing)} emergency question(s) not answered in {args.file}: {', '.join(missing)}; "
              "the result cannot rule out an emergency", file=sys.stderr)
    due = f"; re-screen due {intake.rescreen_due}" if intake.rescreen_due else ""
    print(f"stored intake {intake.id} for {dog.name} (dog {dog.id}): urgency {intake.urgency}{due}")
    return 0


def report_damaged(damaged: list[Any], doing: str) -> None:
    """One line per record left out, on stderr (stdout stays the clean listing or export)."""
    for d in damaged:
        print(f"warning: {d}: left out of {doing}", file=sys.stderr)


def run_list(args: argparse.Namespace) -> int:
    """A table of intakes, times in local time (the zone named in the heading); `--date` is a local day."""
    from vettriage.localtime import intakes_of_day, stamp, zone_name

    day = None
    if args.date:
        from vettriage.commands.report import parse_day  # the report command's module: only for --date

        day = parse_day(args.date)
    store = _open(args)
    damaged: list[Any] = []
    try:
        filters = dict(status=args.status, dog=args.dog, urgency=args.urgency, damaged=damaged)
        rows = (intakes_of_day(store, day, limit=args.limit, **filters) if day is not None
                else store.list_intakes(limit=args.limit, **filters))
        home = _home(store)
    finally:
        store.close()
    report_damaged(damaged, "the list")
    # a red flag reported from home that nobody has marked seen comes first, with its time
    rows = sorted(rows, key=lambda r: not (r.id in home and home[r.id].alarm))
    started = f"STARTED ({zone_name()})"
    width = max(16, len(started))
    out = [f"{'ID':>6}  {started:{width}}  {'DOG':20}  {'BY':12}  {'STATUS':11}  {'URGENCY':9}  AT HOME"]
    for r in rows:
        at_home = home[r.id].progress if r.id in home else "-"
        out.append(f"{r.id:>6}  {stamp(r.created_at, zone=False):{width}}  {r.dog_name[:20]:20}  {r.by[:12]:12}  "
                   f"{r.status:11}  {r.urgency or '-':9}  {at_home}")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def _home(store: Any) -> dict[int, Any]:
    """Owners' progress at home by intake id; empty when it cannot be read (the list itself never waits on it)."""
    from vettriage.intake.home import home_rows
    from vettriage.store.api import StoreError

    try:
        return {r.intake_id: r for r in home_rows(store)}
    except (StoreError, ValueError, KeyError):
        return {}


def run_seen(args: argparse.Namespace) -> int:
    """Mark a home red flag seen."""
    store = _open(args)
    try:
        store.mark_seen(args.id, args.by)
    finally:
        store.close()
    print(f"intake {args.id}: red flag from home marked seen by {' '.join(args.by.split())}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    """One intake, as text or JSON (the export's record shape, with the dog inline)."""
    store = _open(args)
    damaged: list[Any] = []
    try:
        intake = store.get_intake(args.id)
        trail = store.audit(args.id, damaged)
    finally:
        store.close()
    report_damaged(damaged, "the audit trail")
    from vettriage.localtime import stamp, zone_name

    if args.json:
        rec = _jsonable(intake)
        rec["audit"] = [_jsonable(e) for e in trail]
        rec["time_zone"] = zone_name()  # every time above is in it, with its UTC offset
        sys.stdout.write(json.dumps(rec, indent=2, ensure_ascii=False) + "\n")
        return 0
    d = intake.dog
    changes = _changes(intake, trail)
    if intake.emergency and changes.withdrawn and intake.urgency != "emergency":
        # the record keeps that a sign was reported; it says at once that it was withdrawn, as the documents do
        marker = " (red flag reported, then withdrawn: see below)"
    else:
        marker = " (EMERGENCY SIGN REPORTED)" if intake.emergency else ""
    out = [f"Intake {intake.id}: {d.name} (dog {d.id}), by {intake.by} ({intake.mode}), {intake.status}",
           f"Started {stamp(intake.created_at)}, updated {stamp(intake.updated_at)}",
           f"Urgency: {intake.urgency or '-'}{marker}",
           f"Content {intake.content_version} ({intake.content_hash[:12]})"]
    out += changes.withdrawn_lines()
    out += changes.amendment_lines()
    out += _assessment_lines(intake.assessment)
    out.append(f"Answers ({len(intake.answers)}):")
    out += [f"  {k}: {json.dumps(v, ensure_ascii=False)}" for k, v in intake.answers.items()]
    amended = [e for e in trail if e.reason]
    if amended:
        out.append("Changes with a reason (amendments, red flags withdrawn):")
        out += [f"  {stamp(e.at)} {e.who}: {e.item_id} {json.dumps(e.old_value)} -> "
                f"{json.dumps(e.new_value)} ({e.reason})" for e in amended]
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def _changes(intake: Any, trail: list[Any]) -> Any:
    """The withdrawn red flags and amendments, worded as the result screen and the documents word them (the
    shipped content judges which answers raised a red flag; a record it cannot read shows the raw trail only)."""
    from vettriage.record_changes import RecordChanges, record_changes

    try:
        from vettriage.content import load_catalogue

        return record_changes(load_catalogue(), intake.answers, trail, intake.status)
    except Exception:
        return RecordChanges(amended=intake.status == "amended")


def _assessment_lines(stored: dict[str, Any] | None) -> list[str]:
    """The stored result's red-flag coverage and findings, worded as `vettriage assess` words them."""
    if not stored or stored.get("schema_version", 1) < 2:
        return []
    from vettriage.intake.words import level_text, red_flag_line
    from vettriage.engine.assessment import Assessment

    try:
        a = Assessment.from_stored(stored)
    except ValueError:
        return ["Result: stored result unreadable (re-run the assessment with `vettriage report`)"]
    words = {"pain": "Pain", "medical": "Medical illness", "ccd": "Cognitive decline (CCD)"}
    return [red_flag_line(a)] + [f"{words[c]}: {level_text(r)}" for c, r in a.categories.items()]


def _jsonable(record: Any) -> dict[str, Any]:
    from dataclasses import asdict

    from vettriage.localtime import iso

    def plain(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        if isinstance(v, dt.datetime):
            return iso(v)  # local time with its offset: the same instant, as the person reading it lives it
        return v.isoformat() if isinstance(v, dt.date) else v

    return plain(asdict(record))


def run_export(args: argparse.Namespace) -> int:
    """Stream every readable record as JSON or CSV (memory flat in the number of intakes); a file is replaced
    only once the whole export is written. Damaged records are left out, each named on stderr."""
    from vettriage.store.transfer import write_export

    if args.indent is not None and args.format != "json":
        raise InputError("--indent", None, "only a JSON export is indented (CSV has no indentation)")
    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs", None, f"expected at least 1 worker, not {args.jobs}")
    stats: dict[str, Any] = {}
    store = _open(args)
    try:
        if not args.output or args.output == "-":
            dogs, intakes, damaged = write_export(store, sys.stdout, args.format, args.indent, args.jobs,
                                                  None, stats)
            sys.stdout.flush()
            report_damaged(damaged, "the export")
            return 0
        import tempfile
        from pathlib import Path

        target = Path(args.output)
        try:
            fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".",
                                       prefix=".vettriage-export-")
        except OSError as exc:
            raise InputError(str(target), None, f"cannot write the export ({exc.strerror})") from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="", buffering=1 << 20) as f:
                dogs, intakes, damaged = write_export(store, f, args.format, args.indent, args.jobs,
                                                      str(Path(tmp).parent), stats)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)  # private data: the temp file is already mode 0600
        except OSError as exc:
            raise InputError(str(target), None, f"cannot write the export ({exc.strerror})") from None
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    finally:
        store.close()
    report_damaged(damaged, "the export")
    left = f"; {len(damaged)} damaged record(s) left out (listed above)" if damaged else ""
    how = (f" by {stats['workers']} workers (peak memory "
           f"{' + '.join(f'{m:.0f}' for m in stats.get('worker_peak_rss_mib', []))} MiB; writes waited "
           f"{stats['lock_held_s'] * 1000:.1f} ms while their snapshots were pinned)" if stats else "")
    print(f"exported {dogs} dogs and {intakes} intakes to {target}{how}{left}", file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Check the whole file, then import everything in one transaction (or nothing); both passes stream. A big
    compact export into a store with no intake is checked and written at once (store/transfer.import_file)."""
    from pathlib import Path

    from vettriage.commands._packs import load_content
    from vettriage.store import backend
    from vettriage.store.import_workers import applies
    from vettriage.store.transfer import GaveUp, Spool, check_and_write_at_once, check_export, write_spool

    cat = load_content(args, args.content)
    # the rows are encoded for the database they go to, which is not opened before the whole file has passed
    dialect = backend.make_database(backend.resolve_url(args.db)).dialect
    versions = set(cat.known_versions)
    workers = True
    try:
        at_once = applies(Path(args.file))
    except OSError:
        at_once = False  # the reading below says what is wrong with the file
    if at_once:
        new = dialect.name == "sqlite" and not os.path.exists(dialect.path)
        done = False
        store = _open(args)
        try:
            store.check_integrity()
            dogs, intakes = check_and_write_at_once(store, Path(args.file), versions, cat)
            done = True
        except GaveUp as exc:
            workers = exc.workers
        finally:
            store.close()
            if new and not done:  # rolled back or failed: the empty store this import made is not left behind
                for extra in ("", "-wal", "-shm"):
                    Path(dialect.path + extra).unlink(missing_ok=True)
        if done:
            print(f"imported {dogs} dogs and {intakes} intakes from {args.file}")
            return 0
    try:
        with Spool(dialect) as spool:
            check_export(args.file, versions, cat, spool, parallel=workers)
            store = _open(args)
            try:
                store.check_integrity()  # the import's one transaction is a write: checked once per opening
                dogs, intakes = write_spool(store, spool, args.file)
            finally:
                store.close()
    except OSError as exc:  # the temporary folder full or unwritable (the file's own problems are InputErrors)
        raise InputError(args.file, None, f"cannot keep the checked rows in a temporary file ({exc.strerror or exc}; "
                         f"$TMPDIR chooses its folder); nothing was imported") from None
    print(f"imported {dogs} dogs and {intakes} intakes from {args.file}")
    return 0


def _dog_details(values: dict[str, Any]) -> dict[str, Any]:
    """What the answers say about a new dog, for its record (a technician would not type it twice)."""
    def known(key: str) -> Any:
        v = values.get(key)
        return None if v in (None, "unknown") else v

    return {"breed_or_size": known("dog_breed") or known("dog_size"), "age_years": known("dog_age_years"),
            "sex": known("dog_sex")}
