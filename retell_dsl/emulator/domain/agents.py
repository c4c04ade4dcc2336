"""Voice and chat agents (retell-api.md §1.2, §1.9, §2.3).

Both channels live in one table (``kind="agent"``) because list-agents and the
version endpoints serve both; ``_channel`` (``"voice"``/``"chat"``) tells them apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retell_dsl.emulator.domain.checks import AGENT_RANGES, check_ranges
from retell_dsl.emulator.domain.versions import merge_update, resolve_agent_version, resolve_engine
from retell_dsl.emulator.domain.voices import voice_exists
from retell_dsl.emulator.errors import ApiError, bad_request
from retell_dsl.emulator.state import State
from retell_dsl.emulator.store import Document

__all__ = ["agent_problems", "create_agent", "delete_agent", "list_agent_items", "update_agent"]


def agent_problems(state: State, doc: Mapping[str, Any]) -> list[str]:
    """Everything wrong with an agent configuration (ranges, engine, voices, analysis items)."""
    problems = check_ranges(doc, AGENT_RANGES)
    engine = doc.get("response_engine") or {}
    try:
        resolve_engine(state, engine)
    except ApiError as err:
        problems.append(err.message)
    if doc.get("_channel", "voice") == "voice":
        if not voice_exists(state, str(doc.get("voice_id"))):
            problems.append(f"voice_id {doc.get('voice_id')!r} is not a known voice (see list-voices)")
        for i, fallback in enumerate(doc.get("fallback_voice_ids") or []):
            if not voice_exists(state, str(fallback)):
                problems.append(f"fallback_voice_ids[{i}] {fallback!r} is not a known voice")
        if doc.get("stt_mode") == "custom" and not doc.get("custom_stt_config"):
            problems.append("custom_stt_config is required when stt_mode is 'custom'")
    for i, item in enumerate(doc.get("post_call_analysis_data") or doc.get("post_chat_analysis_data") or []):
        if item.get("type") == "enum" and not item.get("choices"):
            problems.append(f"post_call_analysis_data[{i}].choices must not be empty")
    return problems


def _validate(state: State, doc: Document) -> None:
    problems = agent_problems(state, doc)
    if problems:
        raise bad_request("Invalid request format, please check API reference", problems)


def create_agent(state: State, channel: str, fields: dict[str, Any]) -> Document:
    """Store version 0 (a draft) of a new agent of ``channel``."""
    agent_id = state.new_id("agent")
    doc: Document = {
        **fields,
        "agent_id": agent_id,
        "version": 0,
        "base_version": None,
        "last_modification_timestamp": state.now(),
        "_channel": channel,
        "_published": False,
        "_tags": [],
    }
    _validate(state, doc)
    state.store.put("agent", agent_id, doc, 0)
    return doc


def update_agent(
    state: State, agent_id: str, version: str | int | None, channel: str, fields: dict[str, Any]
) -> Document:
    """Partially update a draft agent version; a published version is refused."""
    doc = resolve_agent_version(state, agent_id, version, channel)
    if doc.get("_published"):
        raise bad_request(
            f"Version {doc['version']} of agent {agent_id} is published and cannot be changed; "
            "create a new draft with create-agent-version and update that"
        )
    merged = merge_update(doc, fields)
    merged["last_modification_timestamp"] = state.now()
    _validate(state, merged)
    state.store.put("agent", agent_id, merged, doc["version"])
    return merged


def delete_agent(state: State, agent_id: str, channel: str) -> None:
    """Delete an agent with every version."""
    resolve_agent_version(state, agent_id, None, channel)
    state.store.delete("agent", agent_id)


def _summary(doc: Document) -> Document:
    tags: dict[str, Any] = {}
    return {
        "agent_id": doc["agent_id"],
        "agent_name": doc.get("agent_name") or "",  # required string in summaries, even when unnamed
        "channel": doc["_channel"],
        "is_suspended": False,
        "is_transfer_agent": bool(doc.get("is_transfer_agent", False)),
        "tags": tags,
        "user_modified_timestamp": doc["last_modification_timestamp"],
    }


def _string_op(op: str, actual: str, expected: str) -> bool:
    return {
        "eq": actual == expected,
        "ne": actual != expected,
        "sw": actual.startswith(expected),
        "ew": actual.endswith(expected),
        "co": expected in actual,
    }.get(op, False)


def _keep(doc: Document, criteria: Mapping[str, Any]) -> bool:
    channel = criteria.get("channel")
    if channel and not _string_op(channel["op"], doc["_channel"], channel["value"]):
        return False
    transfer = criteria.get("is_transfer_agent")
    if transfer and bool(doc.get("is_transfer_agent", False)) != transfer["value"]:
        return False
    query = criteria.get("query")
    if query:
        name = str(doc.get("agent_name") or "").lower()
        return query.lower() in name or query in doc["agent_id"]
    return True


def list_agent_items(state: State, criteria: Mapping[str, Any]) -> list[tuple[int, Document]]:
    """``(creation seq, summary)`` of every agent matching list-agents' ``filter_criteria``.

    A summary's ``tags`` maps each assigned tag to the version it is on.
    """
    all_versions: dict[str, list[Document]] = {}
    for doc in state.store.list_all_versions("agent"):
        all_versions.setdefault(doc["agent_id"], []).append(doc)
    out = []
    for seq, doc in state.store.list_latest("agent"):
        if not _keep(doc, criteria):
            continue
        summary = _summary(doc)
        for version in all_versions.get(doc["agent_id"], []):
            for tag in version.get("_tags", []):
                summary["tags"][tag] = {"version": version["version"]}
        out.append((seq, summary))
    return out
