"""Calls: creation (phone, web, registered), agent choice and overrides, updates (retell-api.md §1.5, §5, §12.10).

Calls are stored as kind ``"call"``. Private keys: ``_created_at`` (list order for calls
that never started), ``_batch_call_id``, ``_agent_override`` (as given),
``_agent_config`` (the agent configuration the call runs with: the agent version with
``agent_override.agent`` applied), ``_engine_override`` (``agent_override.retell_llm`` /
``conversation_flow``), ``_custom_attributes``, ``_tool_calls``. The lifecycle of a call
(start, turns, end) is in :mod:`retell_dsl.emulator.domain.lifecycle`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from retell_dsl.emulator.domain.agents import agent_problems
from retell_dsl.emulator.domain.checks import require_knowledge_bases
from retell_dsl.emulator.domain.versions import merge_update, render_agent, resolve_agent_version
from retell_dsl.emulator.errors import bad_request
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document
from retell_dsl.wire.names import E164

__all__ = [
    "METADATA_LIMIT_BYTES",
    "STORAGE_STRICTNESS",
    "TRANSCRIPT_FIELDS",
    "agent_config",
    "bound_agent",
    "check_e164",
    "check_metadata",
    "delete_call",
    "fail_on",
    "merge_metadata_and_storage",
    "new_call",
    "outbound_agent",
    "render_call",
    "render_call_summary",
    "update_call",
]

#: ``metadata`` may hold at most 50 kB of JSON.
METADATA_LIMIT_BYTES = 50 * 1024
#: ``data_storage_setting`` values from loosest to strictest; updates may only tighten.
STORAGE_STRICTNESS = ("everything", "everything_except_pii", "basic_attributes_only")
#: What list-calls leaves out of each item.
TRANSCRIPT_FIELDS = frozenset(
    {
        "transcript",
        "transcript_object",
        "transcript_with_tool_calls",
        "scrubbed_transcript_with_tool_calls",
        "pre_session_transcript_with_tool_calls",
        "post_session_transcript_with_tool_calls",
        "scrubbed_pre_session_transcript_with_tool_calls",
        "scrubbed_post_session_transcript_with_tool_calls",
    }
)
_ENGINE_OVERRIDES = {"retell_llm": "retell-llm", "conversation_flow": "conversation-flow"}


def render_call(doc: Document) -> Document:
    """The public call object."""
    return strip_private(doc)


def render_call_summary(doc: Document) -> Document:
    """A list-calls item: the call object without its transcripts."""
    return {k: v for k, v in render_call(doc).items() if k not in TRANSCRIPT_FIELDS}


def fail_on(problems: list[str]) -> None:
    """One 400 listing every problem, when there are any."""
    if problems:
        raise bad_request("Invalid request format, please check API reference", problems)


def check_metadata(metadata: object, where: str = "metadata") -> list[str]:
    """``metadata`` fits in 50 kB of JSON."""
    size = len(json.dumps(metadata, separators=(",", ":"), ensure_ascii=False).encode())
    if size > METADATA_LIMIT_BYTES:
        return [f"{where} is {size} bytes of JSON; at most {METADATA_LIMIT_BYTES} are allowed"]
    return []


def check_e164(number: object, where: str, ignore: bool = False) -> list[str]:
    """``number`` is E.164 (unless ``ignore``)."""
    if ignore or (isinstance(number, str) and E164.match(number)):
        return []
    return [f"{where} {number!r} is not an E.164 number like +14155551234 (or set ignore_e164_validation)"]


def merge_metadata_and_storage(
    doc: Document, body: Mapping[str, Any], *, storage_key: str, strictness: tuple[str, ...]
) -> list[str]:
    """Update-call/update-chat rules: metadata merges shallowly, data storage can only get stricter.

    Changes ``doc`` in place and returns the problems (empty when the update is acceptable).
    """
    if "metadata" in body:
        old, new = doc.get("metadata"), body["metadata"]
        doc["metadata"] = {**old, **new} if isinstance(old, dict) and isinstance(new, dict) else new
    problems = check_metadata(doc.get("metadata"))
    if "data_storage_setting" in body:
        current, wanted = doc.get(storage_key) or "everything", body["data_storage_setting"]
        if strictness.index(wanted) < strictness.index(current):
            problems.append(f"data_storage_setting cannot be loosened from {current!r} to {wanted!r}")
        doc[storage_key] = wanted
    return problems


def bound_agent(state: State, number: str, binding: str) -> Document:
    """Pick the agent version from a number's weighted ``binding`` list.

    ``outbound_agents`` / ``inbound_agents`` bind voice agents, ``outbound_sms_agents`` /
    ``inbound_sms_agents`` chat agents.
    """
    role = "from_number" if binding.startswith("outbound") else "to_number"
    phone = state.store.get("phone_number", number)
    if phone is None:
        raise bad_request(f"{role} {number} is not a phone number of this account; buy or import it first")
    bindings = [b for b in phone.get(binding) or [] if isinstance(b, dict)]
    if not bindings:
        hint = " or pass override_agent_id" if binding.startswith("outbound") else ""
        kind = binding.removesuffix("_agents").replace("_", " ")
        raise bad_request(
            f"Phone number {number} has no {kind} agent; bind one with update-phone-number ({binding}){hint}"
        )
    purpose = "outbound" if binding == "outbound_agents" else binding
    roll = state.rng(f"{purpose}:{number}").random() * sum(float(b.get("weight", 0)) for b in bindings)
    chosen = bindings[-1]
    for item in bindings:
        roll -= float(item.get("weight", 0))
        if roll < 0:
            chosen = item
            break
    channel = "chat" if "_sms_" in binding else "voice"
    return resolve_agent_version(state, str(chosen["agent_id"]), chosen.get("agent_version"), channel)


def outbound_agent(state: State, from_number: str) -> Document:
    """Pick the agent version for an outbound call from the number's weighted ``outbound_agents``."""
    return bound_agent(state, from_number, "outbound_agents")


def _agent_tag(agent: Document, requested: object) -> str | None:
    tags = list(agent.get("_tags") or [])
    if isinstance(requested, str) and requested in tags:
        return requested
    return tags[0] if tags else None


def agent_config(state: State, agent: Document, override: object) -> tuple[Document, Document]:
    """The agent configuration a call runs with, and its engine overrides; 400 when an override is invalid.

    ``override.agent`` is applied to the agent version like an update (top-level keys replace,
    ``model_config`` merges); ``override.retell_llm`` / ``override.conversation_flow`` only
    apply to an agent whose (possibly overridden) response engine is of that type.
    """
    config = render_agent(agent)
    engine_override: Document = {}
    if not isinstance(override, Mapping):
        return config, engine_override
    problems: list[str] = []
    if isinstance(override.get("agent"), Mapping):
        config = merge_update(config, dict(override["agent"]))
        problems += [f"agent_override.agent: {p}" for p in agent_problems(state, {**config, "_channel": "voice"})]
    engine_type = (config.get("response_engine") or {}).get("type")
    for key, wanted in _ENGINE_OVERRIDES.items():
        given = override.get(key)
        if not isinstance(given, Mapping):
            continue
        if engine_type != wanted:
            problems.append(f"agent_override.{key} only applies to agents whose response engine is {wanted!r}")
            continue
        problems += [
            f"agent_override.{key}.{p}" for p in require_knowledge_bases(state, given.get("knowledge_base_ids"))
        ]
        engine_override = {key: dict(given)}
    fail_on(problems)
    return config, engine_override


def new_call(
    state: State,
    agent: Document,
    fields: Mapping[str, Any],
    *,
    requested_version: object = None,
    agent_override: object = None,
    batch_call_id: str | None = None,
) -> Document:
    """Store a new ``registered`` call for a resolved agent version; ``fields`` are the call's own.

    ``agent_override`` is applied: the call reports the overridden ``agent_name`` and
    ``data_storage_setting`` (and ``opt_in_signed_url``), and keeps the full configuration
    it runs with in ``_agent_config``.
    """
    config, engine_override = agent_config(state, agent, agent_override)
    call_id = state.new_id("call")
    doc: Document = {
        "call_id": call_id,
        "agent_id": agent["agent_id"],
        "agent_version": int(agent["version"]),
        "call_status": "registered",
        "data_storage_setting": config.get("data_storage_setting") or "everything",
        **{k: v for k, v in fields.items() if v is not None},
        "_created_at": state.now(),
        "_agent_config": config,
    }
    if config.get("agent_name"):
        doc["agent_name"] = config["agent_name"]
    if config.get("opt_in_signed_url") is not None:
        doc["opt_in_signed_url"] = bool(config["opt_in_signed_url"])
    tag = _agent_tag(agent, requested_version)
    if tag:
        doc["agent_tag"] = tag
    if agent_override is not None:
        doc["_agent_override"] = agent_override
    if engine_override:
        doc["_engine_override"] = engine_override
    if batch_call_id is not None:
        doc["_batch_call_id"] = batch_call_id
    state.store.put("call", call_id, doc)
    return doc


def update_call(state: State, call_id: str, changes: Mapping[str, Any]) -> Document:
    """Update-call: metadata merges, storage only tightens, ``custom_attributes`` merge."""
    doc = state.require("call", call_id)
    problems = merge_metadata_and_storage(
        doc, changes, storage_key="data_storage_setting", strictness=STORAGE_STRICTNESS
    )
    fail_on(problems)
    if changes.get("custom_attributes"):
        doc["_custom_attributes"] = {**(doc.get("_custom_attributes") or {}), **changes["custom_attributes"]}
    state.store.put("call", call_id, doc)
    return doc


def delete_call(state: State, call_id: str) -> None:
    """Forget a call."""
    state.require("call", call_id)
    state.store.delete("call", call_id)
