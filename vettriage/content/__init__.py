"""Screening content: pydantic models and the loader of `questionnaires/`."""

from vettriage.content.catalogue import Catalogue, load_catalogue

__all__ = ["Catalogue", "load_catalogue"]
