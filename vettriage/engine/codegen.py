"""The one place the engine turns Python source it wrote into functions: the rules (engine.program) and the usual
case of the scores (engine.scoring), written out once per catalogue because the terminal app re-assesses after
every answer; and the records' `__init__` (record.py), written from their own field names as dataclasses writes
it, because compiling one per class through dataclasses cost most of a start.

Rules stay data: content is YAML validated at load (content.models, content.crosscheck), and no content string
is ever evaluated. The source is written by our own generators from the validated condition and score trees:
every name in it is ours, and a content value enters only as the `repr()` of a str, int, bool or finite float
(each a plain literal) or as a constant bound in the namespace. The functions run with no builtins but the few
named in `namespace`. The reference interpreter (engine.conditions) and the interval pass (scoring._interval)
stay, and tests check the generated functions against them.

The compiled code is kept in the user's cache (content.cache, next to the cached catalogue, keyed by the content
hash, the generator's file and the Python version), as a .pyc saves recompiling a module: compiling the rules
takes longer than the rest of a start.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing only for the type checker: records compile here at start-up
if TYPE_CHECKING:
    from typing import Any, Callable


def function(name: str, key: str | None, generator: str, write: Callable[[], tuple[str, dict[str, Any]]],
             namespace: dict[str, Any], filename: str) -> Any:
    """The function `name` defined by the source `write()` returns (with its constants), compiled once and
    kept under `key` in the user's cache (None: not kept), run in `namespace` with no builtins."""
    from vettriage.content import cache

    got = cache.read_code(key, generator) if key else None
    if got is None:
        text, consts = write()
        code = compile(text, filename, "exec")
        if key:
            cache.write_code(key, generator, (code, consts))
    else:
        code, consts = got
    scope: dict[str, Any] = {"__builtins__": {}, **namespace, **consts}
    exec(code, scope)  # noqa: S102 - source our generators wrote from validated data: see the module docstring
    return scope[name]
