"""The content loader: the real content loads; every kind of broken file fails with file, id and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vettriage.cli import main
from vettriage.content import load_catalogue
from vettriage.errors import InputError
from vettriage.resources import questionnaires_dir


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    """A writable copy of the shipped content."""
    dst = tmp_path / "q"
    shutil.copytree(questionnaires_dir(), dst)
    return dst


def test_shipped_content_loads(catalogue) -> None:
    assert catalogue.version
    assert len(catalogue.hash) == 64
    assert catalogue.sections[0].id == "dog"
    assert [s.id for s in catalogue.sections].index("redflags") == 1


def test_every_item_and_rule_cites_a_known_source(catalogue) -> None:
    for item in catalogue.items.values():
        assert item.source in catalogue.references
    for rule in catalogue.rules:
        assert rule.source in catalogue.references


def test_hash_changes_with_content(content: Path) -> None:
    before = load_catalogue(content).hash
    p = content / "notes.yaml"
    p.write_text(p.read_text() + "\n# edited\n")
    assert load_catalogue(content).hash != before


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def test_malformed_yaml_names_file_and_line(content: Path) -> None:
    _replace(content / "redflags.yaml", "    - id: rf_breathing\n", "    - id: rf_breathing\n   bad: [\n")
    with pytest.raises(InputError) as err:
        load_catalogue(content)
    assert "redflags.yaml" in str(err.value)
    assert err.value.line is not None


def test_rule_naming_unknown_item_names_file_rule_and_line(content: Path) -> None:
    _replace(content / "rules_redflags.yaml", "{item: rf_collapse, eq: true}", "{item: rf_colapse, eq: true}")
    with pytest.raises(InputError) as err:
        load_catalogue(content)
    msg = str(err.value)
    line = next(n for n, text in enumerate((content / "rules_redflags.yaml").read_text().split("\n"), 1)
                if "rf_colapse" in text)
    assert f"rules_redflags.yaml:{line}:" in msg
    assert "rules[rf_collapse]" in msg and "rf_colapse" in msg


def test_unknown_field_is_refused_with_item_id(content: Path) -> None:
    _replace(content / "redflags.yaml", "      source: s44\n", "      source: s44\n      colour: red\n")
    with pytest.raises(InputError) as err:
        load_catalogue(content)
    assert "items[rf_breathing].colour" in str(err.value)


def test_duplicate_item_id(content: Path) -> None:
    _replace(content / "redflags.yaml", "- id: rf_breathing", "- id: rf_collapse")
    with pytest.raises(InputError, match="used twice"):
        load_catalogue(content)


def test_unknown_source(content: Path) -> None:
    _replace(content / "rules_redflags.yaml", "    source: s42\n", "    source: s999\n")
    with pytest.raises(InputError, match="s999"):
        load_catalogue(content)


def test_comparison_that_cannot_apply_to_the_item(content: Path) -> None:
    _replace(content / "rules_redflags.yaml", "{item: rf_collapse, eq: true}", "{item: rf_collapse, gte: 2}")
    with pytest.raises(InputError, match="needs a scale"):
        load_catalogue(content)


def test_option_value_checked(content: Path) -> None:
    _replace(content / "rules_redflags.yaml", "in: [pale_or_white, grey_or_blue]", "in: [pale, grey_or_blue]")
    with pytest.raises(InputError, match="'pale'"):
        load_catalogue(content)


def test_branching_on_a_later_item_is_refused(content: Path) -> None:
    _replace(content / "redflags.yaml", "enable_when: {item: rf_seizure_recent, eq: true}\n      source: s46\n    - id: rf_seizure_count",
             "enable_when: {item: rf_severe_pain, eq: true}\n      source: s46\n    - id: rf_seizure_count")
    with pytest.raises(InputError, match="not asked before"):
        load_catalogue(content)


def test_missing_red_flag_rule(content: Path) -> None:
    _replace(content / "rules_redflags.yaml", "then: {red_flag: toxin, ", "then: {")
    with pytest.raises(InputError, match="toxin"):
        load_catalogue(content)


def test_missing_file(content: Path) -> None:
    (content / "flags.yaml").unlink()
    with pytest.raises(InputError, match="flags.yaml.*file not found"):
        load_catalogue(content)


def test_validate_command_exit_codes(content: Path, capsys) -> None:
    assert main(["validate", str(content)]) == 0
    assert "ok:" in capsys.readouterr().out
    _replace(content / "rules_redflags.yaml", "{item: rf_collapse, eq: true}", "{item: nope, eq: true}")
    assert main(["validate", str(content)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "rules_redflags.yaml" in err and "Traceback" not in err


def test_catalogue_cache_is_used_and_bounded(content: Path, tmp_path, monkeypatch) -> None:
    from vettriage.content import cache

    monkeypatch.setenv("VETTRIAGE_CACHE_DIR", str(tmp_path / "cache"))
    first = load_catalogue(content)
    assert load_catalogue(content).hash == first.hash
    assert len(list((tmp_path / "cache").glob("catalogue-*.pickle"))) == 1
    for n in range(cache.KEEP + 3):
        p = content / "notes.yaml"
        p.write_text(p.read_text() + f"\n# edit {n}\n")
        load_catalogue(content)
    assert len(list((tmp_path / "cache").glob("catalogue-*.pickle"))) == cache.KEEP


def _append_copy(path: Path, key: str, entry_id: str) -> None:
    """Append to the list `key` of `path` a second entry with an id that list already has."""
    import yaml

    data = yaml.safe_load(path.read_text())
    first = next(e for e in data[key] if e["id"] == entry_id)
    data[key].append(dict(first, id=entry_id))
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


@pytest.mark.parametrize(("file", "key", "entry"), [
    ("flags", "red_flags", "seizure"), ("flags", "workup", "cbc"), ("flags", "ketamine_cautions", None),
    ("references", "references", "s1"), ("catalogue", "scales", "severity4")])
def test_duplicate_content_id_is_an_error(content: Path, file: str, key: str, entry: str | None) -> None:
    import yaml

    path = content / f"{file}.yaml"
    entry = entry or yaml.safe_load(path.read_text())[key][0]["id"]
    _append_copy(path, key, entry)
    with pytest.raises(InputError) as err:
        load_catalogue(content, use_cache=False)
    msg = str(err.value)
    assert f"{file}.yaml:" in msg and f"{key}[{entry}]" in msg and "used twice" in msg, msg
    assert err.value.line is not None


def test_duplicate_section_id_is_an_error(content: Path) -> None:
    _replace(content / "cognitive.yaml", "section:\n  id: cognitive", "section:\n  id: pain")
    with pytest.raises(InputError) as err:
        load_catalogue(content, use_cache=False)
    msg = str(err.value)
    assert ("cognitive.yaml" in msg and "pain.yaml" in msg and "section id 'pain' is already used" in msg), msg


def test_number_item_with_min_above_max_is_a_content_error(content: Path) -> None:
    _replace(content / "dog.yaml", "      min: 0\n      max: 30\n", "      min: 30\n      max: 0\n")
    with pytest.raises(InputError) as err:
        load_catalogue(content, use_cache=False)
    msg = str(err.value)
    assert "dog.yaml:" in msg and "items[dog_age_years]" in msg and "above max" in msg


def test_condition_nested_250_deep_is_one_line(content: Path, capsys) -> None:
    cond = "{item: rf_collapse, eq: true}"
    for _ in range(250):
        cond = "{not: " + cond + "}"
    _replace(content / "rules_redflags.yaml", "{item: rf_collapse, eq: true}", cond)
    assert main(["validate", str(content)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "rules_redflags.yaml:" in err and "nested more than" in err


def test_duplicate_key_in_content_is_an_error(content: Path) -> None:
    _replace(content / "dog.yaml", "      min: 0\n      max: 30\n", "      min: 0\n      max: 30\n      min: 1\n")
    with pytest.raises(InputError) as err:
        load_catalogue(content, use_cache=False)
    assert "dog.yaml:" in str(err.value) and "key given twice" in str(err.value)


# --- Second references file, changelog, retired items ---------------------------------------------------------


def test_pain_references_are_read_from_their_own_file(catalogue) -> None:
    assert {"bel2020_identify", "mills2020_behaviour", "knaz2015_night"} <= set(catalogue.references)
    assert catalogue.items["pain_sign_lagging"].source == "bel2020_walks"


def test_a_reference_id_repeated_across_references_files_is_refused(content: Path) -> None:
    _replace(content / "references_pain.yaml", "- id: bel2020_walks", "- id: s32")
    with pytest.raises(InputError) as err:
        load_catalogue(content)
    msg = str(err.value)
    assert "references_pain.yaml:" in msg and "references[s32]" in msg and "used twice" in msg


def test_the_changelog_starts_with_the_current_version(content: Path) -> None:
    import re

    current = re.search(r'^version: "([^"]+)"', (content / "catalogue.yaml").read_text(), re.M).group(1)
    _replace(content / "catalogue.yaml", f'version: "{current}"\ntitle', 'version: "2099.1.1"\ntitle')
    with pytest.raises(InputError) as err:
        load_catalogue(content)
    assert "catalogue.yaml" in str(err.value) and "changelog" in str(err.value)


def test_a_retired_item_on_an_unknown_scale_is_refused(content: Path) -> None:
    _replace(content / "retired.yaml", '"scale": "nrs10"', '"scale": "nrs11"')
    with pytest.raises(InputError) as err:
        load_catalogue(content)
    msg = str(err.value)
    assert "retired.yaml:" in msg and "items[pain_sev_worst]" in msg and "nrs11" in msg


def test_retired_items_name_an_earlier_version(content: Path) -> None:
    _replace(content / "retired.yaml", '- version: "2026.11.1"', '- version: "2025.1.1"')
    with pytest.raises(InputError, match="not an earlier version"):
        load_catalogue(content)


def test_a_broken_score_names_scores_yaml_its_id_and_line(content: Path) -> None:
    _replace(content / "scores.yaml", "of: [pain_sign_joint_licking,", "of: [pain_sign_joint_lickin,")
    with pytest.raises(InputError) as err:
        load_catalogue(content)
    msg = str(err.value)
    assert "scores.yaml:" in msg and "scores[pain_comfort]" in msg and "pain_sign_joint_lickin" in msg
    assert err.value.line is not None
