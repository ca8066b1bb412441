import sys, asyncio, tempfile, shutil
from pathlib import Path
sys.path.insert(0,'.'); sys.path.insert(0,'bench')
import intake_length as B
from vettriage.content.catalogue import load_catalogue
from vettriage.engine.answers import read_answers_file
tmp=Path(tempfile.mkdtemp()); q=tmp/'q'
shutil.copytree('questionnaires', q, ignore=shutil.ignore_patterns('gateways.yaml','screens.yaml'))
before=load_catalogue(q, packs=[], use_cache=False)
full=dict(read_answers_file(before,'examples/emergency.yaml').values)
import textual.pilot as P
orig=P.Pilot.press
async def press(self,*keys):
    s=self.app.screen
    print(type(s).__name__, getattr(getattr(s,'session',None),'item',None) and s.session.item.id, keys)
    return await orig(self,*keys)
P.Pilot.press=press
try:
    print(asyncio.run(B.pilot_keys(before, full, tmp/'b.db')))
except AssertionError as e: print("ERR", e)
