"""A deterministic model for tests: ordered rules, first match wins, and every rule must be used.

A :class:`Rule` matches on where the engine is (``node`` id or name, ``state``, ``purpose``),
on the last user turn (``user``: a case-insensitive substring, a compiled regex, or a
predicate), on the tools offered (``tools``: each must be offered) and on anything else
(``when``: a predicate on the whole request). It answers text (:meth:`Rule.say`), a tool call
(:meth:`Rule.call`) or a transition (:meth:`Rule.transition`, see
:mod:`retell_dsl.sim.models.transitions` for the convention). A rule that calls a tool, or
takes a transition, only matches a request that offers it. ``times=N`` retires a rule after N
uses; the default is unlimited.

A request no rule matches raises :class:`ScriptMismatch` listing where the engine was, the last
user turn, the tools offered and every rule: the model never invents a reply.
:meth:`ScriptedModel.assert_complete` fails listing the rules that were never (fully) used,
like pytest_httpx's unused-response check.

>>> import asyncio
>>> from retell_dsl.sim.models.interface import Message, ModelContext, ModelRequest
>>> model = ScriptedModel(
...     Rule(user="table", times=1).say("For how many people?"),
...     Rule(node="goodbye").say("Bye!"),
... )
>>> request = ModelRequest(messages=(Message.user("A table, please"),), context=ModelContext(node_name="greet"))
>>> asyncio.run(model.complete(request)).text
'For how many people?'
>>> [rule.describe() for rule in model.unused_rules()]
["node='goodbye' → say 'Bye!'"]
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from retell_dsl.errors import InvalidArgument, RetellDSLError, count
from retell_dsl.sim.models.errors import ScriptMismatch
from retell_dsl.sim.models.interface import ModelReply, ModelRequest, Purpose, ToolCall, ToolSchema
from retell_dsl.sim.models.transitions import TRANSITION_PREFIX

__all__ = ["Rule", "ScriptIncomplete", "ScriptedModel"]

UserMatcher = str | re.Pattern[str] | Callable[[str], bool]


class ScriptIncomplete(RetellDSLError, AssertionError):
    """:meth:`ScriptedModel.assert_complete` found rules that were not used up.

    >>> issubclass(ScriptIncomplete, AssertionError)
    True
    """


@dataclass(frozen=True, slots=True, kw_only=True)
class _Call:
    """A scripted tool call (``transition`` names an edge target instead of a tool)."""

    name: str
    arguments: Mapping[str, Any] = field(default_factory=dict, hash=False)
    transition: bool = False


def _pattern_text(value: object) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, re.Pattern):
        return f"re.compile({value.pattern!r})"
    return str(getattr(value, "__name__", "<predicate>"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One scripted answer and the requests it answers (every condition left ``None`` matches anything).

    >>> Rule(purpose="prompt_condition", user="book").transition("booking").describe()
    "purpose='prompt_condition', user='book' → transition to 'booking'"
    """

    node: str | None = None
    state: str | None = None
    purpose: Purpose | None = None
    user: UserMatcher | None = None
    tools: tuple[str, ...] = ()
    when: Callable[[ModelRequest], bool] | None = None
    times: int | None = None
    description: str = ""
    text: str | None = None
    calls: tuple[_Call, ...] = ()

    def __post_init__(self) -> None:
        if self.times is not None and self.times < 1:
            raise InvalidArgument(f"times must be at least 1 (or None for unlimited), got {self.times!r}")
        if isinstance(self.tools, str):  # type: ignore[unreachable]  # a common slip: tools="book"
            raise InvalidArgument(f"tools must be a tuple of tool names, got the string {self.tools!r}")

    def say(self, text: str) -> Rule:
        """Answer ``text`` (besides any tool calls of this rule).

        >>> Rule().say("Hello").text
        'Hello'
        """
        return dataclasses.replace(self, text=text)

    def call(self, name: str, arguments: Mapping[str, Any] | None = None) -> Rule:
        """Also call the tool ``name`` with ``arguments`` (the rule then needs ``name`` offered).

        >>> Rule(user="bye").call("end_call").describe()
        "user='bye' → call 'end_call'"
        """
        return dataclasses.replace(self, calls=(*self.calls, _Call(name=name, arguments=dict(arguments or {}))))

    def transition(self, target: str, arguments: Mapping[str, Any] | None = None) -> Rule:
        """Take the offered transition to ``target``: a node name or id, an edge id, a state, or the tool's name.

        >>> print(Rule(state="cart").transition("checkout", {"total": 3}).describe())
        state='cart' → transition to 'checkout' {"total": 3}
        """
        call = _Call(name=target, arguments=dict(arguments or {}), transition=True)
        return dataclasses.replace(self, calls=(*self.calls, call))

    def describe(self) -> str:
        """A one-line description for error messages (``description`` when given)."""
        if self.description:
            return self.description
        conditions = [
            f"{name}={value!r}" for name in ("node", "state", "purpose") if (value := getattr(self, name)) is not None
        ]
        if self.user is not None:
            conditions.append(f"user={_pattern_text(self.user)}")
        if self.tools:
            conditions.append(f"tools={self.tools!r}")
        if self.when is not None:
            conditions.append(f"when={_pattern_text(self.when)}")
        answers = [f"say {self.text!r}"] if self.text is not None else []
        for c in self.calls:
            args = f" {json.dumps(dict(c.arguments))}" if c.arguments else ""
            answers.append(f"transition to {c.name!r}{args}" if c.transition else f"call {c.name!r}{args}")
        return f"{', '.join(conditions) or 'any request'} → {' + '.join(answers) or 'nothing'}"

    def _tool_for(self, call: _Call, request: ModelRequest) -> ToolSchema | None:
        if not call.transition:
            return request.tool(call.name)
        for tool in request.tools:
            if tool.name in (call.name, TRANSITION_PREFIX + call.name):
                return tool
            if tool.target is not None and call.name in tool.target.names:
                return tool
        return None

    def matches(self, request: ModelRequest) -> bool:
        """Whether this rule answers ``request`` (ignoring ``times``)."""
        ctx = request.context
        if self.node is not None and self.node not in (ctx.node_id, ctx.node_name):
            return False
        if (self.state is not None and self.state != ctx.state) or (
            self.purpose is not None and self.purpose != ctx.purpose
        ):
            return False
        if self.user is not None and not _user_matches(self.user, request.last_user_text):
            return False
        offered = request.tool_names
        if any(name not in offered for name in self.tools):
            return False
        if any(self._tool_for(c, request) is None for c in self.calls):
            return False
        return self.when is None or bool(self.when(request))


def _user_matches(matcher: UserMatcher, text: str) -> bool:
    if isinstance(matcher, str):
        return matcher.casefold() in text.casefold()
    if isinstance(matcher, re.Pattern):
        return matcher.search(text) is not None
    return bool(matcher(text))


class ScriptedModel:
    """A :class:`~retell_dsl.sim.models.Model` answering from :class:`Rule` s; ``calls`` records every request.

    >>> model = ScriptedModel(Rule(user="hi").say("Hello")).add(Rule().say("Sorry?"))
    >>> model
    ScriptedModel(2 rules, 0 calls)
    """

    def __init__(self, *rules: Rule) -> None:
        self.rules: list[Rule] = []
        self.uses: list[int] = []
        self.calls: list[ModelRequest] = []
        self._call_ids = 0
        self.add(*rules)

    def __repr__(self) -> str:
        return f"ScriptedModel({len(self.rules)} rules, {len(self.calls)} calls)"

    def add(self, *rules: Rule) -> ScriptedModel:
        """Append rules (after the existing ones, so they match later); returns this model."""
        for rule in rules:
            if not isinstance(rule, Rule):
                raise InvalidArgument(f"ScriptedModel takes Rule objects, got {type(rule).__name__}: {rule!r}")
            if rule.text is None and not rule.calls:
                raise InvalidArgument(
                    f"the rule {rule.describe()!r} answers nothing: add .say(), .call() or .transition()"
                )
            self.rules.append(rule)
            self.uses.append(0)
        return self

    async def complete(self, request: ModelRequest) -> ModelReply:
        """Answer with the first unexhausted matching rule, or raise :class:`ScriptMismatch`."""
        self.calls.append(request)
        for index, rule in enumerate(self.rules):
            if rule.times is not None and self.uses[index] >= rule.times:
                continue
            if rule.matches(request):
                self.uses[index] += 1
                return self._reply(rule, request)
        raise ScriptMismatch(self._mismatch(request), where=request.context.where)

    def _reply(self, rule: Rule, request: ModelRequest) -> ModelReply:
        calls: list[ToolCall] = []
        for call in rule.calls:
            tool = rule._tool_for(call, request)
            assert tool is not None  # matches() checked it
            self._call_ids += 1
            calls.append(ToolCall.of(tool.name, call.arguments, id=f"call_scripted_{self._call_ids}"))
        return ModelReply(
            text=rule.text, tool_calls=tuple(calls), finish_reason="tool_calls" if calls else "stop", model="scripted"
        )

    def _status(self, index: int) -> str:
        times = self.rules[index].times
        used = self.uses[index]
        if times is not None and used >= times:
            return f"used up, {used}/{times}"
        return f"used {used}/{'unlimited' if times is None else times}"

    def _mismatch(self, request: ModelRequest) -> str:
        tools = ", ".join(repr(n) for n in request.tool_names) or "none"
        lines = [
            f"no scripted rule matches this request (purpose {request.context.purpose!r})",
            f"  last user turn: {request.last_user_text!r}",
            f"  tools offered: {tools}",
            "  rules:" if self.rules else "  rules: none",
        ]
        lines += [f"    {i + 1}. {r.describe()} ({self._status(i)})" for i, r in enumerate(self.rules)]
        lines.append("Add a rule for this request; a scripted model never invents a reply.")
        return "\n".join(lines)

    def unused_rules(self) -> list[Rule]:
        """The rules no request used."""
        return [rule for rule, used in zip(self.rules, self.uses, strict=True) if used == 0]

    def assert_complete(self) -> None:
        """Fail listing every rule never used, and every ``times=N`` rule used fewer than N times.

        >>> ScriptedModel(Rule(user="hi").say("Hello")).assert_complete()
        Traceback (most recent call last):
        ...
        retell_dsl.sim.models.scripted.ScriptIncomplete: 1 scripted rule was not used up:
          1. user='hi' → say 'Hello' (used 0/unlimited)
        """
        __tracebackhide__ = True
        pending = [
            i
            for i, (rule, used) in enumerate(zip(self.rules, self.uses, strict=True))
            if used == 0 or (rule.times is not None and used < rule.times)
        ]
        if pending:
            body = "\n".join(f"  {i + 1}. {self.rules[i].describe()} ({self._status(i)})" for i in pending)
            were = "was" if len(pending) == 1 else "were"
            raise ScriptIncomplete(f"{count(len(pending), 'scripted rule')} {were} not used up:\n{body}")
