"""Each way an owner's session can end, with the WebSocket close code that tells the page which, and what the
page then says. Pure data: the server closes with `close_code(reason)`; the page reads the reason from the close
frame and shows the matching text (rendered into the page by `pages.app_page`, so no wording lives in script).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ending:
    """One way a session ends: its close code, the owner's text, and whether "Continue" can resume."""

    code: int
    text: str
    resumable: bool


# 4000-4999 are the application's own close codes (RFC 6455 7.4.2); a browser never sends them itself.
ENDINGS: dict[str, Ending] = {
    "done": Ending(4001, "Thank you: the questionnaire is complete and your vet clinic has your answers. "
                         "You can close this page.", False),
    "saved": Ending(4002, "Your answers are saved. You can come back and finish with the same link until it "
                          "expires.", True),
    "crashed": Ending(4003, "The questionnaire stopped unexpectedly. Your answers so far are saved.", True),
    "takeover": Ending(4004, "The questionnaire was opened in another window or tab, so it was closed here. "
                             "Your answers are saved.", True),
    "expired": Ending(4005, "This link has expired. Your answers so far are saved; please ask your vet clinic "
                            "for a new link if you need to finish.", False),
    "revoked": Ending(4006, "Your vet clinic has closed this link. Your answers so far are saved.", False),
    "used": Ending(4007, "This questionnaire has been completed. Your vet clinic has your answers.", False),
    "idle": Ending(4008, "The questionnaire was closed after a while without activity. Your answers are saved.",
                   True),
    "shutdown": Ending(4009, "The clinic's server is restarting. Your answers are saved; please try again in a "
                             "minute.", True),
    "busy": Ending(4010, "The questionnaire is busy right now. Your answers are saved; please try again in a "
                         "minute.", True),
    "lost": Ending(1006, "The connection was lost. Your answers are saved.", True),
}
"""`lost` is what the page shows for any other close (the network dropped): the server never sends it."""


def close_code(reason: str) -> int:
    """The close code for `reason` (an unknown reason is a bug: KeyError)."""
    return ENDINGS[reason].code
