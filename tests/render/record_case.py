"""One stored intake whose record has history (issue 26): a red flag reported and withdrawn at the desk, then,
after completion, an amendment with its reason. Built through the intake session, as the app and the plain mode
build it, so that the audit trail is the real one."""

from __future__ import annotations

from typing import Any

AMEND_REASON = "owner called back: the stairs are worse than first said"


def withdrawn_and_amended(store: Any, catalogue: Any) -> int:
    """Rex's intake: collapse answered yes, then no (a red flag withdrawn); completed; amended (stairs)."""
    from vettriage.engine import assess
    from vettriage.tui.session import IntakeSession

    dog = store.add_dog("Rex")
    intake = store.create_intake(dog.id, by="technician", mode="tech", content_version=catalogue.version,
                                 content_hash=catalogue.hash)
    s = IntakeSession(catalogue, store, store.get_intake(intake.id), "tech")
    for item, value in (("dog_name", "Rex"), ("dog_age_years", 13), ("rf_collapse", True), ("rf_collapse", False),
                        ("pain_sign_stairs", 1), ("pain_sign_stiff_after_rest", 2), ("med_current", ["none"])):
        s.answer_item(item, value)
    store.complete(intake.id, assess(catalogue, s.answers).model_dump(mode="json"))
    amend = IntakeSession(catalogue, store, store.get_intake(intake.id), "tech", reason=AMEND_REASON)
    amend.answer_item("pain_sign_stairs", 3)
    store.complete(intake.id, assess(catalogue, amend.answers).model_dump(mode="json"))
    return intake.id
