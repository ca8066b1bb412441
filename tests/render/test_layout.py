"""The documents as printed (issue 13): page counts, what page 1 of the vet's summary holds, the clinic on every
page, and no handout that tells the owner two contradictory things. Every shipped example is rendered through
`vettriage report` with VETTRIAGE_CLINIC_NAME and VETTRIAGE_CLINIC_PHONE set."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.render.conftest import META, case_names
from tests.render.pdfs import CLINIC_NAME, CLINIC_PHONE, example_names, example_path, flat, render_pdf
from vettriage.render import build_context, render_context
from vettriage.render.context import CATEGORY_LABELS

EXAMPLES = example_names()
KINDS = ("previsit", "handout")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("pdfs"))


def _case(cases, name):
    return cases[f"example:{name}"]


def test_there_are_examples_to_measure():
    assert len(EXAMPLES) >= 7, EXAMPLES


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", EXAMPLES)
def test_clinic_name_and_phone_on_every_page(folder, name, kind):
    pdf = render_pdf(example_path(name), kind, folder)
    for n, page in enumerate(pdf.pages, 1):
        assert flat(CLINIC_NAME) in page and flat(CLINIC_PHONE) in page, f"{name} {kind} page {n}"


@pytest.mark.parametrize("name", EXAMPLES)
def test_handout_page_count(folder, cases, name):
    urgency = _case(cases, name).assessment.urgency
    pdf = render_pdf(example_path(name), "handout", folder)
    assert pdf.count <= (1 if urgency == "emergency" else 2), (name, urgency, pdf.count)
    assert pdf.count >= 1


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_handout_fits_on_either_paper(folder, cases, name, paper):
    urgency = _case(cases, name).assessment.urgency
    pdf = render_pdf(example_path(name), "handout", folder, "--paper", paper)
    assert pdf.count <= (1 if urgency == "emergency" else 2), (name, paper, pdf.count)


@pytest.mark.parametrize("name", EXAMPLES)
def test_diary_is_one_extra_page_only_when_asked(folder, cases, name):
    if _case(cases, name).assessment.urgency == "emergency":
        pytest.skip("an emergency handout has no diary: the dog goes to a vet now")
    plain = render_pdf(example_path(name), "handout", folder)
    diary = render_pdf(example_path(name), "handout", folder, "--diary")
    assert diary.count == plain.count + 1
    assert "Two-weekdiary" in diary.pages[-1] and not any("Two-weekdiary" in p for p in plain.pages)


@pytest.mark.parametrize("name", EXAMPLES)
def test_vet_summary_page_one_is_the_problem_list(folder, cases, name, catalogue):
    """Issue 26: page 1 holds, in this order, the patient line, urgency and red flags, the owner's concern, the
    problem list as short labels, the profile chart beside the medicines with their flags, the work-up in two
    groups and the pertinent negatives."""
    c = _case(cases, name)
    a, plan = c.assessment, c.plan
    ctx = build_context("previsit", catalogue, a, c.answers, plan, META)
    page1 = render_pdf(example_path(name), "previsit", folder).pages[0]
    ordered = [ctx["patient"][0], ctx["urgency_text"]]
    ordered += [s.vet_title for s in plan.now]  # every red flag
    if ctx["concern"]:
        ordered.append(ctx["concern"][:40])
    ordered += ["Problemlist", "Currentmedicinesandmedication-safetyflags", "Work-up", "Pertinentnegatives"]
    pos, at = [], 0
    for n in ordered:
        i = page1.find(flat(n), at)
        pos.append(i)
        at = max(at, i)
    assert all(p >= 0 for p in pos), (name, [n for n, p in zip(ordered, pos) if p < 0])
    assert pos == sorted(pos), (name, ordered, pos)
    need = list(ctx["patient"]) + ["Ketaminecautions"] + ctx["handling_alert"]
    for f in ctx["findings"]:  # each finding with its level and status, and its key positives as labels
        need += [f["label"], f["level_word"], f["status_word"]]
        need += f["labels"][:ctx["labels_shown"]]
        if len(f["labels"]) > ctx["labels_shown"]:
            need.append(f"+{len(f['labels']) - ctx['labels_shown']}more")
    need += [row["label"] for row in ctx["history"][1:]] + [row["value"] for row in ctx["history"][1:]]
    need += [m["name"] for m in ctx["med_flags"]["rows"]]
    need += [m.title for m in plan.medication_flags] + [k.title for k in plan.ketamine_cautions]
    need += [w.title for w in plan.workup] + [g["title"] for g in ctx["workup_groups"]]
    need += ctx["other_answers"]
    missing = [n for n in need if flat(n) not in page1]
    assert not missing, (name, missing)


@pytest.mark.parametrize("name", EXAMPLES)
def test_vet_summary_page_one_has_urgency_findings_and_current_medicines(folder, cases, name, catalogue):
    c = _case(cases, name)
    page1 = render_pdf(example_path(name), "previsit", folder).pages[0]
    assert flat(c.assessment.urgency.upper()) in page1
    for cat in c.assessment.categories:
        assert flat(CATEGORY_LABELS[cat]["tech"]) in page1
    meds = c.answers.get("med_current")
    if meds:
        from vettriage.render.page1 import short_answer

        for m in meds:
            assert flat(short_answer(catalogue, "med_current", [m])) in page1
    else:
        assert "Medicinesnotrecorded" in page1


@pytest.mark.parametrize("name", EXAMPLES)
def test_vet_summary_speaks_to_the_clinic_not_the_owner(folder, name):
    from vettriage import DISCLAIMER_TECH

    pdf = render_pdf(example_path(name), "previsit", folder)
    assert not any("Yourdogmustbeexamined" in p for p in pdf.pages)
    assert sum(p.count(flat(DISCLAIMER_TECH)) for p in pdf.pages) == 1  # once, at the foot of page 1
    assert flat(DISCLAIMER_TECH) in pdf.pages[0]


def _ends_before_the_details(pdf) -> bool:
    """Page 1 is whole: it ends with its decision-support line, and the evidence (then the sources) starts on
    page 2."""
    from vettriage import DISCLAIMER_TECH

    return (flat(DISCLAIMER_TECH) in pdf.pages[0] and "Evidence" not in pdf.pages[0]
            and "Sourcescited" not in pdf.pages[0] and pdf.count >= 2 and "Evidence" in pdf.pages[1])


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_page_one_is_one_page_on_either_paper(folder, name, paper):
    pdf = render_pdf(example_path(name), "previsit", folder, "--paper", paper)
    assert _ends_before_the_details(pdf), (name, paper, pdf.pages[0][-300:])


def test_the_page_one_check_can_fail():
    from tests.render.pdfs import Pdf

    assert not _ends_before_the_details(Pdf(["Problemlist...Work-up", "Pertinentnegatives...Evidence"]))


# Instructions that must never stand in one handout together: each pair is a contradiction an owner reported
# or one the layout could produce (issue 13).
CONTRADICTIONS = [
    ("Do not start, stop or change a medicine", "Stop the anti-inflammatory"),
    ("Do not stop or change any medicine", "Stop the anti-inflammatory"),
    ("Do not start, stop or change a medicine", "Stop and call the vet"),
    ("No urgent signs were reported", "before the next dose"),
    ("No urgent signs were reported", "Not all the emergency questions were answered"),
    ("No urgent signs were reported", "EMERGENCY: call your vet"),
    ("Book a routine visit", "Please book a vet visit soon"),
    ("Book a routine visit", "call your vet or the nearest emergency clinic now"),
    ("did not show signs of pain, illness or brain ageing", "could not be assessed"),
    ("Nothing in your answers points to", "could not be assessed"),
    ("no red flag reported", "emergency questions were not all answered"),
]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("name", case_names() + ["blank", "partial"])
def test_no_handout_holds_a_contradictory_pair(catalogue, cases, extra_cases, name):
    c = extra_cases[name] if name in extra_cases else cases[name]
    for mode in ("owner", "tech"):
        import dataclasses

        meta = dataclasses.replace(META, mode=mode)
        text = _text(render_context(build_context("handout", catalogue, c.assessment, c.answers, c.plan, meta),
                                    "html")).casefold()
        both = [(a, b) for a, b in CONTRADICTIONS if a.casefold() in text and b.casefold() in text]
        assert not both, (name, mode, both)


def test_the_pairs_are_caught_when_they_occur():
    """The contradiction check can fail: the original handout wording held the first pair."""
    text = ("Do not start, stop or change a medicine without asking your vet. Stop the anti-inflammatory and "
            "call your vet").casefold()
    assert any(a.casefold() in text and b.casefold() in text for a, b in CONTRADICTIONS)


@pytest.mark.parametrize("mode,words", [("owner", "you told us"), ("tech", "your clinic recorded")])
def test_handout_wording_follows_who_answered(catalogue, cases, mode, words):
    import dataclasses

    c = cases["pain"]
    doc = render_context(build_context("handout", catalogue, c.assessment, c.answers, c.plan,
                                       dataclasses.replace(META, mode=mode)), "html")
    other = "your clinic recorded" if mode == "owner" else "you told us"
    assert words.casefold() in doc.casefold() and other.casefold() not in doc.casefold()


@pytest.mark.parametrize("name", case_names())
def test_ketamine_questions_with_the_option_or_the_answer_about_it(catalogue, cases, name):
    """The questions to ask a clinic come with ketamine wherever it is spoken of (the option, or the "About
    ketamine" answer: issue 23), and nowhere else."""
    c = cases[name]
    ket = next(o for o in catalogue.options if o.id == "ketamine")
    doc = render_context(build_context("handout", catalogue, c.assessment, c.answers, c.plan, META), "html")
    from markupsafe import escape

    shown = [q for q in ket.questions if str(escape(q)) in doc]
    spoken_of = "ketamine" in [o.id for o in c.plan.options] or (c.plan.about_ketamine and not c.plan.deferred)
    if spoken_of:
        assert len(shown) == len(ket.questions)
    else:
        assert not shown, name


def test_what_we_noticed_lists_signs_not_history(catalogue, cases):
    c = cases["example:arthritis"]
    ctx = build_context("handout", catalogue, c.assessment, c.answers, c.plan, META)
    ids = [qa["id"] for f in ctx["seen"] for qa in f["key_positives"]]
    assert ids and not {"med_current", "med_conditions", "dog_age_years"} & set(ids)
    negatives = [qa["id"] for f in ctx["findings"] for qa in f["negatives"]]
    assert negatives and not {"med_current", "med_conditions", "dog_age_years", "dog_body_condition"} & set(negatives)
    pain = next(f for f in ctx["seen"] if f["id"] == "pain")
    # Strongest first (as a share of each item's scale): a sign at the top of its scale before a milder one.
    from vettriage.render.context import _strength

    strengths = [_strength(catalogue, qa["id"], c.answers[qa["id"]]) for qa in pain["positives"]]
    assert strengths == sorted(strengths, reverse=True) and strengths[0] > strengths[-1]


def test_tech_notes_are_kept_apart_from_the_owners_words(catalogue, cases):
    import dataclasses

    c = cases["example:arthritis"]
    answers = dict(c.answers, med_conditions_other="TPLO 2019")
    meta = dataclasses.replace(META, mode="tech", by="Sam")
    doc = render_context(build_context("previsit", catalogue, c.assessment, answers, c.plan, meta), "html")
    words = doc[doc.index("In the owner&rsquo;s words"):doc.index("Technician&rsquo;s notes")]
    notes = doc[doc.index("Technician&rsquo;s notes"):doc.index("Care options, in order")]
    assert "TPLO 2019" in notes and "TPLO 2019" not in words
    assert "She used to meet me at the door" in words


def test_times_are_local(catalogue, cases, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        c = cases["pain"]
        ctx = build_context("previsit", catalogue, c.assessment, c.answers, c.plan, META)
        assert ctx["when"] == "2026-05-01 11:30 CEST"  # META is 09:30 UTC
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
