"""Hand-written answer sets for the render tests: an emergency, pain, cognitive signs, nothing at all, and
hostile owner text. Ids are the agreed public item ids; examples/*.yaml are added when they exist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

HOSTILE = '<script>alert(1)</script> {{ 7*7 }} {% raw %} <img src="file:///etc/passwd"> *bold* [x](javascript:1) # h'

EMERGENCY: dict[str, Any] = {
    "dog_name": "Biscuit", "rf_collapse": True, "rf_gums": "pale_or_white",
    "pain_sign_stairs": 3, "pain_sign_stiff_after_rest": 3, "pain_sign_jumping": 3,
    "owner_notes": "She fell over in the garden this morning.",
}
PAIN: dict[str, Any] = {
    "dog_name": "Rufus", "dog_age_years": 12, "dog_size": "large", "dog_body_condition": "overweight",
    "rf_collapse": False, "rf_not_eating": "normal",
    "pain_sign_stairs": 3, "pain_sign_stiff_after_rest": 3, "pain_sign_jumping": 2, "pain_sign_lagging": 2,
    "pain_sign_rising": 2, "pain_sign_play": 2, "pain_sign_sleep": 1, "pain_sign_mood": 1,
    "pain_tried": ["tramadol", "joint_supplement"], "pain_tried_response": "no_help",
    "pain_tried_notes": "Tramadol made him sleepy.",
    "med_current": ["tramadol"], "med_conditions": ["epilepsy", "glaucoma"],
    "owner_notes": "He is slower on walks and growls when we touch his back legs.",
}
_COG = ("disorientation_stuck disorientation_door disorientation_staring disorientation_recognition "
        "disorientation_lost disorientation_less_response interactions_irritable interactions_less_greeting "
        "interactions_less_petting sleep_night_restless sleep_night_waking sleep_night_vocal house_soiling "
        "house_signals_less house_name_response house_learning house_attention activity_less_play "
        "activity_pacing activity_repetitive anxiety_separation anxiety_noise anxiety_places").split()
_PAIN_SIGNS = ("stiff_after_rest rising lying_down stairs jumping lagging limping play joint_licking grooming "
               "touch_sensitive irritable vocal sleep mood muscle_loss neck back").split()
CCD: dict[str, Any] = {
    "dog_name": "Mabel", "dog_age_years": 15, "rf_collapse": False,
    **{f"cog_{k}": 2 for k in _COG},
    **{f"pain_sign_{k}": 0 for k in _PAIN_SIGNS}, "pain_bad_days": 0,
    "med_current": ["selegiline"], "sys_onset": "gradual",
}
ROUTINE: dict[str, Any] = {"dog_name": "Pip", "dog_age_years": 9, "rf_collapse": False}
HOSTILE_CASE: dict[str, Any] = dict(PAIN, dog_name="Rex " + HOSTILE, owner_notes=HOSTILE,
                                    pain_tried_notes=HOSTILE)

CASES: dict[str, dict[str, Any]] = {
    "emergency": EMERGENCY, "pain": PAIN, "ccd": CCD, "routine": ROUTINE, "hostile": HOSTILE_CASE,
}


def example_files() -> list[Path]:
    """The shipped example answer files, if any exist yet."""
    root = Path(__file__).resolve().parents[2] / "examples"
    return sorted(root.glob("*.yaml")) if root.is_dir() else []
