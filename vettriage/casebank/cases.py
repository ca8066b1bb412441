"""Reading a case bank: `<id>.case.yaml` (story and expectations, each with its source) beside
`<id>.answers.yaml` (the answers form as a phone technician filled it in).

Every problem is an InputError naming the file and the field, so a clinic's own bank fails with one line."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from vettriage.errors import InputError

URGENCY = ("routine", "soon", "emergency")
LEVELS = ("none", "possible", "likely")
CATEGORIES = ("pain", "ccd", "medical")
STYLES = ("owner", "clinician")
# Expectation groups written as {id: source}; the key of each is checked against the catalogue's ids.
ID_GROUPS = {
    "red_flags": "red_flags", "red_flags_not": "red_flags",
    "medication_flags": "medication_flags", "medication_flags_not": "medication_flags",
    "ketamine_cautions": "ketamine_cautions", "ketamine_cautions_not": "ketamine_cautions",
    "plan": "options", "plan_not": "options",
}
KIND = {"red_flags": "red_flag", "red_flags_not": "red_flag_not", "medication_flags": "medication_flag",
        "medication_flags_not": "medication_flag_not", "ketamine_cautions": "ketamine_caution",
        "ketamine_cautions_not": "ketamine_caution_not", "plan": "plan", "plan_not": "plan_not"}
TOP_KEYS = {"id", "title", "style", "tags", "story", "answers", "expect", "known_disagreement"}
EXPECT_KEYS = {"urgency", "categories", "ketamine", *ID_GROUPS}


@dataclasses.dataclass(frozen=True)
class Expectation:
    """One thing a careful vet expects of this case, with the published source it rests on.

    kind: urgency | category | red_flag | red_flag_not | medication_flag | medication_flag_not |
    ketamine_caution | ketamine_caution_not | ketamine_offered | plan | plan_not."""

    kind: str
    target: str
    want: Any
    source: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Case:
    """One case of the bank."""

    id: str
    title: str
    style: str
    tags: tuple[str, ...]
    story: str
    path: Path
    answers_path: Path
    gold: str
    accept: tuple[str, ...]
    expectations: tuple[Expectation, ...]
    known_disagreement: str | None


def load_bank(directories: list[Path | str], catalogue: Any) -> list[Case]:
    """Every `*.case.yaml` under the folders, sorted by id; ids must be unique across folders."""
    cases: list[Case] = []
    seen: dict[str, Path] = {}
    for directory in directories:
        folder = Path(directory)
        if not folder.is_dir():
            raise InputError(str(folder), None, "not a folder of cases (expected *.case.yaml files)")
        files = sorted(folder.rglob("*.case.yaml"))
        if not files:
            raise InputError(str(folder), None, "no *.case.yaml files in this folder")
        for path in files:
            case = read_case(path, catalogue)
            if case.id in seen:
                raise InputError(str(path), "id", f"{case.id} is also the id of {seen[case.id]}")
            seen[case.id] = path
            cases.append(case)
    return sorted(cases, key=lambda c: c.id)


def read_case(path: Path, catalogue: Any) -> Case:
    """One case file, checked: known keys, known ids, a source for every expectation."""
    from vettriage.content.yamlfile import read_yaml

    doc = read_yaml(path)
    data = doc.data
    src = str(path)
    if not isinstance(data, dict):
        raise InputError(src, None, "expected a mapping (id, title, style, story, expect)", 1)

    def fail(field: str, message: str, keys: list[Any] | None = None) -> InputError:
        return InputError(src, field, message, doc.line(keys or [field.split(".")[0]]))

    extra = set(data) - TOP_KEYS
    if extra:
        raise fail(sorted(map(str, extra))[0], "unknown key (expected " + ", ".join(sorted(TOP_KEYS)) + ")")
    for key in ("id", "title", "story"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise fail(key, "required text")
    if data.get("style") not in STYLES:
        raise fail("style", f"must be one of {', '.join(STYLES)}")
    tags = data.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise fail("tags", "must be a list of words")
    known = data.get("known_disagreement")
    if known is not None and (not isinstance(known, str) or not known.strip()):
        raise fail("known_disagreement", "must be the reason, as text")
    answers_name = data.get("answers") or path.name.replace(".case.yaml", ".answers.yaml")
    answers_path = path.parent / str(answers_name)
    if not answers_path.is_file():
        raise fail("answers", f"answers file {answers_path.name} not found beside the case")
    expect = data.get("expect")
    if not isinstance(expect, dict):
        raise fail("expect", "required mapping of expectations")
    extra = set(expect) - EXPECT_KEYS
    if extra:
        raise fail("expect." + sorted(map(str, extra))[0], "unknown expectation (expected "
                   + ", ".join(sorted(EXPECT_KEYS)) + ")", ["expect", sorted(map(str, extra))[0]])

    def sources(value: Any, field: str, keys: list[Any]) -> tuple[str, ...]:
        refs = (value,) if isinstance(value, str) else tuple(value) if isinstance(value, list) else ()
        if not refs or not all(isinstance(r, str) for r in refs):
            raise fail(field, "needs its source: a reference id or a list of them", keys)
        for ref in refs:
            if ref not in catalogue.references:
                raise fail(field, f"unknown reference {ref!r} (see questionnaires/references*.yaml)", keys)
        return refs

    exps: list[Expectation] = []
    urgency = expect.get("urgency")
    if not isinstance(urgency, dict) or urgency.get("gold") not in URGENCY:
        raise fail("expect.urgency", "needs gold: one of " + ", ".join(URGENCY), ["expect", "urgency"])
    accept = urgency.get("accept") or []
    if not isinstance(accept, list) or any(a not in URGENCY or a == urgency["gold"] for a in accept):
        raise fail("expect.urgency.accept", "a list of other urgency levels", ["expect", "urgency"])
    if any(abs(URGENCY.index(a) - URGENCY.index(urgency["gold"])) != 1 for a in accept):
        raise fail("expect.urgency.accept", "only a neighbouring level can be acceptable", ["expect", "urgency"])
    gold = urgency["gold"]
    exps.append(Expectation("urgency", "urgency", gold,
                            sources(urgency.get("source"), "expect.urgency.source", ["expect", "urgency"])))
    if known is not None and gold == "emergency":
        raise fail("known_disagreement", "an emergency case cannot be marked as a known disagreement: a missed "
                   "emergency is never accepted")

    for cat_name, spec in (expect.get("categories") or {}).items():
        keys = ["expect", "categories", cat_name]
        field = f"expect.categories.{cat_name}"
        if cat_name not in CATEGORIES or not isinstance(spec, dict):
            raise fail(field, "a category (pain, ccd, medical) with at_least, at_most or none: true", keys)
        src_ids = sources(spec.get("source"), field + ".source", keys)
        if spec.get("none") is True:
            exps.append(Expectation("category", cat_name, ("none", "none"), src_ids))
            continue
        low, high = spec.get("at_least", "none"), spec.get("at_most", "likely")
        if low not in LEVELS or high not in LEVELS or LEVELS.index(low) > LEVELS.index(high) or \
                ("at_least" not in spec and "at_most" not in spec):
            raise fail(field, "at_least / at_most must be none, possible or likely (at_least <= at_most)", keys)
        exps.append(Expectation("category", cat_name, (low, high), src_ids))

    for group, vocab in ID_GROUPS.items():
        entries = expect.get(group) or {}
        if not isinstance(entries, dict):
            raise fail(f"expect.{group}", "a mapping of id to its source", ["expect", group])
        known_ids = getattr(catalogue, vocab)
        known_ids = {o.id for o in known_ids} if vocab == "options" else set(known_ids)
        for ident, ref in entries.items():
            keys = ["expect", group, ident]
            if ident not in known_ids:
                raise fail(f"expect.{group}.{ident}", f"unknown id in {vocab}", keys)
            exps.append(Expectation(KIND[group], str(ident), True, sources(ref, f"expect.{group}.{ident}", keys)))

    ket = expect.get("ketamine")
    if ket is not None:
        if not isinstance(ket, dict) or not isinstance(ket.get("offered"), bool):
            raise fail("expect.ketamine", "needs offered: true or false (the ketamine gate) and its source",
                       ["expect", "ketamine"])
        exps.append(Expectation("ketamine_offered", "ketamine", ket["offered"],
                                sources(ket.get("source"), "expect.ketamine.source", ["expect", "ketamine"])))
    return Case(id=data["id"], title=data["title"].strip(), style=data["style"], tags=tuple(tags),
                story=data["story"], path=path, answers_path=answers_path, gold=gold, accept=tuple(accept),
                expectations=tuple(exps), known_disagreement=known.strip() if known else None)
