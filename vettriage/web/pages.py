"""What the owners' pages say when a link or a session does not open, and the headers on every response."""

from __future__ import annotations

REFUSAL_TEXT = {
    "missing": "Please open the link your vet clinic sent you.",
    "unknown": "This link is not valid. Please check it, or ask your vet clinic for a new one.",
    "expired": "This link has expired. Please ask your vet clinic for a new one.",
    "revoked": "This link is no longer valid. Please ask your vet clinic for a new one.",
    "used": "This questionnaire has been completed. Thank you. Your vet clinic has your answers.",
    "completed": "This questionnaire has been completed. Thank you. Your vet clinic has your answers.",
    "limited": "Too many attempts from your connection. Please wait a few minutes and try again.",
    "busy": "The questionnaire is busy right now. Please try again in a few minutes.",
    "not_found": "Not found.",
    "bad_request": "This request could not be read.",
    "origin": "This form was sent from somewhere else, so it was not accepted. Please open the link your vet "
              "clinic sent you again.",
    "csrf": "This page was out of date, so your last answer was not saved. Please open the link your vet clinic "
            "sent you again.",
    "nosession": "Please open the link your vet clinic sent you to go on. Every answer you gave is saved.",
    "takeover": "The questionnaire was opened again in another tab or on another device, and only the newest "
                "one can be used. Every answer you gave is saved. To go on here, open the link your vet clinic "
                "sent you again.",
    "idle": "The questionnaire was closed after a long pause, to keep your answers private. Every answer you "
            "gave is saved. To go on, open the link your vet clinic sent you again.",
    "left": "Your answers are saved. To go on later, open the link your vet clinic sent you again.",
    "too_large": "That was more than this form accepts.",
}

REFUSAL_TITLE = {
    "takeover": "Opened somewhere else",
    "idle": "Closed after a pause",
    "left": "Saved",
    "expired": "Link expired",
    "revoked": "Link closed",
    "limited": "Please wait",
    "busy": "Busy",
}

STATUS = {"missing": 404, "unknown": 404, "not_found": 404, "expired": 403, "revoked": 403, "used": 403,
          "completed": 403, "limited": 429, "busy": 503, "bad_request": 400, "origin": 403, "csrf": 403,
          "nosession": 403, "takeover": 409, "idle": 403, "left": 200, "too_large": 413}


def security_headers(*, secure: bool) -> list[tuple[bytes, bytes]]:
    """Headers on every response, errors included. Everything a page loads comes from this server: no inline
    script, no outside fonts or scripts. `same-origin` referrers (not `no-referrer`): Chromium sends a form's
    real Origin only when the page's policy lets it, and the Origin check on every POST needs it; no page
    after the link's first one carries the code, and nothing is fetched from anywhere else."""
    csp = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
           "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    headers = {
        "content-security-policy": csp,
        "referrer-policy": "same-origin",
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "cache-control": "no-store",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=()",
    }
    if secure:
        headers["strict-transport-security"] = "max-age=31536000"
    return [(k.encode(), v.encode()) for k, v in headers.items()]
