"""Batch-call scheduling: one outbound call per task, now or at ``trigger_timestamp`` (retell-api.md §1.5, §5.5).

A batch whose trigger time has passed spawns its calls at once; a future one is kept
pending (meta key ``batch_calls:pending``) and spawned lazily by :func:`materialize_due`,
which every calls endpoint runs first, once the emulator clock passes the trigger.
Spawned calls carry a private ``_batch_call_id`` (the 6.x call object has no such
field) so ``filter_criteria.batch_call_id`` finds them. ``call_time_window`` is
validated and echoed but does not delay spawning (calls are only ``registered``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from retell_dsl.emulator.domain.calls import check_metadata, fail_on, new_call, outbound_agent
from retell_dsl.emulator.domain.versions import resolve_agent_version
from retell_dsl.emulator.errors import ApiError
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document
from retell_dsl.wire.names import E164

__all__ = ["PENDING_KEY", "check_time_window", "create_batch_call", "materialize_due", "render_batch_call"]

PENDING_KEY = "batch_calls:pending"
_MINUTES_PER_DAY = 1440


def check_time_window(window: dict[str, Any]) -> list[str]:
    """Half-open ``[start, end)`` minute windows within one day, and a real IANA timezone."""
    problems = []
    for i, item in enumerate(window.get("windows") or []):
        start, end = item["start"], item["end"]
        if not 0 <= start < end <= _MINUTES_PER_DAY:
            problems.append(
                f"call_time_window.windows[{i}] must satisfy 0 <= start < end <= 1440 "
                f"(minutes from local midnight, no cross-midnight windows), got start={start} end={end}"
            )
    if not window.get("windows"):
        problems.append("call_time_window.windows must list at least one window")
    timezone = window.get("timezone")
    if timezone is not None:
        try:
            ZoneInfo(str(timezone))
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"call_time_window.timezone {timezone!r} is not an IANA timezone like America/New_York")
    return problems


def _resolve_task_agent(state: State, from_number: str, task: Mapping[str, Any]) -> Document:
    if task.get("override_agent_id"):
        return resolve_agent_version(state, task["override_agent_id"], task.get("override_agent_version"), "voice")
    return outbound_agent(state, from_number)


def _check_tasks(state: State, from_number: str, tasks: list[dict[str, Any]]) -> list[str]:
    problems = []
    if not tasks:
        problems.append("tasks must contain at least one task")
    for i, task in enumerate(tasks):
        to_number = task["to_number"]
        if not task.get("ignore_e164_validation") and not E164.match(str(to_number)):
            problems.append(f"tasks[{i}].to_number {to_number!r} is not an E.164 number like +14155551234")
        problems += check_metadata(task.get("metadata"), f"tasks[{i}].metadata")
        try:
            _resolve_task_agent(state, from_number, task)
        except ApiError as err:
            problems.append(f"tasks[{i}]: {err.message}")
    return problems


def render_batch_call(doc: Document) -> Document:
    """The public batch-call object."""
    return strip_private(doc)


def create_batch_call(state: State, body: Mapping[str, Any]) -> Document:
    """Check every task, store the batch and spawn its calls now when the trigger time has passed."""
    materialize_due(state)
    from_number = body["from_number"]
    tasks = list(body["tasks"])
    problems: list[str] = []
    if state.store.get("phone_number", from_number) is None:
        problems.append(f"from_number {from_number} is not a phone number of this account; buy or import it first")
    else:
        problems += _check_tasks(state, from_number, tasks)
    if "call_time_window" in body:
        problems += check_time_window(body["call_time_window"])
    if body.get("reserved_concurrency", 0) < 0:
        problems.append(f"reserved_concurrency must be at least 0, got {body['reserved_concurrency']}")
    trigger = body.get("trigger_timestamp")
    if trigger is not None and trigger < 0:
        problems.append(f"trigger_timestamp must be epoch milliseconds, got {trigger}")
    fail_on(problems)
    batch_id = state.new_id("batch_call")
    doc: Document = {
        "batch_call_id": batch_id,
        "name": body.get("name", ""),
        "from_number": from_number,
        "scheduled_timestamp": int(trigger) if trigger is not None else state.now(),
        "total_task_count": len(tasks),
        "_tasks": tasks,
        "_reserved_concurrency": body.get("reserved_concurrency", 0),
        "_spawned": False,
    }
    if "call_time_window" in body:
        doc["call_time_window"] = body["call_time_window"]
    state.store.put("batch_call", batch_id, doc)
    state.store.meta_set(PENDING_KEY, [*state.store.meta_get(PENDING_KEY, []), batch_id])
    materialize_due(state)
    return doc


def _spawn(state: State, batch: Document) -> None:
    for task in batch["_tasks"]:
        try:
            agent = _resolve_task_agent(state, batch["from_number"], task)
        except ApiError:
            continue  # the agent or binding vanished before the trigger time: that task is not dialled
        fields = {
            "call_type": "phone_call",
            "direction": "outbound",
            "from_number": batch["from_number"],
            "to_number": task["to_number"],
            "metadata": task.get("metadata"),
            "retell_llm_dynamic_variables": task.get("retell_llm_dynamic_variables"),
            "custom_sip_headers": task.get("custom_sip_headers"),
        }
        new_call(
            state,
            agent,
            fields,
            requested_version=task.get("override_agent_version"),
            agent_override=task.get("agent_override"),
            batch_call_id=batch["batch_call_id"],
        )
    batch["_spawned"] = True
    state.store.put("batch_call", batch["batch_call_id"], batch)


def materialize_due(state: State) -> None:
    """Spawn the calls of every pending batch whose ``scheduled_timestamp`` is not in the future."""
    pending: list[str] = state.store.meta_get(PENDING_KEY, [])
    if not pending:
        return
    now = state.now()
    waiting = []
    for batch_id in pending:
        batch = state.store.get("batch_call", batch_id)
        if batch is None or batch.get("_spawned"):
            continue
        if batch["scheduled_timestamp"] <= now:
            _spawn(state, batch)
        else:
            waiting.append(batch_id)
    if waiting:
        state.store.meta_set(PENDING_KEY, waiting)
    else:
        state.store.meta_delete(PENDING_KEY)
