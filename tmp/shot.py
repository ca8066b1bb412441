import asyncio, sys, tempfile
sys.path.insert(0,'.')
from vettriage.content import load_catalogue
from vettriage.store import open_store
from vettriage.config import Config
from vettriage.intake.starting import start_intake
from vettriage.tui.app import make_app
cat = load_catalogue()
async def main(pos, keys, out):
    d = tempfile.mkdtemp()
    store = open_store(f"sqlite:///{d}/a.db")
    it = start_intake(store, cat, "Biscuit", "owner"); store.set_position(it.id, pos)
    app = make_app(store=store, catalogue=cat, config=Config(clinic_name="R", clinic_phone="0"), intake_id=it.id, mode="owner", locked=True)
    async with app.run_test(size=(80,24)) as pilot:
        await pilot.pause()
        for k in keys:
            await pilot.press(k); await pilot.pause()
        app.save_screenshot(out)
asyncio.run(main(sys.argv[1], sys.argv[2:], '/tmp/shot.svg'))
