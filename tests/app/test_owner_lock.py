"""The owner's app is locked: no command palette, no quit key, no screenshot, only the intake's own keys."""

from __future__ import annotations

from textual.command import CommandPalette

from tests.web.formclient import invite as invite_for
from vettriage.config import Config
from vettriage.tui.app import make_app
from vettriage.tui.screens.question import QuestionScreen

CONFIG = Config(clinic_name="Riverside Vets", clinic_phone="01632 960000", default_mode="tech")
SYSTEM_KEYS = ["ctrl+p", "ctrl+q", "ctrl+c", "ctrl+t", "ctrl+s", "ctrl+backslash"]


async def test_owner_app_has_no_palette_quit_or_screenshot(store, catalogue):
    _, _, intake = invite_for(store, catalogue, "Rex")
    app = make_app(store=store, catalogue=catalogue, config=CONFIG, intake_id=intake.id, locked=True)
    assert app.ENABLE_COMMAND_PALETTE is False and app.use_command_palette is False
    assert not any(b.action in ("quit", "command_palette", "screenshot", "toggle_theme", "help_quit")
                   for _, b in app._bindings)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        before = store.get_intake(intake.id).answers
        for key in SYSTEM_KEYS:
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, CommandPalette), key
            assert app.is_running and isinstance(app.screen, QuestionScreen), key
        app.action_screenshot()  # even called directly, nothing is delivered
        app.action_quit()
        await pilot.pause()
        assert app.is_running and not list(app.get_system_commands(app.screen))
        assert store.get_intake(intake.id).answers == before
        # The intake's own keys still work: "don't know" answers and moves on.
        await pilot.press("u")
        await pilot.pause()
        assert len(store.get_intake(intake.id).answers) == len(before) + 1


async def test_the_desk_app_keeps_its_palette(store, catalogue):
    app = make_app(store=store, catalogue=catalogue, config=CONFIG)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
