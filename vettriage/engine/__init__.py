"""The triage engine: pure functions from a Catalogue and answers to an Assessment. Never imports Textual."""

from vettriage.engine.answers import Answers, read_answers_file, validate_answers, visible_items
from vettriage.engine.assessment import Assessment
from vettriage.engine.triage import assess

__all__ = ["Answers", "Assessment", "assess", "read_answers_file", "validate_answers", "visible_items"]
