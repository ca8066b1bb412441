"""The plain intake: the same questions as the terminal app, as a line-by-line dialogue on stdin and stdout.

For screen readers, braille displays, `TERM=dumb` terminals and scripts: numbered options, one question at a
time, no colour, no escape sequences, no cursor movement, no box drawing. It drives the same `IntakeSession` as
the Textual app (branching, autosave, red flags, completion are decided there, never here) and never imports
Textual (tests/plain/test_no_textual.py).
"""

from vettriage.plain.dialogue import PlainDialogue

__all__ = ["PlainDialogue"]
