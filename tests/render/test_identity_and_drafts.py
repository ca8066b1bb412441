"""The clinic's identity (configuration, logo), drafts of unfinished intakes, partial answers that are never an
all-clear, and `vettriage handouts --date today` (a local day)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.render.conftest import META
from tests.render.pdfs import flat
from vettriage.cli import main
from vettriage.render import Clinic, build_context, render_context

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


@pytest.fixture()
def config_file(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text("")  # this user's own settings must not leak into the test
    monkeypatch.setenv("VETTRIAGE_CONFIG", str(path))
    for var in ("VETTRIAGE_CLINIC_NAME", "VETTRIAGE_CLINIC_PHONE", "VETTRIAGE_CLINIC_ADDRESS", "VETTRIAGE_CLINIC_LOGO"):
        monkeypatch.delenv(var, raising=False)
    return path


# --- configuration --------------------------------------------------------------------------------------------


def test_config_init_set_unset_and_describe(config_file, tmp_path, capsys):
    config_file.unlink()
    assert main(["config", "init"]) == 0
    assert main(["config", "init"]) == 2  # never replaced silently
    assert "already exists" in capsys.readouterr().err
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    for key, value in (("clinic_name", 'Riverside "Vets"'), ("clinic_phone", "01632 960000"),
                       ("clinic_address", "1 River Street"), ("clinic_logo", str(logo))):
        assert main(["config", "set", key, value]) == 0
    text = config_file.read_text()
    assert "# The clinic's name" in text  # the documentation init wrote is kept
    from vettriage.config import load_config

    cfg = load_config()
    assert (cfg.clinic_name, cfg.clinic_phone, cfg.clinic_address) == ('Riverside "Vets"', "01632 960000",
                                                                       "1 River Street")
    assert cfg.logo_data_uri().startswith("data:image/png;base64,")
    capsys.readouterr()
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    for key in ("clinic_name", "clinic_phone", "clinic_address", "clinic_logo", "database_url", "theme"):
        assert key in out
    assert "VETTRIAGE_CLINIC_NAME" in out and "every page" in out  # each key documented
    assert main(["config", "unset", "clinic_address"]) == 0
    assert load_config().clinic_address is None


@pytest.mark.parametrize("args,needle", [
    (["config", "set", "colour", "red"], "colour: unknown setting"),
    (["config", "set", "theme", "pink"], "theme"),
    (["config", "set", "clinic_logo", "/etc/passwd"], "not a PNG or JPEG"),
    (["config", "set", "clinic_logo", "/no/such/logo.png"], "cannot read"),
])
def test_config_set_refuses_bad_values_in_one_line(config_file, capsys, args, needle):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_environment_names_the_clinic(config_file, monkeypatch):
    from vettriage.config import load_config

    monkeypatch.setenv("VETTRIAGE_CLINIC_NAME", "Hillside Vets")
    monkeypatch.setenv("VETTRIAGE_CLINIC_PHONE", "555 0100")
    cfg = load_config()
    assert (cfg.clinic_name, cfg.clinic_phone) == ("Hillside Vets", "555 0100")


# --- the logo -------------------------------------------------------------------------------------------------


def test_logo_is_embedded_as_data_and_owner_text_still_fetches_nothing(catalogue, cases):
    import dataclasses

    from pypdf import PdfReader

    c = cases["hostile"]  # owner text carries <img src="file:///etc/passwd">
    logo = "data:image/png;base64," + base64.b64encode(PNG).decode()
    meta = dataclasses.replace(META, clinic=Clinic(name="Riverside", phone="1", logo=logo))
    ctx = build_context("handout", catalogue, c.assessment, c.answers, c.plan, meta)
    html = render_context(ctx, "html")
    assert f'src="{logo}"' in html and 'src="file:' not in html
    reader = PdfReader(io.BytesIO(render_context(ctx, "pdf")))
    assert all(len(p.images) == 1 for p in reader.pages)  # the logo, once per page header, nothing else


# --- partial answers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["previsit", "handout"])
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_blank_form_is_never_an_all_clear(catalogue, extra_cases, kind, fmt):
    import dataclasses

    c = extra_cases["blank"]
    for mode in ("owner", "tech"):
        doc = render_context(build_context(kind, catalogue, c.assessment, c.answers, c.plan,
                                           dataclasses.replace(META, mode=mode)), fmt)
        low = " ".join(doc.split()).casefold()
        assert "could not be assessed" in low
        assert "not all answered" in low or "not all the emergency questions were answered" in low
        for banned in ("nothing in your answers points to", "no red flag reported", "did not show signs",
                       "no urgent signs were reported", "ruled out"):
            assert banned not in low, (kind, fmt, mode, banned)


def test_unanswered_category_says_what_would_decide_it(catalogue, extra_cases):
    c = extra_cases["blank"]
    ctx = build_context("handout", catalogue, c.assessment, c.answers, c.plan, META)
    pain = next(f for f in ctx["findings"] if f["id"] == "pain")
    assert pain["not_assessed"] and pain["level_word"] == "could not be assessed"
    assert pain["unanswered"] > 0 and pain["deciding"]
    owner_q = catalogue.items["pain_sign_stiff_after_rest"].text.owner.rstrip("?")
    vet = build_context("previsit", catalogue, c.assessment, c.answers, c.plan, META)
    vet_pain = next(f for f in vet["findings"] if f["id"] == "pain")
    assert owner_q in pain["deciding"]  # the owner's wording on the handout, the technician's for the vet
    assert catalogue.items["pain_sign_stiff_after_rest"].text.tech.rstrip("?") in vet_pain["deciding"]


def test_partial_phone_intake_says_the_emergency_questions_were_not_all_answered(catalogue, extra_cases):
    c = extra_cases["partial"]
    assert c.assessment.categories["pain"].level != "none"  # what was seen still counts
    for kind in ("previsit", "handout"):
        ctx = build_context(kind, catalogue, c.assessment, c.answers, c.plan, META)
        assert ctx["red_flags_unanswered"]
        doc = " ".join(render_context(ctx, "html").split())
        assert "not all" in doc.casefold() and "no red flag reported" not in doc.casefold()


# --- drafts ---------------------------------------------------------------------------------------------------


def test_report_of_an_unfinished_intake_is_a_draft_on_every_page(tmp_path, config_file, capsys):
    from pypdf import PdfReader

    from vettriage.content import load_catalogue
    from vettriage.store import open_store

    cat = load_catalogue()
    db = str(tmp_path / "vt.db")
    store = open_store(db)
    try:
        dog = store.add_dog("Pip", owner_name="Jo Bloggs")
        intake = store.create_intake(dog.id, by="Sam", mode="tech", content_version=cat.version,
                                     content_hash=cat.hash)
        for k, v in {"rf_collapse": False, "pain_sign_stairs": 3, "pain_sign_jumping": 2}.items():
            store.save_answer(intake.id, k, v, who="Sam")
        store.set_position(intake.id, "pain_sign_lagging")
    finally:
        store.close()
    for kind in ("previsit", "handout"):
        out = tmp_path / f"{kind}.pdf"
        assert main(["report", "--intake", str(intake.id), "--kind", kind, "--format", "pdf", "-o", str(out),
                     "--db", db]) == 0
        pages = [flat(p.extract_text()) for p in PdfReader(str(out)).pages]
        assert all("DRAFT" in p for p in pages), kind
        # how far it got (the dog's name counts as an answer: 4 with the three saved here); "3of" used to match
        # "23 of 25 unanswered" elsewhere on the page by chance
        assert re.search(r"intakenotcompleted\(4of\d+questionsanswered,stoppedin", pages[0]), pages[0][:200]
        assert "ownerJoBloggs" in pages[0] and "answeredbyatechnician" in pages[0]
    md = tmp_path / "h.md"
    assert main(["report", "--intake", str(intake.id), "--kind", "handout", "--format", "md", "-o", str(md),
                 "--db", db]) == 0
    assert "**DRAFT**" in md.read_text() and "questions answered" in md.read_text()


@pytest.mark.parametrize("kind", ["previsit", "handout"])
def test_clinic_identity_is_text_never_markup(catalogue, cases, kind):
    import dataclasses

    c = cases["pain"]
    meta = dataclasses.replace(META, clinic=Clinic(name="<b>Vets</b> [x](javascript:1) {{ 7*7 }}",
                                                   phone="*01632*", address="# 1 River St"))
    ctx = build_context(kind, catalogue, c.assessment, c.answers, c.plan, meta)
    html = render_context(ctx, "html")
    assert "<b>Vets" not in html and "&lt;b&gt;Vets&lt;/b&gt;" in html and "{{ 7*7 }}" in html
    md = render_context(ctx, "md")
    assert r"\<b\>Vets\</b\> \[x\](javascript:1)" in md and r"\*01632\*" in md and r"\# 1 River St" in md


def test_report_of_a_completed_intake_is_not_a_draft(catalogue, cases):
    c = cases["pain"]
    doc = render_context(build_context("previsit", catalogue, c.assessment, c.answers, c.plan, META), "html")
    assert "DRAFT" not in doc


# --- handouts of a local day ----------------------------------------------------------------------------------


@pytest.fixture()
def tz(monkeypatch):
    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.delenv("TZ", raising=False)
    time.tzset()


def test_today_is_the_local_day(tz):
    from vettriage.commands.report import parse_day

    tz("Pacific/Kiritimati")  # UTC+14: its today is often not UTC's
    assert parse_day("today") == dt.datetime.now().astimezone().date()
    assert parse_day("TODAY") == parse_day("today")
    assert parse_day("2026-05-01") == dt.date(2026, 5, 1)


def test_intakes_of_a_day_are_placed_by_local_date(tz):
    from vettriage.commands.report import intakes_of_day

    tz("America/New_York")  # UTC-4 in May
    utc = dt.timezone.utc
    rows = {1: dt.datetime(2026, 5, 1, 13, 0, tzinfo=utc),   # 09:00 local, 1 May
            2: dt.datetime(2026, 5, 2, 2, 0, tzinfo=utc),    # 22:00 local, 1 May (2 May in UTC)
            3: dt.datetime(2026, 5, 1, 3, 0, tzinfo=utc)}    # 23:00 local, 30 April

    class Store:
        def list_intakes(self, *, date, limit):
            return [SimpleNamespace(id=i, created_at=t) for i, t in rows.items() if t.date() == date]

    assert [r.id for r in intakes_of_day(Store(), dt.date(2026, 5, 1))] == [1, 2]


def test_handouts_today_says_how_many_and_why_none(tmp_path, config_file, capsys):
    from vettriage.content import load_catalogue
    from vettriage.store import open_store

    db = str(tmp_path / "vt.db")
    folder = tmp_path / "out"
    assert main(["handouts", "--date", "today", "-o", str(folder), "--db", db]) == 0
    assert "no intake was started that day" in capsys.readouterr().out
    assert not folder.exists()  # nothing to write, no folder made
    cat = load_catalogue()
    store = open_store(db)
    try:
        dog = store.add_dog("Pip")
        store.create_intake(dog.id, by="Sam", mode="tech", content_version=cat.version, content_hash=cat.hash)
    finally:
        store.close()
    assert main(["handouts", "--date", "today", "-o", str(folder), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "wrote no handouts" in out
    assert "none of its 1 intake(s) is completed yet" in out
    assert main(["handouts", "--date", "yesterday", "-o", str(folder), "--db", db]) == 2
