"""Content packs: the demo pack loads on top of the shipped content, adds its section, scores and rules, appears
in both reports with its licence note; a pack that changes a shipped id, breaks the namespace or names an
unknown reference is refused with a one-line error naming the pack's file, the id and the line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vettriage.cli import main
from vettriage.content import load_catalogue
from vettriage.engine import assess, read_answers_file
from vettriage.errors import InputError

DEMO = Path(__file__).resolve().parents[2] / "examples" / "packs" / "demo-instrument"
EXAMPLES = DEMO.parents[1]
DEMO_ANSWERS = "demo_sunny_spot: 3\ndemo_toy_basket: 2\ndemo_garden_gate: 2\ndemo_comment: 'Sleeps by the radiator'\n"


@pytest.fixture(scope="module")
def with_demo():
    """The shipped content with the demo pack."""
    return load_catalogue(packs=[DEMO])


@pytest.fixture()
def pack(tmp_path: Path) -> Path:
    """A writable copy of the demo pack."""
    dst = tmp_path / "pack"
    shutil.copytree(DEMO, dst)
    return dst


@pytest.fixture()
def answers_file(tmp_path: Path) -> Path:
    """The arthritis example with the demo pack's questions answered."""
    p = tmp_path / "answers.yaml"
    p.write_text((EXAMPLES / "arthritis.yaml").read_text() + "\n" + DEMO_ANSWERS)
    return p


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def _refused(pack: Path) -> InputError:
    with pytest.raises(InputError) as err:
        load_catalogue(packs=[pack], use_cache=False)
    return err.value


# --- Loading ----------------------------------------------------------------------------------------------


def test_demo_pack_adds_its_section_before_the_owners_own_words(catalogue, with_demo) -> None:
    ids = [s.id for s in with_demo.sections]
    assert ids == [s.id for s in catalogue.sections if s.id != "notes"] + ["demo", "notes"]
    assert {"demo_sunny_spot", "demo_toy_basket", "demo_garden_gate", "demo_comment"} <= set(with_demo.items)
    assert "demo_total" in with_demo.score_by_id
    assert [r.id for r in with_demo.rules[-2:]] == ["demo_total_high", "demo_with_pain_signs"]
    assert "demo_often5" in with_demo.scales and "demo_manual" in with_demo.references
    (demo,) = with_demo.packs
    assert demo.id == "demo" and "fictional" in demo.licence and demo.sections == ["demo"]
    assert with_demo.pack_of["demo_sunny_spot"] is demo and "pain_sign_stairs" not in with_demo.pack_of
    # the shipped definitions are untouched
    assert len(with_demo.rules) == len(catalogue.rules) + 2
    assert with_demo.items["pain_sign_stairs"].text.owner == catalogue.items["pain_sign_stairs"].text.owner


def test_version_and_hash_cover_the_pack(catalogue, with_demo, pack) -> None:
    assert with_demo.version == f"{catalogue.version}+demo-1.0"
    assert with_demo.hash != catalogue.hash and with_demo.base_version == catalogue.version
    _replace(pack / "demo.yaml", "Demo item 1", "Demo item one")
    assert load_catalogue(packs=[pack]).hash != with_demo.hash
    assert load_catalogue(packs=[pack]).hash == load_catalogue(packs=[pack]).hash  # and cached under it


def test_pack_answers_are_scored_and_its_rules_add_notes(with_demo, answers_file) -> None:
    a = assess(with_demo, read_answers_file(with_demo, answers_file))
    assert a.scores["demo_total"].value == 7
    notes = {n.rule for n in a.notes}
    assert {"demo_total_high", "demo_with_pain_signs"} <= notes
    assert a.content_version.endswith("+demo-1.0") and a.content_hash == with_demo.hash


def test_pack_answers_without_the_pack_are_refused(catalogue, answers_file) -> None:
    with pytest.raises(InputError, match="demo_sunny_spot: unknown question id"):
        read_answers_file(catalogue, answers_file)


# --- The command line -------------------------------------------------------------------------------------


def test_validate_pack_passes_and_prints_the_licence(capsys) -> None:
    assert main(["validate", "--pack", str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert "+demo-1.0" in out and "pack demo 1.0" in out and "Licence: Demo Comfort Index (fictional)" in out


def test_answers_template_includes_the_pack_items(capsys) -> None:
    assert main(["answers-template", "--pack", str(DEMO)]) == 0
    out = capsys.readouterr().out
    for iid in ("demo_sunny_spot", "demo_toy_basket", "demo_garden_gate", "demo_comment"):
        assert f"\n{iid}: null" in out
    assert "From content pack demo 1.0. Licence:" in out


def test_the_packs_setting_loads_packs_for_every_command(tmp_path, monkeypatch, capsys) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"packs = [{str(DEMO)!r}]\n".replace("'", '"'))
    monkeypatch.setenv("VETTRIAGE_CONFIG", str(config))
    assert main(["answers-template"]) == 0
    assert "\ndemo_sunny_spot: null" in capsys.readouterr().out
    # --pack on top of the setting loads the same folder once
    assert main(["validate", "--pack", str(DEMO)]) == 0
    assert capsys.readouterr().out.count("pack demo") == 1


def test_pack_option_is_on_every_command_that_loads_content() -> None:
    from vettriage.cli import build_parser

    parser = build_parser()
    for argv in (["validate"], ["answers-template"], ["assess", "f"], ["plan", "f"], ["report", "f"],
                 ["handouts", "--date", "2026-12-01", "-o", "d"],
                 ["intakes", "add", "f", "--dog", "x"], ["intakes", "import", "f"], ["desk"],
                 ["intake", "--dog", "x"], ["invite", "--dog", "x"], ["serve"]):
        args = parser.parse_args([*argv, "--pack", "A", "--pack", "B"])
        assert args.pack == ["A", "B"], argv


def test_assess_with_the_pack(answers_file, capsys) -> None:
    assert main(["assess", str(answers_file), "--pack", str(DEMO)]) == 0
    assert "+demo-1.0" in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["previsit", "handout"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_both_reports_show_the_pack_results_with_its_licence(answers_file, capsys, kind, fmt) -> None:
    assert main(["report", str(answers_file), "--kind", kind, "--format", fmt, "--pack", str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert "Demo Comfort Index (fictional) (pack demo 1.0)" in out
    assert "Licence: Demo Comfort Index (fictional) © 2026 Example Veterinary Institute" in out
    assert "4 of 4 questions answered" in out and ": 7." in out


def test_reports_without_pack_answers_print_no_pack_block(tmp_path, capsys) -> None:
    assert main(["report", str(EXAMPLES / "arthritis.yaml"), "--format", "md", "--pack", str(DEMO)]) == 0
    assert "Clinic content packs" not in capsys.readouterr().out


# --- Refused packs ----------------------------------------------------------------------------------------


def test_a_pack_that_redefines_a_shipped_item_is_refused(pack, capsys) -> None:
    _replace(pack / "demo.yaml", "- id: demo_toy_basket", "- id: pain_sign_stairs")
    err = _refused(pack)
    assert str(err).startswith(str(pack / "demo.yaml") + ":")
    assert err.field == "items[pain_sign_stairs]" and err.line is not None
    assert "already defined by the shipped content" in str(err)
    assert main(["validate", "--pack", str(pack)]) == 2
    out = capsys.readouterr().err
    assert out.count("\n") == 1 and "Traceback" not in out and "demo.yaml" in out


@pytest.mark.parametrize("file, old, new, field", [
    ("scores.yaml", "- id: demo_total", "- id: pain_signs", "scores[pain_signs]"),
    ("rules.yaml", "- id: demo_total_high", "- id: pain_signs_likely", "rules[pain_signs_likely]"),
    ("references.yaml", "- id: demo_manual", "- id: s32", "references[s32]"),
])
def test_a_pack_never_changes_a_shipped_score_rule_or_reference(pack, file, old, new, field) -> None:
    _replace(pack / file, old, new)
    err = _refused(pack)
    assert file in err.source and err.field == field and "a pack adds, never changes" in str(err)


def test_a_pack_naming_an_unknown_reference_is_refused(pack) -> None:
    _replace(pack / "demo.yaml", "      source: demo_manual\n    - id: demo_toy_basket",
             "      source: demo_handbook\n    - id: demo_toy_basket")
    err = _refused(pack)
    assert "demo.yaml" in err.source and err.field == "items[demo_sunny_spot]" and err.line is not None
    assert "demo_handbook" in str(err) and "not a known reference" in str(err)


def test_pack_ids_are_namespaced(pack) -> None:
    _replace(pack / "demo.yaml", "- id: demo_toy_basket", "- id: toy_basket")
    err = _refused(pack)
    assert err.field == "items[toy_basket]" and "must start with 'demo_'" in str(err)


def test_a_pack_id_cannot_take_a_shipped_prefix(pack) -> None:
    _replace(pack / "pack.yaml", "id: demo\n", "id: pain\n")
    err = _refused(pack)
    assert "pack.yaml" in err.source and err.field == "id" and "'pain_...'" in str(err)


def test_two_packs_cannot_share_an_id(pack) -> None:
    with pytest.raises(InputError, match="already loaded"):
        load_catalogue(packs=[DEMO, pack], use_cache=False)


def test_a_pack_rule_cannot_set_a_finding(pack) -> None:
    _replace(pack / "rules.yaml", "      workup: [orthopaedic_exam]\n", "      finding: pain\n      level: likely\n")
    err = _refused(pack)
    assert "rules.yaml" in err.source and err.field == "rules[demo_total_high]" and "'finding'" in str(err)
    assert err.line is not None


def test_a_pack_rule_naming_an_unknown_item_is_refused_like_shipped_content(pack) -> None:
    _replace(pack / "rules.yaml", "{score: demo_total, gte: 6}", "{item: demo_nope, gte: 6}")
    err = _refused(pack)
    assert "rules.yaml" in err.source and err.field == "rules[demo_total_high]" and "demo_nope" in str(err)


def test_a_pack_item_on_an_unknown_scale_is_refused(pack) -> None:
    _replace(pack / "demo.yaml", "scale: demo_often5\n      text: {owner: \"How often did your dog walk",
             "scale: demo_often6\n      text: {owner: \"How often did your dog walk")
    err = _refused(pack)
    assert err.field == "items[demo_toy_basket]" and "demo_often6" in str(err)


def test_a_pack_without_pack_yaml_or_its_licence_is_refused(pack, tmp_path) -> None:
    _replace(pack / "pack.yaml", "licence: >-", "licensed: >-")
    err = _refused(pack)
    assert "pack.yaml" in err.source
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="pack.yaml.*file not found"):
        load_catalogue(packs=[empty])


def test_a_malformed_packs_setting_is_a_one_line_error(tmp_path, monkeypatch, capsys) -> None:
    config = tmp_path / "config.toml"
    config.write_text("packs = 3\n")
    monkeypatch.setenv("VETTRIAGE_CONFIG", str(config))
    assert main(["answers-template"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "config.toml" in err and "packs" in err


def test_the_packs_environment_variable_reaches_code_that_loads_content_itself(monkeypatch) -> None:
    # how `serve` hands its packs to the browser intakes' child processes
    monkeypatch.setenv("VETTRIAGE_PACKS", str(DEMO))
    assert "demo_sunny_spot" in load_catalogue().items
    assert "demo_sunny_spot" not in load_catalogue(packs=[]).items


def test_a_pack_rule_cannot_set_answers_aside(pack) -> None:
    # setting shipped answers aside would change what the shipped DISHAA domains count
    _replace(pack / "rules.yaml", "      workup: [orthopaedic_exam]\n", "      explains: [cog_house_soiling]\n")
    err = _refused(pack)
    assert err.field == "rules[demo_total_high]" and "'explains'" in str(err)
