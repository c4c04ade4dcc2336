"""Evaluate equation conditions of conversation flows the way Retell does (retell-runtime.md §3).

An equation condition is ``{"type": "equation", "operator": "&&" | "||", "equations": [...]}``
and each comparison ``{"left", "operator", "right"}``. Both sides may contain ``{{variable}}``
references, substituted first with :func:`retell_dsl.wire.variables.substitute` (a variable
that is not set stays as written, braces included). Then:

- ``==``, ``!=``, ``contains``, ``not_contains`` compare strings exactly; for the last two the
  left side is the container (``"New York, Los Angeles" contains {{city}}``);
- ``>``, ``>=``, ``<``, ``<=`` compare numbers and are false when either side is not a number
  (see :func:`as_number`);
- ``exists`` is true when every variable the left side refers to is set, even to ``""``
  (missing or ``null`` is not set); ``not_exist`` is its negation. A left side without any
  reference is a literal, which exists. Neither takes a right side.

A group with ``&&`` holds when all its comparisons hold, with ``||`` when any does; a group
without comparisons never holds. An unknown operator raises :class:`ValueError`.

>>> cond = {"type": "equation", "operator": "&&", "equations": [
...     {"left": "{{age}}", "operator": ">=", "right": "18"},
...     {"left": "New York, Los Angeles", "operator": "contains", "right": "{{city}}"}]}
>>> evaluate(cond, {"age": "21", "city": "New York"}), evaluate(cond, {"age": "twenty", "city": "New York"})
(True, False)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from retell_dsl.wire.variables import REFERENCE, substitute

__all__ = [
    "GROUP_OPERATORS",
    "NUMERIC_OPERATORS",
    "OPERATORS",
    "STRING_OPERATORS",
    "UNARY_OPERATORS",
    "as_number",
    "compare",
    "evaluate",
]

STRING_OPERATORS = ("==", "!=", "contains", "not_contains")
NUMERIC_OPERATORS = (">", ">=", "<", "<=")
#: Operators that take no right side.
UNARY_OPERATORS = ("exists", "not_exist")
OPERATORS = (*STRING_OPERATORS, *NUMERIC_OPERATORS, *UNARY_OPERATORS)
GROUP_OPERATORS = ("&&", "||")

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

Variables = Mapping[str, str | None]


def as_number(text: str) -> float | None:
    """The number ``text`` spells (decimal, optional sign, fraction and exponent; spaces around allowed), else None.

    >>> as_number(" 42 "), as_number("-1.5e3"), as_number(".5"), as_number("1,000"), as_number("nan"), as_number("")
    (42.0, -1500.0, 0.5, None, None, None)
    """
    stripped = text.strip()
    if not _NUMBER.fullmatch(stripped):
        return None
    value = float(stripped)
    return value if math.isfinite(value) else None


def _is_set(name: str, variables: Variables, defaults: Variables) -> bool:
    return variables.get(name) is not None or defaults.get(name) is not None


def compare(comparison: Mapping[str, Any], variables: Variables, *, defaults: Variables | None = None) -> bool:
    """Whether one comparison ``{"left", "operator", "right"}`` holds for these variable values.

    >>> compare({"left": "{{city}}", "operator": "==", "right": "Paris"}, {"city": "Paris"})
    True
    >>> exists = {"left": "{{note}}", "operator": "exists"}
    >>> compare(exists, {"note": ""}), compare(exists, {"note": None}), compare(exists, {})
    (True, False, False)
    >>> compare({"left": "{{n}}", "operator": "<", "right": "10"}, {"n": "ten"})
    False
    """
    fallback = defaults or {}
    op = comparison.get("operator")
    left = str(comparison.get("left", ""))
    if op in UNARY_OPERATORS:
        names = [m.group(1) for m in REFERENCE.finditer(left)]
        exists = all(_is_set(n, variables, fallback) for n in names)
        return exists if op == "exists" else not exists
    if op not in STRING_OPERATORS and op not in NUMERIC_OPERATORS:
        raise ValueError(f"unknown equation operator {op!r}; expected one of {', '.join(OPERATORS)}")
    lhs = substitute(left, variables, defaults=fallback)
    rhs = substitute(str(comparison.get("right", "")), variables, defaults=fallback)
    if op == "==":
        return lhs == rhs
    if op == "!=":
        return lhs != rhs
    if op == "contains":
        return rhs in lhs
    if op == "not_contains":
        return rhs not in lhs
    a, b = as_number(lhs), as_number(rhs)
    if a is None or b is None:
        return False
    return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[str(op)]


def evaluate(condition: Mapping[str, Any], variables: Variables, *, defaults: Variables | None = None) -> bool:
    """Whether an equation condition holds: its comparisons joined by its ``&&`` / ``||`` operator.

    ``operator`` defaults to ``&&`` when absent.

    >>> cond = {"type": "equation", "operator": "||", "equations": [
    ...     {"left": "{{plan}}", "operator": "==", "right": "gold"}, {"left": "{{vip}}", "operator": "exists"}]}
    >>> evaluate(cond, {"plan": "basic", "vip": "yes"}), evaluate(cond, {"plan": "basic"})
    (True, False)
    """
    group = condition.get("operator") or "&&"
    if group not in GROUP_OPERATORS:
        raise ValueError(f"unknown equation group operator {group!r}; expected '&&' or '||'")
    comparisons = condition.get("equations")
    if not isinstance(comparisons, list) or not comparisons:
        return False
    results = [compare(c, variables, defaults=defaults) for c in comparisons]  # all checked: bad ones raise
    return all(results) if group == "&&" else any(results)
