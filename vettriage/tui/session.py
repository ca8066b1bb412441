"""Moved to `vettriage.intake.session` (the headless intake session); this name still imports it."""

from vettriage.intake.session import *  # noqa: F401,F403
from vettriage.intake.session import WHO, Choice, IntakeSession, choices_for, parse_typed  # noqa: F401
