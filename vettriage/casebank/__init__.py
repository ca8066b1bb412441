"""The clinical case bank (validation/cases): invented owner stories with the answers a phone technician would
record and what a careful vet expects, run through the engine and the plan and summed up as the figures that
symptom-checker studies publish (docs/VALIDATION.md). Never imports Textual."""
