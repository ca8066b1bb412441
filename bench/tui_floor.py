"""The floor of bench/tui.py: the same question screens done with the bare framework, run as the user runs ours
(a process in a real terminal). Not part of the package.

`python bench/tui_floor.py WALK.json DB`: WALK.json lists the questions ours asks in the bench's walk (kind,
title, progress line, question, the option labels); each is shown as ours shows it (a progress line, the
section's title, the question in bold, the options in a bordered list or a text field, a key line). A digit
highlights (or ticks) an option and saves one row to SQLite (WAL, synchronous=FULL, as our store); Enter (or 0
on a grouped screen) saves one row and replaces the question with the next, refilling the same widgets.
"""

from __future__ import annotations

import json
import sqlite3
import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input, OptionList, SelectionList, Static

CSS = """
#progress { color: $text-muted; margin-bottom: 1; padding: 0 2; }
#title { color: $text-muted; margin-bottom: 1; padding: 0 2; }
#question { text-style: bold; margin-bottom: 1; padding: 0 2; }
OptionList, SelectionList { height: auto; max-height: 1fr; border: round $primary; margin: 0 2; }
Input { width: 60; margin: 0 2; }
#keys { dock: bottom; height: 1; background: $panel; }
"""


class Floor(App[None]):
    CSS = CSS
    BINDINGS = [Binding("enter", "advance", priority=True),
                *[Binding(str(d), f"digit({d})", show=False) for d in range(10)]]

    def __init__(self, walk: list[dict], db: str) -> None:
        super().__init__()
        self.walk, self.at = walk, 0
        self.db = sqlite3.connect(db, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS answers (id INTEGER PRIMARY KEY, item INTEGER, value TEXT)")

    def compose(self) -> ComposeResult:
        yield Static(id="progress", markup=False)
        yield Static(id="title", markup=False)
        yield Static(id="question", markup=False)
        yield OptionList(id="list")
        yield SelectionList[int](id="multi")
        yield Input(id="typed")
        yield Static("Enter: next · u: don't know · ?: help · Esc: save & leave", id="keys", markup=False)

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        q = self.walk[self.at]
        self.query_one("#progress", Static).update(q["progress"])
        self.query_one("#title", Static).update(q["title"])
        self.query_one("#question", Static).update(q["question"])
        lst, multi, typed = self.query_one(OptionList), self.query_one(SelectionList), self.query_one(Input)
        lst.display, multi.display, typed.display = q["kind"] in ("list", "screen"), q["kind"] == "multi", \
            q["kind"] == "typed"
        if q["kind"] in ("list", "screen"):
            lst.clear_options()
            lst.add_options(q["options"])
            lst.highlighted = None
            lst.focus()
        elif q["kind"] == "multi":
            multi.clear_options()
            multi.add_options([(label, n) for n, label in enumerate(q["options"])])
            multi.focus()
        else:
            typed.value = ""
            typed.focus()

    def save(self, value: str) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute("INSERT INTO answers (item, value) VALUES (?, ?)", (self.at, value))
        self.db.execute("COMMIT")

    def action_digit(self, digit: int) -> None:
        q = self.walk[self.at]
        if q["kind"] == "screen" and digit == 0:
            self.action_advance()
        elif q["kind"] in ("list", "screen"):
            self.query_one(OptionList).highlighted = min(digit, len(q["options"]) - 1)
            self.save(str(digit))
        elif q["kind"] == "multi":
            multi = self.query_one(SelectionList)
            multi.toggle(min(digit, len(q["options"]) - 1))
            self.save(str(digit))

    def action_advance(self) -> None:
        q = self.walk[self.at]
        self.save(self.query_one(Input).value if q["kind"] == "typed" else "next")
        if self.at + 1 < len(self.walk):
            self.at += 1
            self.show()


if __name__ == "__main__":
    Floor(json.loads(open(sys.argv[1]).read()), sys.argv[2]).run()
