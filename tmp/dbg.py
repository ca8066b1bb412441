import sys, shutil, tempfile
from pathlib import Path
sys.path.insert(0,'.'); sys.path.insert(0,'tests/content')
from vettriage.content.catalogue import load_catalogue
from vettriage.engine import assess
import test_pain_ccd_rules as T
after = load_catalogue(use_cache=False)
tmp = Path(tempfile.mkdtemp())/'q'
shutil.copytree('questionnaires', tmp, ignore=shutil.ignore_patterns('gateways.yaml','screens.yaml'))
before = load_catalogue(tmp, use_cache=False)
for cat in (before, after):
    ans = T.with_(T.healthy_senior(cat), sys_onset="gradual", **T.COGNITIVE_SIGNS)
    a = assess(cat, ans)
    print(a.categories['ccd'].level, sorted(a.rules_fired), [k for k in ans if k.startswith('gw')])
    print(sorted(set(T.healthy_senior(cat))))
