"""A child process for the crash and concurrency tests (run as a script, never imported by pytest).

    worker.py crash URL INTAKE_ID SEED   resume the intake and autosave answers forever, printing
                                         "T item value" before each save and "A" once it has returned
    worker.py write URL N TAG            wait for a line on stdin, then write N whole intakes
"""

from __future__ import annotations

import json
import random
import sys


def crash(url: str, intake_id: int, seed: int) -> None:
    """Autosave until killed. The answers are synthetic: the store does not know the questionnaire."""
    from vettriage.store import open_store

    rng = random.Random(seed)
    store = open_store(url)
    intake = store.get_intake(intake_id)
    nxt = int(intake.position[1:]) if intake.position else 0
    print("ready", flush=True)
    while True:
        if intake.answers and rng.random() < 0.3:  # change or clear an earlier answer
            item = f"q{rng.randrange(nxt)}" if nxt else "q0"
            value = None if rng.random() < 0.3 else {"v": rng.randrange(10**6), "s": "x" * rng.randrange(200)}
            position = None
        else:
            item, value = f"q{nxt}", rng.choice([1, True, "unknown", ["a", "b"], {"n": nxt}])
            nxt += 1
            position = f"q{nxt}"
        print("T", item, json.dumps(value), flush=True)
        store.save_answer(intake_id, item, value, who="owner", position=position)
        print("A", flush=True)


def write(url: str, n: int, tag: str) -> None:
    """Write n intakes as fast as possible (each: dog, intake, two answers, completion)."""
    from vettriage.store import open_store

    store = open_store(url)
    print("ready", flush=True)
    sys.stdin.readline()
    for k in range(n):
        dog = store.add_dog(f"{tag}-{k}")
        intake = store.create_intake(dog.id, by="owner", mode="owner", content_version="v", content_hash="h")
        store.save_answer(intake.id, "a", k, who="owner")
        store.save_answer(intake.id, "b", tag, who="owner")
        store.complete(intake.id, {"urgency": "routine"})
    store.close()
    print("done", n, flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "crash":
        crash(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        write(sys.argv[2], int(sys.argv[3]), sys.argv[4])
