"""A one-line key bar for the question screen, drawn as a single widget.

Textual's Footer removes and mounts one widget per key whenever the focus or the bindings change, which was the
slowest part of going from one question to the next (tens of milliseconds, on every change of question type).
This bar looks the same, repaints one line only when the keys on offer change, and a click on a key presses it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget


class Key(NamedTuple):
    """One key as shown: what to press, what it does, and whether it works right now."""

    key: str
    display: str
    description: str
    enabled: bool


def shown_keys(screen: Any) -> tuple[Key, ...]:
    """The keys the screen offers now, one per action (as Textual's Footer picks them)."""
    app = screen.app
    seen: set[str] = set()
    keys: list[Key] = []
    for binding_key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.show or binding.action in seen or binding_key == app.COMMAND_PALETTE_BINDING:
            continue
        seen.add(binding.action)
        keys.append(Key(binding.key, app.get_key_display(binding), binding.description, active.enabled))
    return tuple(keys)


class KeyBar(Widget, can_focus=False):
    """The keys on offer, docked at the bottom. Recomputed when the screen says its bindings changed."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        max-height: 3;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        &:hover {
            pointer: pointer;
        }
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.keys: tuple[Key, ...] = ()
        self._spans: list[tuple[int, int, int, Key]] = []

    def on_mount(self) -> None:
        """Follow the screen's bindings."""
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        """Stop following them."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Any) -> None:
        """Repaint only if the keys on offer differ from those shown."""
        keys = shown_keys(self.screen)
        if keys != self.keys:
            self.keys = keys
            self.refresh(layout=True)  # the bar may need another line, or one fewer

    def render(self) -> Text:
        """` u Don't know  ? Help ...`, the key in the key colours, as Textual's Footer draws it. Keys that do
        not fit the width go on to a second line, whole (a narrow terminal never shows "a Ame")."""
        key_style = self.get_component_rich_style("keybar--key")
        desc_style = self.get_component_rich_style("keybar--description")
        dim = Style(dim=True)
        width = max(self.size.width, 1)
        lines: list[Text] = [Text(no_wrap=True, overflow="crop", end="")]
        self._spans = []
        for k in self.keys:
            piece = Text(no_wrap=True, end="")
            piece.append(f" {k.display} ", key_style if k.enabled else key_style + dim)
            piece.append(f"{k.description} ", desc_style if k.enabled else desc_style + dim)
            line = lines[-1]
            if line.cell_len and line.cell_len + piece.cell_len > width:
                line = Text(no_wrap=True, overflow="crop", end="")
                lines.append(line)
            start = line.cell_len
            line.append_text(piece)
            self._spans.append((len(lines) - 1, start, line.cell_len, k))
        palette = self._palette()
        if palette:
            right = Text.assemble(("▏", dim), (f"{palette[0]} ", key_style), (f"{palette[1]} ", desc_style))
            line = lines[-1]
            pad = width - line.cell_len - right.cell_len
            if pad > 0:
                line.append(" " * pad)
                start = line.cell_len + 1
                line.append_text(right)
                self._spans.append((len(lines) - 1, start, line.cell_len,
                                    Key(self.app.COMMAND_PALETTE_BINDING, *palette, True)))
        return Text("\n", end="").join(lines)

    def on_resize(self, event: events.Resize) -> None:
        """Lay the keys out again for the new width."""
        self.refresh(layout=True)

    def _palette(self) -> tuple[str, str] | None:
        """The command palette key, shown on the right as Textual's Footer does (when the palette is on)."""
        app = self.app
        if not app.ENABLE_COMMAND_PALETTE:
            return None
        active = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
        if active is None:
            return None
        return app.get_key_display(active.binding), active.binding.description

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click on a key presses it."""
        for line, start, end, k in self._spans:
            if line == event.y and start <= event.x < end:
                if k.enabled:
                    self.app.simulate_key(k.key)
                else:
                    self.app.bell()
                return
