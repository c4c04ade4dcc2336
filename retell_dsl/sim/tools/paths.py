"""``response_variables``: dynamic variables read from a tool's JSON result by path.

Retell's docs and the SDK show plain dotted paths into the response (``status``, ``user.name``).
The syntax accepted here: keys separated by ``.``; a list element as ``items[0]`` or ``items.0``;
an optional leading ``$`` or ``$.`` (JSONPath habit). A path that does not resolve (missing key,
index out of range, or a JSON ``null``) skips its variable, as Retell documents for code nodes; a
response that is not JSON sets no variable. Values become strings: strings as they are, anything
else as compact JSON (``30``, ``true``, ``{"a":1}``).

>>> extract_variables('{"user": {"name": "Ann", "age": 30}, "tags": ["a", "b"]}',
...                   {"n": "user.name", "age": "$.user.age", "t": "tags[1]", "x": "user.missing"})
{'n': 'Ann', 'age': '30', 't': 'b'}
>>> extract_variables("not json", {"n": "user.name"})
{}
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

__all__ = ["extract_variables", "lookup", "variable_string"]

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_MISSING = object()


def _segments(path: str) -> list[str | int] | None:
    path = path.strip()
    if path.startswith("$"):
        path = path[1:].lstrip(".")
    out: list[str | int] = []
    pos = 0
    while pos < len(path):
        if path[pos] == ".":
            pos += 1
            continue
        match = _SEGMENT.match(path, pos)
        if match is None:
            return None
        out.append(int(match.group(2)) if match.group(2) is not None else match.group(1))
        pos = match.end()
    return out


def lookup(document: object, path: str) -> object:
    """The value at ``path`` in ``document``, or ``None`` when the path does not resolve.

    >>> lookup({"a": [{"b": 2}]}, "a[0].b"), lookup({"a": [{"b": 2}]}, "a.0.b"), lookup({"a": 1}, "a.b")
    (2, 2, None)
    """
    segments = _segments(path)
    if not segments:
        return None
    node: object = document
    for segment in segments:
        if isinstance(node, Mapping):
            node = node.get(str(segment), _MISSING)
        elif isinstance(node, list):
            index = segment if isinstance(segment, int) else int(segment) if segment.isdigit() else -1
            node = node[index] if 0 <= index < len(node) else _MISSING
        else:
            return None
        if node is _MISSING:
            return None
    return node


def variable_string(value: object) -> str:
    """A JSON value as a dynamic-variable string.

    >>> variable_string("x"), variable_string(1.5), variable_string(False), variable_string({"k": [1]})
    ('x', '1.5', 'false', '{"k":[1]}')
    """
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def extract_variables(text: str, mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Apply ``mapping`` ({variable: path}) to the JSON in ``text``; unresolved paths are skipped."""
    if not mapping:
        return {}
    try:
        document = json.loads(text)
    except ValueError:
        return {}
    out: dict[str, str] = {}
    for name, path in mapping.items():
        value = lookup(document, path)
        if value is not None:
            out[name] = variable_string(value)
    return out
