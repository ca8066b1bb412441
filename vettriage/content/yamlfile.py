"""Read a YAML file keeping its node tree, so that any error can name the line it comes from."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import yaml

from vettriage.errors import InputError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    """Parse `path`; a missing, unreadable or malformed file is an InputError naming it and the line."""
    name = label or str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(name, None, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(name, None, f"cannot read file ({exc.__class__.__name__})") from None
    return parse_yaml(text, path, name)


def parse_yaml(text: str, path: Path, name: str) -> YamlDoc:
    """Parse YAML text read from `path` (named `name` in errors)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(name, None, f"not valid YAML: {exc.problem or exc.context}", line) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise InputError(name, None, f"not valid YAML: {exc.__class__.__name__}") from None
    finally:
        loader.dispose()
    return YamlDoc(path, data, node)
