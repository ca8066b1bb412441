import sys, yaml
from pathlib import Path
sys.path.insert(0, '.')
from vettriage.content.catalogue import load_catalogue
from vettriage.engine.gateways import screened_walk
from vettriage.engine.answers import validate_answers, visible_items
cat = load_catalogue(use_cache=False)
for p in sorted(Path('examples').glob('*.yaml')):
    a = validate_answers(cat, yaml.safe_load(p.read_text())).values
    w = screened_walk(cat, a)
    v0 = [i for i in visible_items(cat, a) if i not in cat.gateway_by_id]
    v1 = visible_items(cat, w)
    print(p.stem, len(v0), len(v1), {k: w[k] for k in w if k.startswith('gw_')})
