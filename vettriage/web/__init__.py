"""Owners at home: the web form, by invitation. Server-rendered pages (Starlette, Jinja2, served by uvicorn),
one question a page, driving the same headless intake session (`vettriage.intake`) as the terminal app.

- `codes`, `invites`, `limits`, `origin`: pure parts (codes, invitations, the failure limit, origins)
- `state`:  the owners' sessions, kept in the store so that any worker serves any request
- `form`:   one question as form controls, and a posted form back to an answer
- `app`:    the routes and pages; `templates/` and `static/` ship with the package
- `guard`:  headers on every response, bounded bodies, redacted logs, the connection protocol's limits
- `serve`:  `vettriage serve` under uvicorn, `--workers N`

What the desk and `intakes list` show of owners at home is `vettriage.intake.home` (no web import there).
"""
