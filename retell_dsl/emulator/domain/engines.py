"""Response engines (Retell LLMs and conversation flows): create, read, update, delete (retell-api.md §1.3).

Versioning rules live in :mod:`retell_dsl.emulator.domain.versions`; this module keeps
an engine's own checks and the refusal to delete one that agents still use.
"""

from __future__ import annotations

from typing import Any

from retell_dsl.emulator.domain.checks import check_flow, check_llm, require_knowledge_bases
from retell_dsl.emulator.domain.versions import LLM, EngineKind, merge_update
from retell_dsl.emulator.errors import ApiError, bad_request
from retell_dsl.emulator.state import State
from retell_dsl.emulator.store import Document

__all__ = ["agents_using", "create_engine", "delete_engine", "get_engine", "update_engine"]


def _validate(state: State, ek: EngineKind, doc: Document) -> None:
    problems = check_llm(doc) if ek is LLM else check_flow(state, doc)
    problems += require_knowledge_bases(state, doc.get("knowledge_base_ids"))
    if problems:
        raise bad_request("Invalid request format, please check API reference", problems)


def create_engine(state: State, ek: EngineKind, fields: dict[str, Any]) -> Document:
    """Store version 0 (a draft) of a new engine."""
    ident = state.new_id(ek.kind)
    doc: Document = {**fields, ek.id_field: ident, "version": 0, "_published": False}
    doc["last_modification_timestamp"] = state.now()
    _validate(state, ek, doc)
    state.store.put(ek.kind, ident, doc, 0)
    return doc


def get_engine(state: State, ek: EngineKind, ident: str, version: int | None) -> Document:
    """One version of an engine (the latest when ``version`` is None)."""
    return state.require(ek.kind, ident, version)


def update_engine(state: State, ek: EngineKind, ident: str, version: int | None, fields: dict[str, Any]) -> Document:
    """Partially update a draft engine version; a published version is refused."""
    doc = state.require(ek.kind, ident, version)
    if doc.get("_published"):
        raise bad_request(
            f"{ek.id_field} {ident} version {doc['version']} is published and cannot be changed; "
            "create a new agent version to get an editable draft"
        )
    merged = merge_update(doc, fields)
    merged["last_modification_timestamp"] = state.now()
    _validate(state, ek, merged)
    state.store.put(ek.kind, ident, merged, doc["version"])
    return merged


def agents_using(state: State, ek: EngineKind, ident: str) -> list[str]:
    """Ids of the agents (any stored version) whose response engine is this engine."""
    users = {
        doc["agent_id"]
        for doc in state.store.list_all_versions("agent")
        if doc.get("response_engine", {}).get(ek.id_field) == ident
    }
    return sorted(users)


def delete_engine(state: State, ek: EngineKind, ident: str, *, force: bool) -> None:
    """Delete every version; refused while agents use it unless ``force``."""
    state.require(ek.kind, ident)
    users = agents_using(state, ek, ident)
    if users and not force:
        shown = ", ".join(users[:5]) + (" …" if len(users) > 5 else "")
        raise ApiError(
            400,
            f"{ek.id_field} {ident} is used by agent(s) {shown}; "
            "update or delete them first, or pass force_delete=true",
        )
    state.store.delete(ek.kind, ident)
