"""Dogs with one completed visit each, whose re-screen falls on given days: written in bulk through the store's
own transaction (the bench's path), so a test can hold more than a page of dogs due."""

from __future__ import annotations

import datetime as dt
from typing import Any


def due_dogs(store: Any, dues: list[dt.date], name: str = "Dog") -> list[int]:
    """One dog per due date (named `name 0`, `name 1`...), each with one completed visit a week before today
    that set that re-screen date; the dogs' ids, in the order of `dues`."""
    when = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=7)

    def tx(tx: Any) -> list[int]:
        ids = []
        for k, due in enumerate(dues):
            dog = tx.insert("dogs", dict(name=f"{name} {k}", name_key=f"{name} {k}".casefold(), created_at=when))
            tx.insert("intakes", dict(
                dog_id=dog, by="Sam", mode="tech", status="completed", urgency="routine", emergency=False,
                created_at=when, updated_at=when, content_version="v", content_hash="h", answers={},
                position=None, assessment={"urgency": "routine"}, rescreen_due=due,
                rescreen_reason="routine senior re-check (product heuristic: 182 days)"))
            ids.append(dog)
        return ids

    return store.run(tx, write=True)
