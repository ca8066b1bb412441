"""The few pages the web intake serves: the app page and short plain refusals. Pure string building."""

from __future__ import annotations

import html

from vettriage.web.endings import ENDINGS

FAVICON = '<link rel="icon" href="/favicon.ico" type="image/svg+xml">'

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
    "origin": "Forbidden.",
}

# Everything the pages load comes from this server; no inline script, no third-party fonts.
def security_headers(ws_origin: str) -> dict[str, str]:
    """Headers on every response: a strict CSP, no referrer (the link carries the code), no framing."""
    csp = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; "
           f"img-src 'self' data:; connect-src {ws_origin}; base-uri 'none'; form-action 'none'; "
           "frame-ancestors 'none'")
    return {
        "Content-Security-Policy": csp,
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def plain_page(reason: str) -> str:
    """A short page saying why the link did not open (no details an attacker could use)."""
    text = html.escape(REFUSAL_TEXT.get(reason, REFUSAL_TEXT["not_found"]))
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Pre-visit questionnaire</title>{FAVICON}</head>"
            f"<body style=\"font-family:sans-serif;max-width:36em;margin:3em auto;padding:0 1em\"><p>{text}</p>"
            "</body></html>\n")


def app_page(*, static_url: str, page_js_url: str, websocket_url: str, title: str, font_size: int = 16) -> str:
    """The page that runs textual-serve's terminal front end against one websocket ticket."""
    e = html.escape
    # How each session can end, keyed by the close frame's reason (page.js shows the one the server sent).
    endings = "".join(f'<li data-reason="{e(k)}" data-resumable="{int(v.resumable)}">{e(v.text)}</li>'
                      for k, v in ENDINGS.items())
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
{FAVICON}
<link rel="stylesheet" href="{e(static_url)}css/xterm.css">
<style>
@font-face {{ font-family: "Roboto Mono"; src: url("{e(static_url)}fonts/RobotoMono-VariableFont_wght.ttf"); }}
html, body {{ margin: 0; height: 100%; background: #0c181f; }}
.textual-terminal {{ position: absolute; inset: 0; opacity: 0; }}
body.-first-byte .textual-terminal {{ opacity: 1; }}
.notice {{ position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
  color: #fff; font-family: "Roboto Mono", monospace; z-index: 10; }}
body.-first-byte .intro, .closed {{ display: none; }}
body.-closed .closed {{ display: flex; background: #0c181f; }}
.notice p {{ max-width: 36em; margin: 0 1em; line-height: 1.5; }}
.notice button {{ margin-left: 1em; padding: .6em 1.4em; background: #5e0ba7; color: #fff; border: 0; }}
#start {{ display: none; }}
</style>
<script src="{e(page_js_url)}"></script>
<script src="{e(static_url)}js/textual.js"></script>
</head>
<body>
<div class="notice intro">Opening your questionnaire&hellip;<button type="button" id="start">Start</button></div>
<div class="notice closed"><p id="why">{e(ENDINGS["lost"].text)}</p>
<button type="button" id="restart">Continue</button></div>
<ul id="endings" hidden>{endings}</ul>
<div id="terminal" class="textual-terminal" data-session-websocket-url="{e(websocket_url)}"
 data-font-size="{int(font_size)}"></div>
</body>
</html>
"""
