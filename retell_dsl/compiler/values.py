"""Builder values as plain JSON: prompt-ish values as their text, frozen maps as dicts, tuples as lists.

>>> from retell_dsl.builders.prompt import Prompt, Var
>>> text(Var("city")), plain({"greeting": Prompt(text="Hi"), "tags": ("a", "b")})
('{{city}}', {'greeting': 'Hi', 'tags': ['a', 'b']})
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from retell_dsl.builders.base import thaw
from retell_dsl.builders.prompt import Prompt, Var

__all__ = ["JSON", "json_strings", "map_strings", "plain", "text"]

JSON = dict[str, Any]


def text(value: str | Prompt | Var) -> str:
    """The final text of a prompt-ish value (a :class:`Var` is its ``{{name}}`` reference).

    >>> text("plain"), text(Prompt(text="Hello"))
    ('plain', 'Hello')
    """
    if isinstance(value, Prompt):
        return value.text
    if isinstance(value, Var):
        return value.ref
    return value


def plain(value: Any) -> Any:
    """Plain JSON for a field value (prompts become text, frozen maps dicts, tuples lists).

    >>> plain((1, {"a": (2,)}))
    [1, {'a': [2]}]
    """
    if isinstance(value, Prompt | Var):
        return text(value)
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return thaw(value)


def json_strings(value: object) -> Iterator[str]:
    """Every string in JSON-like data, depth first (mapping values and list items; keys are not strings of it).

    >>> list(json_strings({"a": ["x", {"b": "y"}], "n": 1}))
    ['x', 'y']
    """
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from json_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from json_strings(item)


def map_strings(value: Any, change: Callable[[str], Any]) -> Any:
    """JSON-like data with every string ``s`` replaced by ``change(s)``, depth first (mappings become
    dicts, tuples lists; other values stay).

    >>> map_strings({"a": ("x", {"b": "y"}), "n": 1}, str.upper)
    {'a': ['X', {'b': 'Y'}], 'n': 1}
    """
    if isinstance(value, str):
        return change(value)
    if isinstance(value, Mapping):
        return {k: map_strings(v, change) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [map_strings(v, change) for v in value]
    return value
