"""Content the loader refuses (issue 25): each invalid content the fault tests found accepted, or that raised a
traceback, is one line naming the file, exit 2 from `validate`. Every case edits a copy of the shipped content (or
the demo pack) in one place."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from vettriage.cli import main
from vettriage.resources import questionnaires_dir

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "packs" / "demo-instrument"
NAN, INF = float("nan"), float("inf")


@pytest.fixture()
def copies(tmp_path: Path) -> tuple[Path, Path]:
    content, pack = tmp_path / "q", tmp_path / "demo"
    shutil.copytree(questionnaires_dir(), content)
    shutil.copytree(DEMO, pack)
    return content, pack


def edit(path: Path, change: Callable[[Any], None]) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def item(data: Any, item_id: str) -> dict:
    return next(i for i in data["section"]["items"] if i["id"] == item_id)


def rule(data: Any, n: int = 0) -> dict:
    return data["rules"][n]


def score(data: Any, score_id: str) -> dict:
    return next(s for s in data["scores"] if s["id"] == score_id)


CASES: dict[str, tuple[str, Callable[[Any], None], str]] = {
    "NaN item max": ("dog.yaml", lambda d: item(d, "dog_age_years").update(max=NAN), "finite"),
    "infinite item min": ("dog.yaml", lambda d: item(d, "dog_age_years").update(min=-INF), "finite"),
    "NaN score threshold": ("scores.yaml", lambda d: score(d, "cog_domains_affected").update(threshold=NAN),
                            "finite"),
    "infinite rule bound": ("rules_redflags.yaml",
                            lambda d: rule(d).update(when={"item": "rf_collapse", "gte": INF}), "finite"),
    "NaN score test": ("rules_ccd.yaml", lambda d: rule(d).update(when={"score": "cog_domains_affected",
                                                                        "gte": NAN}), "finite"),
    "gate on a red flag": ("medical.yaml", lambda d: item(d, "med_nsaid_planned").update(
        enable_when={"red_flag": "any"}), "red flag"),
    "gate on a finding": ("medical.yaml", lambda d: item(d, "med_nsaid_planned").update(
        enable_when={"finding": "pain"}), "finding"),
    "unsatisfiable at_least": ("rules_redflags.yaml", lambda d: rule(d).update(when={"at_least": 3, "of": [
        {"item": "rf_collapse", "eq": True}, {"item": "rf_breathing", "eq": True}]}), "never hold"),
    "duplicate scale points": ("catalogue.yaml", lambda d: d["scales"][0]["points"][1].update(
        value=d["scales"][0]["points"][0]["value"]), "same value"),
    "blank red-flag action": ("flags.yaml", lambda d: d["red_flags"][0]["action"].update(owner="   "), "blank"),
    "eq: {}": ("rules_redflags.yaml", lambda d: rule(d).update(when={"item": "rf_collapse", "eq": {}}),
               "compares with"),
    "in: [[]]": ("rules_redflags.yaml", lambda d: rule(d).update(when={"item": "rf_collapse", "in": [[]]}),
                 "compares with"),
    "javascript: reference": ("references.yaml", lambda d: d["references"][0].update(url="javascript:alert(1)"),
                              "https"),
    "http reference": ("references.yaml", lambda d: d["references"][0].update(url="http://example.org/"), "https"),
    "reference with a space": ("references.yaml", lambda d: d["references"][0].update(
        url="https://example.org/ onmouseover=x"), "https"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_invalid_content_is_one_line_naming_the_file(copies, case, capsys) -> None:
    content, _ = copies
    name, change, words = CASES[case]
    edit(content / name, change)
    code = main(["validate", str(content)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert name in err and words in err, err


PACK_CASES: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "blank licence": ("pack.yaml", lambda p: edit(p / "pack.yaml", lambda d: d.update(licence="  ")), "licence"),
    "blank title": ("pack.yaml", lambda p: edit(p / "pack.yaml", lambda d: d.update(title=" ")), "title"),
    "duplicate scale id": ("pack.yaml", lambda p: edit(p / "pack.yaml", lambda d: d["scales"].append(
        dict(d["scales"][0], points=d["scales"][0]["points"][:2]))), "used twice"),
    "duplicate section id": ("demo2.yaml", lambda p: (
        shutil.copy(p / "demo.yaml", p / "demo2.yaml"),
        edit(p / "demo2.yaml", lambda d: [i.update(id=i["id"] + "_two") for i in d["section"]["items"]]),
        edit(p / "pack.yaml", lambda d: d["sections"].append("demo2"))), "already used"),
    "tag in pack.yaml": ("pack.yaml", lambda p: (p / "pack.yaml").write_text(
        (p / "pack.yaml").read_text().replace("scores: true", "scores: !!bool nope")), "!!bool"),
}


@pytest.mark.parametrize("case", list(PACK_CASES))
def test_invalid_pack_is_one_line_naming_the_file(copies, case, capsys) -> None:
    content, pack = copies
    name, change, words = PACK_CASES[case]
    change(pack)
    code = main(["validate", str(content), "--pack", str(pack)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert name in err and words in err, err


TAGS = ["!!bool nope", "!!int ''", "!!timestamp x", "!!float x", "!!binary aGk=", "!!python/name:os.system",
        "!!set {a: null}", "!!omap [a: 1]"]


@pytest.mark.parametrize("tag", TAGS)
def test_yaml_tags_beyond_the_core_types_are_one_line(copies, tag, tmp_path, capsys) -> None:
    content, _ = copies
    p = content / "notes.yaml"
    p.write_text(p.read_text().replace("section:", f"unused: {tag}\nsection:", 1))
    assert main(["validate", str(content)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "notes.yaml" in err and "Traceback" not in err, err
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"dog_name: Rex\ndog_age_years: {tag}\n")
    assert main(["assess", str(answers)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "answers.yaml" in err and "dog_age_years" in err, err


def test_core_tags_on_values_of_their_type_still_read(tmp_path, capsys) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("dog_name: !!str Rex\ndog_age_years: !!int 12\nrf_collapse: !!bool false\n")
    assert main(["assess", str(answers)]) == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("where", ["content", "pack"])
def test_a_fifo_named_yaml_is_refused_not_waited_on(copies, where) -> None:
    content, pack = copies
    folder = content if where == "content" else pack
    os.mkfifo(folder / "zz.yaml")
    argv = ["validate", str(content)] + (["--pack", str(pack)] if where == "pack" else [])
    out = subprocess.run([sys.executable, "-m", "vettriage", *argv], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "VETTRIAGE_NO_CACHE": "1"})
    assert out.returncode == 2 and "zz.yaml" in out.stderr and "not a regular file" in out.stderr, out.stderr
