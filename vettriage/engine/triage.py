"""assess(): answers → scores → rules in file order → Assessment. Pure: no I/O, no Textual."""

from __future__ import annotations

from functools import cache
from itertools import compress
from typing import Any, Mapping

from vettriage.content.catalogue import Catalogue
from vettriage.content.models import UNKNOWN, Rule
from vettriage.engine.answers import Answers, validate_answers, visible_items
from vettriage.engine.assessment import (
    SCHEMA_VERSION, AnswerEvidence, Assessment, CategoryResult, Evidence, Hit, Note, ScoreEvidence,
)
from vettriage.engine.conditions import LEVEL_RANK, compiled, score_inputs
from vettriage.engine.program import rule_program
from vettriage.engine.scoring import compute_scores, score_input_floor

CATEGORIES = ("pain", "ccd", "medical")
LEVEL_NAMES = ("none", "possible", "likely")
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
                 "_positives")

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


@cache
def _effects(catalogue: Catalogue) -> tuple[tuple[Any, ...], ...]:
    """Each rule's effect as a flat tuple, read once per catalogue: (rule, finding, level rank, cap, cap rank,
    red flag, conclusive). A rule is conclusive when it draws a conclusion whose evidence is kept."""
    out = []
    for r in catalogue.rules:
        e = r.then
        out.append((r, e.finding, LEVEL_RANK[e.level] if e.level else 0, e.cap,
                    LEVEL_RANK[e.cap_level] if e.cap_level else 0, e.red_flag,
                    bool(e.red_flag or e.finding or e.cap or e.ketamine_caution or e.medication_flag)))
    return tuple(out)


def assess(catalogue: Catalogue, answers: Answers | Mapping[str, Any]) -> Assessment:
    """Assess one set of answers (raw answers are validated first and may raise InputError).

    Rules are tested in file order in three-valued logic (engine.program): a rule fires only when its
    condition is true; one that blanks could still make true widens what its category could reach."""
    if not isinstance(answers, Answers):
        answers = validate_answers(catalogue, answers)
    values = answers.values
    hidden = answers.hidden
    unknown_ids = answers.unknown_ids()
    scores, spans = compute_scores(catalogue, values, hidden, unknown_ids)
    ctx = _Ctx(values, hidden, spans, score_input_floor(catalogue))
    comp = compiled(catalogue)
    effects = _effects(catalogue)

    raised = dict.fromkeys(CATEGORIES, 0)
    caps = dict.fromkeys(CATEGORIES, 2)
    raised_maybe = dict.fromkeys(CATEGORIES, 0)
    caps_maybe = dict.fromkeys(CATEGORIES, 2)
    maybe_rules: dict[str, list[Rule]] = {c: [] for c in CATEGORIES}
    cat_evidence: dict[str, list[Evidence]] = {c: [] for c in CATEGORIES}
    cat_limits: dict[str, list[Evidence]] = {c: [] for c in CATEGORIES}
    cat_positive_ids: dict[str, list[str]] = {c: [] for c in CATEGORIES}
    hits: dict[str, dict[str, list[Evidence]]] = {"red": {}, "ket": {}, "med": {}}
    notes: list[Note] = []
    workup: list[str] = []
    soon = False
    seen = _shared_answers(catalogue)
    fired: list[str] = []
    urgent_cats: set[str] = set()  # categories an emergency raised: what the vet addresses first
    levels, levels_hi = ctx.levels, ctx.levels_hi

    def bound(c: str) -> None:
        # lower bound: what fired, held down by any cap that fired or still could; upper bound: what fired or
        # still could, held down only by caps that fired. Filling blanks only ever narrows the two.
        levels[c] = min(raised[c], caps[c], caps_maybe[c])
        levels_hi[c] = min(max(raised[c], raised_maybe[c]), caps[c])

    # The program hands back only the rules not found false, each as soon as it is tested: the levels and red
    # flags it reads for later rules are updated here before it goes on.
    for k, truth in rule_program(catalogue)(values.get, hidden, spans, levels, levels_hi, ctx.red_flags,
                                            ctx.red_flags_maybe):
        rule, finding, level, cap, cap_level, red_flag, conclusive = effects[k]
        if truth is None:
            if finding:
                if level > raised_maybe[finding]:
                    raised_maybe[finding] = level
                maybe_rules[finding].append(rule)
                bound(finding)
            if cap:
                if cap_level < caps_maybe[cap]:
                    caps_maybe[cap] = cap_level
                bound(cap)
            if red_flag:
                ctx.red_flags_maybe.add(red_flag)
            continue
        eff = rule.then
        fired.append(rule.id)
        # Evidence is kept only for conclusions (flags, findings, limits); a rule that only adds a note,
        # work-up or urgency is named by its id, so its evidence would be built for nothing.
        if conclusive:
            ev = _evidence(catalogue, rule, ctx, comp, seen)
        if red_flag:
            hits["red"].setdefault(red_flag, []).append(ev)
            ctx.red_flags.add(red_flag)
        if finding:
            if level > raised[finding]:
                raised[finding] = level
            cat_evidence[finding].append(ev)
            if red_flag:
                urgent_cats.add(finding)
            # what was seen: the answers behind it (not those it names only as absent) and, for each score
            # that held, the inputs answered above their floor
            negated = comp.negated[rule.id]
            seen_ids = cat_positive_ids[finding]
            seen_ids.extend(x.item for x in ev.answers if x.item not in negated)
            for x in ev.scores:
                seen_ids.extend(ctx.score_positives(x.score, unknown_ids))
            bound(finding)
        if cap:
            if cap_level < caps[cap]:
                caps[cap] = cap_level
            cat_limits[cap].append(ev)
            bound(cap)
        if eff.ketamine_caution:
            hits["ket"].setdefault(eff.ketamine_caution, []).append(ev)
        if eff.medication_flag:
            hits["med"].setdefault(eff.medication_flag, []).append(ev)
        if eff.urgency == "soon":
            soon = True
        for w in eff.workup:
            if w not in workup:
                workup.append(w)
        if eff.note:
            notes.append(Note(rule=rule.id, owner=eff.note.owner, tech=eff.note.tech))

    final = {c: min(raised[c], caps[c]) for c in CATEGORIES}
    categories = {c: _category(catalogue, comp, c, final[c], ctx, cat_evidence[c], cat_limits[c],
                               cat_positive_ids[c], maybe_rules[c], seen, unknown_ids) for c in CATEGORIES}
    ranked = sorted((c for c in CATEGORIES if final[c] > 0),
                    key=lambda c: (c not in urgent_cats, -final[c], -len(cat_evidence[c]), TIE_ORDER[c]))
    urgency = "emergency" if hits["red"] else "soon" if soon else "routine"
    unknown = len(unknown_ids)
    asked = answers.asked if answers.asked is not None else len(visible_items(catalogue, values))
    return Assessment(schema_version=SCHEMA_VERSION,
        content_version=catalogue.version,
        content_hash=catalogue.hash,
        urgency=urgency,
        red_flags=_hits(hits["red"], catalogue.red_flags),
        categories=categories,
        primary=ranked[0] if ranked else None,
        ketamine_cautions=_hits(hits["ket"], catalogue.ketamine_cautions),
        medication_flags=_hits(hits["med"], catalogue.medication_flags),
        notes=notes,
        workup=workup,
        scores=scores,
        answered=len(values) - unknown,
        unknown=unknown,
        total_items=asked,
        dropped=list(answers.dropped),
        rules_fired=fired,
        red_flags_unanswered=_red_flags_unanswered(catalogue, ctx),
    )


def _category(catalogue: Catalogue, comp: Any, cat: str, level: int, ctx: _Ctx, evidence: list[Evidence],
              limits: list[Evidence], positive_ids: list[str], maybe: list[Rule],
              seen: dict[tuple[str, Any], AnswerEvidence], unknown_ids: frozenset[str]) -> CategoryResult:
    """One category's result: its level, how well the answers decide it, and the answers behind it."""
    answers, hidden = ctx.answers, ctx.hidden
    items, item_set = _category_items(catalogue)[cat]
    # answers to hidden questions were dropped, so every answered id is one asked
    questions = len(items) - (len(item_set.intersection(hidden)) if hidden else 0)
    known = len(item_set.intersection(answers)) - (len(item_set.intersection(unknown_ids)) if unknown_ids else 0)
    high = max(ctx.levels_hi.get(cat, level), level)
    if level > 0 or high == 0:
        status = "assessed"
    elif questions and known / questions >= ASSESSED_SHARE:
        status = "incomplete"
    else:
        status = "not_assessed"
    deciding: list[str] = []
    if high > level:
        could = set().union(*(comp.rule_items[r.id] for r in maybe if LEVEL_RANK[r.then.level] > level))
        deciding = [i for i in items if i in could and i not in hidden
                    and ((a := answers.get(i)) is None or a == UNKNOWN)]
    positives = [_answer(catalogue, i, answers[i], seen)
                 for i in dict.fromkeys(positive_ids) if i in answers and i not in unknown_ids]
    negatives: list[AnswerEvidence] = []
    if level == 0 and status == "assessed":
        get = answers.get
        for i in _key_negative_items(catalogue)[cat]:
            v = get(i)  # an answer is never to a hidden question
            if v is None or i in unknown_ids:
                continue
            # the shared AnswerEvidence, looked up here rather than through _answer: up to 36 per assessment
            ae = seen.get((i, v) if v.__class__ is not list else (i, tuple(v))) or _answer(catalogue, i, v, seen)
            negatives.append(ae)
            if len(negatives) == KEY_NEGATIVES:
                break
    # positional, in field order: level, scores, evidence, limited_by, status, could_reach, unanswered,
    # questions, deciding, positives, negatives
    return CategoryResult(LEVEL_NAMES[level], list(_category_scores(catalogue)[cat]), evidence, limits, status,
                          LEVEL_NAMES[high], questions - known, questions, deciding, positives, negatives)


def _red_flags_unanswered(catalogue: Catalogue, ctx: _Ctx) -> list[str]:
    """The emergency questions asked for this dog (shown by branching) with no answer; "don't know" answers."""
    from vettriage.engine.conditions import gates

    items, item_set = _red_flag_items(catalogue)
    if item_set <= ctx.answers.keys():  # every one answered: the usual case, checked in C
        return []
    gate = gates(catalogue)
    return [i for i in items if i not in ctx.answers and (i not in gate or gate[i](ctx) is True)]


@cache
def _red_flag_items(catalogue: Catalogue) -> tuple[tuple[str, ...], frozenset[str]]:
    ids = tuple(i.id for s in catalogue.sections if s.id == RED_FLAG_SECTION for i in s.items)
    return ids, frozenset(ids)


@cache
def _category_items(catalogue: Catalogue) -> dict[str, tuple[tuple[str, ...], frozenset[str]]]:
    """Per category, the items its finding rules read (directly or through scores), in asking order and as a
    set."""
    comp = compiled(catalogue)
    read = {c: set() for c in CATEGORIES}  # type: dict[str, set[str]]
    for r in catalogue.rules:
        if r.then.finding:
            read[r.then.finding] |= comp.rule_items[r.id]
    ordered = {c: tuple(i for i in catalogue.items if i in read[c]) for c in CATEGORIES}
    return {c: (ordered[c], frozenset(ordered[c])) for c in CATEGORIES}


@cache
def _key_negative_items(catalogue: Catalogue) -> dict[str, tuple[str, ...]]:
    """Per category, the items its finding rules test by name: the answers that rule it out, when it is none."""
    from vettriage.content.catalogue import walk_conditions
    from vettriage.content.models import ItemTest, ScoreTest

    inputs = score_inputs(catalogue)
    named = {c: set() for c in CATEGORIES}  # type: dict[str, set[str]]
    for r in catalogue.rules:
        if r.then.finding:
            for c in walk_conditions(r.when):
                if isinstance(c, ItemTest):
                    named[r.then.finding].add(c.item)
                elif isinstance(c, ScoreTest):
                    named[r.then.finding] |= inputs.get(c.score, frozenset())
    return {c: tuple(i for i in catalogue.items if i in named[c]) for c in CATEGORIES}


@cache
def _category_scores(catalogue: Catalogue) -> dict[str, list[str]]:
    return {c: [s.id for s in catalogue.scores if s.category == c] for c in CATEGORIES}


def _evidence(catalogue: Catalogue, rule: Rule, ctx: _Ctx, comp: Any,
              seen: dict[tuple[str, Any], AnswerEvidence]) -> Evidence:
    item_ids, score_ids = comp.evidence[rule.id](ctx)
    rid, title, source, source_title, url = _rule_cites(catalogue)[rule.id]
    answers = ctx.answers
    spans = ctx.scores
    # positional, in field order: rule, title, answers, scores, source, source_title, source_url
    return Evidence(rid, title, [_answer(catalogue, i, answers.get(i), seen) for i in item_ids],
                    [ScoreEvidence(s, spans[s][0], spans[s][1]) for s in score_ids] if score_ids else [],
                    source, source_title, url)


@cache
def _rule_cites(catalogue: Catalogue) -> dict[str, tuple[str, str, str, str, str | None]]:
    """Per rule, what its Evidence names besides the answers: its id, title and published source."""
    refs = catalogue.references
    return {r.id: (r.id, r.title, refs[r.source].id, refs[r.source].title, refs[r.source].url)
            for r in catalogue.rules}


def _answer(catalogue: Catalogue, item: str, value: Any, seen: dict[tuple[str, Any], AnswerEvidence]) -> AnswerEvidence:
    """One AnswerEvidence per answer, shared by every rule and list that cites it. `seen` is shared across
    assessments of one catalogue (`_shared_answers`; nothing changes an AnswerEvidence once built): the same
    few answers recur endlessly, and building them was a third of an assessment's time. It is bounded."""
    key = (item, value) if value.__class__ is not list else (item, tuple(value))
    ae = seen.get(key)
    if ae is None:
        if len(seen) > 20_000:
            seen.clear()
        tech, owner = _questions(catalogue)[item]
        ae = seen[key] = AnswerEvidence(item, value, tech, owner)
    return ae


@cache
def _shared_answers(catalogue: Catalogue) -> dict[tuple[str, Any], AnswerEvidence]:
    return {}


@cache
def _questions(catalogue: Catalogue) -> dict[str, tuple[str, str]]:
    return {i.id: (i.text.tech, i.text.owner) for i in catalogue.items.values()}


def _hits(found: dict[str, list[Evidence]], table: Mapping[str, Any]) -> list[Hit]:
    """Hits in the order the content defines them, so reports list them the same way every time."""
    return [Hit(id=k, title=table[k].title.tech, evidence=found[k]) for k in table if k in found]
