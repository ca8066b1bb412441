"""vettriage: a pre-visit triage questionnaire for senior dogs (decision support, never a diagnosis)."""

__version__ = "0.1.0"

DISCLAIMER = "Decision support only, not a diagnosis. Your dog must be examined by a vet."
"""Said by every output of the product: the terminal, every report, the command line."""
