import sys, yaml
from pathlib import Path
sys.path.insert(0, '.')
from vettriage.content.catalogue import load_catalogue
from vettriage.engine import assess
from vettriage.engine.gateways import screened_walk
from vettriage.engine.answers import validate_answers, visible_items
cat = load_catalogue(use_cache=False)
def key(r):
    return (r.urgency, sorted(r.red_flag_ids), sorted(f.id for f in r.medication_flags), sorted(f.id for f in r.ketamine_cautions),
            {k: c.level for k, c in r.categories.items()})
sets = {p.name: yaml.safe_load(p.read_text()) or {} for p in sorted(Path('validation/cases').glob('*.answers.yaml'))}
bad = 0; st=0; n=0
for name, ans in sets.items():
    a = validate_answers(cat, ans).values
    r1 = assess(cat, a); w = screened_walk(cat, a, blank_is_no=True); r2 = assess(cat, w)
    if key(r1) != key(r2):
        bad += 1; print("DIFF", name, key(r1), key(r2))
    s1={k: c.status for k, c in r1.categories.items()}; s2={k: c.status for k, c in r2.categories.items()}
    if s1 != s2: st += 1
    if n < 3: print(name, s1, s2, len(visible_items(cat, w)))
    n += 1
print(len(sets), "sets,", bad, "differ;", st, "statuses changed")
