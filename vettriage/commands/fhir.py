"""`vettriage fhir questionnaire|export|import`: the catalogue and stored intakes as HL7 FHIR R4 (docs/FHIR.md).

fhir.resources (about 0.3 s of imports) and the store are imported inside the handlers only: `vettriage` with no
command registers every command module, so this one must stay as cheap as the others at the top.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from vettriage.commands._options import add_content_arg, add_db_arg, add_output_arg
from vettriage.commands._packs import add_pack_arg


def register(sub: Any) -> None:
    """Add `fhir` and its sub-commands."""
    p = sub.add_parser("fhir", help="HL7 FHIR R4: the Questionnaire, an intake as a Bundle, import a response")
    fsub = p.add_subparsers(dest="fhir_command", metavar="ACTION", required=True)

    q = fsub.add_parser("questionnaire", help="the whole catalogue as one FHIR Questionnaire (JSON)")
    add_output_arg(q)
    q.add_argument("--mode", choices=["owner", "tech"], default="owner", help="wording (default: owner)")
    add_content_arg(q)
    add_pack_arg(q)
    q.set_defaults(func=run_questionnaire)

    ex = fsub.add_parser("export", help="one stored intake as a FHIR Bundle: Patient, QuestionnaireResponse, "
                                        "RiskAssessment, Observations, DetectedIssues")
    ex.add_argument("--intake", type=int, required=True, metavar="ID", help="the intake's id (see `vettriage intakes list`)")
    add_output_arg(ex)
    add_content_arg(ex)
    add_pack_arg(ex)
    add_db_arg(ex)
    ex.set_defaults(func=run_export)

    im = fsub.add_parser("import", help="a QuestionnaireResponse (or a Bundle holding one) becomes an intake")
    im.add_argument("file", help="FHIR JSON: a QuestionnaireResponse to our Questionnaire, or a Bundle")
    im.add_argument("--dog", help="the dog's name (default: the Bundle's Patient, else the dog_name answer)")
    im.add_argument("--by", help="who answered: 'owner' or a technician's name (default: the response's author)")
    add_content_arg(im)
    add_pack_arg(im)
    add_db_arg(im)
    im.set_defaults(func=run_import)


def _write(text: str, output: str | None) -> bool:
    """Standard output, or the file (replaced whole, mode 0600: an intake is personal data). True for a file."""
    if not output or output == "-":
        sys.stdout.write(text)
        return False
    from vettriage.files import write_atomic

    write_atomic(Path(output), text)
    return True


def run_questionnaire(args: argparse.Namespace) -> int:
    """Write the Questionnaire."""
    from vettriage.commands._packs import load_content
    from vettriage.fhir.questionnaire import build_questionnaire

    q = build_questionnaire(load_content(args, args.content), args.mode)
    if _write(q.model_dump_json(indent=2) + "\n", args.output):
        print(f"wrote Questionnaire {q.url}|{q.version} to {args.output}", file=sys.stderr)
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write one intake as a Bundle."""
    from vettriage.commands._packs import load_content
    from vettriage.fhir.bundle import export_bundle
    from vettriage.store import open_store

    from vettriage.config import load_config

    chart_system = load_config().chart_system
    store = open_store(args.db)
    try:
        intake = store.get_intake(args.intake)
    finally:
        store.close()
    bundle = export_bundle(load_content(args, args.content), intake, chart_system)
    if _write(bundle.model_dump_json(indent=2) + "\n", args.output):
        kinds = [e.resource.get_resource_type() for e in bundle.entry or ()]
        print(f"wrote intake {intake.id} ({intake.dog.name}, {intake.status}) as a Bundle of {len(kinds)} "
              f"resources to {args.output}", file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Validate a response exactly as an answers file is validated, then store it as `intakes add` does: in
    one transaction (the store's record_intake), under the same rule for which dog it is."""
    from vettriage.commands._packs import load_content
    from vettriage.commands.intakes import _dog_details, check_by, check_dog_name
    from vettriage.engine import assess
    from vettriage.engine.answers import validate_answers
    from vettriage.errors import InputError
    from vettriage.config import load_config
    from vettriage.fhir.patient import patient_details, patient_name
    from vettriage.fhir.reading import STATUS, read_fhir
    from vettriage.fhir.response import raw_answers
    from vettriage.store import open_store
    from vettriage.store.sqlstore import AmbiguousDog

    if args.by is not None and args.by.strip():
        check_by(args.by)
    if args.dog is not None:
        check_dog_name(args.dog, "--dog")
    cat = load_content(args, args.content)
    got = read_fhir(args.file, cat)
    answers = validate_answers(cat, raw_answers(cat, got.response.item, args.file), args.file)
    status = STATUS[got.response.status]
    by = check_by(args.by) if (args.by or "").strip() else _by(got.response.author, got.mode, args.file)
    if args.dog:
        name = check_dog_name(args.dog, "--dog")
    elif got.patient is not None and patient_name(got.patient):
        name = check_dog_name(patient_name(got.patient), args.file, "Patient.name")
    elif answers.values.get("dog_name") not in (None, "unknown"):
        name = check_dog_name(str(answers.values["dog_name"]), args.file, "dog_name")
    else:
        raise InputError(args.file, None, "no dog's name (no Patient, no dog_name answer): give --dog")
    details = _dog_details(answers.values)
    chart = None
    if got.patient is not None:
        from_patient = patient_details(got.patient, load_config().chart_system)
        chart = from_patient.pop("chart", None)
        for key, value in from_patient.items():
            details[key] = check_dog_name(value, args.file, f"Patient.{key}", 400) if isinstance(value, str) \
                else value
    assessment = assess(cat, answers) if status == "completed" else None
    when = authored(got.response.authored)
    store = open_store(args.db)
    try:
        dog, intake = store.record_intake(
            name, by=by, mode=got.mode, content_version=cat.version, content_hash=cat.hash,
            answers=answers.values, assessment=assessment.model_dump(mode="json") if assessment else None,
            dog_details=details, chart=chart, created_at=when)
    except AmbiguousDog as exc:
        raise InputError("--dog" if args.dog else args.file, None, str(exc)) from None
    finally:
        store.close()
    if answers.dropped:
        print(f"note: {len(answers.dropped)} answers to questions that branching hides were left out: "
              f"{', '.join(answers.dropped)}", file=sys.stderr)
    missing = getattr(assessment, "red_flags_unanswered", None) or []
    if missing:  # as `intakes add` says it: a partial response must not read as "no emergency"
        print(f"warning: {len(missing)} emergency question(s) not answered in {args.file}: {', '.join(missing)}; "
              "the result cannot rule out an emergency", file=sys.stderr)
    urgency = f", urgency {intake.urgency}" if intake.urgency else ""
    from vettriage.localtime import local_day

    print(f"imported intake {intake.id} for {dog.name} (dog {dog.id}) from {args.file}: "
          f"{len(answers.values)} answers, {intake.status}{urgency}, dated {local_day(intake.created_at)}")
    return 0


def authored(value: Any) -> Any:
    """`QuestionnaireResponse.authored` as the visit's time: a date alone is noon local time that day (never
    the day before in any zone); a year or a month alone, or none, is not a time (the import is dated now)."""
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(12)).astimezone()
    return None


def _by(author: Any, mode: str, source: str) -> str:
    """Who answered, from `QuestionnaireResponse.author`: a Practitioner by name, else the owner."""
    if author is not None and author.type == "Practitioner" and (author.display or "").strip():
        from vettriage.commands.intakes import check_dog_name

        return check_dog_name(author.display, source, "author.display")
    return "owner" if author is not None or mode == "owner" else "technician"
