"""Builder values as plain JSON: prompt-ish values as their text, frozen maps as dicts, tuples as lists.

>>> from retell_dsl.builders.prompt import Prompt, Var
>>> text(Var("city")), plain({"greeting": Prompt(text="Hi"), "tags": ("a", "b")})
('{{city}}', {'greeting': 'Hi', 'tags': ['a', 'b']})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retell_dsl.builders._base import thaw
from retell_dsl.builders.prompt import Prompt, Var

__all__ = ["JSON", "plain", "text"]

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
