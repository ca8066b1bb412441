"""Read a YAML file keeping its node tree, so that any error can name the line it comes from.

Every YAML file vettriage reads (answers files and content files) comes through here, and is bounded before
anything is built from it: its size, the nesting depth, the number of nodes once aliases are expanded (an alias
bomb of a few hundred bytes otherwise expands to gigabytes downstream), and the length of a number. Duplicate
keys and impossible dates are errors naming the file, the field and the line, where plain YAML would keep the
last key silently or fail with a bare ValueError.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import yaml

if TYPE_CHECKING:  # files are named as text or as Paths; pathlib (~3 ms with urllib.parse) is not needed to read one
    from pathlib import Path

from vettriage.errors import InputError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 4 * 1024 * 1024
"""Largest YAML file read (the shipped content is about 160 KB in all; an answers file is a few KB)."""
MAX_DEPTH = 64
"""Deepest nesting of lists and mappings (the shipped content nests under 20 deep)."""
MAX_NODES = 200_000
"""Most nodes a document may have with every alias expanded (the shipped content has about 30,000 in all)."""
MAX_INT_DIGITS = 30
"""Longest integer literal: no answer or content value needs more, and huge ones overflow floats later."""

_INT = "tag:yaml.org,2002:int"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_CORE = frozenset(f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool", "null"))
"""Explicit tags allowed besides !!str, !!seq and !!map, when the value is one of that type anyway."""


class YamlDoc:
    """A parsed YAML document: its data and the node tree behind it."""

    def __init__(self, path: Path, data: Any, node: yaml.Node | None) -> None:
        self.path = path
        self.data = data
        self.node = node

    def line(self, loc: Sequence[Any]) -> int | None:
        """The 1-based line of the deepest node reachable along `loc` (keys and list indexes)."""
        node = self.node
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                nxt = next((v for k, v in node.value if getattr(k, "value", None) == str(part)), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                nxt = node.value[part]
            else:
                nxt = None
            if nxt is None:
                break
            node = nxt
            line = node.start_mark.line + 1
        return line


def read_yaml(path: Path, label: str | None = None) -> YamlDoc:
    """Parse `path`; a missing, unreadable, oversized or malformed file is an InputError naming it and the line."""
    name = label or str(path)
    raw = read_bounded(path, name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError(name, None, "not UTF-8 text", line) from None
    return parse_yaml(text, path, name)


def read_bounded(path: Path, name: str) -> bytes:
    """A regular file's bytes, at most MAX_BYTES; else InputError naming it (a FIFO is refused, not waited on)."""
    from vettriage.files import read_regular

    try:
        return read_regular(path, MAX_BYTES)
    except FileNotFoundError:
        raise InputError(name, None, "file not found") from None
    except OSError as exc:
        raise InputError(name, None, f"cannot read file ({exc.strerror or exc.__class__.__name__})") from None
    except ValueError as exc:
        raise InputError(name, None, str(exc)) from None


def _one_line_errors(name: str, step: Any) -> Any:
    """Run one step of parsing (composing the tree, or building the values); any YAML problem becomes one
    InputError naming the file and, where PyYAML knows it, the line."""
    try:
        return step()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = " ".join(str(exc.problem or exc.context).split())[:200]
        raise InputError(name, None, f"not valid YAML: {problem}", line) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError, KeyError, AttributeError, OverflowError) as exc:
        # PyYAML's constructors raise these on values _check_tree did not foresee: one line, never a traceback
        raise InputError(name, None, f"not valid YAML: {exc.__class__.__name__}") from None


def parse_yaml(text: str, path: Path, name: str) -> YamlDoc:
    """Parse YAML text read from `path` (named `name` in errors), within the bounds above."""
    loader = _Loader(text)
    try:
        node = _one_line_errors(name, loader.get_single_node)
        if node is None:
            return YamlDoc(path, None, None)
        _check_tree(node, name, loader)
        data = _one_line_errors(name, lambda: loader.construct_document(node))
    finally:
        loader.dispose()
    return YamlDoc(path, data, node)


def _check_tree(root: yaml.Node, name: str, loader: Any) -> None:
    """Walk the node tree once, aliases expanded, without recursion: raise InputError at the first node past
    a bound, at a key given twice in one mapping, and at a date that does not exist. Stops after MAX_NODES
    steps, so an alias bomb (or an alias that contains itself) costs at most that."""
    stack: list[tuple[yaml.Node, int, str]] = [(root, 1, "")]
    seen = 0
    checked: set[int] = set()  # mappings and scalars already checked, when an alias repeats them
    while stack:
        node, depth, where = stack.pop()
        seen += 1
        line = node.start_mark.line + 1
        field = where or None
        if seen > MAX_NODES:
            raise InputError(name, field, f"more than {MAX_NODES:,} values once aliases are expanded "
                             "(an alias bomb?)", line)
        if depth > MAX_DEPTH:
            raise InputError(name, field, f"nested more than {MAX_DEPTH} deep", line)
        if isinstance(node, yaml.ScalarNode):
            if id(node) not in checked:
                checked.add(id(node))
                _check_scalar(node, name, field, line, loader)
        elif isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                _check_tag(node, name, field, line, loader)
            stack.extend((child, depth + 1, f"{where}[{i}]") for i, child in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                _check_tag(node, name, field, line, loader)
            first = id(node) not in checked
            checked.add(id(node))
            keys: dict[Any, int] = {}
            for key, value in node.value:
                label = key.value if isinstance(key, yaml.ScalarNode) else "?"
                path = f"{where}.{label}" if where else str(label)
                if first and isinstance(key, yaml.ScalarNode) and key.tag != _MERGE:
                    if key.value in keys:
                        raise InputError(name, path, f"key given twice (first on line {keys[key.value]}); "
                                         "remove one", key.start_mark.line + 1)
                    keys[key.value] = key.start_mark.line + 1
                stack.append((key, depth + 1, path))
                stack.append((value, depth + 1, path))


def _check_tag(node: yaml.Node, name: str, field: str | None, line: int, loader: Any) -> None:
    """Refuse an explicit tag (`!!bool nope`, `!!timestamp x`, `!!binary`, `!!set`) unless it names a core type
    and the value is one of that type as YAML would read it untagged: PyYAML's constructors raise KeyError or
    AttributeError on such values, and the other tags build types no file of ours holds."""
    if isinstance(node, yaml.ScalarNode):
        implicit = loader.resolve(yaml.ScalarNode, node.value, (node.style is None, node.style is not None))
        if node.tag == implicit or node.tag == _STR:
            return
        if node.tag in _CORE and loader.resolve(yaml.ScalarNode, node.value, (True, False)) == node.tag:
            return  # `!!int 3`: what the plain value is anyway
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
        if node.tag in _CORE:
            raise InputError(name, field, f"{shown!r} is not a valid {tag}", line)
    elif node.tag in (_SEQ, _MAP):
        return
    else:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    raise InputError(name, field, f"the YAML tag {tag[:40]} is not allowed (only plain values, lists and mappings)",
                     line)


def _check_scalar(node: yaml.ScalarNode, name: str, field: str | None, line: int, loader: Any) -> None:
    _check_tag(node, name, field, line, loader)
    if node.tag == _INT and len(node.value.lstrip("+-").replace("_", "")) > MAX_INT_DIGITS:
        raise InputError(name, field, f"a number of {len(node.value)} digits is not a usable value", line)
    if node.tag == _TIMESTAMP:
        try:
            loader.construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            value = node.value if len(node.value) <= 40 else node.value[:37] + "..."
            raise InputError(name, field, f"{value!r} is not a valid date (YYYY-MM-DD)", line) from None
