"""Reading colours off a painted screen: the contrast of every piece of text with its background, and whether
any colour is drawn at all (under NO_COLOR none may be)."""

from __future__ import annotations

from typing import Any, NamedTuple

from textual.color import Color


class Cell(NamedTuple):
    """One run of text as painted: its line, its text, the contrast ratio and the two colours (None: the
    terminal's default)."""

    x: int
    y: int
    text: str
    ratio: float | None
    fg: str | None
    bg: str | None


def _luminance(c: Color) -> float:
    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)


def ratio(fg: Color, bg: Color) -> float:
    """The WCAG contrast ratio, 1 (same) to 21 (black and white)."""
    low, high = sorted((_luminance(fg), _luminance(bg)))
    return (high + 0.05) / (low + 0.05)


def _colour(c: Any) -> Color | None:
    if c is None or c.is_default:
        return None
    return Color.from_rich_color(c)


def cells(app: Any) -> list[Cell]:
    """Every run of text (letters or digits in it) on the app's current screen, after the app's filters."""
    out: list[Cell] = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        x = 0
        for seg in strip:
            x, at = x + seg.cell_length, x
            if seg.style is None or not any(ch.isalnum() for ch in seg.text):
                continue
            fg, bg = _colour(seg.style.color), _colour(seg.style.bgcolor)
            if seg.style.reverse:
                fg, bg = bg, fg
            r = ratio(fg, bg) if fg is not None and bg is not None else None
            out.append(Cell(at, y, seg.text.strip(), r, fg.hex if fg else None, bg.hex if bg else None))
    return out
