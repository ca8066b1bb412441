"""The app and its factory `make_app()`: thin; the screens do the work.

`make_app(dog_name=..., locked=True)` is `vettriage intake --owner`: an owner at the clinic's machine, that one
intake, owner wording, no desk and no way to other records.
"""

from __future__ import annotations

import gc
import os
from typing import TYPE_CHECKING, Any, Literal

from textual.app import App
from textual.binding import Binding

if TYPE_CHECKING:
    from vettriage.config import Config

THEMES = {"dark": "textual-dark", "light": "textual-light", "high-contrast": "vettriage-high-contrast"}
"""The config's `theme` setting -> the Textual theme. Ctrl+T goes round them in this order."""


class VetTriageApp(App[None]):
    """The vettriage terminal app. Build it with `make_app()`."""

    TITLE = "vettriage"
    # The stylesheets of the two screens painted first are read with the app's: a screen that brings its own
    # makes Textual re-parse every stylesheet (each widget's too) when it is pushed, ~8 ms before the first
    # paint. The other screens keep theirs (CSS_PATH), read when they first open.
    CSS_PATH = ["app.tcss", "screens/question.tcss", "screens/desk.tcss"]
    BINDINGS = [Binding("ctrl+t", "toggle_theme", "Theme", show=False)]

    def __init__(self, *, config: "Config", mode: Literal["owner", "tech"], store_url: str | None,
                 intake_id: int | None, dog_name: str | None, locked: bool, store: Any = None,
                 catalogue: Any = None) -> None:
        # NO_COLOR: the terminal's own colours everywhere (Textual's NoColor filter), not a theme turned grey,
        # which can leave text near-invisible on its background; what colour said is then said by text-style
        # and marks (app.tcss, `App:nocolor`). Textual picks the filter in App.__init__, so it is asked here.
        no_color = "NO_COLOR" in os.environ
        super().__init__(ansi_color=True if no_color else None)
        from vettriage.tui.themes import HIGH_CONTRAST

        self.register_theme(HIGH_CONTRAST)
        self.config = config
        self.mode = mode
        self.store_url = store_url or config.database_url
        self.intake_id = intake_id
        self.dog_name = dog_name
        self.locked = locked
        self._store = store
        self._catalogue = catalogue
        self.theme = THEMES.get(config.theme, "textual-dark")
        self.sub_title = config.clinic_name
        self.save_dir: str | None = None
        """Where documents are saved in a terminal (None: the user's downloads folder)."""
        self.store_error: Exception | None = None
        """Set when the app stopped because the database failed (the command prints it as one line)."""
        self.crash: str | None = None
        """Set when the app stopped on an unexpected error: one line, naming the log file with the details."""

    @property
    def store(self) -> Any:
        """The store, opened on first use (the driver is not imported before the first screen)."""
        if self._store is None:
            from vettriage.intake.starting import open_store

            self._store = open_store(self.store_url)
        return self._store

    @property
    def catalogue(self) -> Any:
        """The screening content, loaded on first use."""
        if self._catalogue is None:
            from vettriage.content import load_catalogue

            self._catalogue = load_catalogue()
        return self._catalogue

    def on_mount(self) -> None:
        """Open the desk, or go straight to one intake."""
        from vettriage.intake import starting as intakes

        self.call_after_refresh(_settle_heap)

        if self.intake_id is not None:
            self.open_intake(self.store.get_intake(self.intake_id), replace=True)
        elif self.dog_name:
            intake = intakes.resume_or_start(self.store, self.catalogue, self.dog_name, self.mode)
            self.open_intake(intake, replace=True)
        else:
            from vettriage.tui.screens.desk import DeskScreen

            self.push_screen(DeskScreen())

    def _handle_exception(self, error: Exception) -> None:
        """A database that fails (a server gone, a full disk) ends the app with one line, not a traceback:
        every answer given so far is already saved."""
        from vettriage.store.api import StoreError

        if isinstance(error, StoreError):
            self.store_error = error
            self.exit(return_code=2)
            return
        self.crash = crash_report(error)
        super()._handle_exception(error)

    def _print_error_renderables(self) -> None:
        """After a crash the command prints one line naming the log file (`crash`), not a screen of traceback."""
        if self.crash is not None:
            self._exit_renderables.clear()
        super()._print_error_renderables()

    def on_unmount(self) -> None:
        """Hand the start-up objects back to the collector."""
        gc.unfreeze()

    def open_intake(self, intake: Any, *, replace: bool = False, reason: str | None = None) -> None:
        """Show an intake: its result if completed (unless amending), else its current question."""
        from vettriage.intake.session import IntakeSession

        mode = "owner" if self.locked else self.mode
        session = IntakeSession(self.catalogue, self.store, intake, mode, reason=reason)
        if intake.status != "in_progress" and reason is None:
            from vettriage.tui.screens.result import ResultScreen

            screen: Any = ResultScreen(session, intake.assessment)
        else:
            from vettriage.tui.screens.question import QuestionScreen

            screen = QuestionScreen(session)
        if replace and len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def leave_intake(self) -> None:
        """Back to the desk if there is one, else quit: every answer is already saved."""
        from vettriage.tui.screens.desk import DeskScreen

        if self.locked or not any(isinstance(s, DeskScreen) for s in self.screen_stack):
            self.exit()
            return
        while not isinstance(self.screen, DeskScreen):
            self.pop_screen()
        self.screen.refresh_rows()

    def on_delivery_complete(self, event: Any) -> None:
        """Say where a document went."""
        where = f" to {event.path}" if event.path else ""
        self.notify(f"Saved{where}.", timeout=6)

    def on_delivery_failed(self, event: Any) -> None:
        """Say that a document could not be saved."""
        self.notify(f"Could not save: {event.exception}", severity="error", timeout=8)

    def action_toggle_theme(self) -> None:
        """Go on to the next of our themes (dark, light, high contrast)."""
        names = list(THEMES.values())
        self.theme = names[(names.index(self.theme) + 1) % len(names)] if self.theme in names else names[0]


class LockedVetTriageApp(VetTriageApp, inherit_bindings=False):
    """The owner's app on a shared link: the intake and nothing else. Textual reads ENABLE_COMMAND_PALETTE in
    App.__init__ (it binds Ctrl+P there), so it is off on the class, not set afterwards; the App's own bindings
    (Ctrl+Q quit, Ctrl+C help-quit) and our theme key are not inherited, and the actions behind the palette's
    system commands do nothing. Only the keys the intake's screens show remain."""

    ENABLE_COMMAND_PALETTE = False
    BINDINGS: list[Any] = []

    def get_system_commands(self, screen: Any) -> Any:
        """None: there is no palette to offer them in."""
        return iter(())

    def action_command_palette(self) -> None:
        """No palette."""

    def action_quit(self) -> None:
        """No quitting by key: the intake's own Save & leave ends the session."""

    def action_help_quit(self) -> None:
        """No quit hint either."""

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """No screenshots of the owner's screen."""

    def deliver_screenshot(self, *args: Any, **kwargs: Any) -> None:
        """No screenshots of the owner's screen."""

    def action_toggle_theme(self) -> None:
        """No theme key in owner mode."""


def make_app(*, store_url: str | None = None, mode: Literal["owner", "tech"] = "tech",
             intake_id: int | None = None, dog_name: str | None = None, locked: bool = False,
             config: "Config | None" = None, store: Any = None, catalogue: Any = None) -> VetTriageApp:
    """Build the app. `locked=True` (owner mode) confines it to the one intake given by `intake_id` or
    `dog_name`; `store` and `catalogue` let tests and the web layer pass objects already open."""
    if config is None:
        from vettriage.config import load_config

        config = load_config()
    if locked:
        mode = "owner"
        if intake_id is None and not dog_name:
            raise ValueError("a locked app needs an intake_id or a dog_name")
    cls = LockedVetTriageApp if locked else VetTriageApp
    return cls(config=config, mode=mode, store_url=store_url, intake_id=intake_id, dog_name=dog_name,
               locked=locked, store=store, catalogue=catalogue)


def crash_report(error: BaseException) -> str:
    """Write the traceback to a log file in the user's log folder; return one line saying what happened."""
    import datetime as dt
    import os
    import traceback
    from pathlib import Path

    text = "".join(traceback.format_exception(error))
    try:
        from platformdirs import user_log_dir

        folder = Path(os.environ.get("VETTRIAGE_LOG_DIR") or user_log_dir("vettriage"))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{dt.datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        where = f"details in {path}"
    except OSError as exc:  # no log folder: the line still says what happened
        where = f"no log written ({exc.strerror})"
    what = " ".join(f"{type(error).__name__}: {error}".split())[:160]
    return f"vettriage stopped on an unexpected error ({what}); every answer given is saved; {where}"


def _settle_heap() -> None:
    """Once the first screen is painted, the objects loaded so far (Textual, the content, the store) live as
    long as the app: moved out of the collector's reach, the occasional 60 ms full collection in the middle of
    an answer becomes a 1-2 ms one. The collector is then on again (`vettriage` turns it off while starting).
    The app's unmount unfreezes them (tests run many apps in one process)."""
    gc.freeze()
    gc.enable()
