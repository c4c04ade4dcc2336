"""Versions, publishing and branching of agents and their response engines (retell-api.md §12.1-3).

Agents and engines (Retell LLMs, conversation flows) are stored one row per version.
Version 0 is the first draft; publishing an agent version also publishes the engine
version it uses, and a published version is immutable. Branching a new agent draft
from a version whose engine version is published gives the engine a new draft too
(``version = max + 1``), so the new agent draft stays editable: "engine versions follow
the agent".

Version numbers come from clients; every one is checked against
``0 <= version <= MAX_VERSION`` here before it reaches the store.

>>> checked_version("7", "version")
7
>>> checked_version(2**31, "version")
Traceback (most recent call last):
...
retell_dsl.emulator.errors.ApiError: version must be between 0 and 2147483647, got 2147483648
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from retell.types import (
    conversation_flow_create_params,
    conversation_flow_update_params,
    llm_create_params,
    llm_update_params,
)

from retell_dsl.emulator.errors import bad_request, not_found
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document

__all__ = [
    "ENGINES",
    "FLOW",
    "LLM",
    "MAX_VERSION",
    "EngineKind",
    "branch_engine",
    "checked_version",
    "delete_agent_version",
    "merge_update",
    "new_agent_draft",
    "publish_agent_version",
    "publish_engine",
    "render_agent",
    "render_engine",
    "render_version_summary",
    "resolve_agent_version",
    "resolve_engine",
]

#: The largest version number the emulator stores (a signed 32-bit integer, as Retell's).
MAX_VERSION = 2**31 - 1


@dataclass(frozen=True, slots=True)
class EngineKind:
    """One kind of response engine: its store kind, ``response_engine.type``, id field and SDK schemas."""

    kind: str
    engine_type: str
    id_field: str
    create_schema: object
    update_schema: object

    @property
    def shows_published(self) -> bool:
        """Retell LLMs expose ``is_published``; flows have no such field in 6.x."""
        return self.kind == "llm"


LLM = EngineKind("llm", "retell-llm", "llm_id", llm_create_params.LlmCreateParams, llm_update_params.LlmUpdateParams)
FLOW = EngineKind(
    "conversation_flow",
    "conversation-flow",
    "conversation_flow_id",
    conversation_flow_create_params.ConversationFlowCreateParams,
    conversation_flow_update_params.ConversationFlowUpdateParams,
)
ENGINES = {LLM.engine_type: LLM, FLOW.engine_type: FLOW}


def checked_version(value: object, where: str) -> int:
    """An integer version number within ``0..MAX_VERSION``, or a 400 naming ``where``."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise bad_request(f"{where} must be an integer version number, got {str(value)[:40]!r}")
    if isinstance(value, str):
        if not value.isdigit():
            raise bad_request(f"{where} must be an integer version number, got {value[:40]!r}")
        if len(value) > len(str(MAX_VERSION)):
            raise bad_request(f"{where} must be between 0 and {MAX_VERSION}, got {value[:40]}")
        value = int(value)
    if not 0 <= value <= MAX_VERSION:
        raise bad_request(f"{where} must be between 0 and {MAX_VERSION}, got {value}")
    return value


def render_agent(doc: Document) -> Document:
    """The public view of a stored agent version."""
    out = strip_private(doc)
    out["is_published"] = bool(doc.get("_published"))
    out["assigned_tags"] = sorted(doc.get("_tags", []))
    return out


def render_engine(ek: EngineKind, doc: Document) -> Document:
    """The public view of a stored engine version."""
    out = strip_private(doc)
    if ek.shows_published:
        out["is_published"] = bool(doc.get("_published"))
    return out


def render_version_summary(doc: Document) -> Document:
    """One item of list-agent-versions."""
    return {
        "version": doc["version"],
        "is_published": bool(doc.get("_published")),
        "last_modification_timestamp": doc["last_modification_timestamp"],
        "base_version": doc.get("base_version"),
        "version_title": doc.get("version_title"),
        "version_description": doc.get("version_description"),
    }


def _kind_label(channel: str) -> str:
    return "agent" if channel == "voice" else "chat_agent"


def resolve_agent_version(state: State, agent_id: str, version: str | int | None, channel: str | None) -> Document:
    """Resolve ``version`` (int, tag name, ``latest``, ``latest_published``, None) to one stored version.

    ``channel`` (``"voice"``/``"chat"``) makes an agent of the other channel unknown.
    """
    versions = state.store.versions("agent", agent_id)
    if not versions or (channel is not None and versions[0].get("_channel") != channel):
        raise not_found(_kind_label(channel or "voice"), agent_id)
    if version is None or version == "latest":
        return versions[-1]
    if isinstance(version, int) or (isinstance(version, str) and version.isdigit()):
        wanted = checked_version(version, "agent version")
        for doc in versions:
            if doc["version"] == wanted:
                return doc
        raise not_found("agent_version", f"{agent_id} version {wanted}")
    if version == "latest_published":
        published = [d for d in versions if d.get("_published")]
        if not published:
            raise not_found("agent_version", f"{agent_id} has no published version")
        return published[-1]
    tagged = [d for d in versions if version in d.get("_tags", [])]
    return tagged[-1] if tagged else versions[-1]  # an existing-but-unassigned tag resolves to latest


def resolve_engine(state: State, response_engine: dict[str, Any]) -> tuple[EngineKind, Document] | None:
    """The engine version an agent uses (pinned or latest); ``None`` for custom LLMs. 400 if missing."""
    ek = ENGINES.get(str(response_engine.get("type")))
    if ek is None:
        return None
    ident = str(response_engine.get(ek.id_field))
    raw = response_engine.get("version")
    version = None if raw is None else checked_version(raw, "response_engine.version")
    doc = state.store.get(ek.kind, ident, version)
    if doc is None:
        what = f"{ek.id_field} {ident}" + ("" if version is None else f" version {version}")
        raise bad_request(f"response_engine refers to a missing engine: {what} does not exist")
    return ek, doc


def publish_engine(state: State, response_engine: dict[str, Any]) -> None:
    """Publish the engine version an agent version uses (once)."""
    resolved = resolve_engine(state, response_engine)
    if resolved is None:
        return
    ek, doc = resolved
    if not doc.get("_published"):
        doc["_published"] = True
        state.store.put(ek.kind, doc[ek.id_field], doc, doc["version"])


def branch_engine(state: State, response_engine: dict[str, Any]) -> dict[str, Any]:
    """Give a new agent draft an editable engine version; returns the (maybe re-pinned) reference."""
    resolved = resolve_engine(state, response_engine)
    if resolved is None:
        return response_engine
    ek, doc = resolved
    if not doc.get("_published"):
        return response_engine
    ident = doc[ek.id_field]
    latest = state.store.get(ek.kind, ident)
    assert latest is not None
    if latest["version"] != doc["version"] and not latest.get("_published"):
        draft_version = latest["version"]  # a newer draft already exists: share it
    else:
        draft = copy.deepcopy(doc)
        draft_version = latest["version"] + 1
        draft.update(version=draft_version, _published=False, last_modification_timestamp=state.now())
        state.store.put(ek.kind, ident, draft, draft_version)
    if response_engine.get("version") is None:
        return response_engine
    return {**response_engine, "version": draft_version}


def merge_update(doc: Document, body: dict[str, Any]) -> Document:
    """Partial update: given top-level keys replace; ``model_config`` merges one level deep."""
    merged = copy.deepcopy(doc)
    for key, value in body.items():
        old = merged.get(key)
        if key == "model_config" and isinstance(old, dict) and isinstance(value, dict):
            merged[key] = {**old, **value}
        else:
            merged[key] = value
    return merged


def publish_agent_version(state: State, doc: Document, details: dict[str, Any]) -> None:
    """Publish one agent version (and its engine version); ``details`` may carry its title/description."""
    publish_engine(state, doc.get("response_engine") or {})
    doc["_published"] = True
    for key in ("version_title", "version_description"):
        if key in details:
            doc[key] = details[key]
    state.store.put("agent", doc["agent_id"], doc, doc["version"])


def new_agent_draft(state: State, base: Document) -> Document:
    """Branch draft ``max + 1`` from ``base`` (the engine follows, see :func:`branch_engine`)."""
    latest = state.store.versions("agent", base["agent_id"])[-1]
    draft = copy.deepcopy(base)
    draft.update(
        version=latest["version"] + 1,
        base_version=base["version"],
        last_modification_timestamp=state.now(),
        _published=False,
        _tags=[],
    )
    draft.pop("version_title", None)
    draft.pop("version_description", None)
    if "response_engine" in draft:
        draft["response_engine"] = branch_engine(state, draft["response_engine"])
    state.store.put("agent", draft["agent_id"], draft, draft["version"])
    return draft


def delete_agent_version(state: State, agent_id: str, version: int) -> None:
    """Delete one version; the only version of an agent cannot go (delete the agent instead)."""
    resolve_agent_version(state, agent_id, version, None)
    if len(state.store.versions("agent", agent_id)) == 1:
        raise bad_request(f"Version {version} is the only version of agent {agent_id}; delete the agent instead")
    state.store.delete("agent", agent_id, version)
