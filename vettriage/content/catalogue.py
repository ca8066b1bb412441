"""The Catalogue: every content file loaded, validated and cross-checked, stamped with a version and a hash."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from vettriage.content import models as m
from vettriage.errors import InputError
from vettriage.frozen import field, frozen
from vettriage.hashing import sha256
from vettriage.record import BACK

if TYPE_CHECKING:  # PyYAML (~20 ms to import) is only needed when the content is read, not on a cached start
    from pathlib import Path  # nor pathlib (with urllib.parse, ~3 ms): a cached start finds the files as text

    from vettriage.content.yamlfile import YamlDoc

FIXED_FILES = ("catalogue", "references", "flags", "scores", "options", "retired")


@frozen(eq=False)  # not dataclasses: it brings inspect (~7 ms of a cached start); compared by identity
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
    workup: dict[str, m.WorkupStep]
    options: tuple[m.CareOption, ...]
    references: dict[str, m.Reference]
    folder: str
    """The content folder, as `str(Path(...))` writes it (`directory` is the same as a Path)."""
    changelog: tuple[m.ChangelogEntry, ...] = ()
    """Every content version, newest first, with what it changed."""
    retired: tuple[m.RetiredSet, ...] = ()
    """Items as earlier versions asked them (retired.yaml)."""
    packs: tuple[m.Pack, ...] = ()
    """The content packs loaded on top of the shipped content, in load order."""
    base_version: str = ""
    """The shipped content's own version (`version` adds the packs' ids and versions)."""
    medicine_classes: dict[str, m.MedicineClass] = field(default_factory=dict)
    """Medicine classes by id (flags.yaml): which medicines take the same instruction (vettriage.medicines)."""
    medicine_instructions: dict[str, m.MedicineInstruction] = field(default_factory=dict)
    """The wording of each owner instruction about a medicine, by action id."""
    gateways: tuple[m.Gateway, ...] = ()
    """Screening questions that open blocks of details (gateways.yaml); each is also an item of `items`."""
    follow_ups: tuple[m.FollowUp, ...] = ()
    """Items asked only when one of some gateways is open (gateways.yaml `follow_ups`)."""
    checklists: tuple[m.Checklist, ...] = ()
    """Screening checklists asked instead of a chain of yes/no gateways (gateways.yaml); each is also an item."""
    screens: tuple[m.Screen, ...] = ()
    """The emergency questions grouped into screens, in asking order (screens.yaml)."""

    @cached_property
    def gateway_by_id(self) -> dict[str, m.Gateway]:
        """Gateway id → Gateway."""
        return {g.id: g for g in self.gateways}

    @cached_property
    def gateway_of(self) -> dict[str, str]:
        """Detail id (an item or an inner gateway) → the gateway it is directly behind."""
        return {d: g.id for g in self.gateways for d in g.details}

    @cached_property
    def checklist_by_id(self) -> dict[str, m.Checklist]:
        """Checklist id → Checklist."""
        return {c.id: c for c in self.checklists}

    @cached_property
    def screening_ids(self) -> frozenset[str]:
        """The ids of every screening question: gateways and checklists (questions that open others)."""
        return frozenset(self.gateway_by_id) | frozenset(self.checklist_by_id)

    def screening_leaves(self, screening_id: str) -> list[str]:
        """Every item behind a gateway or a checklist (for a checklist: its areas' details)."""
        c = self.checklist_by_id.get(screening_id)
        if c is not None:
            return [d for a in c.areas for d in a.details]
        return self.gateway_leaves(screening_id)

    def gateway_leaves(self, gateway_id: str) -> list[str]:
        """Every item behind a gateway (through inner gateways), in asking order; inner gateways included."""
        out: list[str] = []
        for d in self.gateway_by_id[gateway_id].details:
            out.append(d)
            if d in self.gateway_by_id:
                out += self.gateway_leaves(d)
        order = {i: n for n, i in enumerate(self.items)}
        return sorted(out, key=order.__getitem__)

    @cached_property
    def screen_of(self) -> dict[str, m.Screen]:
        """Emergency item id → its screen."""
        return {i: sc for sc in self.screens for i in sc.items}
    pain_kinds: dict[str, m.PainKind] = field(default_factory=dict)
    """The kinds of pain rules may raise (`pain_kind`), in the order the rules files define them."""
    situations: dict[str, m.Situation] = field(default_factory=dict)
    """Named states of the dog that care options are for or never shown with (options.yaml)."""

    @cached_property
    def directory(self) -> Path:
        """The content folder."""
        from pathlib import Path

        return Path(self.folder)

    def __getstate__(self) -> dict[str, Any]:
        # pickled (the content cache) without the folder's Path: the unpickler builds content classes only, and
        # the loader sets the folder it was asked for
        return {k: v for k, v in self.__dict__.items() if k != "directory"}

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

    @cached_property
    def known_versions(self) -> frozenset[str]:
        """The versions a stored intake or an export may carry: this one and every earlier shipped version."""
        return frozenset([self.version, *(e.version for e in self.changelog)])

    @cached_property
    def retired_items(self) -> dict[str, m.Item]:
        """Items no longer asked, by id (the newest retired definition of each)."""
        out: dict[str, m.Item] = {}
        for rs in self.retired:
            for item in rs.items:
                if item.id not in self.items and item.id not in out:
                    out[item.id] = item
        return out

    def item_as_asked(self, item_id: str, version: str | None) -> m.Item | None:
        """The item as an intake answered under content `version` was asked it (None if never asked).

        Each retired set holds the definitions in force up to and including its version. Among the sets of the
        intake's version or newer, the oldest one holding the item is the nearest to the intake and wins; an
        item no such set holds was asked as it is today."""
        base = (version or self.base_version).split("+", 1)[0]
        order = [e.version for e in self.changelog]  # newest first: a higher index is an older version
        if base != self.base_version and base in order:
            at = order.index(base)
            candidates = [rs for rs in self.retired if rs.version in order and order.index(rs.version) <= at]
            for rs in sorted(candidates, key=lambda r: order.index(r.version), reverse=True):
                for item in rs.items:
                    if item.id == item_id:
                        return item
        return self.items.get(item_id) or self.retired_items.get(item_id)

    def scale_as_asked(self, scale_id: str) -> m.Scale | None:
        """A current scale, or one that only retired items used."""
        if scale_id in self.scales:
            return self.scales[scale_id]
        return next((s for rs in self.retired for s in rs.scales if s.id == scale_id), None)

    @cached_property
    def pack_of(self) -> dict[str, m.Pack]:
        """Id of anything a pack defined (section, item, score, rule) → its pack."""
        out: dict[str, m.Pack] = {}
        for pack in self.packs:
            for sid in pack.sections:
                out[sid] = pack
                for s in self.sections:
                    if s.id == sid:
                        out.update({i.id: pack for i in s.items})
            out.update({x: pack for x in (*pack.scores, *pack.rules)})
        return out


def content_hash(directory: Path) -> str:
    """SHA-256 over the names and bytes of every YAML file in `directory`, in name order."""
    import os

    from vettriage.files import read_regular
    from vettriage.pathtext import normal

    folder = os.fspath(directory)
    try:  # directory.glob("*.yaml") without pathlib: the same names, in the same order
        names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".yaml"))
    except OSError:  # as glob: an unreadable folder lists nothing
        names = []
    digest = sha256()
    for name in names:
        path = normal(os.path.join(folder, name))
        # only regular files of bounded size (PyYAML is not imported on a cached start: read here, not through
        # yamlfile): a FIFO named x.yaml here made every load, and `validate`, wait forever
        try:
            data = read_regular(path, MAX_CONTENT_FILE)
        except OSError as exc:
            raise InputError(str(path), None, f"cannot read file ({exc.strerror or exc.__class__.__name__})") from None
        except ValueError as exc:
            raise InputError(str(path), None, str(exc)) from None
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


MAX_CONTENT_FILE = 4 * 1024 * 1024
"""Largest content file (yamlfile.MAX_BYTES: the same bound, without importing PyYAML)."""


def combined_hash(base: str, pack_digests: list[str]) -> str:
    """The hash stamped on outputs: the shipped content's, or with packs, one over it and each pack's in order."""
    if not pack_digests:
        return base
    digest = sha256()
    for d in (base, *pack_digests):
        digest.update(d.encode() + b"\0")
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
        errors = exc.errors()
        # a condition is a union: the branch whose own check failed says why, where the others only say that
        # their keys are missing
        err = next((e for e in errors if e["type"] == "value_error"), errors[0])
        # union branches appear as class names; keyword fields are written `in` / `not` in the files
        loc = [BACK.get(p, p) for p in err["loc"] if not (isinstance(p, str) and p[:1].isupper())]
        field_ = _describe(doc.data, loc)
        msg = err["msg"].removeprefix("Value error, ")
        raise InputError(label, field_, msg, doc.line(loc)) from None


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


PACKS_ENV = "VETTRIAGE_PACKS"
"""Pack folders (os.pathsep-separated) loaded when a caller names none: how `vettriage serve` hands its packs to
the browser intakes' child processes, and how the `packs` setting reaches code that loads content lazily."""


def load_catalogue(directory: Path | str | None = None, *, packs: Iterable[Path | str] | None = None,
                   use_cache: bool = True) -> Catalogue:
    """Load and validate the content in `directory` (default: the shipped questionnaires), then each pack folder
    (`packs`; None means the folders in $VETTRIAGE_PACKS, if any).

    A catalogue that validated once is cached under its content hash (which covers the packs): the same bytes
    give the same result, so later starts skip YAML parsing and pydantic validation (`vettriage assess` starts
    several times faster).
    """
    import os

    from vettriage.pathtext import normal

    if directory is None:
        from vettriage.resources import data_folder

        directory = data_folder("questionnaires")
    folder = normal(os.fspath(directory))  # str(Path(directory)): the folders are text until the YAML is read
    if not os.path.isdir(folder):
        raise InputError(folder, None, "content folder not found")
    if packs is None:
        packs = [p for p in os.environ.get(PACKS_ENV, "").split(os.pathsep) if p.strip()]
    pack_dirs = [normal(os.fspath(p)) for p in packs]
    for p in pack_dirs:
        if not os.path.isdir(p):
            raise InputError(p, None, "content pack folder not found")
        if not os.path.isfile(os.path.join(p, "pack.yaml")):
            raise InputError(normal(os.path.join(p, "pack.yaml")), None,
                             "file not found (a content pack folder starts with pack.yaml)")
    hash_of = content_hash
    if use_cache and not os.environ.get("VETTRIAGE_NO_CACHE"):
        from vettriage.content.stathash import folder_hash as hash_of  # unchanged files are not re-read

    from vettriage.gcpause import collector_off

    with collector_off():  # one bounded load of long-lived records: nothing for the collector to find
        base = hash_of(folder)
        digest = combined_hash(base, [hash_of(p) for p in pack_dirs])
        if use_cache:
            from vettriage.content import cache

            cached = cache.read(digest)
            if cached is not None:
                object.__setattr__(cached, "folder", folder)  # a new object, read from the file: no one else holds it
                return cached
        from pathlib import Path

        catalogue = _load(Path(folder), base, [Path(p) for p in pack_dirs], digest)
        if use_cache:
            cache.write(digest, catalogue)
        return catalogue


def _load(directory: Path, base: str, pack_dirs: list[Path] | None = None, digest: str | None = None) -> Catalogue:
    """Read, validate and cross-check the shipped content and then each pack, as one catalogue."""
    from vettriage.content import files
    from vettriage.content.yamlfile import read_yaml

    docs = {n: read_yaml(directory / f"{n}.yaml") for n in FIXED_FILES}
    cat: files.CatalogueFile = _parse(docs["catalogue"], files.CatalogueFile, _label(directory, "catalogue"))
    for key, names in (("sections", cat.sections), ("rule_files", cat.rule_files),
                       ("reference_files", cat.reference_files)):
        for i, name in enumerate(names):
            if name in FIXED_FILES + ("screens", "gateways") or not name.replace("_", "").isalnum() or names.count(name) > 1:
                raise InputError(_label(directory, "catalogue"), key, f"'{name}' is not a usable file name",
                                 docs["catalogue"].line([key, i]))
    sections: list[tuple[YamlDoc, m.Section]] = []
    for name in cat.sections:
        doc = read_yaml(directory / f"{name}.yaml")
        sections.append((doc, _parse(doc, files.SectionFile, _label(directory, name)).section))
    rule_docs: list[tuple[YamlDoc, m.Rule]] = []
    kind_docs: list[tuple[YamlDoc, m.PainKind]] = []
    for name in cat.rule_files:
        doc = read_yaml(directory / f"{name}.yaml")
        parsed = _parse(doc, files.RulesFile, _label(directory, name))
        rule_docs += [(doc, r) for r in parsed.rules]
        kind_docs += [(doc, k) for k in parsed.pain_kinds]
    ref_docs = [docs["references"]] + [read_yaml(directory / f"{n}.yaml") for n in cat.reference_files]
    ref_lists: list[tuple[YamlDoc, m.Reference]] = []
    for doc in ref_docs:
        ref_lists += [(doc, r) for r in _parse(doc, files.ReferencesFile, str(doc.path)).references]
    retired = _parse(docs["retired"], files.RetiredFile, _label(directory, "retired"))
    flags = _parse(docs["flags"], files.FlagsFile, _label(directory, "flags"))
    scores = _parse(docs["scores"], files.ScoresFile, _label(directory, "scores")).scores
    score_docs = [(docs["scores"], s) for s in scores]
    options = _parse(docs["options"], files.OptionsFile, _label(directory, "options"))
    scales = {s.id: s for s in cat.scales}

    _unique(docs["catalogue"], "scales", cat.scales)
    for key in ("red_flags", "ketamine_cautions", "medication_flags", "workup", "medicine_classes",
                "medicine_instructions"):
        _unique(docs["flags"], key, getattr(flags, key))
    _unique(docs["options"], "situations", options.situations)
    seen_kinds: set[str] = set()
    for doc, kind in kind_docs:
        if kind.id in seen_kinds:
            raise InputError(str(doc.path), f"pain_kinds[{kind.id}]", f"pain kind '{kind.id}' is defined twice")
        seen_kinds.add(kind.id)
    # reference ids across every references file: check_references below
    seen_sections: dict[str, str] = {}
    for name, (section_doc, section) in zip(cat.sections, sections):
        if section.id in seen_sections:
            raise InputError(_label(directory, name), "section.id", f"section id '{section.id}' is already used "
                             f"by {seen_sections[section.id]}.yaml", section_doc.line(["section", "id"]))
        seen_sections[section.id] = name
    gateways: list[m.Gateway] = []
    follow_ups: list[m.FollowUp] = []
    checklists: list[m.Checklist] = []
    screens: list[m.Screen] = []
    if (directory / "screens.yaml").is_file() or (directory / "gateways.yaml").is_file():
        from vettriage.content.gateways import apply_gateways, apply_screens

        if (directory / "screens.yaml").is_file():
            doc = docs["screens"] = read_yaml(directory / "screens.yaml")
            screens = _parse(doc, files.ScreensFile, _label(directory, "screens")).screens
            sections = apply_screens(sections, doc, screens)
        if (directory / "gateways.yaml").is_file():
            doc = docs["gateways"] = read_yaml(directory / "gateways.yaml")
            gw_file = _parse(doc, files.GatewaysFile, _label(directory, "gateways"))
            gateways, follow_ups, checklists = gw_file.gateways, gw_file.follow_ups, gw_file.checklists
            sections = apply_gateways(sections, doc, gateways, follow_ups, checklists)

    packs: list[m.Pack] = []
    if pack_dirs:
        from vettriage.content.packs import PackParts, read_pack

        shipped = PackParts(sections=sections, rules=rule_docs, scores=score_docs, references=ref_lists,
                            scales=scales, retired_ids={i.id for rs in retired.retired for i in rs.items})
        for pack_dir in pack_dirs:
            pack, parts = read_pack(pack_dir, shipped, packs)
            # a pack's questions come after the shipped screening and before the owner's own words
            at = next((k for k, (_, s) in enumerate(sections) if s.id == "notes"), len(sections))
            sections[at:at] = parts.sections
            rule_docs += parts.rules
            score_docs += parts.scores
            ref_lists += parts.references
            scales.update(parts.scales)
            packs.append(pack)

    version = cat.version + "".join(f"+{p.id}-{p.version}" for p in packs)
    catalogue = Catalogue(
        version=version,
        hash=digest or base,
        title=cat.title,
        sections=tuple(s for _, s in sections),
        scales=scales,
        scores=tuple(s for _, s in score_docs),
        rules=tuple(r for _, r in rule_docs),
        red_flags={f.id: f for f in flags.red_flags},
        ketamine_cautions={f.id: f for f in flags.ketamine_cautions},
        medication_flags={f.id: f for f in flags.medication_flags},
        workup={f.id: f for f in flags.workup},
        options=tuple(options.options),
        references={r.id: r for _, r in ref_lists},
        folder=str(directory),
        changelog=tuple(cat.changelog),
        retired=tuple(retired.retired),
        packs=tuple(packs),
        base_version=cat.version,
        medicine_classes={c.id: c for c in flags.medicine_classes},
        medicine_instructions={i.id: i for i in flags.medicine_instructions},
        gateways=tuple(gateways),
        follow_ups=tuple(follow_ups),
        checklists=tuple(checklists),
        screens=tuple(screens),
        pain_kinds={k.id: k for _, k in kind_docs},
        situations={x.id: x for x in options.situations},
    )
    from vettriage.content.crosscheck import check_references, check_retired, crosscheck

    check_references(ref_lists)
    crosscheck(catalogue, docs, [d for d, _ in sections], [d for d, _ in rule_docs], [d for d, _ in score_docs],
               [d for d, _ in kind_docs])
    check_retired(catalogue, docs["retired"])
    from vettriage.content.sharing import share_equal_conditions

    share_equal_conditions(catalogue)  # after every check: errors still name each file's own condition
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
