"""Content packs: a folder a clinic adds (a licensed instrument, its own questions), read on top of the shipped content.

A pack folder holds `pack.yaml` (id, title, version, licence, the files below), `references.yaml`, one file per
section it adds, an optional `scores.yaml` and its rules files, in exactly the shipped formats. It is validated as
the shipped content is (the same errors, naming the pack's file, the id and the line) and then cross-checked with
it as one catalogue. What a pack may do, and why:

- add, never change: every id it defines (section, item, scale, score, rule, reference) is new, and starts with
  `<pack id>_`, so a pack can neither redefine a shipped id nor clash with another pack;
- its rules run after every shipped rule and may add notes, work-up steps and urgency `soon`; they may test the
  shipped findings but not set, cap or flag anything, which would change what the shipped content concludes.

Pure reading and checking: no engine, no rendering.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vettriage.content import models as m
from vettriage.content.crosscheck import _Where
from vettriage.errors import InputError

if TYPE_CHECKING:  # pathlib (with urllib.parse, ~1.5 ms) only for the type checker: `report` reads no pack
    from pathlib import Path

    from vettriage.content.yamlfile import YamlDoc

RESERVED = ("pack", "references", "scores")
"""File names a pack's `sections` and `rule_files` cannot use: they have a fixed role."""

FORBIDDEN_EFFECTS = ("finding", "cap", "red_flag", "ketamine_caution", "medication_flag", "pain_kind",
                     "explains")
"""Rule effects a pack may not use: each would change a conclusion of the shipped content."""


class PackParts:
    """What one content source contributes, each entry with the file it came from (for error lines). A plain
    class, not a dataclass: `report` imports this module, and dataclasses would be its only reason to load."""

    __slots__ = ("sections", "rules", "scores", "references", "scales", "retired_ids")

    def __init__(self, *, sections: list[tuple[YamlDoc, m.Section]] | None = None,
                 rules: list[tuple[YamlDoc, m.Rule]] | None = None,
                 scores: list[tuple[YamlDoc, m.Score]] | None = None,
                 references: list[tuple[YamlDoc, m.Reference]] | None = None,
                 scales: dict[str, m.Scale] | None = None, retired_ids: set[str] | None = None) -> None:
        self.sections = [] if sections is None else sections
        self.rules = [] if rules is None else rules
        self.scores = [] if scores is None else scores
        self.references = [] if references is None else references
        self.scales = {} if scales is None else scales
        self.retired_ids = set() if retired_ids is None else retired_ids

    def ids(self) -> set[str]:
        """Every id these parts define."""
        out = set(self.scales) | set(self.retired_ids)
        for _, s in self.sections:
            out.add(s.id)
            out.update(i.id for i in s.items)
        out.update(r.id for _, r in self.rules)
        out.update(s.id for _, s in self.scores)
        out.update(r.id for _, r in self.references)
        return out


def read_pack(folder: Path, shipped: PackParts, earlier: list[m.Pack]) -> tuple[m.Pack, PackParts]:
    """Read and check one pack folder against the shipped content. Packs loaded before it cannot clash with it:
    pack ids are unique and have no underscore, so their `<id>_` prefixes never overlap."""
    from vettriage.content import files
    from vettriage.content.catalogue import _parse, content_hash
    from vettriage.content.yamlfile import read_yaml

    head_doc = read_yaml(folder / "pack.yaml")
    head: files.PackFile = _parse(head_doc, files.PackFile, str(folder / "pack.yaml"))
    top = _Where(head_doc, [], "id")
    if any(p.id == head.id for p in earlier):
        top.fail(f"pack id '{head.id}' is already loaded (two packs cannot share an id)", ["id"])
    prefix = f"{head.id}_"
    taken = shipped.ids()
    if any(i.startswith(prefix) for i in taken):
        top.fail(f"pack id '{head.id}' would namespace its ids as '{prefix}...', which the shipped content uses",
                 ["id"])
    for key, names in (("sections", head.sections), ("rule_files", head.rule_files)):
        for i, name in enumerate(names):
            repeated = (head.sections + head.rule_files).count(name) > 1
            if name in RESERVED or not name.replace("_", "").isalnum() or repeated:
                _Where(head_doc, [key, i], key).fail(f"'{name}' is not a usable file name")

    parts = PackParts(scales={s.id: s for s in head.scales})
    for i, sc in enumerate(head.scales):
        if [s.id for s in head.scales].index(sc.id) != i:  # a dict would keep the second silently
            _Where(head_doc, ["scales", i], f"scales[{sc.id}]").fail(f"scale id '{sc.id}' is used twice", ["id"])
    for name in head.sections:
        doc = read_yaml(folder / f"{name}.yaml")
        section = _parse(doc, files.SectionFile, str(doc.path)).section
        if any(s.id == section.id for _, s in parts.sections):
            _Where(doc, ["section"], "section.id").fail(f"section id '{section.id}' is already used by another "
                                                        "file of this pack", ["id"])
        parts.sections.append((doc, section))
    if head.scores:
        doc = read_yaml(folder / "scores.yaml")
        parts.scores += [(doc, s) for s in _parse(doc, files.ScoresFile, str(doc.path)).scores]
    for name in head.rule_files:
        doc = read_yaml(folder / f"{name}.yaml")
        parts.rules += [(doc, r) for r in _parse(doc, files.RulesFile, str(doc.path)).rules]
    ref_doc = read_yaml(folder / "references.yaml")
    parts.references += [(ref_doc, r) for r in _parse(ref_doc, files.ReferencesFile, str(ref_doc.path)).references]

    _check_new_ids(head_doc, parts, taken, prefix)
    for (doc, rule), at in zip(parts.rules, _index_in_file([d for d, _ in parts.rules])):
        for name in FORBIDDEN_EFFECTS:
            if getattr(rule.then, name) not in (None, []):
                _Where(doc, ["rules", at], f"rules[{rule.id}]").fail(
                    f"a pack's rule may add notes, work-up steps and urgency 'soon', not '{name}' "
                    "(that would change a conclusion of the shipped content)", ["then", name])

    pack = m.Pack(id=head.id, title=head.title, version=head.version, licence=head.licence.strip(),
                  directory=str(folder), hash=content_hash(folder),
                  sections=[s.id for _, s in parts.sections], scores=[s.id for _, s in parts.scores],
                  rules=[r.id for _, r in parts.rules])
    return pack, parts


def _index_in_file(docs: list[Any]) -> list[int]:
    out: list[int] = []
    for i, doc in enumerate(docs):
        out.append(0 if i == 0 or docs[i - 1] is not doc else out[-1] + 1)
    return out


def _check_new_ids(head_doc: "YamlDoc", parts: PackParts, taken: set[str], prefix: str) -> None:
    """Every id the pack defines is new (never a shipped one) and carries the pack's prefix."""

    def check(where: _Where, ident: str, kind: str) -> None:
        if ident in taken:
            where.fail(f"{kind} '{ident}' is already defined by the shipped content or an earlier pack; "
                       "a pack adds, never changes", ["id"])
        if not ident.startswith(prefix) and not (kind == "section" and ident == prefix[:-1]):
            where.fail(f"{kind} id '{ident}' must start with '{prefix}' (a pack's ids are namespaced; a section "
                       "may be named after the pack)", ["id"])

    for i, sc in enumerate(parts.scales.values()):
        check(_Where(head_doc, ["scales", i], f"scales[{sc.id}]"), sc.id, "scale")
    for doc, section in parts.sections:
        check(_Where(doc, ["section"], "section.id"), section.id, "section")
        for i, item in enumerate(section.items):
            check(_Where(doc, ["section", "items", i], f"items[{item.id}]"), item.id, "item")
    for group, kind, entries in (("scores", "score", parts.scores), ("rules", "rule", parts.rules),
                                 ("references", "reference", parts.references)):
        for (doc, entry), at in zip(entries, _index_in_file([d for d, _ in entries])):
            check(_Where(doc, [group, at], f"{group}[{entry.id}]"), entry.id, kind)


def pack_results(catalogue: Any, answers: Any, scores: Any) -> list[dict[str, Any]]:
    """For each pack this intake answered: its title, version, licence note, how many of its questions were
    answered, and its scores. What the documents print for a pack; the licence note must be printed with it.

    `answers` maps item id to value; `scores` maps score id to the Assessment's score records. A pack's rules
    add notes, which the documents already print with the other notes."""
    out: list[dict[str, Any]] = []
    for pack in catalogue.packs:
        items = [i for s in catalogue.sections if s.id in pack.sections for i in s.items]
        answered = [i for i in items if answers.get(i.id) is not None]
        if not answered:
            continue
        out.append({
            "id": pack.id, "title": pack.title, "version": pack.version, "licence": pack.licence,
            "answered": len(answered), "of": len(items),
            "scores": [scores[s] for s in pack.scores if s in scores],
        })
    return out
