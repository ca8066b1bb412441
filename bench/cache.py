"""What loading the cached catalogue costs in each format, interleaved one for one (a shared machine drifts).

Prints figures; asserts nothing. The floor is plain `pickle.loads` of the same catalogue (what the cache did
before issue 25). Measured:

- pickle: plain `pickle.loads` (can call any importable callable a file names: not used any more);
- restricted pickle: what `content.cache` uses: the same bytes, an unpickler that can only build the content's
  record classes, the Catalogue and a path, after checking the file's SHA-256 seal;
- marshal tree: no callables at all: the records as plain tuples (class index, field values) in marshal, rebuilt
  into records by a Python walk;
- the seal alone: SHA-256 over the file's bytes (every read pays it).

    python bench/cache.py [--rounds N]
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import io
import marshal
import pickle
import statistics
import time

from vettriage.content import cache
from vettriage.content import models as m
from vettriage.content.catalogue import Catalogue, load_catalogue

CLASSES = sorted((c for c in vars(m).values() if isinstance(c, type) and dataclasses.is_dataclass(c)),
                 key=lambda c: c.__name__)
INDEX = {c: i for i, c in enumerate(CLASSES)}
FIELDS = {c: tuple(f.name for f in dataclasses.fields(c)) for c in CLASSES}
CAT_FIELDS = [f.name for f in dataclasses.fields(Catalogue) if f.name != "directory"]
PLAIN = frozenset((str, int, float, bool, type(None)))
TUPLE = -1


def encode(v):
    t = type(v)
    if t in PLAIN:
        return v
    if t is list:
        return [encode(x) for x in v]
    if t is dict:
        return {k: encode(x) for k, x in v.items()}
    if t is tuple:
        return (TUPLE, *[encode(x) for x in v])
    return (INDEX[t], *[encode(getattr(v, f)) for f in FIELDS[t]])


def decode(v):
    t = type(v)
    if t is list:
        return [x if type(x) in PLAIN else decode(x) for x in v]
    if t is dict:
        return {k: (x if type(x) in PLAIN else decode(x)) for k, x in v.items()}
    if v[0] == TUPLE:
        return tuple(x if type(x) in PLAIN else decode(x) for x in v[1:])
    cls = CLASSES[v[0]]
    obj = cls.__new__(cls)
    obj.__setstate__([x if type(x) in PLAIN else decode(x) for x in v[1:]])
    return obj


def marshal_tree_load(data: bytes, directory) -> Catalogue:
    d = marshal.loads(data)
    return Catalogue(directory=directory, **{f: (x if type(x) in PLAIN else decode(x)) for f, x in d.items()})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=200)
    args = ap.parse_args()
    cat = load_catalogue(use_cache=False)
    pickled = pickle.dumps(cat, protocol=pickle.HIGHEST_PROTOCOL)
    tree = marshal.dumps({f: encode(getattr(cat, f)) for f in CAT_FIELDS})
    sealed = cache._seal(cat.hash, "bench", pickled)
    runs = {
        "pickle (floor)": lambda: pickle.loads(pickled),
        "restricted pickle": lambda: cache._ContentUnpickler(io.BytesIO(pickled)).load(),
        "marshal tree": lambda: marshal_tree_load(tree, cat.directory),
        "SHA-256 seal": lambda: hashlib.sha256(sealed).digest(),
    }
    times: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(args.rounds):
        for name, fn in runs.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    floor = statistics.median(times["pickle (floor)"])
    print(f"catalogue of {len(cat.items)} items: pickle {len(pickled):,} bytes, marshal tree {len(tree):,} bytes; "
          f"{args.rounds} rounds interleaved")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"  {name:18} median {med * 1000:7.2f} ms  min {min(ts) * 1000:7.2f} ms  ({med / floor:4.2f}x floor)")


if __name__ == "__main__":
    main()
