"""The intake session, headless: what comes next, branching, the red-flag interrupt, autosave, review,
completion and resume, plus the words every way of taking an intake shares.

The Textual app (`vettriage.tui`), the plain dialogue (`vettriage.plain`) and the owners' web form
(`vettriage.web`) all drive `session.IntakeSession`; none re-implements it, and this package imports none of
them (tests/unit/test_import_hygiene.py).

- `session.py`  one intake being filled in (`IntakeSession`), option numbering, typed-number parsing
- `starting.py` finding, starting and resuming an intake through the store
- `words.py`    shared wording: the result as sentences, what completing needs, levels and red-flag coverage
"""
