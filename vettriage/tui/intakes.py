"""Moved to `vettriage.intake.starting`; this name still imports it."""

from vettriage.intake.starting import *  # noqa: F401,F403
from vettriage.intake.starting import (  # noqa: F401
    dog_choices, find_in_progress, in_progress_of, open_store, prefill_history, resume_or_start, start_intake)
