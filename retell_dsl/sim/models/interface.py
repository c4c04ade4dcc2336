"""The one interface between the engine and a language model: a request in, a reply out.

Messages are in OpenAI chat shape (``system`` / ``user`` / ``assistant`` / ``tool`` roles, assistant
``tool_calls``), tools are JSON Schema function definitions, and every request says where the
engine is (:class:`ModelContext`), so errors and scripted rules can name the node or state.

>>> request = ModelRequest(
...     messages=(Message.system("You book tables."), Message.user("A table for two, please.")),
...     tools=(ToolSchema("book", "Book a table", {"type": "object", "properties": {}}),),
...     context=ModelContext(purpose="reply", node_id="n1", node_name="greet"),
... )
>>> request.last_user_text, request.tool_names, request.context.where
('A table for two, please.', ('book',), "node 'greet' (n1)")
>>> reply = ModelReply(tool_calls=(ToolCall.of("book", {"people": 2}),))
>>> validate_reply(request, reply) is reply
True
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from retell_dsl.sim.models.errors import InvalidModelReply

__all__ = [
    "EdgeTarget",
    "Message",
    "Model",
    "ModelContext",
    "ModelReply",
    "ModelRequest",
    "Purpose",
    "Role",
    "ToolCall",
    "ToolSchema",
    "Usage",
    "validate_reply",
]

Role = Literal["system", "user", "assistant", "tool"]
#: Why the engine asks: a spoken reply, choosing a prompt-condition edge, filling a tool's
#: arguments, extracting variables, post-call analysis, a simulated caller, a judge.
Purpose = Literal["reply", "prompt_condition", "tool_arguments", "extraction", "analysis", "persona", "judge"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCall:
    """One tool call of a reply: ``arguments`` parsed, ``raw_arguments`` as the model sent them.

    >>> ToolCall.of("book", {"people": 2}).raw_arguments
    '{"people": 2}'
    """

    id: str
    name: str
    arguments: Mapping[str, Any] = field(default_factory=dict, hash=False)
    raw_arguments: str = "{}"

    @classmethod
    def of(cls, name: str, arguments: Mapping[str, Any] | None = None, *, id: str = "") -> ToolCall:
        """A call with ``raw_arguments`` serialised from ``arguments`` (``id`` defaults to ``call_<name>``)."""
        args = dict(arguments or {})
        return cls(id=id or f"call_{name}", name=name, arguments=args, raw_arguments=json.dumps(args))

    def to_openai(self) -> dict[str, Any]:
        """The OpenAI ``tool_calls`` item.

        >>> ToolCall.of("end_call").to_openai()["function"]
        {'name': 'end_call', 'arguments': '{}'}
        """
        return {"id": self.id, "type": "function", "function": {"name": self.name, "arguments": self.raw_arguments}}


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    """One chat message in OpenAI shape.

    >>> Message.tool_result("call_1", '{"ok": true}').to_openai()
    {'role': 'tool', 'content': '{"ok": true}', 'tool_call_id': 'call_1'}
    """

    role: Role
    content: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None

    @classmethod
    def system(cls, content: str) -> Message:
        """A system message.

        >>> Message.system("Be brief.").role
        'system'
        """
        return cls(role="system", content=content)

    @classmethod
    def user(cls, content: str) -> Message:
        """A user (caller) message.

        >>> Message.user("hi").to_openai()
        {'role': 'user', 'content': 'hi'}
        """
        return cls(role="user", content=content)

    @classmethod
    def assistant(cls, content: str | None = None, tool_calls: tuple[ToolCall, ...] = ()) -> Message:
        """An assistant (agent) message, with text and/or tool calls.

        >>> Message.assistant(tool_calls=(ToolCall.of("end_call"),)).to_openai()["content"] is None
        True
        """
        return cls(role="assistant", content=content, tool_calls=tool_calls)

    @classmethod
    def tool_result(cls, tool_call_id: str, content: str) -> Message:
        """The result of the tool call ``tool_call_id``.

        >>> Message.tool_result("call_1", "ok").role
        'tool'
        """
        return cls(role="tool", content=content, tool_call_id=tool_call_id)

    def to_openai(self) -> dict[str, Any]:
        """The chat-completions message object (``content`` is ``null`` only beside tool calls)."""
        out: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.content is None and not self.tool_calls:
            out["content"] = ""
        if self.tool_calls:
            out["tool_calls"] = [c.to_openai() for c in self.tool_calls]
        if self.tool_call_id is not None:
            out["tool_call_id"] = self.tool_call_id
        if self.name is not None:
            out["name"] = self.name
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class EdgeTarget:
    """Where a transition tool leads: engine-side metadata of a :class:`ToolSchema`, never sent to a provider.

    Flows fill ``edge_id`` and the destination node (``node_id``/``node_name``); Retell LLM state
    edges fill ``state``. A scripted ``transition(...)`` answer names any one of them.

    >>> EdgeTarget(edge_id="e1", node_id="n2", node_name="booking").names
    ('e1', 'n2', 'booking')
    """

    edge_id: str | None = None
    node_id: str | None = None
    node_name: str | None = None
    state: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every name this target answers to."""
        return tuple(n for n in (self.edge_id, self.node_id, self.node_name, self.state) if n)


@dataclass(frozen=True, slots=True)
class ToolSchema:
    """A function the model may call: a name, a description and JSON Schema ``parameters``.

    >>> ToolSchema("end_call", "End the call").to_openai()["function"]["parameters"]
    {'type': 'object', 'properties': {}}
    """

    name: str
    description: str = ""
    parameters: Mapping[str, Any] = field(
        default_factory=lambda: {"type": "object", "properties": {}}, hash=False, compare=True
    )
    target: EdgeTarget | None = field(default=None, kw_only=True)

    def to_openai(self) -> dict[str, Any]:
        """The chat-completions ``tools`` item (``target`` stays on this side)."""
        function: dict[str, Any] = {"name": self.name, "parameters": dict(self.parameters)}
        if self.description:
            function["description"] = self.description
        return {"type": "function", "function": function}


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelContext:
    """Where the engine is when it asks: the flow node (id/name) or the Retell LLM state, and why.

    >>> ModelContext(purpose="prompt_condition", state="booking").where
    "state 'booking'"
    >>> ModelContext().where
    'the response engine'
    """

    purpose: Purpose = "reply"
    node_id: str | None = None
    node_name: str | None = None
    state: str | None = None
    component_id: str | None = None

    @property
    def where(self) -> str:
        """A short phrase naming the place, for error messages."""
        parts: list[str] = []
        if self.node_name or self.node_id:
            node = f"node {self.node_name!r}" if self.node_name else f"node {self.node_id!r}"
            if self.node_name and self.node_id:
                node += f" ({self.node_id})"
            parts.append(node)
        if self.component_id:
            parts.append(f"in component {self.component_id!r}")
        if self.state:
            parts.append(f"state {self.state!r}")
        return " ".join(parts) or "the response engine"


#: ``"auto"`` lets the model choose, ``"required"`` forces some tool, a tool's name forces that one.
ToolChoice = str


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelRequest:
    """Everything a model needs for one completion.

    ``retell_model`` is the model the agent asked for (``gpt-4.1``…); providers map it to theirs.
    ``tool_choice`` is ``"auto"``, ``"required"`` or the name of one offered tool.

    >>> ModelRequest(messages=(Message.user("hi"),), retell_model="gpt-4.1").tool_choice
    'auto'
    """

    messages: tuple[Message, ...]
    tools: tuple[ToolSchema, ...] = ()
    tool_choice: ToolChoice = "auto"
    temperature: float | None = None
    retell_model: str | None = None
    context: ModelContext = field(default_factory=ModelContext)

    @property
    def last_user_text(self) -> str:
        """The content of the last user message (``""`` when the user has not spoken)."""
        for message in reversed(self.messages):
            if message.role == "user":
                return message.content or ""
        return ""

    @property
    def tool_names(self) -> tuple[str, ...]:
        """The names of the offered tools, in order."""
        return tuple(t.name for t in self.tools)

    def tool(self, name: str) -> ToolSchema | None:
        """The offered tool called ``name``, if any."""
        return next((t for t in self.tools if t.name == name), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Usage:
    """Token usage of one completion (zeros when the provider does not report it).

    >>> Usage(prompt_tokens=10, completion_tokens=5, total_tokens=15).total_tokens
    15
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelReply:
    """What the model answered: text and/or tool calls.

    >>> ModelReply(text="Hello!").finish_reason
    'stop'
    """

    text: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str = "stop"
    usage: Usage = field(default_factory=Usage)
    model: str = ""


@runtime_checkable
class Model(Protocol):
    """Anything that completes a :class:`ModelRequest`; the engine awaits it, with a bound of its own.

    >>> class Echo:
    ...     async def complete(self, request: ModelRequest) -> ModelReply:
    ...         return ModelReply(text=request.last_user_text)
    >>> isinstance(Echo(), Model)
    True
    """

    async def complete(self, request: ModelRequest) -> ModelReply:
        """Answer ``request``, or raise a :class:`~retell_dsl.sim.models.ModelError`."""
        ...


def validate_reply(request: ModelRequest, reply: ModelReply) -> ModelReply:
    """Return ``reply`` if it is usable for ``request``; raise :class:`InvalidModelReply` otherwise.

    Usable: it has text or tool calls (an empty answer is allowed only when choosing an edge,
    ``purpose="prompt_condition"``, where it means "no condition holds"), every tool call names an
    offered tool, and arguments are a JSON object; a forced ``tool_choice`` was obeyed. The engine
    calls this for every model; providers call it too.

    >>> request = ModelRequest(messages=(Message.user("hi"),), context=ModelContext(state="intro"))
    >>> validate_reply(request, ModelReply(tool_calls=(ToolCall.of("refund"),)))
    Traceback (most recent call last):
    ...
    retell_dsl.sim.models.errors.InvalidModelReply: state 'intro': the model called the tool 'refund', which...
    """
    where = request.context.where
    empty_ok = request.context.purpose == "prompt_condition"
    if not reply.tool_calls and not (reply.text or "").strip() and not empty_ok:
        raise InvalidModelReply(
            f"the model answered neither text nor a tool call (finish_reason {reply.finish_reason!r})", where=where
        )
    offered = request.tool_names
    forced = request.tool_choice
    if forced not in ("auto", "none") and not reply.tool_calls:
        raise InvalidModelReply(f"the model was required to call {_forced(forced)} and answered text only", where=where)
    if forced not in ("auto", "none", "required") and any(c.name != forced for c in reply.tool_calls):
        called = ", ".join(repr(c.name) for c in reply.tool_calls)
        raise InvalidModelReply(f"the model was required to call {_forced(forced)} and called {called}", where=where)
    for call in reply.tool_calls:
        if call.name not in offered:
            names = ", ".join(repr(n) for n in offered) or "none"
            raise InvalidModelReply(
                f"the model called the tool {call.name!r}, which was not offered (offered: {names})", where=where
            )
        if not isinstance(call.arguments, Mapping):
            raise InvalidModelReply(
                f"the arguments of the tool call {call.name!r} are not a JSON object: {call.raw_arguments[:200]!r}",
                where=where,
            )
    return reply


def _forced(tool_choice: str) -> str:
    return "a tool" if tool_choice == "required" else f"the tool {tool_choice!r}"
