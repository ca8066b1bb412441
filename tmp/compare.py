import sys, yaml
from pathlib import Path
sys.path.insert(0, '.')
from vettriage.content.catalogue import load_catalogue
from vettriage.engine import assess
from vettriage.engine.gateways import screened_walk
from vettriage.engine.answers import validate_answers
cat = load_catalogue(use_cache=False)
sys.path.insert(0, 'tests/cases')
from test_cases import CASES, answers_of
def key(r):
    return (r.urgency, sorted(r.red_flag_ids), sorted(f.id for f in r.medication_flags), sorted(f.id for f in r.ketamine_cautions),
            {k: c.level for k, c in r.categories.items()})
sets = {p.stem: yaml.safe_load(p.read_text()) or {} for p in sorted(Path('examples').glob('*.yaml'))}
sets |= {p.name: yaml.safe_load(p.read_text()) or {} for p in sorted(Path('validation/cases').glob('*.answers.yaml'))}
sets |= {c['name']: answers_of(c) for c in CASES}
bad = 0
for name, ans in sets.items():
    a = validate_answers(cat, ans).values
    r1 = assess(cat, a); w = screened_walk(cat, a); r2 = assess(cat, w)
    st = {k: (c.status) for k, c in r1.categories.items()}, {k: (c.status) for k, c in r2.categories.items()}
    if key(r1) != key(r2):
        bad += 1
        print("DIFF", name, key(r1), key(r2), sorted(k for k in w if k.startswith('gw_') and w[k] is False))
    elif st[0] != st[1]:
        print("status", name, st)
print(len(sets), "sets,", bad, "differ")
