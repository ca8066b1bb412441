"""vettriage: a pre-visit triage questionnaire for senior dogs (decision support, never a diagnosis)."""

__version__ = "0.1.0"
