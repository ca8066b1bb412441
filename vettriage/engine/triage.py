"""assess(): answers → scores → rules in file order → Assessment. Pure: no I/O, no Textual."""

from __future__ import annotations

from functools import cache
from itertools import compress, islice
from operator import getitem
from typing import Any, Mapping

from vettriage.content.catalogue import Catalogue
from vettriage.content.models import UNKNOWN, Rule, implied_finding
from vettriage.engine.answers import Answers, validate_answers, visible_items
from vettriage.engine.assessment import (
    SCHEMA_VERSION, AnswerEvidence, Assessment, CategoryResult, Evidence, Hit, Note, ScoreEvidence,
)
from vettriage.engine.conditions import LEVEL_RANK, Compiled, compiled
from vettriage.engine.program import Program, rule_program
from vettriage.engine.scoring import compute_scores, score_input_floor
from vettriage.frozen import frozen

CATEGORIES = ("pain", "ccd", "medical")
LEVEL_NAMES = ("none", "possible", "likely")
SEVERITY_NAMES = (None, "mild", "moderate", "severe")
SEVERITY_RANK = {name: k for k, name in enumerate(SEVERITY_NAMES)}
# When two categories stand at the same level with as much evidence, the one a vet addresses first wins:
# pain and medical illness come before CCD, which is a diagnosis of exclusion.
TIE_ORDER = {"pain": 0, "medical": 1, "ccd": 2}


RED_FLAG_SECTION = "redflags"
# Product heuristic: a category none of whose rules fired, with fewer than this share of its questions known,
# "could not be assessed" rather than "incomplete": too little was answered to say anything about it.
ASSESSED_SHARE = 1 / 3
# A category ruled out lists at most this many of the answers that ruled it out, in asking order: the summary
# shows why, the answers themselves are in the review.
KEY_NEGATIVES = 12


class _Ctx:
    __slots__ = ("answers", "hidden", "scores", "levels", "levels_hi", "red_flags", "red_flags_maybe", "_floor",
                 "_positives", "lists")

    def __init__(self, answers: Mapping[str, Any], hidden: frozenset[str], scores: dict[str, tuple[float, float]],
                 floor: dict[str, tuple[tuple[str, ...], tuple[float, ...], bool]]) -> None:
        self.answers = answers
        self.hidden = hidden
        self.scores = scores
        self.levels: dict[str, int] = {}
        self.levels_hi: dict[str, int] = {}
        self.red_flags: set[str] = set()
        self.red_flags_maybe: set[str] = set()
        self._floor = floor
        self._positives: dict[str, list[str]] = {}
        self.lists: dict[str, tuple[Any, ...]] = {}
        """Each multi-choice answer as a tuple: what the AnswerEvidence tables are keyed by."""

    def score_positives(self, sid: str, unknown: frozenset[str]) -> list[str]:
        """The item inputs of a score (through nested scores) answered above their lowest value: what was seen.
        Worked out once per score and assessment (several rules test the same score)."""
        got = self._positives.get(sid)
        if got is not None:
            return got
        ids, floors, zero = self._floor[sid]
        get = self.answers.get
        if zero and (not unknown or unknown.isdisjoint(ids)):
            # every floor is 0 and no input is "don't know": a number above 0 is a true value, a blank None
            got = list(compress(ids, map(get, ids)))
        else:
            got = [i for i, lo in zip(ids, floors) if ((v := get(i)).__class__ is int or v.__class__ is float)
                   and v > lo]
        self._positives[sid] = got
        return got


@frozen
class _Tables:
    """Everything assess() reads about a catalogue besides the answers, worked out once per catalogue (it is
    immutable): one cached look-up per assessment instead of one per table."""

    comp: Compiled
    program: Program
    effects: tuple[tuple[Any, ...], ...]
    """Per rule: (rule, finding, level rank, cap, cap rank, red flag, conclusive, the items it names only under
    `not`, ketamine caution, medication flag, soon, work-up, note, severity rank, the items it explains); a rule
    is conclusive when it draws a conclusion whose evidence is kept. Its Note is built once: nothing changes
    one. A medication flag that sets `soon` raises `medical` (content.models.implied_finding)."""
    floor: dict[str, tuple[tuple[str, ...], tuple[float, ...], bool]]
    same_inputs: dict[str, str]
    """Per score, the first score with the same item inputs (through nested scores): they name the same
    answers as what was seen."""
    categories: tuple[tuple[str, tuple[str, ...], frozenset[str], tuple[str, ...], tuple[str, ...]], ...]
    """Per category: (id, the items its finding rules read in asking order, the same as a set, the items they
    test by name (its key negatives), its scores)."""
    red_flag_items: tuple[tuple[str, ...], frozenset[str]]
    cites: dict[str, tuple[str, str, str, str, str | None]]
    """Per rule, what its Evidence names besides the answers: its id, title and published source."""
    questions: dict[str, tuple[str, str]]
    multi: frozenset[str]
    """The multi-choice items: their answers are lists."""
    hit_order: tuple[dict[str, tuple[int, str, str | None]], ...]
    """For red flags, ketamine cautions, medication flags and pain kinds: each id's place in the content, its
    title, and (red flags) its tier."""
    fallback_kinds: frozenset[str]
    """Pain kinds raised only when no other kind is ("not yet known")."""
    by_item: dict[str, dict[Any, AnswerEvidence]]
    """Per item, the AnswerEvidence of each of its answers (a multi-choice answer keyed as a tuple), shared by
    every rule and list that cites it and across assessments (nothing changes one once built): for items with
    a fixed set of answers (yes/no, single choice, scale) all built at once, with "don't know" and no answer;
    for the others as they are seen (bounded). The answers behind a result are then looked up in C."""


@cache
def _tables(catalogue: Catalogue) -> _Tables:
    comp = compiled(catalogue)
    effects = []
    for r in catalogue.rules:
        e = r.then
        implied = implied_finding(e)
        effects.append((r, e.finding or implied, LEVEL_RANK[e.level] if e.level else 1 if implied else 0, e.cap,
                        LEVEL_RANK[e.cap_level] if e.cap_level else 0, e.red_flag,
                        bool(e.red_flag or e.finding or e.cap or e.ketamine_caution or e.medication_flag
                             or e.pain_kind),
                        comp.negated[r.id], e.ketamine_caution, e.medication_flag, e.urgency == "soon",
                        tuple(e.workup), Note(r.id, e.note.owner, e.note.tech) if e.note else None,
                        SEVERITY_RANK[e.severity], frozenset(e.explains), e.pain_kind))
    items, named = _category_items(catalogue, comp)
    scores = {c: tuple(s.id for s in catalogue.scores if s.category == c) for c in CATEGORIES}
    red = tuple(i.id for s in catalogue.sections if s.id == RED_FLAG_SECTION for i in s.items)
    refs = catalogue.references
    return _Tables(
        comp=comp, program=rule_program(catalogue), effects=tuple(effects), floor=(floor := score_input_floor(catalogue)),
        same_inputs=_same_inputs(floor),
        categories=tuple((c, items[c], frozenset(items[c]), named[c], scores[c]) for c in CATEGORIES),
        red_flag_items=(red, frozenset(red)),
        cites={r.id: (r.id, r.title, refs[r.source].id, refs[r.source].title, refs[r.source].url)
               for r in catalogue.rules},
        questions={i.id: (i.text.tech, i.text.owner) for i in catalogue.items.values()},
        multi=frozenset(i.id for i in catalogue.items.values() if i.type == "multi"),
        hit_order=tuple({k: (n, v.title.tech, getattr(v, "act", None)) for n, (k, v) in enumerate(table.items())}
                        for table in (catalogue.red_flags, catalogue.ketamine_cautions, catalogue.medication_flags,
                                      catalogue.pain_kinds)),
        fallback_kinds=frozenset(k for k, v in catalogue.pain_kinds.items() if v.fallback),
        by_item={**{i: {} for i in catalogue.items}, **_fixed_answers(catalogue)},
    )


def assess(catalogue: Catalogue, answers: Answers | Mapping[str, Any]) -> Assessment:
    """Assess one set of answers (raw answers are validated first and may raise InputError).

    Rules are tested in file order in three-valued logic (engine.program): a rule fires only when its
    condition is true; one that blanks could still make true widens what its category could reach."""
    if not isinstance(answers, Answers):
        answers = validate_answers(catalogue, answers)
    tables = _tables(catalogue)
    values = answers.values
    hidden = answers.hidden
    unknown_ids = answers.unknown_ids()
    given = len(values)
    lists = answers.list_keys()
    if hidden and catalogue.gateways:
        # a screening question answered no stands for "not seen" on each detail it hid (issue 27)
        from vettriage.engine.gateways import as_read

        values, hidden, filled = as_read(catalogue, values, hidden)
        if filled:
            lists = {**lists, **{k: tuple(v) for k, v in filled.items() if v.__class__ is list}}
    scores, spans = compute_scores(catalogue, values, hidden, unknown_ids)
    ctx = _Ctx(values, hidden, spans, tables.floor)
    ctx.lists = lists
    comp = tables.comp
    effects = tables.effects

    raised = {"pain": 0, "ccd": 0, "medical": 0}
    caps = {"pain": 2, "ccd": 2, "medical": 2}
    raised_maybe = {"pain": 0, "ccd": 0, "medical": 0}
    caps_maybe = {"pain": 2, "ccd": 2, "medical": 2}
    maybe_rules: dict[str, list[tuple[Rule, int]]] = {"pain": [], "ccd": [], "medical": []}
    cat_evidence: dict[str, list[Evidence]] = {"pain": [], "ccd": [], "medical": []}
    cat_limits: dict[str, list[Evidence]] = {"pain": [], "ccd": [], "medical": []}
    cat_positive_ids: dict[str, list[str]] = {"pain": [], "ccd": [], "medical": []}
    cat_score_inputs: dict[str, set[str]] = {"pain": set(), "ccd": set(), "medical": set()}
    same_inputs = tables.same_inputs
    red_hits: dict[str, list[Evidence]] = {}
    ket_hits: dict[str, list[Evidence]] = {}
    med_hits: dict[str, list[Evidence]] = {}
    kind_hits: dict[str, list[Evidence]] = {}
    notes: list[Note] = []
    workup: list[str] = []
    soon = False
    fired: list[str] = []
    urgent_cats: set[str] = set()  # categories an emergency raised: what the vet addresses first
    severity = {"pain": 0, "ccd": 0, "medical": 0}
    worked_up: set[str] = set()  # categories a finding that asks for a work-up raised
    explained: set[str] = set()  # answers a finding explains: no longer counted by any score
    explained_maybe: set[str] = set()  # ... or would, once the blanks are filled
    base: dict[str, tuple[float, float]] | None = None
    levels, levels_hi = ctx.levels, ctx.levels_hi

    def bound(c: str) -> None:
        # lower bound: what fired, held down by any cap that fired or still could; upper bound: what fired or
        # still could, held down only by caps that fired. Filling blanks only ever narrows the two. Called
        # whenever one of the four moves (a finding rule always raises its category from 0 the first time).
        # (Comparisons rather than min() and max(): this runs for every rule that fires or still could.)
        r, cap_, cap_maybe, r_maybe = raised[c], caps[c], caps_maybe[c], raised_maybe[c]
        low = r if r < cap_ else cap_
        levels[c] = low if low < cap_maybe else cap_maybe
        high = r if r > r_maybe else r_maybe
        levels_hi[c] = high if high < cap_ else cap_

    # The program hands back only the rules not found false, in file order, and tests a rule that reads what
    # earlier rules concluded only once those are handled here: the levels and red flags are updated first.
    # the program reads each answer through `known.get`: None for no answer and for "don't know" alike
    known = {k: v for k, v in values.items() if k not in unknown_ids} if unknown_ids else values
    for k, truth, names in tables.program(known.get, hidden, unknown_ids, spans, levels, levels_hi,
                                          ctx.red_flags, ctx.red_flags_maybe):
        (rule, finding, level, cap, cap_level, red_flag, conclusive, negated, ketamine, medication, urgent,
         rule_workup, note, rule_severity, explains, pain_kind) = effects[k]
        if explains:
            if truth is None:
                # only an answer that was given can lower a score's low end once set aside
                new = [i for i in explains if i not in explained and i not in explained_maybe]
                explained_maybe.update(new)
                moved = any(known.get(i) for i in new)
            else:
                moved = not explains <= explained
                explained.update(explains)
                explained_maybe.difference_update(explains)
            if moved:
                if base is None:  # the scores as answered, before anything was set aside
                    base = dict(spans)
                _set_aside(catalogue, values, hidden, unknown_ids, explained, explained_maybe, spans, base)
        if truth is None:
            if finding:
                if level > raised_maybe[finding]:
                    raised_maybe[finding] = level
                    bound(finding)
                maybe_rules[finding].append((rule, level))
            if cap:
                if cap_level < caps_maybe[cap]:
                    caps_maybe[cap] = cap_level
                    bound(cap)
            if red_flag:
                ctx.red_flags_maybe.add(red_flag)
            continue
        fired.append(rule.id)
        # Evidence is kept only for conclusions (flags, findings, limits); a rule that only adds a note,
        # work-up or urgency is named by its id, so its evidence would be built for nothing.
        if conclusive:
            ev = _evidence(tables, rule, ctx, names)
        if red_flag:
            red_hits.setdefault(red_flag, []).append(ev)
            ctx.red_flags.add(red_flag)
        if finding:
            if level > raised[finding]:
                raised[finding] = level
                bound(finding)
            cat_evidence[finding].append(ev)
            if red_flag:
                urgent_cats.add(finding)
            if rule_severity > severity[finding]:
                severity[finding] = rule_severity
            if rule_workup:
                worked_up.add(finding)
            # what was seen: the answers behind it (not those it names only as absent) and, for each score
            # that held, the inputs answered above their floor
            seen_ids = cat_positive_ids[finding]
            seen_ids.extend([i for i in names[0] if i not in negated] if negated else names[0])
            for sid in names[1]:
                # scores with the same inputs name the same answers: each set of inputs once per category
                same = same_inputs[sid]
                if same not in cat_score_inputs[finding]:
                    cat_score_inputs[finding].add(same)
                    seen_ids.extend(ctx.score_positives(same, unknown_ids))
        if cap:
            if cap_level < caps[cap]:
                caps[cap] = cap_level
                bound(cap)
            cat_limits[cap].append(ev)
        if ketamine:
            ket_hits.setdefault(ketamine, []).append(ev)
        if medication:
            med_hits.setdefault(medication, []).append(ev)
        if pain_kind:
            kind_hits.setdefault(pain_kind, []).append(ev)
        if urgent:
            soon = True
        if rule_workup:
            workup.extend(rule_workup)
        if note:
            notes.append(note)

    final = {c: raised[c] if raised[c] < caps[c] else caps[c] for c in CATEGORIES}
    answered = frozenset(values)  # once, so that each category counts its own answers by set intersection
    categories = {}
    for c, items, item_set, named, cat_scores in tables.categories:
        categories[c] = _category(tables, c, items, item_set, named, cat_scores, final[c], ctx, answered,
                                  unknown_ids, cat_evidence[c], cat_limits[c], cat_positive_ids[c], maybe_rules[c],
                                  SEVERITY_NAMES[severity[c]] if final[c] else None,
                                  [i for i in items if i in explained] if explained else [])
    ranked = [c for c in CATEGORIES if final[c] > 0]
    if len(ranked) > 1:
        # at the same level, a medical finding that asks for a work-up comes first: an illness to rule out
        # changes what the pain or cognitive signs mean (CCD and pain plans wait on it)
        ranked.sort(key=lambda c: (c not in urgent_cats, -final[c], not (c == "medical" and c in worked_up),
                                   -len(cat_evidence[c]), TIE_ORDER[c]))
    urgency = "emergency" if red_hits else "soon" if soon else "routine"
    red_list = _hits(red_hits, tables.hit_order[0])
    act = ("now" if any(h.act == "now" for h in red_list) else "today") if red_list else None
    unknown = len(unknown_ids)
    if kind_hits and tables.fallback_kinds and not kind_hits.keys() <= tables.fallback_kinds:
        # "not yet known" stands only alone: another kind raised says what the pain is
        kind_hits = {k: v for k, v in kind_hits.items() if k not in tables.fallback_kinds}
    asked = answers.asked if answers.asked is not None else len(visible_items(catalogue, values))
    return Assessment(schema_version=SCHEMA_VERSION,
        content_version=catalogue.version,
        content_hash=catalogue.hash,
        urgency=urgency,
        red_flags=red_list,
        categories=categories,
        primary=ranked[0] if ranked else None,
        ketamine_cautions=_hits(ket_hits, tables.hit_order[1]),
        medication_flags=_hits(med_hits, tables.hit_order[2]),
        notes=notes,
        workup=list(dict.fromkeys(workup)) if workup else workup,
        scores=scores,
        answered=given - unknown,
        unknown=unknown,
        total_items=asked,
        dropped=list(answers.dropped),
        rules_fired=fired,
        red_flags_unanswered=_red_flags_unanswered(tables, ctx, answers.shown),
        emergency_act=act,
        pain_kinds=_hits(kind_hits, tables.hit_order[3]),
    )


def _category(tables: _Tables, cat: str, items: tuple[str, ...], item_set: frozenset[str],
              named: tuple[str, ...], cat_scores: tuple[str, ...], level: int, ctx: _Ctx,
              answered: frozenset[str], unknown_ids: frozenset[str], evidence: list[Evidence],
              limits: list[Evidence], positive_ids: list[str], maybe: list[tuple[Rule, int]],
              severity: str | None = None,
              set_aside: list[str] | None = None) -> CategoryResult:
    """One category's result: its level, how well the answers decide it, and the answers behind it."""
    answers, hidden = ctx.answers, ctx.hidden
    # answers to hidden questions were dropped, so every answered id is one asked
    questions = len(items) - (len(item_set & hidden) if hidden else 0)
    # (what is left unanswered is the small set: cheaper to build than what was answered)
    known = len(items) - len(item_set - answered) - (len(item_set & unknown_ids) if unknown_ids else 0)
    high = max(ctx.levels_hi.get(cat, level), level)
    if level > 0 or high == 0:
        status = "assessed"
    elif questions and known / questions >= ASSESSED_SHARE:
        status = "incomplete"
    else:
        status = "not_assessed"
    deciding: list[str] = []
    if high > level:
        could = set().union(*(tables.comp.rule_items[r.id] for r, rank in maybe if rank > level))
        deciding = [i for i in items if i in could and i not in hidden
                    and ((a := answers.get(i)) is None or a == UNKNOWN)]
    positives: list[AnswerEvidence] = []
    if positive_ids and set_aside:  # an answer a finding explains is not what was seen for this one
        positive_ids = [i for i in positive_ids if i not in set_aside]
    if positive_ids:
        known_ids = answered - unknown_ids if unknown_ids else answered
        positives = _answers(tables, list(filter(known_ids.__contains__, dict.fromkeys(positive_ids))), ctx)
    negatives: list[AnswerEvidence] = []
    if level == 0 and status == "assessed":
        # the first answered ones in asking order, found in C (an answer is never to a hidden question)
        ids = list(islice(filter(answered.__contains__, named), KEY_NEGATIVES + len(unknown_ids)))
        if unknown_ids:
            ids = [i for i in ids if i not in unknown_ids][:KEY_NEGATIVES]
        negatives = _answers(tables, ids, ctx)
    # positional, in field order: level, scores, evidence, limited_by, status, could_reach, unanswered,
    # questions, deciding, positives, negatives
    return CategoryResult(LEVEL_NAMES[level], list(cat_scores), evidence, limits, status, LEVEL_NAMES[high],
                          questions - known, questions, deciding, positives, negatives, severity,
                          set_aside or [])


def _set_aside(catalogue: Catalogue, values: Mapping[str, Any], hidden: frozenset[str],
               unknown_ids: frozenset[str], explained: set[str], maybe: set[str],
               spans: dict[str, tuple[float, float]], base: dict[str, tuple[float, float]]) -> None:
    """Every score's interval again, the explained answers taking no part (as if branching hid them), in place:
    the rules below read the new intervals. An explanation that blanks could still bring (`maybe`) widens them:
    the low end without those answers, the high end with them."""
    def without(drop: set[str]) -> dict[str, tuple[float, float]]:
        # dropped from the answers as well: the scores' fast path reads every answer it is given
        kept = {k: v for k, v in values.items() if k not in drop}
        return compute_scores(catalogue, kept, hidden | drop, unknown_ids)[1]

    sure = without(explained) if explained else base
    if maybe:
        low = without(explained | maybe)
        sure = {sid: (low[sid][0], hi) for sid, (lo, hi) in sure.items()}
    spans.update(sure)


def _same_inputs(floor: dict[str, tuple[tuple[str, ...], tuple[float, ...], bool]]) -> dict[str, str]:
    first: dict[tuple[str, ...], str] = {}
    return {sid: first.setdefault(entry[0], sid) for sid, entry in floor.items()}


def _red_flags_unanswered(tables: _Tables, ctx: _Ctx, shown: frozenset[str] | None) -> list[str]:
    """The emergency questions asked for this dog (shown by branching) with no answer; "don't know" answers."""
    items, item_set = tables.red_flag_items
    answers = ctx.answers
    if item_set <= answers.keys():  # every one answered: the usual case, checked in C
        return []
    missing = item_set - answers.keys()
    if shown is not None:  # validation noted what branching shows
        missing &= shown
        return [i for i in items if i in missing] if missing else []
    gate = tables.comp.enable_when
    return [i for i in items if i not in answers and (i not in gate or gate[i](ctx) is True)]


def _category_items(catalogue: Catalogue, comp: Compiled) -> tuple[dict[str, tuple[str, ...]],
                                                                 dict[str, tuple[str, ...]]]:
    """Per category, in asking order: the items its finding rules read (directly or through scores), and the
    items they test by name or through a score (the answers that rule it out, when it is none). The two are
    the same set (a rule reads exactly the items it tests and its scores' inputs: conditions.condition_items),
    kept as two names for what each is used for."""
    read = {c: set() for c in CATEGORIES}  # type: dict[str, set[str]]
    for r in catalogue.rules:
        if r.then.finding:
            read[r.then.finding] |= comp.rule_items[r.id]
    in_order = {c: tuple(i for i in catalogue.items if i in read[c]) for c in CATEGORIES}
    return in_order, dict(in_order)


def _evidence(tables: _Tables, rule: Rule, ctx: _Ctx, names: tuple[tuple[str, ...], tuple[str, ...]]) -> Evidence:
    """The Evidence of a rule that fired, from the ids the program named (item ids, score ids)."""
    item_ids, score_ids = names
    rid, title, source, source_title, url = tables.cites[rule.id]
    spans = ctx.scores
    if len(item_ids) > 1:
        item_ids = tuple(dict.fromkeys(item_ids))  # a rule may name an item twice
    if len(score_ids) > 1:
        score_ids = tuple(dict.fromkeys(score_ids))
    # positional, in field order: rule, title, answers, scores, source, source_title, source_url
    return Evidence(rid, title, _answers(tables, item_ids, ctx),
                    [ScoreEvidence(s, *spans[s]) for s in score_ids], source, source_title, url)


def _answers(tables: _Tables, ids: Any, ctx: _Ctx) -> list[AnswerEvidence]:
    """The shared AnswerEvidence of the answers to `ids`, looked up in C (`_Tables.by_item`); one seen for the
    first time is built by `_answer`."""
    if not ids:
        return []
    get = ctx.answers.get
    if len(ids) == 1:  # most evidence names one answer: no maps to set up
        i = ids[0]
        v = get(i)
        ae = tables.by_item[i].get(ctx.lists.get(i, v) if v.__class__ is list else v)
        return [ae if ae is not None else _answer(tables, i, v)]
    try:
        if tables.multi.isdisjoint(ids):  # no list to key as a tuple
            return list(map(getitem, map(tables.by_item.__getitem__, ids), map(get, ids)))
        return list(map(getitem, map(tables.by_item.__getitem__, ids), map(ctx.lists.get, ids, map(get, ids))))
    except (KeyError, TypeError):  # first seen (or not hashable: not from validated answers)
        return [_answer(tables, i, get(i)) for i in ids]


def _fixed_answers(catalogue: Catalogue) -> dict[str, dict[Any, AnswerEvidence]]:
    out: dict[str, dict[Any, AnswerEvidence]] = {}
    for item in catalogue.items.values():
        if item.type == "yesno":
            values: list[Any] = [True, False]
        elif item.type == "choice":
            values = [o.value for o in item.options or ()]
        elif item.type == "scale":
            values = list(catalogue.scales[item.scale].values)  # type: ignore[index]
        else:
            continue
        out[item.id] = {v: AnswerEvidence(item.id, v, item.text.tech, item.text.owner)
                        for v in [*values, UNKNOWN, None]}
    return out


def _answer(tables: _Tables, item: str, value: Any) -> AnswerEvidence:
    """The AnswerEvidence of one answer, built the first time it is seen (`_Tables.by_item`)."""
    seen = tables.by_item[item]
    key = tuple(value) if value.__class__ is list else value
    try:
        ae = seen.get(key)
    except TypeError:  # not hashable: not from validated answers, so not shared
        return AnswerEvidence(item, value, *tables.questions[item])
    if ae is None:
        if len(seen) > 1_000:  # free text and numbers: many answers, each seen rarely
            seen.clear()
        tech, owner = tables.questions[item]
        ae = seen[key] = AnswerEvidence(item, value, tech, owner)
    return ae


def _hits(found: dict[str, list[Evidence]], order: dict[str, tuple[int, str, str | None]]) -> list[Hit]:
    """Hits in the order the content defines them, so reports list them the same way every time. `order`:
    each id's place in its table, title and (red flags) tier (`_Tables.hit_order`)."""
    if not found:
        return []
    ids = sorted(found, key=lambda k: order[k][0]) if len(found) > 1 else found
    return [Hit(k, order[k][1], found[k], order[k][2]) for k in ids]
