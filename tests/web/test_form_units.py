"""The pure parts of the web form: one question as controls, a posted form back to an answer, and the
session tokens (no server)."""

from __future__ import annotations

import pytest

from vettriage.content.models import UNKNOWN
from vettriage.intake.session import choices_for
from vettriage.web import form as forms
from vettriage.web import state


def _item(catalogue, kind, **want):
    return next(i for i in catalogue.items.values() if i.type == kind and all(
        getattr(i, k) == v for k, v in want.items()))


def test_options_are_numbered_as_in_the_terminal_app_and_the_plain_mode(catalogue):
    item = _item(catalogue, "scale")
    control = forms.control_for(item, catalogue, None)
    numbers = [str(c.number) for c in choices_for(item, catalogue, "owner")]
    assert control.kind == "radio" and [o.value for o in control.options] == numbers
    assert forms.posted_answer(item, catalogue, [numbers[-1]]) == choices_for(item, catalogue, "owner")[-1].value
    stored = choices_for(item, catalogue, "owner")[1].value
    assert [o.checked for o in forms.control_for(item, catalogue, stored).options].count(True) == 1
    assert not any(o.checked for o in forms.control_for(item, catalogue, UNKNOWN).options)


@pytest.mark.parametrize("fields, why", [(["99"], "Choose one of the answers shown"),
                                         (["1", "2"], "Choose only one answer")])
def test_a_single_choice_refuses_what_is_not_one(catalogue, fields, why):
    item = _item(catalogue, "yesno")
    with pytest.raises(forms.Refused, match=why):
        forms.posted_answer(item, catalogue, fields)


def test_blank_number_date_and_text(catalogue):
    number = _item(catalogue, "number")
    assert forms.posted_answer(number, catalogue, [""]) is None
    assert forms.posted_answer(number, catalogue, ["7,5"]) == 7.5
    with pytest.raises(forms.Refused, match="not a number"):
        forms.posted_answer(number, catalogue, ["seven"])
    with pytest.raises(forms.Refused, match="not possible here"):
        forms.check_answer(number, catalogue, float(number.max) + 1)
    with pytest.raises(forms.Refused, match="too long"):
        forms.posted_answer(number, catalogue, ["1" * (forms.MAX_FIELD + 1)])
    required = _item(catalogue, "text", required=True)
    with pytest.raises(forms.Refused, match="needs an answer"):
        forms.check_answer(required, catalogue, None)
    assert forms.control_for(number, catalogue, 12.5).value == "12.5"
    assert forms.control_for(number, catalogue, 3, typed="oops").value == "oops"


def test_session_cookie_and_csrf_tokens():
    assert state.parse_cookie("12." + "a" * 43) == (12, "a" * 43)
    for bad in (None, "", "12", "x." + "a" * 43, "12." + "a" * 10, "12." + "a" * 43 + "\n", "12.<script>"):
        assert state.parse_cookie(bad) is None
    token = "b" * 43
    assert state.csrf_ok(token, state.csrf_token(token))
    assert not state.csrf_ok(token, state.csrf_token("c" * 43)) and not state.csrf_ok(token, None)
    assert not state.csrf_ok(token, "")
