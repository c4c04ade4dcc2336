"""The conversation-flow interpreter: where the caller is, transitions, edge choice, frames of components.

Node behaviour lives in :mod:`~retell_dsl.sim.runtime.flow_nodes` (a table keyed by node
``type``); edge order in :mod:`~retell_dsl.sim.runtime.flow_edges`. Choices where Retell is
silent, documented here:

- The conversation opens with a :class:`NodeTransition` from ``begin`` to the start node.
- With ``start_speaker="user"`` the start node speaks only after the first user turn (its edges
  are not evaluated on that turn: the node has not spoken yet), or once the user has been silent
  for ``begin_after_user_silence_ms``.
- A go-back returns to the node the caller left for the global node and enters it again; once
  the caller moves on from the global node through an ordinary edge there is nothing to go back to.
- A flow or component with ``flex_mode`` runs as one single-prompt agent
  (:mod:`~retell_dsl.sim.runtime.flow_flex`).
- Global nodes are those of the node list the caller is in (the main flow, or the component).
- A component node enters its component's ``start_node_id`` (else its first node); an end node
  inside speaks, then the component node's edges are evaluated at once in the parent flow.
- **Interruption** (``interrupt_go_back``): Retell reverts a node transition when the user is
  still speaking, or speaks again within about a second, as it happens: the speech belongs to
  the node the user was answering, so the flow goes back there, hears it in full, and moves on
  again. In text that moment is explicit: :meth:`interrupt` is a user turn spoken over the agent.
  When the flow has moved since the user's previous turn, it goes back to the node of that turn
  (a ``NodeTransition`` of type ``interrupt_go_back``; frames and go-back origins as they were
  then), the turn is appended, and that node's edges are evaluated as for any user turn. With
  no move to revert (or no previous user turn) an interruption is an ordinary turn. What ran in
  between (tools, variables) is not undone, and the interrupted agent text stays whole.
- More than ``Limits.max_transitions`` transitions without a user turn end the conversation with
  ``error_llm_websocket_runtime`` (a cycle with no user turn); so does a dangling node id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from retell_dsl.sim.events import Dtmf, NodeTransition, Utterance
from retell_dsl.sim.models import FlowEdge, flow_edge_tools
from retell_dsl.sim.runtime.config import StartAt
from retell_dsl.sim.runtime.core import AgentEngine, Core, Stop, Where, model_settings
from retell_dsl.sim.runtime.flow_edges import Candidate, Go, equation_holds, prompt_of
from retell_dsl.wire.flow import go_back_edges
from retell_dsl.wire.ids import resolve_component

__all__ = ["FlowInterpreter", "Frame"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Frame:
    """A node list the caller is in: the main flow, or a component entered through ``parent``."""

    component_id: str | None
    nodes: Mapping[str, Mapping[str, Any]]
    tools: tuple[Mapping[str, Any], ...]
    start_node_id: str | None
    parent: Mapping[str, Any] | None = None
    #: ``flex_mode``: the node list runs as one single-prompt agent (see flow_flex)
    flex: bool = False

    @classmethod
    def of(
        cls, graph: Mapping[str, Any], component_id: str | None = None, parent: Mapping[str, Any] | None = None
    ) -> Frame:
        """The frame of a flow or component."""
        raw = graph.get("nodes")
        nodes = [n for n in (raw if isinstance(raw, list) else ()) if isinstance(n, Mapping)]
        start = graph.get("start_node_id") or (str(nodes[0].get("id")) if nodes and parent is not None else None)
        tools = tuple(t for t in graph.get("tools") or () if isinstance(t, Mapping))
        return cls(
            component_id=component_id,
            nodes={str(n.get("id")): n for n in nodes},
            tools=tools,
            start_node_id=str(start) if start else None,
            parent=parent,
            flex=graph.get("flex_mode") is True,
        )


def _name(node: Mapping[str, Any]) -> str:
    return str(node.get("name") or node.get("id") or "")


class FlowInterpreter:
    """Runs one conversation flow in a :class:`Core`."""

    def __init__(self, core: Core, engine: AgentEngine, start: StartAt | None = None) -> None:
        self.core = core
        self.engine = engine
        self.flow = engine.engine
        self.frames: list[Frame] = [Frame.of(self.flow)]
        self.node: Mapping[str, Any] | None = None
        self.pending_start = False
        self.origins: list[str] = []
        self.fired: dict[str, int] = {}
        self.since_user = 0
        self.start_at = start
        #: where the user's last turn was heard: (frames, node, go-back origins), for interruptions
        self.heard: tuple[list[Frame], Mapping[str, Any], list[str]] | None = None
        defaults = self.flow.get("default_dynamic_variables")
        if isinstance(defaults, Mapping):
            core.defaults.update({str(k): str(v) for k, v in defaults.items() if v is not None})

    # -- places ----------------------------------------------------------------------------
    @property
    def frame(self) -> Frame:
        """The node list the caller is in."""
        return self.frames[-1]

    def where(self, node: Mapping[str, Any] | None = None) -> Where:
        """The place of ``node`` (default: the current node)."""
        node = node if node is not None else self.node
        if node is None:
            return Where(component_id=self.frame.component_id)
        return Where(
            node_id=str(node.get("id")),
            node_name=str(node["name"]) if node.get("name") else None,
            component_id=self.frame.component_id,
        )

    def lookup(self, node_id: str | None, *, via: str = "") -> Mapping[str, Any]:
        """The node ``node_id`` of the current frame; a dangling id ends the conversation."""
        node = self.frame.nodes.get(str(node_id)) if node_id else None
        if node is None:
            inside = f" of component {self.frame.component_id!r}" if self.frame.component_id else ""
            known = ", ".join(repr(k) for k in self.frame.nodes) or "none"
            raise Stop(
                f"{via or 'the flow'} leads to node {node_id!r}, which is not a node{inside} (nodes: {known})",
                node_id=str(self.node.get("id")) if self.node else None,
            )
        return node

    def tool(self, tool_id: object) -> Mapping[str, Any]:
        """The flow (or component) tool ``tool_id``."""
        for tool in (*self.frame.tools, *(t for t in self.flow.get("tools") or () if isinstance(t, Mapping))):
            if tool.get("tool_id") == tool_id or (tool_id and tool.get("name") == tool_id):
                return tool
        raise Stop(
            f"{self.where().text}: the tool {tool_id!r} is not among the flow's tools",
            node_id=str(self.node.get("id")) if self.node else None,
        )

    def model_of(self, node: Mapping[str, Any]) -> tuple[str | None, float | None]:
        """The model and temperature for ``node``: its own ``model_config`` / ``model_choice``, else the flow's."""
        return model_settings(node, self.flow)

    def prompt(self, node: Mapping[str, Any], *, instruction: bool = True) -> str:
        """The system prompt at ``node``: the flow's global prompt, the node's instruction, KB chunks.

        In a flex-mode frame: the compiled prompt of the whole node list (see flow_flex).
        """
        if self.frame.flex:
            from retell_dsl.sim.runtime import flow_flex

            return flow_flex.system_prompt(self)
        parts = [self.core.substitute(str(self.flow.get("global_prompt") or ""))]
        text = (node.get("instruction") or {}).get("text") if isinstance(node.get("instruction"), Mapping) else None
        if instruction and text:
            parts.append(self.core.substitute(str(text)))
        ids = [*(self.flow.get("knowledge_base_ids") or ()), *(node.get("knowledge_base_ids") or ())]
        parts.append(self.core.retrieve(ids, node.get("kb_config") or self.flow.get("kb_config")))
        return "\n\n".join(p for p in parts if p)

    # -- the conversation ------------------------------------------------------------------
    async def start(self) -> None:
        """Open the conversation at the start node (or the resume point)."""
        at = self.start_at or StartAt()
        if at.component_id:
            parent = next((n for n in self.frame.nodes.values() if n.get("component_id") == at.component_id), None)
            if parent is None:
                raise Stop(f"the resume point names component {at.component_id!r}, which no component node uses")
            self.frames.append(self._component_frame(parent))
        node_id = at.node_id or self.frame.start_node_id
        node = self.lookup(node_id, via="start_node_id")
        self._arrive(node, Go(edge_id=None, destination=str(node.get("id"))), former=None)
        if self.flow.get("start_speaker", "agent") == "user" and at.node_id is None:
            self.pending_start = True
            return
        if at.waiting and at.node_id is not None:
            return
        await self.run(node)

    async def begin_after_swap(self) -> None:
        """Start in this flow after an agent swap: the start node speaks."""
        self.start_at = None
        node = self.lookup(self.frame.start_node_id, via="start_node_id")
        self._arrive(node, Go(edge_id=None, destination=str(node.get("id"))), former=None)
        await self.run(node)

    async def user_says(self, text: str) -> None:
        """A user turn."""
        self.core.emit(Utterance(at_ms=self.core.now(), role="user", content=text))
        await self._turn()

    async def interrupt(self, text: str) -> None:
        """A user turn spoken over the agent: revert the moves since the user's last turn, then hear it there."""
        heard = self.heard
        if heard is not None and self.node is not None and heard[1] is not self.node:
            frames, node, origins = heard
            former = self.node
            self.frames, self.origins = list(frames), list(origins)
            self.core.transitions += 1
            self._arrive(node, Go(edge_id=None, destination=str(node.get("id")), kind="interrupt_go_back"), former)
        await self.user_says(text)

    async def press(self, digits: str) -> None:
        """The user presses keys (a turn, like speaking)."""
        for digit in digits:
            self.core.emit(Dtmf(at_ms=self.core.now(), digit=digit, by="user"))
        await self._turn()

    async def silence(self, ms: int) -> None:
        """The user stayed silent ``ms`` milliseconds."""
        wait = self.flow.get("begin_after_user_silence_ms")
        if self.pending_start and isinstance(wait, int) and ms >= wait and self.node is not None:
            self.pending_start = False
            await self.run(self.node)

    async def _turn(self) -> None:
        from retell_dsl.sim.runtime.flow_nodes import on_user

        self.since_user = 0
        assert self.node is not None
        self.heard = (list(self.frames), self.node, list(self.origins))
        if self.pending_start:
            self.pending_start = False
            await self.run(self.node)
            return
        go = await on_user(self, self.node)
        if go is not None:
            await self.run(await self.transition(go))

    async def run(self, node: Mapping[str, Any]) -> None:
        """Enter ``node`` and follow transitions until a node waits for the user."""
        from retell_dsl.sim.runtime.flow_nodes import enter

        go = await enter(self, node)
        while go is not None:
            node = await self.transition(go)
            go = await enter(self, node)

    def _component_frame(self, node: Mapping[str, Any]) -> Frame:
        cid = str(node.get("component_id") or "")
        if node.get("component_type") == "shared":
            component = self.engine.components.get(cid)
        else:
            component = resolve_component(self.flow, cid)
        if component is None:
            kind = node.get("component_type") or "local"
            raise Stop(
                f"node {_name(node)!r} uses the {kind} component {cid!r}, which was not supplied",
                node_id=str(node.get("id")),
            )
        return Frame.of(component, cid, parent=node)

    def enter_component(self, node: Mapping[str, Any]) -> Go:
        """Push the component's frame; the transition goes to its start node."""
        frame = self._component_frame(node)
        self.frames.append(frame)
        return Go(edge_id=None, destination=frame.start_node_id)

    def leave_component(self) -> Mapping[str, Any]:
        """Pop the component's frame; returns the component node of the parent flow."""
        frame = self.frames.pop()
        assert frame.parent is not None
        return frame.parent

    async def transition(self, go: Go) -> Mapping[str, Any]:
        """Take ``go``: bounds, go-back and cool-down bookkeeping, the event, the variables."""
        self.since_user += 1
        former = self.node
        if self.since_user > self.core.limits.max_transitions:
            raise Stop(
                f"{self.core.limits.max_transitions} transitions without a user turn: the flow loops "
                f"(last at {self.where().text}); give the cycle a node that waits for the user",
                node_id=str(former.get("id")) if former else None,
            )
        destination = go.destination
        if go.kind == "global_go_back":
            destination = self.origins.pop() if self.origins else None
        node = self.lookup(destination, via=f"edge {go.edge_id!r}" if go.edge_id else "a transition")
        if go.kind == "global" and former is not None:
            self.origins.append(str(former.get("id")))
        elif go.kind == "normal":
            self.origins.clear()  # a go-back leads back only from the global node the caller jumped to
        self.core.transitions += 1
        if go.kind == "global":
            self.fired[str(node.get("id"))] = self.core.transitions
        self._arrive(node, go, former)
        return node

    def _arrive(self, node: Mapping[str, Any], go: Go, former: Mapping[str, Any] | None) -> None:
        core = self.core
        core.emit(
            NodeTransition(
                at_ms=core.now(),
                former_node_id=str(former.get("id")) if former else "begin",
                former_node_name=_name(former) if former else "begin",
                new_node_id=str(node.get("id")),
                new_node_name=_name(node),
                transition_type=go.kind,
                component_id=self.frame.component_id,
                edge_id=go.edge_id,
            )
        )
        if former is not None:
            core.system["previous_node"] = _name(former)
        core.system["current_node"] = _name(node)
        self.node = node

    # -- edges -----------------------------------------------------------------------------
    def eligible_globals(self, node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        """Global nodes of the current frame the caller may jump to now."""
        out = []
        for candidate in self.frame.nodes.values():
            setting = candidate.get("global_node_setting")
            if not isinstance(setting, Mapping) or candidate.get("id") == node.get("id"):
                continue
            cool = setting.get("cool_down") or 0
            fired = self.fired.get(str(candidate.get("id")))
            if fired is not None and self.core.transitions - fired < cool:
                continue
            out.append(candidate)
        return out

    def _holds(self, node: Mapping[str, Any], condition: object) -> bool:
        if not isinstance(condition, Mapping):
            return False
        try:
            return equation_holds(condition, self.core.scope)
        except ValueError as err:
            raise Stop(f"{self.where(node).text}: {err}", node_id=str(node.get("id"))) from None

    async def choose(self, node: Mapping[str, Any], *, user_turn: bool) -> Go | None:
        """The edge to take from ``node`` now (see :mod:`~retell_dsl.sim.runtime.flow_edges`), or ``None``."""
        always = node.get("always_edge")
        edges = [] if isinstance(always, Mapping) else [e for e in node.get("edges") or () if isinstance(e, Mapping)]
        for edge in edges:
            if self._holds(node, edge.get("transition_condition")):
                return Go(edge_id=edge.get("id"), destination=edge.get("destination_node_id"))
        globals_ = self.eligible_globals(node) if user_turn else []
        for g in globals_:
            if self._holds(g, g["global_node_setting"].get("condition")):
                return Go(edge_id=None, destination=str(g.get("id")), kind="global")
        candidates: list[Candidate] = []
        for edge in edges:
            prompt = prompt_of(edge.get("transition_condition"))
            dest = edge.get("destination_node_id")
            if prompt is not None:
                target = self.frame.nodes.get(str(dest))
                candidates.append(
                    Candidate(
                        condition=prompt,
                        go=Go(edge_id=edge.get("id"), destination=dest),
                        node_name=_name(target) if target else None,
                    )
                )
        if user_turn and self.origins and isinstance(node.get("global_node_setting"), Mapping):
            origin = self.frame.nodes.get(self.origins[-1])
            for back in go_back_edges(node):
                prompt = prompt_of(back.edge.get("transition_condition"))
                if prompt is not None:
                    go = Go(edge_id=back.edge.get("id"), destination=None, kind="global_go_back")
                    candidates.append(Candidate(condition=prompt, go=go, node_name=_name(origin) if origin else None))
        for g in globals_:
            prompt = prompt_of(g["global_node_setting"].get("condition"))
            if prompt is not None:
                go = Go(edge_id=None, destination=str(g.get("id")), kind="global")
                candidates.append(Candidate(condition=prompt, go=go, node_name=_name(g)))
        if candidates:
            picked = await self._decide(node, candidates)
            if picked is not None:
                return picked
        if isinstance(always, Mapping) and user_turn:
            return Go(edge_id=always.get("id"), destination=always.get("destination_node_id"))
        fallback = node.get("else_edge")
        if isinstance(fallback, Mapping):
            return Go(edge_id=fallback.get("id"), destination=fallback.get("destination_node_id"))
        return None

    async def _decide(self, node: Mapping[str, Any], candidates: list[Candidate]) -> Go | None:
        edges = [
            FlowEdge(
                edge_id=c.go.edge_id,
                condition=c.condition,
                node_id=c.go.destination or (self.origins[-1] if self.origins else None),
                node_name=c.node_name,
            )
            for c in candidates
        ]
        tools = flow_edge_tools(edges)
        model, temperature = self.model_of(node)
        reply = await self.core.ask(
            self.where(node),
            "prompt_condition",
            system=self.prompt(node),
            tools=tools,
            retell_model=model,
            temperature=temperature,
        )
        index = {t.name: i for i, t in enumerate(tools)}
        for call in reply.tool_calls:
            if call.name in index:
                return candidates[index[call.name]].go
        return None
