"""The Retell LLM response engine: prompt, tools, optional states, knowledge bases.

>>> from retell_dsl.builders.tools import EndCall
>>> llm = (
...     RetellLLM(name="support", model="gpt-4.1")
...     .prompt("You are a support agent for {{company}}.")
...     .begin("Hi! How can I help?", speaker="agent")
...     .tool(EndCall(name="end_call"))
...     .defaults(company="Acme")
... )
>>> llm.general_prompt, llm.default_variables["company"], llm.tools[0].name
('You are a support agent for {{company}}.', 'Acme', 'end_call')
>>> llm == RetellLLM(name="support", model="gpt-4.1", general_prompt="You are a support agent for {{company}}.",
...     begin_message="Hi! How can I help?", start_speaker="agent", tools=(EndCall(name="end_call"),),
...     default_variables={"company": "Acme"})
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Self

from retell_dsl.builders.base import UNSET, FrozenMap, Spec, Unset, require_mapping, require_str, require_tuple_of
from retell_dsl.builders.engine import EngineSugar, McpServer, ModelTier, check_engine
from retell_dsl.builders.prompt import Prompt
from retell_dsl.builders.tools import Tool

if TYPE_CHECKING:
    from retell_dsl.builders.kb import KnowledgeBase

__all__ = ["RetellLLM", "State", "StateEdge"]

Speaker = Literal["user", "agent"]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class StateEdge(Spec):
    """A transition to another state (by name); the LLM calls it as ``transition_to_<to>``.

    >>> StateEdge(to="booking", description="Caller wants to book")
    StateEdge(to='booking', description='Caller wants to book')
    """

    to: str
    description: str | Prompt
    parameters: Mapping[str, Any] | Unset = UNSET
    #: Wire fields of this one edge the builder does not type (a newer API's key), written last.
    extra: Mapping[str, Any] = field(default_factory=FrozenMap)

    def _check(self) -> None:
        require_str(self.to, "StateEdge to")
        require_mapping(self.extra, f"StateEdge to {self.to!r} extra=")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class State(Spec):
    """One state of a Retell LLM state machine: its prompt, its tools and its edges.

    >>> s = State(name="intake", prompt="Find out what they need.").to("booking", "Caller wants to book")
    >>> s.edges[0].to
    'booking'
    """

    name: str
    prompt: str | Prompt | Unset = UNSET
    tools: tuple[Tool, ...] = ()
    edges: tuple[StateEdge, ...] = ()
    #: Lists sent as ``[]`` when empty (Retell stores ``"tools": []`` as given; absent otherwise).
    empty_lists: tuple[Literal["tools", "edges"], ...] = ()
    #: Wire fields of this state the builder does not type, written last.
    extra: Mapping[str, Any] = field(default_factory=FrozenMap)

    def _check(self) -> None:
        require_str(self.name, "State name")
        require_mapping(self.extra, f"State {self.name!r} extra=")
        require_tuple_of(self.tools, Tool, f"State {self.name!r} tools")
        require_tuple_of(self.edges, StateEdge, f"State {self.name!r} edges")

    def to(self, state: str, description: str | Prompt, *, parameters: Mapping[str, Any] | Unset = UNSET) -> Self:
        """Add an edge to ``state`` (by name)."""
        return self._replace(edges=(*self.edges, StateEdge(to=state, description=description, parameters=parameters)))

    def tool(self, *tools: Tool) -> Self:
        """Add tools available in this state."""
        return self._replace(tools=(*self.tools, *tools))

    def with_tools(self, *tools: Tool) -> Self:
        """Replace this state's tools."""
        return self._replace(tools=tools)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class RetellLLM(Spec, EngineSugar):
    """A Retell LLM response engine. ``name`` is its logical name in a :class:`Stack` (not sent).

    Model selection compiles to the 6.x ``model_config`` shape: ``model`` (or ``s2s_model``),
    ``temperature``, ``model_tier``, ``backup_model``.
    """

    name: str
    model: str | Unset = UNSET
    s2s_model: str | Unset = UNSET
    temperature: float | Unset = UNSET
    model_tier: ModelTier | Unset = UNSET
    backup_model: str | Unset | None = UNSET
    backup_kick_in_timeout_ms: int | Unset = UNSET
    general_prompt: str | Prompt | Unset = UNSET
    begin_message: str | Prompt | Unset | None = UNSET
    start_speaker: Speaker | Unset = UNSET
    begin_after_user_silence_ms: int | Unset = UNSET
    tools: tuple[Tool, ...] = ()
    states: tuple[State, ...] = ()
    starting_state: str | Unset = UNSET
    knowledge_bases: tuple[KnowledgeBase | str, ...] = ()
    kb_top_k: int | Unset = UNSET
    kb_filter_score: float | Unset = UNSET
    default_variables: Mapping[str, str] = field(default_factory=FrozenMap)
    mcps: tuple[McpServer, ...] = ()
    tool_call_strict_mode: bool | Unset = UNSET
    extra: Mapping[str, Any] = field(default_factory=FrozenMap)

    def _check(self) -> None:
        require_str(self.name, "RetellLLM name")
        check_engine(self, f"RetellLLM {self.name!r}")
        require_tuple_of(self.tools, Tool, f"RetellLLM {self.name!r} tools")
        require_tuple_of(self.states, State, f"RetellLLM {self.name!r} states")

    # ------------------------------------------------------------------ fluent sugar
    def prompt(self, text: str | Prompt) -> Self:
        """Set the general prompt (used in every state)."""
        return self._replace(general_prompt=text)

    def begin(self, message: str | Prompt | None, *, speaker: Speaker | Unset = UNSET) -> Self:
        """Set the first utterance (``None``: the LLM writes it; ``""``: wait for the user)."""
        changes: dict[str, Any] = {"begin_message": message}
        if speaker is not UNSET:
            changes["start_speaker"] = speaker
        return self._replace(**changes)

    def tool(self, *tools: Tool) -> Self:
        """Add general tools (available in every state)."""
        return self._replace(tools=(*self.tools, *tools))

    def with_tools(self, *tools: Tool) -> Self:
        """Replace the general tools."""
        return self._replace(tools=tools)

    def state(self, *states: State) -> Self:
        """Add states."""
        return self._replace(states=(*self.states, *states))

    def with_states(self, *states: State) -> Self:
        """Replace the states."""
        return self._replace(states=states)

    def start_at(self, state: str) -> Self:
        """Name the starting state."""
        return self._replace(starting_state=state)
