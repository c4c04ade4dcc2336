"""Edges, global-node settings, and the base classes of every flow node.

Edges point at node *names* (flows have cycles); ``validate()`` resolves them. Special edges are
fields and builder methods, so nobody types Retell's magic strings ("Else", "Always", ...).

>>> e = Edge(to="book", when="Caller wants to book")
>>> e.to, e.condition.prompt
('book', 'Caller wants to book')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from retell_dsl.builders.base import UNSET, FrozenMap, Spec, Unset, require_mapping, require_str, require_tuple_of
from retell_dsl.builders.conditions import Condition, Equation, PromptCondition, as_condition
from retell_dsl.errors import InvalidArgument

__all__ = ["Edge", "GlobalNode", "Node", "RawNode", "RoutedNode"]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Edge(Spec):
    """A transition to the node named ``to`` when ``when`` holds (prompt text or an equation).

    >>> from retell_dsl.builders.conditions import when
    >>> Edge(to="adult", when=when("age").ge(18)).condition.operator
    '&&'
    """

    to: str
    when: Condition
    #: Wire fields of this one edge the builder does not type (a newer API's key), written last.
    extra: Mapping[str, Any] = field(default_factory=FrozenMap)

    def _check(self) -> None:
        require_str(self.to, "Edge to")
        as_condition(self.when)
        require_mapping(self.extra, f"Edge to {self.to!r} extra=")

    @property
    def condition(self) -> PromptCondition | Equation:
        """The normalised condition."""
        return as_condition(self.when)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class GlobalNode(Spec):
    """Makes a node reachable from anywhere when ``condition`` holds.

    >>> GlobalNode(condition="Caller asks for a human", go_back=("Caller's question is answered",)).cool_down
    UNSET
    """

    condition: Condition
    go_back: tuple[Condition, ...] = ()
    cool_down: int | Unset = UNSET

    def _check(self) -> None:
        as_condition(self.condition)
        for c in self.go_back:
            as_condition(c)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Node(Spec):
    """Base of every flow node: a unique ``name`` (its id is derived from it), overrides, ``extra``.

    ``named=False`` sends no ``name`` (flows created through the API often have none): ``name`` is
    then only the DSL's handle for edges. ``id`` pins the node id instead (imported flows keep
    their ids); ``edge_ids`` pins the ids of its edges by their derived suffix (``"edge-0"``,
    ``"else"``, ``"always"``, ``"skip-response"``, ``"transfer-failed"``, ``"swap-failed"``,
    ``"sent"``, ``"send-failed"``).

    >>> from retell_dsl.builders.flow.talk import EndNode
    >>> EndNode(name="bye", id="node_17").id
    'node_17'
    """

    TYPE: ClassVar[str] = ""
    TERMINAL: ClassVar[bool] = False
    name: str
    named: bool = True
    id: str | Unset = UNSET
    edge_ids: Mapping[str, str] = field(default_factory=FrozenMap)
    model: str | Unset = UNSET
    global_node: GlobalNode | Unset = UNSET
    extra: Mapping[str, Any] = field(default_factory=FrozenMap)

    def _check(self) -> None:
        require_str(self.name, f"{type(self).__name__} name")
        require_mapping(self.extra, f"{type(self).__name__} {self.name!r} extra=")
        if self.global_node is not UNSET and not isinstance(self.global_node, GlobalNode):
            raise InvalidArgument(f"global_node= must be a GlobalNode, got {self.global_node!r}")

    def make_global(
        self, condition: Condition, *, go_back: tuple[Condition, ...] = (), cool_down: int | Unset = UNSET
    ) -> Self:
        """Let this node be entered from anywhere when ``condition`` holds."""
        return self._replace(global_node=GlobalNode(condition=condition, go_back=go_back, cool_down=cool_down))

    def with_extra(self, **fields: Any) -> Self:
        """Add API fields the DSL does not model."""
        return self._replace(extra={**self.extra, **fields})

    def targets(self) -> tuple[tuple[str, str], ...]:
        """Every outgoing edge as ``(label, destination name)``; labels appear in issue paths."""
        return ()


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class RoutedNode(Node):
    """A node with conditional ``edges`` and an optional ``else_to`` fallback."""

    edges: tuple[Edge, ...] = ()
    else_to: str | Unset = UNSET

    def _check(self) -> None:
        Node._check(self)
        require_tuple_of(self.edges, Edge, f"{type(self).__name__} {self.name!r} edges")

    def to(self, node: str, *, when: Condition, extra: Mapping[str, Any] | None = None) -> Self:
        """Add an edge to the node named ``node`` taken when ``when`` holds (``extra``: untyped wire keys)."""
        edge = Edge(to=node, when=when, extra=FrozenMap(extra or {}))
        return self._replace(edges=(*self.edges, edge))

    def with_edges(self, *edges: Edge) -> Self:
        """Replace all conditional edges."""
        return self._replace(edges=edges)

    def otherwise(self, node: str) -> Self:
        """The else edge: taken when no other edge (or global node) matches."""
        return self._replace(else_to=node)

    def targets(self) -> tuple[tuple[str, str], ...]:
        out = [(f"edge[{i}]", e.to) for i, e in enumerate(self.edges)]
        if self.else_to is not UNSET:
            out.append(("else edge", self.else_to))
        return tuple(out)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class RawNode(RoutedNode):
    """A node of a type this retell-dsl does not model, kept as Retell stored it.

    The importer writes one for a node type newer (or older) than the DSL, so the rest of the flow
    stays typed and checked. ``node_type`` is the wire ``type``; ``extra`` carries every other
    field as written (destinations inside it are node ids). Its ``edges`` / ``else_to`` are typed
    when they have the usual shape, so lint and the graph see where it leads. Lint warns that its
    fields are not checked; Retell decides whether it accepts the type.

    >>> from retell_dsl.compiler.flow import compile_node
    >>> node = RawNode(name="wait", node_type="hold_music", extra={"duration_ms": 5000}).otherwise("bye")
    >>> wire = compile_node(node)
    >>> wire["type"], wire["duration_ms"], wire["else_edge"]["destination_node_id"]
    ('hold_music', 5000, 'bye')
    """

    node_type: str

    def _check(self) -> None:
        RoutedNode._check(self)
        require_str(self.node_type, f"RawNode {self.name!r} node_type")
