"""The equation evaluator against retell-runtime.md §3, table-driven with exact results."""

from __future__ import annotations

from typing import Any

import pytest

from retell_dsl.wire.equations import OPERATORS, as_number, compare, evaluate

V = dict[str, str | None]
VARS: V = {"city": "New York", "age": "21", "zero": "0", "empty": "", "nothing": None, "word": "ten", "neg": "-3.5"}


def cmp(left: str, op: str, right: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"left": left, "operator": op}
    if right is not None:
        out["right"] = right
    return out


COMPARISONS: list[tuple[dict[str, Any], bool]] = [
    # == and != compare strings exactly, after substitution
    (cmp("{{city}}", "==", "New York"), True),
    (cmp("{{city}}", "==", "new york"), False),  # case matters
    (cmp("{{city}}", "==", "New York "), False),  # spaces matter
    (cmp("{{age}}", "==", "21.0"), False),  # strings, not numbers
    (cmp("{{age}}", "!=", "21.0"), True),
    (cmp("{{city}}", "!=", "New York"), False),
    (cmp("{{city}}", "==", "{{city}}"), True),  # both sides may hold references
    (cmp("{{empty}}", "==", ""), True),
    (cmp("{{missing}}", "==", ""), False),  # a missing variable stays "{{missing}}"
    (cmp("{{missing}}", "==", "{{missing}}"), True),
    (cmp("{{nothing}}", "!=", ""), True),
    # contains / not_contains: the left side is the container
    (cmp("New York, Los Angeles", "contains", "{{city}}"), True),
    (cmp("{{city}}", "contains", "New York, Los Angeles"), False),
    (cmp("{{city}}", "contains", "York"), True),
    (cmp("{{city}}", "contains", "york"), False),
    (cmp("{{city}}", "contains", ""), True),
    (cmp("{{city}}", "not_contains", "Boston"), True),
    (cmp("{{city}}", "not_contains", "York"), False),
    # > >= < <= need numbers on both sides, else false
    (cmp("{{age}}", ">", "18"), True),
    (cmp("{{age}}", ">", "21"), False),
    (cmp("{{age}}", ">=", "21"), True),
    (cmp("{{age}}", "<", "100"), True),  # numeric, not lexicographic ("21" > "100" as text)
    (cmp("{{age}}", "<=", "20.99"), False),
    (cmp("{{neg}}", "<", "{{zero}}"), True),
    (cmp("{{age}}", ">", "1e1"), True),
    (cmp("{{word}}", ">", "1"), False),
    (cmp("{{word}}", "<=", "1"), False),  # not a number: false for every order operator
    (cmp("{{age}}", ">", "ten"), False),
    (cmp("{{empty}}", "<", "1"), False),  # "" is not a number
    (cmp("{{missing}}", ">=", "0"), False),
    (cmp("{{nothing}}", "<", "1"), False),
    # exists / not_exist: defined, even as ""
    (cmp("{{city}}", "exists"), True),
    (cmp("{{empty}}", "exists"), True),
    (cmp("{{nothing}}", "exists"), False),
    (cmp("{{missing}}", "exists"), False),
    (cmp("{{ city }}", "exists"), True),
    (cmp("{{city}} {{missing}}", "exists"), False),  # every referenced variable must be defined
    (cmp("literal", "exists"), True),  # no reference: a literal, which exists
    (cmp("{{city}}", "not_exist"), False),
    (cmp("{{empty}}", "not_exist"), False),
    (cmp("{{nothing}}", "not_exist"), True),
    (cmp("{{missing}}", "not_exist"), True),
]


@pytest.mark.parametrize(("comparison", "expected"), COMPARISONS)
def test_compare(comparison: dict[str, Any], expected: bool) -> None:
    assert compare(comparison, VARS) is expected


def test_every_operator_is_covered_by_the_table() -> None:
    assert {c["operator"] for c, _ in COMPARISONS} == set(OPERATORS)


@pytest.mark.parametrize(
    ("comparison", "defaults", "expected"),
    [
        (cmp("{{tier}}", "==", "gold"), {"tier": "gold"}, True),  # defaults fill gaps
        (cmp("{{tier}}", "exists"), {"tier": "gold"}, True),
        (cmp("{{empty}}", "==", ""), {"empty": "x"}, True),  # "" is a value: the default is not used
        (cmp("{{nothing}}", "==", "d"), {"nothing": "d"}, True),  # null: the default fills it
        (cmp("{{count}}", ">", "2"), {"count": "3"}, True),
        (cmp("{{tier}}", "not_exist"), {"tier": None}, True),
    ],
)
def test_compare_with_defaults(comparison: dict[str, Any], defaults: V, expected: bool) -> None:
    assert compare(comparison, VARS, defaults=defaults) is expected


def group(op: str | None, *comparisons: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "equation", "equations": list(comparisons)}
    if op is not None:
        out["operator"] = op
    return out


T, F = cmp("{{city}}", "exists"), cmp("{{missing}}", "exists")


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (group("&&", T, T), True),
        (group("&&", T, F), False),
        (group("&&", F, F), False),
        (group("||", T, F), True),
        (group("||", F, T), True),
        (group("||", F, F), False),
        (group("&&", T), True),
        (group("||", F), False),
        (group(None, T, F), False),  # no operator: &&
        (group(None, T, T), True),
        (group("&&"), False),  # no comparisons never holds
        (group("||"), False),
        ({"type": "equation", "operator": "&&"}, False),
    ],
)
def test_evaluate(condition: dict[str, Any], expected: bool) -> None:
    assert evaluate(condition, VARS) is expected


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        (group("&&", cmp("{{city}}", "=~", "x")), "unknown equation operator '=~'"),
        # checked even after a comparison that already decided the group
        (group("||", T, cmp("{{city}}", "===", "x")), "unknown equation operator '==='"),
        (group("and", T), "unknown equation group operator 'and'"),
    ],
)
def test_unknown_operators_are_refused(condition: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        evaluate(condition, VARS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0.0),
        ("42", 42.0),
        (" 42 ", 42.0),
        ("+7", 7.0),
        ("-1.5", -1.5),
        ("1.", 1.0),
        (".5", 0.5),
        ("2e3", 2000.0),
        ("-1.5E-1", -0.15),
        ("", None),
        ("  ", None),
        ("ten", None),
        ("1,000", None),
        ("1_000", None),  # Python's float() accepts it; it is no number in Retell
        ("nan", None),
        ("inf", None),
        ("-Infinity", None),
        ("1e400", None),  # overflows to infinity
        ("0x10", None),
        ("1 2", None),
        ("{{age}}", None),
    ],
)
def test_as_number(text: str, expected: float | None) -> None:
    assert as_number(text) == expected
