"""Read what to import: through the SDK client, or from exported JSON; normalise to payload shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retell_dsl.errors import InvalidArgument
from retell_dsl.wire.ids import engine_of
from retell_dsl.wire.upgrades import upgrade

__all__ = ["SERVER_FIELDS", "engine_of", "kb_payload", "kind_of_json", "phone_payload", "strip"]

SERVER_FIELDS = {
    "agent": {"agent_id", "version", "is_published", "base_version", "last_modification_timestamp", "assigned_tags",
              "user_modified_timestamp"},
    "chat_agent": {"agent_id", "version", "is_published", "base_version", "last_modification_timestamp",
                   "assigned_tags", "user_modified_timestamp"},
    "llm": {"llm_id", "version", "is_published", "last_modification_timestamp"},
    "conversation_flow": {"conversation_flow_id", "version", "is_published", "last_modification_timestamp"},
}  # fmt: skip


def strip(kind: str, data: Mapping[str, Any], notes: list[str] | None = None) -> dict[str, Any]:
    """The create-payload shape of a remote object (server-assigned fields and engine versions dropped).

    Older shapes take their current form where the meaning is certain (``retell_dsl.wire.upgrades``),
    so every setting imports once; each change and each outdated shape kept is added to ``notes``.
    """
    up = upgrade(kind, {k: v for k, v in data.items() if k not in SERVER_FIELDS.get(kind, set())})
    out = up.payload
    if notes is not None:
        label = {"agent": "agent", "llm": "Retell LLM", "conversation_flow": "flow"}.get(kind, kind)
        name = data.get("agent_name") or data.get("llm_id") or data.get("conversation_flow_id") or ""
        where = f"{label} {name!r}" if name else label
        notes += [f"{where}: upgraded: {c}" for c in up.changes] + [f"{where}: {w}" for w in up.warnings]
    engine = out.get("response_engine")
    if kind in ("agent", "chat_agent") and isinstance(engine, Mapping):
        out["response_engine"] = {k: v for k, v in engine.items() if k != "version"}
    return out


def kb_payload(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """A knowledge base as a create payload, or None when its sources cannot be re-created from code."""
    sources = data.get("knowledge_base_sources") or []
    if any(s.get("type") != "url" for s in sources):
        return None
    out: dict[str, Any] = {"knowledge_base_name": data["knowledge_base_name"]}
    if sources:
        out["knowledge_base_urls"] = [s["url"] for s in sources]
    for key in ("enable_auto_refresh", "max_chunk_size", "min_chunk_size"):
        if key in data:
            out[key] = data[key]
    return out


def phone_payload(data: Mapping[str, Any], notes: list[str] | None = None) -> dict[str, Any]:
    """A phone number in payload space (as the deploy layer compares it), its old bindings upgraded.

    >>> phone_payload({"phone_number": "+14155550100", "inbound_agent_id": "a1", "phone_number_pretty": "x"})
    {'phone_number': '+14155550100', 'inbound_agents': [{'agent_id': 'a1', 'weight': 1.0}]}
    """
    drop = {"phone_number_pretty", "phone_number_type", "last_modification_timestamp"}
    up = upgrade("phone_number", data)
    if notes is not None:
        notes += [f"phone number {data.get('phone_number', '')!r}: upgraded: {c}" for c in up.changes]
    out = {k: v for k, v in up.payload.items() if k not in drop}
    trunk = out.pop("sip_outbound_trunk_config", None) or {}
    for key, remote in (("termination_uri", "termination_uri"), ("sip_trunk_auth_username", "auth_username"),
                        ("transport", "transport"), ("codecs", "codecs")):  # fmt: skip
        if remote in trunk:
            out[key] = trunk[remote]
    return out


def kind_of_json(data: Mapping[str, Any]) -> str:
    """Which kind of Retell object a JSON document is."""
    if "nodes" in data or "conversation_flow_id" in data:
        return "conversation_flow"
    if "response_engine" in data or "voice_id" in data or "agent_name" in data:
        return "agent"
    if "llm_id" in data or "general_prompt" in data or "general_tools" in data or "states" in data:
        return "llm"
    raise InvalidArgument(
        "cannot tell what this JSON is: expected an agent (response_engine/voice_id), a Retell LLM"
        " (llm_id/general_prompt) or a conversation flow (nodes), or the dashboard's agent export"
    )
