"""The plain mode's own wording (the help) and the cleaning of what is printed; the words it shares with the
other ways of taking an intake (the result as lines among them) live in `vettriage.intake.words`."""

from __future__ import annotations

import re
from typing import Any

HELP = (
    "Keys, each followed by Enter:",
    "a number: that answer (for a checklist, every number that applies, separated by spaces).",
    "u: don't know. Enter alone: keep the answer there is, or leave the question blank.",
    "b: back one question. r: review every answer, change one, or complete (in the review, l lists them again).",
    "q: save and leave (you can resume later). ?: this help.",
    "Every answer is saved as soon as it is given; closing the input (Ctrl+D) saves and leaves too.",
)
"""What `?` prints after the question's own help."""

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters, escape (\\x1b) among them: never printed, whatever an owner typed into a name."""


def clean(text: str) -> str:
    """`text` without control characters (a tab becomes a space)."""
    return CONTROL.sub("", text.replace("\t", " "))


def draft_lines(session: Any, contact: str, db: str = "") -> list[str]:
    """Stopped at an emergency: the summary of the answers so far, marked a draft, and its documents (the app's
    result screen after "Stop here"). `db` is the ` --db PATH` the command was given."""
    from vettriage.intake.words import documents, summary_lines

    s = session
    return [f"DRAFT: the questions stopped at \"{s.item.text.for_mode(s.mode)}\"; every answer so far is saved. "
            f"The summary for {s.dog_name} as it stands:",
            *summary_lines(s, s.assessment(), contact), *documents(s.mode, s.intake_id, db, draft=True)]
