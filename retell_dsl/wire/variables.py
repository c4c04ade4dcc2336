"""Retell's runtime (dynamic) variables: the ``{{name}}`` pattern and the substitution rules.

From retell-runtime.md §5: ``{{name}}`` with surrounding spaces trimmed; values are strings; a
variable that is missing (or ``null``) stays in its raw form, braces included; ``""`` replaces
with nothing and skips the default; ``default_dynamic_variables`` fill the gaps; nested forms such
as ``{{current_time_{{tz}}}}`` evaluate inside out.

>>> substitute("Hi {{ name }}, it is {{current_time_{{tz}}}}.", {"name": "Ana", "tz": "UTC"},
...            defaults={"current_time_UTC": "noon"})
'Hi Ana, it is noon.'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = [
    "REFERENCE",
    "VARIABLE_NAME",
    "has_reference",
    "is_reference",
    "is_variable_name",
    "reference",
    "substitute",
    "variable_names",
]

#: A variable name as retell-dsl accepts it (letters, digits, ``_``, ``.``, ``-``; not starting with a digit).
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
#: A ``{{ name }}`` reference; group 1 is the name, surrounding spaces trimmed.
REFERENCE = re.compile(r"\{\{\s*(" + VARIABLE_NAME.pattern + r")\s*\}\}")

_OPEN, _CLOSE = "{{", "}}"


def is_variable_name(name: str) -> bool:
    """Whether ``name`` is a valid variable name.

    >>> is_variable_name("customer.name"), is_variable_name("2fa"), is_variable_name("a b")
    (True, False, False)
    """
    return VARIABLE_NAME.fullmatch(name) is not None


def reference(name: str) -> str:
    """The ``{{name}}`` reference to a variable.

    >>> reference("city")
    '{{city}}'
    """
    return _OPEN + name + _CLOSE


def variable_names(text: str) -> tuple[str, ...]:
    """Every variable ``text`` refers to with ``{{name}}``, in order of first use (each once).

    >>> variable_names("Hi {{name}}, it is {{ current_time }}; bye {{name}}")
    ('name', 'current_time')
    """
    return tuple(dict.fromkeys(m.group(1) for m in REFERENCE.finditer(text)))


def has_reference(text: str) -> bool:
    """Whether ``text`` contains at least one ``{{name}}`` reference.

    >>> has_reference("at {{ time }}"), has_reference("{{ not a name }}")
    (True, False)
    """
    return REFERENCE.search(text) is not None


def is_reference(text: str) -> bool:
    """Whether ``text`` is exactly one ``{{name}}`` reference and nothing else.

    >>> is_reference("{{ city }}"), is_reference("in {{city}}")
    (True, False)
    """
    return REFERENCE.fullmatch(text) is not None


def _lookup(inner: str, variables: Mapping[str, str | None], defaults: Mapping[str, str | None]) -> str:
    name = inner.strip()
    value = variables.get(name)
    if value is None:
        value = defaults.get(name)
    return _OPEN + inner + _CLOSE if value is None else value


def substitute(
    text: str, variables: Mapping[str, str | None], *, defaults: Mapping[str, str | None] | None = None
) -> str:
    """``text`` with every ``{{name}}`` replaced as Retell does at runtime.

    A variable given in ``variables`` wins; a missing or ``None`` one is taken from ``defaults``;
    a variable in neither stays as written, braces included. ``""`` is a value (it replaces the
    reference with nothing and the default is not used). Inner references are replaced first,
    so ``{{current_time_{{tz}}}}`` looks up ``current_time_<tz>``. Substituted values are not
    scanned again, and braces that do not pair up are kept as they are.

    >>> substitute("{{ a }}|{{b}}|{{c}}|{{d}}", {"a": "1", "b": "", "c": None}, defaults={"b": "x", "c": "3"})
    '1||3|{{d}}'
    >>> substitute("{{x}} and {{", {"x": "{{y}}", "y": "no"})
    '{{y}} and {{'
    """
    fallback = defaults or {}
    stack: list[list[str]] = [[]]
    i = 0
    while i < len(text):
        if text.startswith(_OPEN, i):
            stack.append([])
            i += 2
        elif text.startswith(_CLOSE, i) and len(stack) > 1:
            inner = "".join(stack.pop())
            stack[-1].append(_lookup(inner, variables, fallback))
            i += 2
        else:
            stack[-1].append(text[i])
            i += 1
    while len(stack) > 1:  # "{{" never closed: keep it as written
        inner = "".join(stack.pop())
        stack[-1].append(_OPEN + inner)
    return "".join(stack[0])
