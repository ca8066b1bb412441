"""The Catalogue: every content file loaded, validated and cross-checked, stamped with a version and a hash."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from vettriage.content import models as m
from vettriage.errors import InputError
from vettriage.hashing import sha256
from vettriage.record import BACK

if TYPE_CHECKING:  # PyYAML (~20 ms to import) is only needed when the content is read, not on a cached start
    from vettriage.content.yamlfile import YamlDoc

FIXED_FILES = ("catalogue", "references", "flags", "scores", "options")


@dataclass(frozen=True, eq=False)
class Catalogue:
    """All screening content. Immutable once loaded; `hash` changes with any byte of any content file."""

    version: str
    hash: str
    title: str
    sections: tuple[m.Section, ...]
    scales: dict[str, m.Scale]
    scores: tuple[m.Score, ...]
    rules: tuple[m.Rule, ...]
    red_flags: dict[str, m.RedFlag]
    ketamine_cautions: dict[str, m.Flag]
    medication_flags: dict[str, m.Flag]
    workup: dict[str, m.Flag]
    options: tuple[m.CareOption, ...]
    references: dict[str, m.Reference]
    directory: Path = field(compare=False)

    @cached_property
    def items(self) -> dict[str, m.Item]:
        """Every item by id, in the order they are asked."""
        return {i.id: i for s in self.sections for i in s.items}

    @cached_property
    def section_of(self) -> dict[str, str]:
        """Item id → section id."""
        return {i.id: s.id for s in self.sections for i in s.items}

    @cached_property
    def score_by_id(self) -> dict[str, m.Score]:
        """Score id → Score."""
        return {s.id: s for s in self.scores}

    def reference(self, ref_id: str) -> m.Reference:
        """The reference behind a `source` id."""
        return self.references[ref_id]


def content_hash(directory: Path) -> str:
    """SHA-256 over the names and bytes of every YAML file in `directory`, in name order."""
    digest = sha256()
    for path in sorted(directory.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _label(directory: Path, name: str) -> str:
    return str(directory / f"{name}.yaml")


def _parse(doc: YamlDoc, model: Any, label: str) -> Any:
    """Validate a whole file against `model`; the first error names its field path and line."""
    if not isinstance(doc.data, dict):
        raise InputError(label, None, "expected a mapping at the top of the file", 1)
    from pydantic import ValidationError  # only when content is validated, never on a cached start

    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        err = exc.errors()[0]
        # union branches appear as class names; keyword fields are written `in` / `not` in the files
        loc = [BACK.get(p, p) for p in err["loc"] if not (isinstance(p, str) and p[:1].isupper())]
        field_ = _describe(doc.data, loc)
        raise InputError(label, field_, err["msg"], doc.line(loc)) from None


def _describe(data: Any, loc: list[Any]) -> str:
    """A field path that names ids where the file has them: `items[pain_stairs].options.1.value`."""
    parts: list[str] = []
    node = data
    for p in loc:
        if isinstance(p, int) and isinstance(node, list) and 0 <= p < len(node):
            node = node[p]
            ident = node.get("id") if isinstance(node, dict) else None
            parts.append(f"[{ident}]" if isinstance(ident, str) else f"[{p}]")
        else:
            node = node.get(p) if isinstance(node, dict) else None
            parts.append(("." if parts else "") + str(p))
    return "".join(parts) or "(top level)"


def load_catalogue(directory: Path | str | None = None, *, use_cache: bool = True) -> Catalogue:
    """Load and validate the content in `directory` (default: the shipped questionnaires).

    A catalogue that validated once is cached under its content hash: the same bytes give the same result, so
    later starts skip YAML parsing and pydantic validation (`vettriage assess` starts several times faster).
    """
    if directory is None:
        from vettriage.resources import questionnaires_dir

        directory = questionnaires_dir()
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(str(directory), None, "content folder not found")
    digest = content_hash(directory)
    if use_cache:
        from vettriage.content import cache

        cached = cache.read(digest)
        if cached is not None:
            return replace(cached, directory=directory)
    catalogue = _load(directory, digest)
    if use_cache:
        cache.write(digest, catalogue)
    return catalogue


def _load(directory: Path, digest: str) -> Catalogue:
    from vettriage.content import files
    from vettriage.content.yamlfile import read_yaml

    docs = {n: read_yaml(directory / f"{n}.yaml") for n in FIXED_FILES}
    cat: files.CatalogueFile = _parse(docs["catalogue"], files.CatalogueFile, _label(directory, "catalogue"))
    section_docs: dict[str, YamlDoc] = {}
    sections: list[m.Section] = []
    for key, names in (("sections", cat.sections), ("rule_files", cat.rule_files)):
        for i, name in enumerate(names):
            if name in FIXED_FILES or not name.replace("_", "").isalnum() or names.count(name) > 1:
                raise InputError(_label(directory, "catalogue"), key, f"'{name}' is not a usable file name",
                                 docs["catalogue"].line([key, i]))
    for name in cat.sections:
        doc = section_docs[name] = read_yaml(directory / f"{name}.yaml")
        sections.append(_parse(doc, files.SectionFile, _label(directory, name)).section)
    rule_docs: list[tuple[YamlDoc, m.Rule]] = []
    for name in cat.rule_files:
        doc = read_yaml(directory / f"{name}.yaml")
        rule_docs += [(doc, r) for r in _parse(doc, files.RulesFile, _label(directory, name)).rules]
    refs = _parse(docs["references"], files.ReferencesFile, _label(directory, "references"))
    flags = _parse(docs["flags"], files.FlagsFile, _label(directory, "flags"))
    scores = _parse(docs["scores"], files.ScoresFile, _label(directory, "scores"))
    options = _parse(docs["options"], files.OptionsFile, _label(directory, "options"))

    _unique(docs["catalogue"], "scales", cat.scales)
    for key in ("red_flags", "ketamine_cautions", "medication_flags", "workup"):
        _unique(docs["flags"], key, getattr(flags, key))
    _unique(docs["references"], "references", refs.references)
    seen_sections: dict[str, str] = {}
    for name, section in zip(cat.sections, sections):
        if section.id in seen_sections:
            raise InputError(_label(directory, name), "section.id", f"section id '{section.id}' is already used "
                             f"by {seen_sections[section.id]}.yaml", section_docs[name].line(["section", "id"]))
        seen_sections[section.id] = name

    catalogue = Catalogue(
        version=cat.version,
        hash=digest,
        title=cat.title,
        sections=tuple(sections),
        scales={s.id: s for s in cat.scales},
        scores=tuple(scores.scores),
        rules=tuple(r for _, r in rule_docs),
        red_flags={f.id: f for f in flags.red_flags},
        ketamine_cautions={f.id: f for f in flags.ketamine_cautions},
        medication_flags={f.id: f for f in flags.medication_flags},
        workup={f.id: f for f in flags.workup},
        options=tuple(options.options),
        references={r.id: r for r in refs.references},
        directory=directory,
    )
    from vettriage.content.crosscheck import crosscheck

    crosscheck(catalogue, docs, section_docs, [d for d, _ in rule_docs])
    return catalogue


def _unique(doc: YamlDoc, key: str, entries: Any) -> None:
    """Refuse a second entry with an id already used in the same list: building the id table would otherwise
    keep the last one silently (a seizure emergency replaced by a copy-pasted stub)."""
    first: dict[str, int] = {}
    for i, entry in enumerate(entries):
        if entry.id in first:
            raise InputError(str(doc.path), f"{key}[{entry.id}]", f"id '{entry.id}' is used twice (first as "
                             f"{key}[{first[entry.id]}]); ids must be unique", doc.line([key, i, "id"]))
        first[entry.id] = i


def walk_conditions(cond: m.Condition | None) -> Iterator[m.Condition]:
    """Every node of a condition tree, depth first."""
    if cond is None:
        return
    yield cond
    if isinstance(cond, m.AllOf):
        for c in cond.all:
            yield from walk_conditions(c)
    elif isinstance(cond, m.AnyOf):
        for c in cond.any:
            yield from walk_conditions(c)
    elif isinstance(cond, m.NotOf):
        yield from walk_conditions(cond.not_)
    elif isinstance(cond, m.AtLeast):
        for c in cond.of:
            yield from walk_conditions(c)
