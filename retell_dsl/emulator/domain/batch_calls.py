"""Batch-call scheduling: one outbound call per task, now or at ``trigger_timestamp`` (retell-api.md §1.5, §5.5).

A batch whose trigger time has passed spawns its calls at once; a future one is kept
pending (meta key ``batch_calls:pending``) and spawned lazily by :func:`materialize_due`,
which every calls endpoint runs first, once the emulator clock passes the trigger.
Spawned calls carry a private ``_batch_call_id`` (the 6.x call object has no such
field) so ``filter_criteria.batch_call_id`` finds them.

With a conversation engine, :func:`place_batch_calls` then places the spawned calls in
task order (each with its task's dynamic variables): only while the emulator clock is
inside ``call_time_window`` (default timezone America/Los_Angeles), while the batch's
ongoing calls stay below the account limit minus ``reserved_concurrency`` and the
account's ongoing calls below its limit. It runs before every calls endpoint, after a
batch is created and whenever a call the engine held ends. A task to an unlisted number
ends ``dial_no_answer`` without taking a line.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from retell_dsl.emulator.domain import lifecycle
from retell_dsl.emulator.domain.calls import check_metadata, fail_on, new_call, outbound_agent
from retell_dsl.emulator.domain.phone_users import lookup_caller
from retell_dsl.emulator.domain.versions import resolve_agent_version
from retell_dsl.emulator.errors import ApiError
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document
from retell_dsl.wire.names import E164

__all__ = [
    "PENDING_KEY",
    "PLACING_KEY",
    "check_time_window",
    "create_batch_call",
    "in_time_window",
    "materialize_due",
    "place_batch_calls",
    "render_batch_call",
]

PENDING_KEY = "batch_calls:pending"
#: Meta key listing the batches whose spawned calls are still waiting to be placed.
PLACING_KEY = "batch_calls:placing"
_DEFAULT_TIMEZONE = "America/Los_Angeles"
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
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


def in_time_window(window: Mapping[str, Any] | None, now_ms: int) -> bool:
    """Whether ``now_ms`` falls in one of the windows (minutes from local midnight, on the listed days).

    >>> window = {"windows": [{"start": 540, "end": 1020}], "timezone": "UTC", "day": ["Monday"]}
    >>> in_time_window(window, 1_735_549_200_000)  # Monday 2024-12-30 09:00 UTC
    True
    >>> in_time_window(window, 1_735_549_200_000 - 60_000)  # 08:59
    False
    """
    if not window:
        return True
    local = datetime.fromtimestamp(now_ms / 1000, ZoneInfo(str(window.get("timezone") or _DEFAULT_TIMEZONE)))
    days = window.get("day") or []
    if days and _DAYS[local.weekday()] not in days:
        return False
    minute = local.hour * 60 + local.minute + local.second / 60
    return any(float(w["start"]) <= minute < float(w["end"]) for w in window.get("windows") or [])


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
    queued: list[str] = []
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
        call = new_call(
            state,
            agent,
            fields,
            requested_version=task.get("override_agent_version"),
            agent_override=task.get("agent_override"),
            batch_call_id=batch["batch_call_id"],
        )
        queued.append(call["call_id"])
    batch["_spawned"] = True
    batch["_queue"] = queued
    state.store.put("batch_call", batch["batch_call_id"], batch)
    state.store.meta_set(PLACING_KEY, [*state.store.meta_get(PLACING_KEY, []), batch["batch_call_id"]])


def materialize_due(state: State) -> None:
    """Spawn the calls of every pending batch whose ``scheduled_timestamp`` is not in the future, then place them."""
    pending: list[str] = state.store.meta_get(PENDING_KEY, [])
    if not pending:
        place_batch_calls(state)
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
    place_batch_calls(state)


def _place(state: State, batch: Document, ongoing: int, in_batch: int) -> int:
    """Place what fits of one batch's queue; returns the account's ongoing count afterwards."""
    limit = state.config.concurrency_limit
    share = max(0, limit - int(batch.get("_reserved_concurrency") or 0))
    queue: list[str] = list(batch.get("_queue") or [])
    while queue:
        call_id = queue[0]
        call = state.store.get("call", call_id)
        if call is None or call.get("call_status") != "registered":
            queue.pop(0)  # deleted, or moved along by hand
            continue
        caller = lookup_caller(state, call.get("to_number"))
        if caller is None:
            lifecycle.fail_call(state, call_id, status="not_connected", disconnection_reason="dial_no_answer")
            queue.pop(0)
            continue
        if ongoing >= limit or in_batch >= share:
            break
        queue.pop(0)
        started = lifecycle.start_call(state, call_id)
        if started["call_status"] == "ongoing" and state.hold_call is not None:
            ongoing, in_batch = ongoing + 1, in_batch + 1
            state.hold_call(call_id, caller)
    batch["_queue"] = queue
    state.store.put("batch_call", batch["batch_call_id"], batch)
    return ongoing


def place_batch_calls(state: State) -> None:
    """Start the queued calls of every batch that may place calls now (needs an engine to hold them)."""
    placing: list[str] = state.store.meta_get(PLACING_KEY, [])
    if not placing or state.engine is None or state.hold_call is None:
        return
    with state.store.transaction():
        live = [doc for _, doc in state.store.list_latest("call") if doc.get("call_status") == "ongoing"]
        ongoing, left = len(live), []
        for batch_id in state.store.meta_get(PLACING_KEY, []):
            batch = state.store.get("batch_call", batch_id)
            if batch is None:
                continue
            if in_time_window(batch.get("call_time_window"), state.now()):
                in_batch = sum(1 for doc in live if doc.get("_batch_call_id") == batch_id)
                ongoing = _place(state, batch, ongoing, in_batch)
            if batch.get("_queue"):
                left.append(batch_id)
        if left:
            state.store.meta_set(PLACING_KEY, left)
        else:
            state.store.meta_delete(PLACING_KEY)
