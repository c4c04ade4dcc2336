"""What a response engine can do (its coverage universe) and what one conversation did of it.

:class:`EngineMap` reads a compiled engine payload (a conversation flow or a Retell LLM, the wire
JSON as deployed) into a :class:`Universe` of items, each a stable key and a readable label:

- ``nodes``: every flow node, a component's nodes under ``<component key>/<node id>`` (the keys
  :func:`retell_dsl.flow_graph` draws them under);
- ``edges``: every distinct *source → destination* pair of a node's edges (two edges of a node to
  the same destination are one item: a transcript says where the conversation went, not which
  condition took it there), plus ``* → G`` for entering the global node ``G`` from anywhere,
  ``G → ^`` for its go-back edges, and ``C → <component>/<start>`` for a component node running
  its component (leaving a component counts as the component node's own edge);
- ``states`` and ``transitions`` (``a → b`` for each state edge) of a Retell LLM;
- ``tools``: every tool the engine declares (flow, component and node tools; general and state tools).

:meth:`EngineMap.hits` walks a conversation's events (node and state transitions, tool calls) and
returns the keys they exercised; names it cannot place in the engine are ignored.

>>> flow = {"start_node_id": "a", "nodes": [
...     {"id": "a", "name": "A", "edges": [{"destination_node_id": "b"}]},
...     {"id": "b", "name": "B", "global_node_setting": {"condition": "help"}}]}
>>> engine = EngineMap.of_flow(flow)
>>> dict(engine.universe.items["edges"])
{'a->b': 'A → B', '*->b': '(global) → B'}
>>> from retell_dsl.conversations.result import events_of
>>> events = events_of([{"role": "node_transition", "former_node_name": "begin", "new_node_name": "A"},
...                     {"role": "node_transition", "former_node_name": "A", "new_node_name": "B"}])
>>> sorted(engine.hits(events)["edges"])
['a->b']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from retell_dsl.conversations.result import Event
from retell_dsl.wire.flow import go_back_edges, node_edges
from retell_dsl.wire.ids import component_id_of, resolve_component

__all__ = ["DIMENSIONS", "Dimension", "EngineKind", "EngineMap", "Universe"]

Dimension = Literal["nodes", "edges", "states", "transitions", "tools"]
#: The dimensions of coverage, in the order reports show them.
DIMENSIONS: tuple[Dimension, ...] = ("nodes", "edges", "states", "transitions", "tools")
EngineKind = Literal["conversation_flow", "retell_llm"]
GLOBAL = "*"
GO_BACK = "^"


@dataclass(frozen=True, slots=True)
class Universe:
    """Everything an engine can do: per dimension, item key → label (in the engine's order)."""

    kind: EngineKind
    items: Mapping[Dimension, Mapping[str, str]]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (:meth:`from_dict` reads it back)."""
        return {"kind": self.kind, "items": {d: dict(self.items.get(d, {})) for d in DIMENSIONS}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Universe:
        items = data.get("items") or {}
        return cls(data["kind"], {d: dict(items.get(d) or {}) for d in DIMENSIONS})


def _list(value: object) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


@dataclass(slots=True)
class _Scope:
    """The nodes of a flow or of one component: ids, names, and the key prefix and label prefix of each."""

    prefix: str
    label: str
    nodes: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)
    start: str | None = None

    def key(self, node_id: str) -> str:
        return self.prefix + node_id

    def name(self, node_id: str) -> str:
        return self.label + str(self.nodes[node_id].get("name") or node_id)

    def find(self, name: str | None) -> str | None:
        """The node id called ``name`` (a name first, then an id) in this scope."""
        if not name:
            return None
        return self.by_name.get(name) or (name if name in self.nodes else None)


@dataclass(slots=True)
class _Frame:
    scope: _Scope
    node: str | None  # the current node id in this scope
    parent: str | None = None  # the component node's id in the scope below (None: the flow itself)


class EngineMap:
    """One engine's universe and the walk of a conversation over it; build with :meth:`of_flow` / :meth:`of_llm`."""

    def __init__(self, universe: Universe, payload: Mapping[str, Any], scopes: dict[str, _Scope] | None = None,
                 children: dict[str, str] | None = None) -> None:  # fmt: skip
        self.universe = universe
        #: The engine's payload the map was read from (a flow's draws its coverage picture).
        self.payload = payload
        self._scopes = scopes or {}
        self._children = children or {}  # component node key → the scope key (prefix) it runs

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(v)} {d}" for d, v in self.universe.items.items() if v)
        return f"EngineMap({self.universe.kind}: {counts or 'nothing'})"

    # -- building ----------------------------------------------------------------------------
    @classmethod
    def of_flow(cls, flow: Mapping[str, Any], *, shared: Mapping[str, Mapping[str, Any]] | None = None) -> EngineMap:
        """A conversation flow's payload; ``shared``: shared components by the ``component_id`` nodes use."""
        items: dict[Dimension, dict[str, str]] = {d: {} for d in DIMENSIONS}
        scopes: dict[str, _Scope] = {}
        children: dict[str, str] = {}

        def tools(owner: Mapping[str, Any]) -> None:
            for tool in _list(owner.get("tools")):
                name = str(tool.get("name") or tool.get("tool_id") or "")
                if name:
                    items["tools"].setdefault(name, name)

        def scope_of(body: Mapping[str, Any], prefix: str, label: str) -> _Scope:
            if prefix in scopes:
                return scopes[prefix]
            scope = scopes[prefix] = _Scope(prefix, label)
            nodes = _list(body.get("nodes"))
            for node in nodes:
                nid = str(node.get("id", ""))
                scope.nodes[nid] = node
                scope.by_name.setdefault(str(node.get("name") or nid), nid)
            scope.start = _start(body)
            tools(body)
            for nid, node in scope.nodes.items():
                items["nodes"][scope.key(nid)] = scope.name(nid)
                tools(node)  # a subagent node's own tools
            for nid, node in scope.nodes.items():
                src = scope.key(nid)
                for edge in node_edges(node):
                    dst = str(edge.edge.get("destination_node_id") or "")
                    if dst in scope.nodes:
                        items["edges"].setdefault(f"{src}->{scope.key(dst)}", f"{scope.name(nid)} → {scope.name(dst)}")
                if isinstance(node.get("global_node_setting"), Mapping):
                    items["edges"][f"{GLOBAL}->{src}"] = f"(global) → {scope.name(nid)}"
                    if any(True for _ in go_back_edges(node)):
                        items["edges"][f"{src}->{GO_BACK}"] = f"{scope.name(nid)} → (go back)"
                if node.get("type") == "component":
                    inner = _component(flow, node, shared or {})
                    if inner is not None:
                        key, body_, title = inner
                        start = _start(body_)
                        if start is not None:  # listed before the component's own edges
                            items["edges"][f"{src}->{key}/{start}"] = ""
                        child = scope_of(body_, key + "/", f"{title}/")
                        children[src] = child.prefix
                        if start is not None and start in child.nodes:
                            items["edges"][f"{src}->{key}/{start}"] = f"{scope.name(nid)} → {child.name(start)}"
                        else:
                            items["edges"].pop(f"{src}->{key}/{start}", None)
            return scope

        scope_of(flow, "", "")
        return cls(Universe("conversation_flow", items), flow, scopes, children)

    @classmethod
    def of_llm(cls, llm: Mapping[str, Any]) -> EngineMap:
        """A Retell LLM's payload: its states, state edges and tools."""
        items: dict[Dimension, dict[str, str]] = {d: {} for d in DIMENSIONS}
        for tool in _list(llm.get("general_tools")):
            if tool.get("name"):
                items["tools"].setdefault(str(tool["name"]), str(tool["name"]))
        for state in _list(llm.get("states")):
            name = str(state.get("name", ""))
            items["states"][name] = name
            for edge in _list(state.get("edges")):
                to = str(edge.get("destination_state_name", ""))
                items["transitions"].setdefault(f"{name}->{to}", f"{name} → {to}")
            for tool in _list(state.get("tools")):
                if tool.get("name"):
                    items["tools"].setdefault(str(tool["name"]), str(tool["name"]))
        return cls(Universe("retell_llm", items), llm)

    # -- walking -----------------------------------------------------------------------------
    def hits(self, events: Iterable[Event]) -> dict[Dimension, frozenset[str]]:
        """The item keys one conversation's events exercised."""
        hit: dict[Dimension, set[str]] = {d: set() for d in DIMENSIONS}
        items = self.universe.items
        frames: list[_Frame] = [_Frame(self._scopes[""], None)] if "" in self._scopes else []
        for event in events:
            if event.kind == "tool_call" and event.name in items["tools"]:
                hit["tools"].add(event.name)
            elif event.kind == "state_transition":
                if event.name in items["states"]:
                    hit["states"].add(event.name)
                if f"{event.source}->{event.name}" in items["transitions"]:
                    hit["transitions"].add(f"{event.source}->{event.name}")
            elif event.kind == "transition" and frames:
                self._move(frames, event, hit)
        return {d: frozenset(keys) for d, keys in hit.items()}

    def _edge(self, scope: _Scope, src: str | None, dst: str, hit: dict[Dimension, set[str]]) -> None:
        edges, to = self.universe.items["edges"], scope.key(dst)
        if src is not None and f"{scope.key(src)}->{to}" in edges:
            hit["edges"].add(f"{scope.key(src)}->{to}")
        elif f"{GLOBAL}->{to}" in edges:
            hit["edges"].add(f"{GLOBAL}->{to}")
        elif src is not None and f"{scope.key(src)}->{GO_BACK}" in edges:
            hit["edges"].add(f"{scope.key(src)}->{GO_BACK}")

    def _move(self, frames: list[_Frame], event: Event, hit: dict[Dimension, set[str]]) -> None:
        top = frames[-1]
        if top.node is None or top.scope.name(top.node) != top.scope.label + str(event.source or ""):
            # where the transition came from, when the walk does not know it (a playground started at a node)
            top.node = top.scope.find(event.source) or top.node
        if top.node is not None:
            child = self._children.get(top.scope.key(top.node))
            scope = self._scopes.get(child) if child is not None else None
            if scope is not None and (dst := scope.find(event.name)) is not None:  # a component node runs
                if (run := f"{top.scope.key(top.node)}->{scope.key(dst)}") in self.universe.items["edges"]:
                    hit["edges"].add(run)
                hit["nodes"].add(scope.key(dst))
                frames.append(_Frame(scope, dst, parent=top.node))
                return
        for depth in range(len(frames) - 1, -1, -1):
            frame = frames[depth]
            if (dst := frame.scope.find(event.name)) is None:
                continue
            src = frame.node if depth == len(frames) - 1 else frames[depth + 1].parent
            del frames[depth + 1 :]  # leaving components: the component node's edge was taken
            self._edge(frame.scope, src, dst, hit)
            hit["nodes"].add(frame.scope.key(dst))
            frame.node = dst
            return


def _start(body: Mapping[str, Any]) -> str | None:
    """The start node id of a flow or component: ``start_node_id``, else its first node."""
    start = body.get("start_node_id")
    first = next((str(n.get("id", "")) for n in _list(body.get("nodes"))), None)
    return str(start) if isinstance(start, str) and start else first


def _component(
    flow: Mapping[str, Any], node: Mapping[str, Any], shared: Mapping[str, Mapping[str, Any]]
) -> tuple[str, Mapping[str, Any], str] | None:
    """(key, body, title) of the component a component node runs, when the payloads hold it."""
    cid = str(node.get("component_id") or "")
    if node.get("component_type") == "shared":
        body = shared.get(cid)
        return (cid.removeprefix("$ref:"), body, str(body.get("name") or cid)) if body is not None else None
    local = resolve_component(flow, cid)
    if local is None:
        return None
    return component_id_of(local), local, str(local.get("name") or cid)
