"""Ids in flow JSON: the ids retell-dsl derives from names, and resolving local component references.

The compiler derives stable ids from human names (:func:`slug`): node ``"Greet caller"`` gets id
``"greet-caller"`` (:func:`node_id`), flow tool ``"book"`` gets ``"tool-book"`` (:func:`tool_id`)
and local component ``"Collect info"`` is referenced as ``"component-collect-info"``
(:func:`local_component_id`). The importer inverts these rules and the graph drawer relies on them.

A local component (an entry of a flow's ``components``) has no id field in Retell's schema
(``{name, nodes, ...}``), and Retell does not document how a component node's ``component_id``
(with ``component_type: "local"``) names one. Flows fetched from Retell may have been made by
the dashboard or another tool, so :func:`resolve_component` accepts every reasonable spelling,
most specific first: an ``id``-like key on the component (``component_id``, then ``id``), the
id retell-dsl derives from its name, then its exact name.

>>> flow = {"components": [{"name": "Collect info", "nodes": []}],
...         "nodes": [{"id": "n", "type": "component", "component_type": "local",
...                    "component_id": "component-collect-info"}]}
>>> resolve_component(flow, "component-collect-info")["name"]
'Collect info'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from retell_dsl.wire.flow import flow_nodes

__all__ = [
    "component_id_of",
    "edge_id",
    "engine_of",
    "local_component_id",
    "local_components",
    "node_id",
    "resolve_component",
    "slug",
    "tool_id",
]

_SLUG_RE = re.compile(r"[^a-z0-9]+")
_ID_KEYS = ("component_id", "id")


def slug(name: str) -> str:
    """A stable id fragment derived from a human name (lower case, runs of other characters become ``-``).

    >>> slug("Greet the Caller!"), slug("  "), slug("Ünïcode")
    ('greet-the-caller', 'x', 'n-code')
    """
    return _SLUG_RE.sub("-", name.lower()).strip("-") or "x"


def node_id(name: str) -> str:
    """The node id derived from a node name.

    >>> node_id("Greet caller")
    'greet-caller'
    """
    return slug(name)


def edge_id(node: str, suffix: str) -> str:
    """The id of a node's edge: the node id and the edge's suffix (``edge-0``, ``else``, ``always`` ...).

    >>> edge_id("greet-caller", "else")
    'greet-caller.else'
    """
    return f"{node}.{suffix}"


def tool_id(name: str) -> str:
    """The ``tool_id`` derived from a flow tool's name.

    >>> tool_id("Book slot")
    'tool-book-slot'
    """
    return "tool-" + slug(name)


def local_component_id(name: str) -> str:
    """The ``component_id`` a component node uses for the local component named ``name``.

    >>> local_component_id("Collect info")
    'component-collect-info'
    """
    return "component-" + slug(name)


def component_id_of(component: Mapping[str, Any]) -> str:
    """The id a local component is known by: its own ``component_id`` / ``id`` key if it has one, else the derived id.

    >>> component_id_of({"name": "Collect info"}), component_id_of({"name": "x", "id": "comp_1"})
    ('component-collect-info', 'comp_1')
    """
    for key in _ID_KEYS:
        value = component.get(key)
        if isinstance(value, str) and value:
            return value
    return local_component_id(str(component.get("name", "")))


def resolve_component(flow: Mapping[str, Any], component_id: str) -> Mapping[str, Any] | None:
    """The local component of ``flow`` that ``component_id`` names, or None.

    Tried in order over all of ``flow["components"]``: a component's own ``component_id`` or
    ``id`` key, the id derived from its name (:func:`local_component_id`), its exact name.

    >>> flow = {"components": [{"name": "Intake"}, {"name": "Billing", "id": "cmp_9"}]}
    >>> [resolve_component(flow, c)["name"] for c in ("cmp_9", "component-intake", "Intake")]
    ['Billing', 'Intake', 'Intake']
    >>> resolve_component(flow, "nope") is None
    True
    """
    raw = flow.get("components")
    components = [c for c in (raw if isinstance(raw, list) else ()) if isinstance(c, Mapping)]

    def explicit(c: Mapping[str, Any]) -> bool:
        return any(c.get(key) == component_id for key in _ID_KEYS)

    def derived(c: Mapping[str, Any]) -> bool:
        return local_component_id(str(c.get("name", ""))) == component_id

    def named(c: Mapping[str, Any]) -> bool:
        return c.get("name") == component_id

    for rule in (explicit, derived, named):
        for component in components:
            if rule(component):
                return component
    return None


def local_components(flow: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Every local ``component_id`` the flow's component nodes use, mapped to the component it resolves to.

    Ids that resolve to no component are left out (shared components are never included).

    >>> flow = {"components": [{"name": "Intake"}], "nodes": [
    ...     {"type": "component", "component_type": "local", "component_id": "Intake"},
    ...     {"type": "component", "component_type": "shared", "component_id": "cfc_1"}]}
    >>> {k: v["name"] for k, v in local_components(flow).items()}
    {'Intake': 'Intake'}
    """
    out: dict[str, Mapping[str, Any]] = {}
    for _, node in flow_nodes(flow):
        if node.get("type") != "component" or node.get("component_type") == "shared":
            continue
        cid = node.get("component_id")
        if isinstance(cid, str) and cid not in out:
            component = resolve_component(flow, cid)
            if component is not None:
                out[cid] = component
    return out


def engine_of(agent: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(kind, remote id)`` of an agent's Retell LLM / conversation flow (None for custom LLMs).

    >>> engine_of({"response_engine": {"type": "retell-llm", "llm_id": "llm_1", "version": 2}})
    ('llm', 'llm_1')
    >>> engine_of({"response_engine": {"type": "custom-llm", "llm_websocket_url": "wss://x"}}) is None
    True
    """
    engine = agent.get("response_engine") or {}
    if engine.get("type") == "retell-llm" and engine.get("llm_id"):
        return "llm", str(engine["llm_id"])
    if engine.get("type") == "conversation-flow" and engine.get("conversation_flow_id"):
        return "conversation_flow", str(engine["conversation_flow_id"])
    return None
