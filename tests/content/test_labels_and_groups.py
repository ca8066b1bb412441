"""Issue 26: the short clinical labels the vet's page 1 prints, and the work-up groups it sorts steps into, are
content data: present on every sign item and step, and validated when the content is read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vettriage.content import load_catalogue
from vettriage.content.models import LABEL_MAX, WORKUP_GROUPS
from vettriage.errors import InputError
from vettriage.resources import questionnaires_dir

SIGN_SECTIONS = ("redflags", "cognitive", "pain", "medical")


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_every_answerable_sign_item_has_a_short_label(catalogue):
    missing = [i.id for s in catalogue.sections if s.id in SIGN_SECTIONS for i in s.items
               if i.type != "text" and not i.label and i.id not in catalogue.gateway_by_id]  # signs, not gateways
    assert not missing
    labels = [i.label for s in catalogue.sections for i in s.items if i.label]
    assert all(len(x) <= LABEL_MAX and len(x.split()) <= 6 for x in labels)


def test_labels_do_not_repeat_within_a_section(catalogue):
    for s in catalogue.sections:
        labels = [i.label for i in s.items if i.label]
        assert len(labels) == len(set(labels)), s.id


def test_every_work_up_step_has_a_group_and_both_groups_are_used(catalogue):
    groups = {w.group for w in catalogue.workup.values()}
    assert groups == set(WORKUP_GROUPS)


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    dst = tmp_path / "questionnaires"
    shutil.copytree(questionnaires_dir(), dst)
    return dst


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_long_label_is_refused_naming_the_file_and_item(content):
    _edit(content / "pain.yaml", 'label: "stairs"', 'label: "' + "x" * (LABEL_MAX + 1) + '"')
    with pytest.raises(InputError) as err:
        load_catalogue(content, use_cache=False)
    assert "pain.yaml" in str(err.value) and "pain_sign_stairs" in str(err.value) and "label" in str(err.value)


def test_an_unknown_work_up_group_is_refused(content):
    _edit(content / "flags.yaml", "source: s34, group: today}", "source: s34, group: someday}")
    with pytest.raises(InputError) as err:
        load_catalogue(content, use_cache=False)
    assert "flags.yaml" in str(err.value) and "group" in str(err.value)
