"""The Textual terminal app: the desk, the intake, the emergency interrupt, the review and the result.

`make_app()` in `vettriage.tui.app` is the one entry point (the CLI uses it; owners at home use the web form, vettriage.web).
"""
