"""The clinic's identity on the emergency screen (terminal and web intake run the same screen): its name and
phone as configured, shown as typed even when they look like Textual markup."""

from __future__ import annotations

from typing import Any

from tests.app.helpers import screen_text
from vettriage.config import Config
from vettriage.tui.app import make_app
from vettriage.intake.starting import start_intake
from vettriage.tui.screens.emergency import EmergencyScreen

SIZE = (90, 30)


async def _emergency_text(store: Any, catalogue: Any, config: Config, mode: str) -> str:
    intake = start_intake(store, catalogue, "Max", mode)
    store.save_answer(intake.id, "sys_seizure_history", True, who="test")
    store.set_position(intake.id, "sys_seizures_24h")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=intake.id, mode=mode,
                   locked=mode == "owner")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("3", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EmergencyScreen)
        return screen_text(app)


async def test_owner_emergency_screen_names_the_clinic_and_phone(store: Any, catalogue: Any) -> None:
    config = Config(clinic_name="Riverside [b]Vets[/b]", clinic_phone="01632 960000",
                    clinic_address="1 River Street")
    text = await _emergency_text(store, catalogue, config, "owner")
    assert "Call Riverside [b]Vets[/b] on 01632 960000 now" in text
    assert "1 River Street" in text


async def test_tech_emergency_screen_names_the_clinic(store: Any, catalogue: Any) -> None:
    text = await _emergency_text(store, catalogue, Config(clinic_name="Hillside Vets", clinic_phone="555 0100"),
                                 "tech")
    assert "Hillside Vets" in text and "555 0100" in text
