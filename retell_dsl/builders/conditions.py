"""Transition conditions: natural-language prompts and deterministic equations.

An equation compares a runtime variable with a value; combine comparisons with ``&`` (all must
hold, Retell's ``&&``) or ``|`` (any may hold, ``||``). Retell evaluates one operator per condition,
so mixing ``&`` and ``|`` in one condition is refused at the call site.

>>> cond = when(Var("age")).ge(18) & when(Var("consent")).eq("yes")
>>> cond.operator, len(cond.comparisons)
('&&', 2)
>>> when("{{plan}}").exists()
Comparison(left='{{plan}}', operator='exists')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from retell_dsl.builders.base import Spec, require_tuple_of
from retell_dsl.builders.prompt import Prompt, Var
from retell_dsl.errors import InvalidArgument, InvalidSpec

__all__ = [
    "Comparison",
    "ComparisonOperator",
    "Condition",
    "Equation",
    "PromptCondition",
    "when",
]

ComparisonOperator = Literal["==", "!=", ">", ">=", "<", "<=", "contains", "not_contains", "exists", "not_exist"]
COMPARISON_OPERATORS: tuple[str, ...] = get_args(ComparisonOperator)
UNARY_OPERATORS = ("exists", "not_exist")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class PromptCondition(Spec):
    """A natural-language condition the LLM judges (``{"type": "prompt"}``).

    Plain strings given as ``when=`` become prompt conditions.

    >>> PromptCondition(prompt="Caller wants to book")
    PromptCondition(prompt='Caller wants to book')
    """

    prompt: str | Prompt


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Comparison(Spec):
    """One comparison ``left <operator> right``; ``right`` is left out for ``exists``/``not_exist``.

    >>> Comparison(left="{{age}}", operator=">=", right="18")
    Comparison(left='{{age}}', operator='>=', right='18')
    """

    left: str
    operator: str
    right: str | None = None

    def _check(self) -> None:
        if not isinstance(self.left, str):
            raise InvalidArgument(f"comparison left side must be a string, got {self.left!r}")
        if self.operator not in COMPARISON_OPERATORS:
            allowed = ", ".join(COMPARISON_OPERATORS)
            raise InvalidSpec(f"unknown comparison operator {self.operator!r}; use one of {allowed}")

    def __and__(self, other: Comparison | Equation) -> Equation:
        return Equation(operator="&&", comparisons=(self,))._combine("&&", other)

    def __or__(self, other: Comparison | Equation) -> Equation:
        return Equation(operator="||", comparisons=(self,))._combine("||", other)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Equation(Spec):
    """Comparisons joined by one operator: ``&&`` (all) or ``||`` (any).

    >>> Equation(operator="||", comparisons=(when(Var("a")).eq("1"), when(Var("b")).eq("2"))).operator
    '||'
    """

    operator: Literal["&&", "||"] = "&&"
    comparisons: tuple[Comparison, ...] = ()

    def _check(self) -> None:
        if self.operator not in ("&&", "||"):
            raise InvalidSpec(f"equation operator must be '&&' or '||', got {self.operator!r}")
        require_tuple_of(self.comparisons, Comparison, "Equation comparisons")

    def _combine(self, operator: Literal["&&", "||"], other: Comparison | Equation) -> Equation:
        __tracebackhide__ = True
        if isinstance(other, Comparison):
            extra: tuple[Comparison, ...] = (other,)
        elif isinstance(other, Equation):
            if len(other.comparisons) > 1 and other.operator != operator:
                raise InvalidSpec(
                    "Retell conditions use one operator: cannot mix '&' (&&) and '|' (||) in one"
                    " condition; split it into two edges instead"
                )
            extra = other.comparisons
        else:
            raise InvalidArgument(f"cannot combine a condition with {type(other).__name__}")
        if len(self.comparisons) > 1 and self.operator != operator:
            raise InvalidSpec(
                "Retell conditions use one operator: cannot mix '&' (&&) and '|' (||) in one"
                " condition; split it into two edges instead"
            )
        return Equation(operator=operator, comparisons=self.comparisons + extra)

    def __and__(self, other: Comparison | Equation) -> Equation:
        return self._combine("&&", other)

    def __or__(self, other: Comparison | Equation) -> Equation:
        return self._combine("||", other)


Condition = str | Prompt | PromptCondition | Comparison | Equation
"""Anything accepted as ``when=``: a prompt (str/Prompt/PromptCondition) or an equation."""


class when:
    """Start a comparison on a runtime variable: ``when(Var("age")).ge(18)``."""

    __slots__ = ("_left",)

    def __init__(self, left: Var | str) -> None:
        __tracebackhide__ = True
        if isinstance(left, Var):
            self._left = left.ref
        elif isinstance(left, str):
            self._left = left if "{{" in left else Var(left).ref
        else:
            raise InvalidArgument(f"when() takes a Var or a variable name, got {left!r}")

    def _cmp(self, operator: str, right: object) -> Comparison:
        if isinstance(right, bool):
            value = "true" if right else "false"
        elif isinstance(right, Var):
            value = right.ref
        else:
            value = str(right)
        return Comparison(left=self._left, operator=operator, right=value)

    def eq(self, right: object) -> Comparison:
        """``left == right``"""
        return self._cmp("==", right)

    def ne(self, right: object) -> Comparison:
        """``left != right``"""
        return self._cmp("!=", right)

    def gt(self, right: object) -> Comparison:
        """``left > right``"""
        return self._cmp(">", right)

    def ge(self, right: object) -> Comparison:
        """``left >= right``"""
        return self._cmp(">=", right)

    def lt(self, right: object) -> Comparison:
        """``left < right``"""
        return self._cmp("<", right)

    def le(self, right: object) -> Comparison:
        """``left <= right``"""
        return self._cmp("<=", right)

    def contains(self, right: object) -> Comparison:
        """``left contains right``"""
        return self._cmp("contains", right)

    def not_contains(self, right: object) -> Comparison:
        """``left not_contains right``"""
        return self._cmp("not_contains", right)

    def exists(self) -> Comparison:
        """``left exists`` (the variable has a value)"""
        return Comparison(left=self._left, operator="exists")

    def not_exists(self) -> Comparison:
        """``left not_exist``"""
        return Comparison(left=self._left, operator="not_exist")


def as_condition(value: Condition) -> PromptCondition | Equation:
    """Normalise what users pass as ``when=``."""
    __tracebackhide__ = True
    if isinstance(value, PromptCondition | Equation):
        return value
    if isinstance(value, Comparison):
        return Equation(operator="&&", comparisons=(value,))
    if isinstance(value, str | Prompt):
        return PromptCondition(prompt=value)
    raise InvalidArgument(
        f"a condition must be a prompt string, a Prompt or an equation (when(...).eq(...)), got {value!r}"
    )
