"""Every malformed answers file of issue 15: one line naming file, field and line, exit 2, quickly, in bounded
memory, never a traceback. The bombs also run in a child process under a 1 GiB address-space limit."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vettriage.cli import main
from vettriage.engine.answers import coerce_value, show


def _bomb(levels: int, width: int, leaf: str = '"lol"') -> str:
    """A billion-laughs document: each level an alias list of the one before."""
    names = "abcdefghijklmnop"
    lines = [f"a: &a [{','.join([leaf] * width)}]"]
    for i in range(1, levels):
        lines.append(f"{names[i]}: &{names[i]} [{','.join([f'*{names[i - 1]}'] * width)}]")
    return "\n".join(lines) + "\n"


BOMB_418 = _bomb(9, 9, '"lol"') + "#" * (418 - len(_bomb(9, 9, '"lol"')) - 1) + "\n"
BOMB_366 = "rf_gums: &a [" + ",".join(['"xxxxxxxxxxxxxxxxxxxxxxxxxxxx"'] * 4) + "]\n"
BOMB_366 += "".join(f"k{i}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 4)}]\n" for i in range(8))
BOMB_366 += "#" * (366 - len(BOMB_366) - 1) + "\n"

CASES = {
    # name: (file text, expected line, text the message must contain)
    "309-digit integer": ("dog_name: Rex\ndog_age_years: " + "9" * 309 + "\n", 2, "dog_age_years"),
    "309-digit integer in a list": ("pain_tried: [" + "9" * 309 + "]\n", 1, "pain_tried"),
    "list nested 995 deep": ("dog_name: Rex\npain_tried: " + "[" * 995 + "]" * 995 + "\n", 2, "pain_tried"),
    "list nested 999 deep": ("pain_tried: " + "[" * 999 + "]" * 999 + "\n", 1, "pain_tried"),
    "alias bomb, 418 bytes": (BOMB_418, 1, "alias"),
    "alias bomb, 366 bytes": (BOMB_366, 1, "alias"),
    "alias that contains itself": ("pain_tried: &a [*a]\n", 1, "pain_tried"),
    "invalid date": ("dog_name: Rex\nsys_last_seizure: 2026-02-30\n", 2, "sys_last_seizure"),
    "duplicate key": ("dog_name: Rex\nowner_notes: walks well\nowner_notes: null\n", 3, "owner_notes"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_malformed_answers_file_is_one_line_exit_2(name, tmp_path, capsys) -> None:
    text, line, needle = CASES[name]
    if name.startswith("alias bomb"):
        assert len(text.encode()) == int(name.split(", ")[1].split()[0])
    p = tmp_path / "answers.yaml"
    p.write_text(text)
    t = time.perf_counter()
    code = main(["assess", str(p)])
    took = time.perf_counter() - t
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and len(err) < 400 and "Traceback" not in err
    assert f"{p}:{line}:" in err and needle in err, err
    assert took < 5


@pytest.mark.parametrize("name", ["alias bomb, 418 bytes", "alias bomb, 366 bytes", "list nested 999 deep"])
def test_malformed_answers_file_stays_in_bounded_memory(name, tmp_path) -> None:
    p = tmp_path / "answers.yaml"
    p.write_text(CASES[name][0])

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    out = subprocess.run([sys.executable, "-m", "vettriage", "assess", str(p)], capture_output=True, text=True,
                         timeout=30, preexec_fn=limit)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr


def test_duplicate_key_names_both_lines(tmp_path, capsys) -> None:
    p = tmp_path / "a.yaml"
    p.write_text("dog_name: Rex\nowner_notes: walks well\nowner_notes: null\n")
    assert main(["assess", str(p)]) == 2
    assert "first on line 2" in capsys.readouterr().err


def test_huge_number_and_deep_list_values_give_short_messages(catalogue) -> None:
    """Values that do not come through YAML (an import, the web intake) meet the same guards in the engine."""
    deep: list = []
    for _ in range(990):
        deep = [deep]
    for item_id, value in (("dog_age_years", 10 ** 308), ("dog_age_years", -(10 ** 400)),
                           ("pain_tried", deep), ("pain_tried", [deep]), ("dog_size", deep),
                           ("cog_disorientation_stuck", 10 ** 309), ("sys_last_seizure", deep)):
        with pytest.raises(ValueError) as err:
            coerce_value(catalogue.items[item_id], value, catalogue)
        assert len(str(err.value)) < 300
    assert len(show(deep)) < 100
