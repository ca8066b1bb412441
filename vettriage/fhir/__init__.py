"""FHIR R4 interchange: the catalogue as a Questionnaire, an intake as a Bundle, a QuestionnaireResponse back in.

Every resource is built and validated with `fhir.resources` (its R4B module, which is R4-compatible), never as
hand-written JSON. That package costs about 0.3 s to import, so nothing on the terminal app's or `assess`'s path
imports this package: only the handlers of `vettriage fhir ...` do (tests/fhir/test_import_path.py). docs/FHIR.md
describes the mapping.
"""
