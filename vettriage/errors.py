"""The one error type that reaches the user as a single line and exit code 2."""

from __future__ import annotations


MAX_MESSAGE = 400
"""Longest message of one error line (a file's value quoted in it is cut)."""


class InputError(Exception):
    """Bad input from a file or the command line: names the file and the field, never shows a traceback."""

    def __init__(self, source: str, field: str | None, message: str, line: int | None = None) -> None:
        self.source = source
        self.field = field
        self.message = message
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        # A field name can come from a user's file: keep it on one line, control characters escaped.
        name = self.field.encode("unicode_escape").decode("ascii") if self.field else ""
        if len(name) > 60:  # a "field" read from a foreign file can be any text: keep the line short
            name = name[:57] + "..."
        field = f" {name}:" if name else ""
        text = " ".join(self.message.split())
        if len(text) > MAX_MESSAGE:  # a message quoting a value from a file must stay one readable line
            text = text[:MAX_MESSAGE - 3] + "..."
        if len(where) > 300:
            where = where[:297] + "..."
        return f"{where}:{field} {text}"


class InputErrors(InputError):
    """Several problems in one input (an answers file with three bad answers): each is its own line, so a person
    fixes them all in one go instead of one per run. Printed up to `SHOWN` lines, then how many more."""

    SHOWN = 20

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.source, first.field, first.message, first.line)

    def lines(self) -> list[str]:
        """One line per problem, the first `SHOWN` of them, then "... and N more"."""
        out = [str(e) for e in self.errors[:self.SHOWN]]
        if len(self.errors) > self.SHOWN:
            out.append(f"... and {len(self.errors) - self.SHOWN} more problem(s) in {self.source}")
        return out

    def __str__(self) -> str:
        if not hasattr(self, "errors"):  # while InputError.__init__ runs
            return super().__str__()
        return "\n".join(self.lines())


def raise_all(errors: list[InputError]) -> None:
    """Raise nothing, the one error, or all of them together."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)


class StoreError(Exception):
    """A store problem the user must see as one line (corrupt or foreign database, unknown intake...).

    Defined here, beside InputError, so the command line can catch it without importing the store."""
