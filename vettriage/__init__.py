"""vettriage: a pre-visit triage questionnaire for senior dogs (decision support, never a diagnosis)."""

__version__ = "0.1.0"

DISCLAIMER = "Decision support only, not a diagnosis. Your dog must be examined by a vet."
"""Said to the owner by every owner-facing output: the handout, owner screens, the command line."""
DISCLAIMER_TECH = ("Decision support only, not a diagnosis: the dog must be examined by a vet before any treatment "
                   "is chosen.")
"""The same line for the clinic team (the vet's summary, technician screens): addressed to them, not the owner."""
