"""Edge and node label text: shortened prompts and readable equations."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from retell_dsl.wire.variables import is_reference

__all__ = ["condition_label", "shorten"]

_OPERATORS = {"exists": "exists", "not_exist": "does not exist", "contains": "contains",
              "not_contains": "does not contain"}  # fmt: skip
_PLAIN_VALUE = re.compile(r"-?\d+(\.\d+)?|true|false")  # shown unquoted, like {{variable}} references


def shorten(text: str, width: int = 40) -> str:
    """``text`` on one line, cut at a word boundary to at most ``width`` characters (with "…").

    >>> shorten("The caller wants to book or reschedule an appointment")
    'The caller wants to book or reschedule…'
    >>> shorten("two\\nlines")
    'two lines'
    """
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    space = cut.rfind(" ")
    if flat[width - 1] != " " and space >= width // 2:  # do not cut a word in two
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "…"


def _comparison(eq: Mapping[str, Any]) -> str:
    left, op, right = str(eq.get("left", "")), str(eq.get("operator", "")), eq.get("right")
    words = _OPERATORS.get(op, op)
    if right is None or op in ("exists", "not_exist"):
        return f"{left} {words}"
    value = str(right)
    plain = _PLAIN_VALUE.fullmatch(value) or is_reference(value)
    return f"{left} {words} {value if plain else chr(34) + value + chr(34)}"


def condition_label(condition: object, *, width: int = 40) -> str:
    """Readable text for a transition (or global-node) condition: prompts shortened, equations spelled out.

    >>> condition_label({"type": "prompt", "prompt": "The caller wants to book or reschedule an appointment"})
    'The caller wants to book or reschedule…'
    >>> eq = {"left": "{{date}}", "operator": "exists"}
    >>> condition_label({"type": "equation", "operator": "&&", "equations": [eq]})
    '{{date}} exists'
    >>> a, b = {"left": "a", "operator": "==", "right": "1"}, {"left": "b", "operator": "!=", "right": "no"}
    >>> condition_label({"type": "equation", "operator": "||", "equations": [a, b]})
    'a == 1 || b != "no"'
    """
    if isinstance(condition, str):
        return shorten(condition, width)
    if not isinstance(condition, Mapping):
        return ""
    if condition.get("type") == "prompt":
        return shorten(str(condition.get("prompt", "")), width)
    joined = f" {condition.get('operator') or '&&'} ".join(_comparison(e) for e in condition.get("equations") or ())
    prompt = condition.get("prompt_condition")
    if isinstance(prompt, Mapping) and prompt.get("prompt"):  # equation_prompt (global nodes)
        joined = f"{joined} && {prompt['prompt']}" if joined else str(prompt["prompt"])
    return shorten(joined, 2 * width)
