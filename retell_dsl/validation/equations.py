"""Rule RD108: equations Retell can evaluate."""

from __future__ import annotations

from retell_dsl.builders.conditions import Equation, PromptCondition, as_condition
from retell_dsl.builders.flow import Edge
from retell_dsl.validation._collect import Collector
from retell_dsl.wire.equations import NUMERIC_OPERATORS, UNARY_OPERATORS, as_number
from retell_dsl.wire.variables import has_reference

__all__ = ["check_condition"]


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
        if not has_reference(cmp.left):
            c.add(
                "RD108",
                where,
                f"{label}: the left side is not a {{{{variable}}}} reference",
                at=at,
                hint="compare a runtime variable: when(Var('name')).eq(...)",
            )
        if cmp.operator in UNARY_OPERATORS:
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
        elif cmp.operator in NUMERIC_OPERATORS and not has_reference(cmp.right) and as_number(cmp.right) is None:
            c.add(
                "RD108",
                where,
                f"{label}: '{cmp.operator}' compares numbers but {cmp.right!r} is not one",
                at=at,
                hint="use == / contains for text, or a number here",
            )
