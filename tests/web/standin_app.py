"""A tiny stand-in Textual app for the security-layer tests: shows the intake id it was given and, on "d",
delivers a small file through App.deliver_binary (as the real handout does)."""

import io
import os

from textual.app import App, ComposeResult
from textual.widgets import Static


class StandIn(App[None]):
    """Shows `intake <id>` from the environment the server set."""

    BINDINGS = [("d", "deliver", "Deliver"), ("x", "leave", "Leave")]

    def compose(self) -> ComposeResult:
        """One line naming the intake."""
        yield Static(f"STANDIN intake {os.environ.get('VETTRIAGE_WEB_INTAKE', '?')}")

    def action_deliver(self) -> None:
        """Send a file to the browser."""
        intake = os.environ.get("VETTRIAGE_WEB_INTAKE", "?")
        self.deliver_binary(io.BytesIO(f"handout for intake {intake}\n".encode()), save_filename="handout.txt")

    def action_leave(self) -> None:
        """Quit by itself, as the intake's Done and Save & leave do."""
        self.exit()


if __name__ == "__main__":
    StandIn().run()
