"""Follow-up visits (issue 16) end to end through the CLI: a dog by id, two visits of a shipped example with
lowered pain answers, the change table, the chart in HTML and PDF, the history pre-fill, the due list."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from vettriage.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _lowered(tmp_path: Path, name: str) -> Path:
    """The example with every pain sign answered one step lower (what a working pain trial looks like)."""
    data = yaml.safe_load((EXAMPLES / name).read_text())
    for key, value in data.items():
        if key.startswith("pain_sign") and isinstance(value, int) and value > 0:
            data[key] = value - 1
    out = tmp_path / f"lowered-{name}"
    out.write_text(yaml.safe_dump(data))
    return out


def _two_visits(tmp_path: Path, capsys, name: str = "arthritis.yaml") -> tuple[str, int]:
    db = str(tmp_path / "f.db")
    assert main(["dogs", "add", "--name", "Bella", "--owner", "Ann Lee", "--phone", "555 0101", "--chart", "A-1",
                 "--breed", "Labrador", "--sex", "female", "--born", "2013-04-02", "--db", db]) == 0
    dog_id = int(capsys.readouterr().out.strip())
    assert main(["intakes", "add", str(EXAMPLES / name), "--dog-id", str(dog_id), "--db", db]) == 0
    assert main(["intakes", "add", str(_lowered(tmp_path, name)), "--chart", "A-1", "--db", db]) == 0
    capsys.readouterr()
    return db, dog_id


def test_change_table_for_two_visits_with_lowered_pain_answers(tmp_path, capsys) -> None:
    db, dog_id = _two_visits(tmp_path, capsys)
    assert main(["dogs", "show", str(dog_id), "--json", "--db", db]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [v["intake_id"] for v in doc["visits"]] == [1, 2]
    rows = {r["score_id"]: r for r in doc["since_last_visit"]["scores"]}
    pain = rows["pain_signs"]
    assert pain["direction"] == "lower" and pain["change_low"] == pain["change_high"] < 0
    assert pain["meaning"].startswith("descriptive only") and "minimal important difference" in pain["meaning"]
    assert rows["cog_total"]["direction"] in ("same", "undetermined", "not comparable")  # cognition untouched
    assert all(r["direction"] != "higher" for r in rows.values())
    assert main(["dogs", "show", str(dog_id), "--db", db]) == 0
    text = capsys.readouterr().out
    assert "Since last visit" in text and "lower" in text and "no published minimal important difference" in text
    assert "improved" not in text and "worse" not in text.replace("no change is called better or worse", "")


def test_vet_summary_has_the_section_and_an_svg_chart_in_html_and_pdf(tmp_path, capsys) -> None:
    pypdf = pytest.importorskip("pypdf")
    db, _ = _two_visits(tmp_path, capsys)
    assert main(["report", "--intake", "1", "--format", "html", "--db", db]) == 0
    first = capsys.readouterr().out
    assert "Since last visit" not in first  # the first visit has nothing to compare with
    assert main(["report", "--intake", "2", "--format", "html", "--db", db]) == 0
    html = capsys.readouterr().out
    section = html[html.index("Since last visit"):]
    assert "<svg" in section and "visit date" in section and "score value" in section and "lower" in section
    assert "<script" not in html
    out = tmp_path / "r.pdf"
    assert main(["report", "--intake", "2", "--format", "pdf", "-o", str(out), "--db", db]) == 0
    text = "".join(p.extract_text() for p in pypdf.PdfReader(str(out)).pages)
    assert "Since last visit" in text and "visit date" in text and "score value" in text


def test_prefill_carries_the_medicines_and_never_a_sign_or_rating(tmp_path, capsys) -> None:
    from vettriage.content import load_catalogue

    db, dog_id = _two_visits(tmp_path, capsys, "ketamine-cautions.yaml")
    assert main(["answers-template", "--dog-id", str(dog_id), "--db", db]) == 0
    form = yaml.safe_load(capsys.readouterr().out)
    filled = {k: v for k, v in form.items() if v is not None}
    assert set(filled["med_current"]) >= {"meloxicam", "prednisolone"}
    cat = load_catalogue()
    scored = {ref for s in cat.scores for ref in s.of}
    section_of = cat.section_of
    for item_id in filled:
        item = cat.items[item_id]
        assert item.history, item_id
        assert item.type != "scale" and item_id not in scored and section_of[item_id] != "redflags", item_id
    # the months since the last blood test move on with the time since that visit, never back
    source = yaml.safe_load((EXAMPLES / "ketamine-cautions.yaml").read_text())
    if "med_bloodwork_months" in source:
        assert filled["med_bloodwork_months"] >= source["med_bloodwork_months"]
    # the form is a valid answers file as it stands
    path = tmp_path / "form.yaml"
    path.write_text(yaml.safe_dump(form))
    assert main(["assess", str(path)]) == 0


def test_a_history_flag_on_a_sign_is_a_content_error(tmp_path) -> None:
    import shutil

    from vettriage.content import load_catalogue
    from vettriage.errors import InputError
    from vettriage.resources import questionnaires_dir

    content = tmp_path / "q"
    shutil.copytree(questionnaires_dir(), content)
    pain = content / "pain.yaml"
    text = pain.read_text()
    at = text.index("- id: pain_sign_stiff_after_rest")
    at = text.index("      source:", at)
    pain.write_text(text[:at] + "      history: true\n" + text[at:])
    with pytest.raises(InputError) as err:
        load_catalogue(content, use_cache=False)
    assert "pain.yaml" in str(err.value) and "pain_sign_stiff_after_rest" in str(err.value)


def test_dogs_due_lists_a_dog_whose_rescreen_date_has_passed(tmp_path, capsys) -> None:
    from vettriage.store import open_store

    db = str(tmp_path / "d.db")
    for name in ("Old", "Fresh"):
        assert main(["intakes", "add", str(EXAMPLES / "healthy-senior.yaml"), "--dog", name, "--db", db]) == 0
    store = open_store(db)
    past = dt.date.today() - dt.timedelta(days=3)
    store.run(lambda tx: tx.execute("UPDATE intakes SET rescreen_due = ? WHERE id = 1",
                                    (tx.dialect.dump("date", past),)), write=True)
    fresh_due = store.get_intake(2).rescreen_due
    store.close()
    capsys.readouterr()
    assert main(["dogs", "due", "--json", "--db", db]) == 0
    due = json.loads(capsys.readouterr().out)
    assert [(d["dog"]["name"], d["status"]) for d in due] == [("Old", "overdue by 3 days")]
    days = (fresh_due - dt.date.today()).days
    assert main(["dogs", "due", "--within", f"{days}d", "--db", db]) == 0
    text = capsys.readouterr().out
    assert "Old" in text and "Fresh" in text and "overdue by 3 days" in text
    assert main(["dogs", "due", "--within", "soon", "--db", db]) == 2
    # a later completed visit replaces the overdue date: the re-screen happened
    assert main(["intakes", "add", str(EXAMPLES / "healthy-senior.yaml"), "--dog", "Old", "--db", db]) == 0
    capsys.readouterr()
    assert main(["dogs", "due", "--json", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_dogs_add_refuses_a_taken_chart_and_a_bad_birth_date(tmp_path, capsys) -> None:
    db = str(tmp_path / "c.db")
    assert main(["dogs", "add", "--name", "Rex", "--chart", "7", "--born", "11.5", "--db", db]) == 0
    assert main(["dogs", "add", "--name", "Max", "--chart", "7", "--db", db]) == 2
    assert main(["dogs", "add", "--name", "Max", "--born", "tomorrow", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "already dog 1" in err and "--born" in err and "Traceback" not in err
    assert main(["dogs", "list", "--json", "--db", db]) == 0
    dogs = json.loads(capsys.readouterr().out)
    assert [(d["name"], d["chart"], d["age_years"], d["intakes"]) for d in dogs] == [("Rex", "7", 11.5, 0)]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_and_import_keep_chart_phone_and_rescreen_date(tmp_path, capsys, fmt) -> None:
    db, dog_id = _two_visits(tmp_path, capsys)
    out = tmp_path / f"e.{fmt}"
    assert main(["intakes", "export", "--format", fmt, "-o", str(out), "--db", db]) == 0
    other = str(tmp_path / "other.db")
    assert main(["intakes", "import", str(out), "--db", other]) == 0
    from vettriage.store import open_store

    a, b = open_store(db), open_store(other)
    try:
        assert b.get_dog(dog_id) == a.get_dog(dog_id) and b.get_dog(dog_id).chart == "A-1"
        assert b.get_intake(2).rescreen_due == a.get_intake(2).rescreen_due is not None
        assert b.get_intake(2).rescreen_reason == a.get_intake(2).rescreen_reason
    finally:
        a.close()
        b.close()


def test_an_export_written_before_schema_3_still_imports(tmp_path, capsys) -> None:
    db, _ = _two_visits(tmp_path, capsys)
    out = tmp_path / "e.json"
    assert main(["intakes", "export", "-o", str(out), "--db", db]) == 0
    doc = json.loads(out.read_text())
    for d in doc["dogs"]:
        del d["chart"], d["owner_phone"]
    for i in doc["intakes"]:
        del i["rescreen_due"], i["rescreen_reason"]
    out.write_text(json.dumps(doc))
    other = str(tmp_path / "other.db")
    assert main(["intakes", "import", str(out), "--db", other]) == 0
    from vettriage.store import open_store

    s = open_store(other)
    try:
        assert s.get_dog(1).chart is None and s.get_intake(1).rescreen_due is None
    finally:
        s.close()


def test_intake_by_a_name_two_dogs_share_is_refused_with_their_ids(tmp_path, capsys) -> None:
    db = str(tmp_path / "n.db")
    for chart in ("1", "2"):
        assert main(["dogs", "add", "--name", "Rex", "--chart", chart, "--db", db]) == 0
    capsys.readouterr()
    assert main(["intake", "--dog", "rex", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "2 dogs are named" in err and "ids 1, 2" in err and err.count("\n") == 1
