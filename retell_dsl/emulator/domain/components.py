"""Shared conversation-flow components (retell-api.md §1.4).

A shared component is a stand-alone set of nodes that flows embed through a node
``{"type": "component", "component_type": "shared", "component_id": ...}``. Components
are unversioned; ``linked_conversation_flow_ids`` is computed on read from the flows
(any stored version) that embed the component, and deleting a component that a flow
still embeds is refused with a 400.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from retell_dsl.emulator.domain.checks import check_flow
from retell_dsl.emulator.errors import ApiError, bad_request
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document

__all__ = [
    "ID_FIELD",
    "KIND",
    "create_component",
    "delete_component",
    "flows_using",
    "render_component",
    "shared_component_ids",
    "update_component",
]

KIND = "component"
ID_FIELD = "conversation_flow_component_id"


def _shared_refs(nodes: object) -> Iterator[str]:
    for node in nodes if isinstance(nodes, list) else []:
        if isinstance(node, Mapping) and node.get("type") == "component" and node.get("component_type") == "shared":
            yield str(node.get("component_id"))


def _refs_of_flow(flow: Mapping[str, Any]) -> Iterator[str]:
    """Shared component ids a flow embeds, in its own nodes and in its local components' nodes."""
    yield from _shared_refs(flow.get("nodes"))
    for local in flow.get("components") or []:
        if isinstance(local, Mapping):
            yield from _shared_refs(local.get("nodes"))


def flows_using(state: State, component_id: str) -> list[str]:
    """Ids of the conversation flows (any stored version) that embed a shared component."""
    flows: Iterable[Document] = state.store.list_all_versions("conversation_flow")
    return sorted({str(f["conversation_flow_id"]) for f in flows if component_id in set(_refs_of_flow(f))})


def render_component(state: State, doc: Document) -> Document:
    """The public view of a stored component, with its linked flows filled in."""
    out = strip_private(doc)
    out["linked_conversation_flow_ids"] = flows_using(state, doc[ID_FIELD])
    return out


def _validate(state: State, doc: Document) -> None:
    problems = check_flow(state, doc)
    if not str(doc.get("name", "")).strip():
        problems.insert(0, "name must not be empty")
    if doc[ID_FIELD] in set(_shared_refs(doc.get("nodes"))):
        problems.append("a component cannot embed itself")
    if problems:
        raise bad_request("Invalid request format, please check API reference", problems)


def shared_component_ids(flow: Mapping[str, Any]) -> list[str]:
    """The shared components a flow embeds (each once, in order of first use)."""
    return list(dict.fromkeys(_refs_of_flow(flow)))


def create_component(state: State, fields: Mapping[str, Any]) -> Document:
    """Store a new shared component."""
    ident = state.new_id(KIND)
    doc: Document = {ID_FIELD: ident, **fields, "user_modified_timestamp": state.now()}
    _validate(state, doc)
    state.store.put(KIND, ident, doc)
    return doc


def update_component(state: State, ident: str, fields: Mapping[str, Any]) -> Document:
    """Replace the given top-level fields."""
    doc = state.require(KIND, ident)
    merged = {**doc, **fields, "user_modified_timestamp": state.now()}
    _validate(state, merged)
    state.store.put(KIND, ident, merged)
    return merged


def delete_component(state: State, ident: str) -> None:
    """Delete a component no flow embeds."""
    state.require(KIND, ident)
    users = flows_using(state, ident)
    if users:
        shown = ", ".join(users[:5]) + (" …" if len(users) > 5 else "")
        raise ApiError(
            400, f"{ID_FIELD} {ident} is used by conversation flow(s) {shown}; remove its component nodes first"
        )
    state.store.delete(KIND, ident)
