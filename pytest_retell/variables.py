"""Generated dynamic variables for the variables an agent declares, read from its compiled stack.

Declared means: the stack's call-time variables (``Stack.expect_call_variables``) and the
defaults (``.defaults(...)``: ``default_dynamic_variables``) of the engine an agent runs (its
LLM or flow, and the flow's components). :func:`declared_variables` lists them with their
defaults; :func:`dynamic_variables` draws a value for each (Retell's values are strings), by the
variable's name: a phone number for ``*phone*`` / ``*number*``, a date for ``*date*`` / ``dob``,
an e-mail address, a person's name, an order or account code, an amount, else short text. A
default is one of the values drawn. Pass ``values={"name": strategy-or-list}`` to choose.

>>> from retell_dsl import ChatAgent, ConversationFlow, ConversationNode, Stack
>>> flow = (ConversationFlow(name="shop").defaults(greeting="Hello").start_at("hi")
...         .node(ConversationNode(name="hi", static_text="{{greeting}} {{customer_name}}")))
>>> stack = Stack(name="shop").add(ChatAgent(name="chat", engine=flow)).expect_call_variables("customer_name")
>>> declared_variables(stack)
{'customer_name': None, 'greeting': 'Hello'}

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

from pytest_retell.values import dates, phone_numbers
from retell_dsl.errors import InvalidArgument

__all__ = ["declared_variables", "dynamic_variables", "value_strategy"]

_REF = re.compile(r"^\$ref:([a-z_]+\.[^\s]+)$")


def _compiled(source: Any) -> Any:
    import retell_dsl

    if isinstance(source, retell_dsl.Stack):
        return retell_dsl.compile(source)
    if isinstance(source, retell_dsl.CompiledStack):
        return source
    raise InvalidArgument(
        f"dynamic variables are read from a Stack or a compiled stack (retell_dsl.compile(stack)), got {source!r}"
    )


def _refs(payload: Any) -> list[str]:
    if isinstance(payload, str):
        m = _REF.match(payload)
        return [m.group(1)] if m else []
    if isinstance(payload, Mapping):
        return [a for v in payload.values() for a in _refs(v)]
    if isinstance(payload, list | tuple):
        return [a for v in payload for a in _refs(v)]
    return []


def declared_variables(source: Any, agent: str | None = None) -> dict[str, str | None]:
    """The variables the agents of ``source`` (a ``Stack`` or compiled stack) declare → their default (or ``None``).

    ``agent`` (an agent's or chat agent's name): only the variables of the engine it runs, and the
    stack's call-time variables.
    """
    compiled = _compiled(source)
    by_address = {r.address: r for r in compiled.resources}
    agents = [r for r in compiled.resources if r.kind in ("agent", "chat_agent")]
    if agent is not None:
        agents = [r for r in agents if r.name == agent]
        if not agents:
            names = sorted(r.name for r in compiled.resources if r.kind in ("agent", "chat_agent"))
            raise InvalidArgument(f"stack {compiled.name!r} has no agent named {agent!r}; its agents are {names}")
    out: dict[str, str | None] = dict.fromkeys(compiled.call_variables)
    seen: set[str] = set()
    todo = [r.address for r in agents]
    while todo:
        address = todo.pop()
        if address in seen or address not in by_address:
            continue
        seen.add(address)
        payload = by_address[address].payload
        for name, value in dict(payload.get("default_dynamic_variables") or {}).items():
            out[name] = str(value)
        todo.extend(a for a in _refs(payload) if a.split(".", 1)[0] in ("llm", "conversation_flow", "component"))
    return dict(sorted(out.items()))


_LETTERS = string.ascii_uppercase
_FIRST = ("Ana", "Ben", "Chloé", "Dmitri", "Emeka", "Fatima", "Giulia", "Hiro", "Inés", "José", "Kai", "Léa")
_LAST = ("Smith", "García", "Nguyen", "Okafor", "Müller", "O'Brien", "Kowalski", "Tanaka", "Silva", "Haddad")


def value_strategy(name: str) -> st.SearchStrategy[str]:
    """Values for a variable named ``name``, chosen by its name (see the module docs).

    >>> from hypothesis import find
    >>> find(value_strategy("customer_phone"), lambda v: v.startswith("+1"))
    '+12005550100'
    >>> find(value_strategy("order_id"), lambda v: True), find(value_strategy("delivery_date"), lambda v: True)
    ('A1', '2000-01-01')
    """
    key = name.lower()
    if "email" in key or "e_mail" in key:
        return st.builds(
            lambda user, domain: f"{user}@{domain}",
            st.text(st.sampled_from(string.ascii_lowercase + string.digits), min_size=1, max_size=12),
            st.sampled_from(["example.com", "example.org", "example.net"]),
        )
    if "phone" in key or key.endswith(("number", "_to", "_from")):
        return phone_numbers().map(str)
    if "date" in key or key in ("dob", "birthday"):
        return dates()
    if "name" in key:
        first, last = st.sampled_from(_FIRST), st.sampled_from(_LAST)
        if "first" in key:
            return first
        if "last" in key or "surname" in key:
            return last
        return st.builds(lambda f, la: f"{f} {la}", first, last)
    if key.endswith(("id", "code", "order", "reference", "ref", "account")):
        return st.builds(
            lambda letter, digits: f"{letter}{digits}", st.sampled_from(_LETTERS), st.integers(1, 99999).map(str)
        )
    if any(w in key for w in ("amount", "price", "total", "count", "balance", "age")):
        return st.integers(0, 10_000).map(str)
    return st.text(
        st.characters(codec="utf-8", exclude_categories=("C", "Z"), exclude_characters="{}"), min_size=1, max_size=20
    )


def dynamic_variables(
    source: Any,
    agent: str | None = None,
    *,
    values: Mapping[str, Any] | None = None,
    optional: bool = False,
) -> st.SearchStrategy[dict[str, str]]:
    """Dicts of a string for each variable the agent(s) of ``source`` declare (see the module docs).

    ``values``: a strategy, a list (sampled) or one string for some names (a name the agent does
    not declare is an error: a misspelt name would silently test nothing). ``optional``: a
    variable may also be missing (Retell then leaves ``{{name}}`` as it is, or uses the default).
    """
    declared = declared_variables(source, agent)
    chosen = dict(values or {})
    unknown = sorted(set(chosen) - set(declared))
    if unknown:
        raise InvalidArgument(
            f"values= names {unknown}, which the agent does not declare; it declares {sorted(declared)}"
        )
    fields: dict[str, st.SearchStrategy[str]] = {}
    for name, default in declared.items():
        if name in chosen:
            given = chosen[name]
            if isinstance(given, st.SearchStrategy):
                fields[name] = given
            elif isinstance(given, str):
                fields[name] = st.just(given)
            elif isinstance(given, Sequence) and given:
                fields[name] = st.sampled_from([str(v) for v in given])
            else:
                raise InvalidArgument(f"values[{name!r}] takes a strategy, a string or a non-empty list, got {given!r}")
        else:
            drawn = value_strategy(name)
            fields[name] = drawn if default is None else st.one_of(st.just(default), drawn)
    if optional:
        return st.fixed_dictionaries({}, optional=fields)
    return st.fixed_dictionaries(fields)
