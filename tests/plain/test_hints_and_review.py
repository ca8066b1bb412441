"""The plain mode's hints name the database and dog actually used; the review says only what changed or what
was asked for; the emergency stop prints the summary and its documents; a withdrawn red flag is announced."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.plain.script import RED_FLAG, asked, plain_script
from tests.plain.test_dialogue import run_plain
from vettriage.plain import PlainDialogue
from vettriage.intake.starting import resume_or_start
from vettriage.intake.session import IntakeSession


def _to_red_flag(catalogue: Any) -> str:
    """Lines that reach the collapse question ("don't know" or blank to everything before it)."""
    order = asked(catalogue)
    return "".join("u\n" if catalogue.items[i].allow_unknown else "\n" for i in order[1:order.index(RED_FLAG)])


def test_stop_at_the_emergency_prints_the_summary_as_a_draft_and_its_documents(store: Any, catalogue: Any,
                                                                                config: Any) -> None:
    _, out, intake = run_plain(store, catalogue, config, _to_red_flag(catalogue) + "1\ns\n")
    after = out[out.rindex("Type f to finish"):]
    assert "DRAFT: the questions stopped at" in after
    assert "Urgency: EMERGENCY." in after
    assert "Emergency signs, act now:" in after and "Red flag: " in after
    assert "Call Riverside Vets on 01632 960000 now" in after and "must be examined by a vet" in after
    assert f"Documents: vettriage report --intake {intake.id} --kind previsit (or --kind handout)" in after
    assert "every page is marked DRAFT" in after
    assert intake.status == "in_progress"


def test_a_withdrawn_red_flag_is_announced(store: Any, catalogue: Any, config: Any) -> None:
    # yes to collapse, finish for the record, back to it, then no
    _, out, intake = run_plain(store, catalogue, config, _to_red_flag(catalogue) + "1\nf\nb\n2\nq\n")
    said = out[out.rindex("EMERGENCY."):]
    assert "Emergency sign withdrawn: " in said
    assert "No emergency sign is reported now" in said
    assert intake.answers[RED_FLAG] is False


def test_a_key_the_review_does_not_know_gets_one_line_not_the_list_again(store: Any, catalogue: Any,
                                                                        config: Any) -> None:
    first = catalogue.items[asked(catalogue)[0]].text.tech
    _, out, _ = run_plain(store, catalogue, config, "r\nzz\nl\n")
    assert out.count(f"1. {first} Answer:") == 2  # asked for by r, and again by l; not after zz
    assert "Not accepted: 'zz'. Type a number from 1 to" in out


def test_coming_back_from_a_change_the_review_says_only_that_change(store: Any, catalogue: Any,
                                                                   config: Any) -> None:
    _, out, intake = run_plain(store, catalogue, config, plain_script(catalogue))
    assert intake.status == "completed"
    last = out[out.rindex("Review for"):]
    n = asked(catalogue).index("dog_age_years") + 1
    assert f"Changed: {n}. {catalogue.items['dog_age_years'].text.tech} Answer: 14 years." in last
    assert f"1. {catalogue.items[asked(catalogue)[0]].text.tech}" not in last


def test_the_hints_carry_the_database_and_the_dog_option_used(store: Any, catalogue: Any, config: Any) -> None:
    intake = resume_or_start(store, catalogue, "Rex", "tech")
    out = io.StringIO()
    PlainDialogue(IntakeSession(catalogue, store, intake, "tech"), config, io.StringIO("q\n"), out,
                  again=("--dog-id", str(intake.dog.id)), db="my clinic.db").run()
    assert out.getvalue().rstrip().endswith(
        f"To go on later: vettriage intake --plain --dog-id {intake.dog.id} --db 'my clinic.db'")


def _env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "config.toml").write_text('clinic_name = "Riverside Vets"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETTRIAGE_") or k == "VETTRIAGE_CACHE_DIR"}
    return dict(env, VETTRIAGE_CONFIG=str(tmp_path / "config.toml"), TERM="dumb")


def test_intake_by_dog_id_and_by_chart(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    env = _env(tmp_path)

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "vettriage", *args, "--db", db], input=stdin,
                              capture_output=True, text=True, timeout=120, env=env)

    for _ in range(2):  # two dogs share a name: --dog refuses, --dog-id and --chart pick one
        assert run("dogs", "add", "--name", "Bella").returncode == 0
    assert run("dogs", "add", "--name", "Bella", "--chart", "A-17").stdout.strip() == "3"
    refused = run("intake", "--plain", "--dog", "Bella")
    assert refused.returncode == 2 and "3 dogs are named 'Bella'" in refused.stderr
    by_id = run("intake", "--plain", "--dog-id", "2", stdin="13\nq\n")
    assert by_id.returncode == 0, by_id.stderr
    assert f"To go on later: vettriage intake --plain --dog-id 2 --db {db}" in by_id.stdout
    by_chart = run("intake", "--plain", "--chart", "A-17", stdin="q\n")
    assert f"To go on later: vettriage intake --plain --chart A-17 --db {db}" in by_chart.stdout
    # the dog's intake in progress is resumed, never a second one started
    again = run("intake", "--plain", "--dog-id", "2", stdin="q\n")
    assert "Resuming where you left off." in again.stdout
    listed = run("intakes", "list")
    assert listed.stdout.count("Bella") == 2
    missing = run("intake", "--plain", "--chart", "Z-9")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "--chart" in missing.stderr


def test_the_documents_hint_names_the_database(store: Any, catalogue: Any, config: Any) -> None:
    intake = resume_or_start(store, catalogue, "Rex", "tech")
    out = io.StringIO()
    PlainDialogue(IntakeSession(catalogue, store, intake, "tech"), config,
                  io.StringIO(_to_red_flag(catalogue) + "1\ns\n"), out, db="my clinic.db").run()
    assert (f"Documents: vettriage report --intake {intake.id} --kind previsit --db 'my clinic.db' "
            "(or --kind handout)") in out.getvalue()


def test_the_full_screen_intake_by_dog_id_opens_that_dogs_intake(tmp_path: Path, monkeypatch: Any) -> None:
    import vettriage.commands.tui as tui
    from vettriage.cli import main
    from vettriage.store import open_store

    monkeypatch.setenv("VETTRIAGE_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text('clinic_name = "Riverside Vets"\n')
    db = str(tmp_path / "c.db")
    store = open_store(db)
    first, second = store.add_dog("Bella"), store.add_dog("Bella", chart="A-17")
    store.close()
    opened: list[Any] = []
    monkeypatch.setattr(tui, "_launch", opened.append)
    assert main(["intake", "--no-plain", "--chart", "A-17", "--db", db]) == 0
    store = open_store(db)
    try:
        assert store.get_intake(opened[0].intake_id).dog.id == second.id != first.id
    finally:
        store.close()
