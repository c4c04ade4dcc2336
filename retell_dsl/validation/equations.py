"""Rule RD108: equations Retell can evaluate."""

from __future__ import annotations

import re

from retell_dsl.builders.conditions import Equation, PromptCondition, as_condition
from retell_dsl.builders.flow import Edge
from retell_dsl.validation._collect import Collector

__all__ = ["check_condition"]

_REF = re.compile(r"\{\{\s*[A-Za-z_][A-Za-z0-9_.\-]*\s*\}\}")
_NUMERIC = (">", ">=", "<", "<=")


def check_condition(c: Collector, cond: object, where: str, *, at: Edge | None = None) -> None:
    """Report malformed equations (missing/extra right side, non-numeric order comparisons...)."""
    try:
        value = as_condition(cond)  # type: ignore[arg-type]
    except Exception as exc:  # a value that slipped past construction
        c.add("RD108", where, f"not a condition: {exc}", at=at)
        return
    if isinstance(value, PromptCondition):
        text = value.prompt if isinstance(value.prompt, str) else value.prompt.text
        if not text.strip():
            c.add("RD108", where, "prompt condition is empty", at=at, hint="describe when to take this edge")
        return
    assert isinstance(value, Equation)
    if not value.comparisons:
        c.add("RD108", where, "equation has no comparisons", at=at, hint="add when(Var('x')).eq('y')")
    for i, cmp in enumerate(value.comparisons):
        label = f"equation[{i}] {cmp.left} {cmp.operator}" + (f" {cmp.right}" if cmp.right is not None else "")
        if not _REF.search(cmp.left):
            c.add(
                "RD108",
                where,
                f"{label}: the left side is not a {{{{variable}}}} reference",
                at=at,
                hint="compare a runtime variable: when(Var('name')).eq(...)",
            )
        if cmp.operator in ("exists", "not_exist"):
            if cmp.right is not None:
                c.add(
                    "RD108",
                    where,
                    f"{label}: '{cmp.operator}' takes no right side",
                    at=at,
                    hint="use when(Var('x')).exists() without a value",
                )
        elif cmp.right is None:
            c.add(
                "RD108",
                where,
                f"{label}: '{cmp.operator}' needs a right side",
                at=at,
                hint="give the value to compare with",
            )
        elif cmp.operator in _NUMERIC and not _REF.search(cmp.right):
            try:
                float(cmp.right)
            except ValueError:
                c.add(
                    "RD108",
                    where,
                    f"{label}: '{cmp.operator}' compares numbers but {cmp.right!r} is not one",
                    at=at,
                    hint="use == / contains for text, or a number here",
                )
