"""Live call control: update-live-call on an ongoing call (retell-api.md §5; the SDK's ``CallUpdateLiveParams``).

``fields_to_override`` applies at once: ``metadata`` replaces the call's (50 kB at most),
``data_storage_setting`` may only get stricter, ``override_dynamic_variables`` adds to or
overrides the call's ``retell_llm_dynamic_variables`` (``null`` removes every override,
restoring the variables the call was created with). ``call_control.additional_context``
is recorded as an ``injected`` item of ``transcript_with_tool_calls``. What the engine
holding the call must act on (the injected texts, overridden variables, ``trigger_response:
true``) is queued in the call's private ``_live_control`` until the engine takes it
(:func:`take_live_control`, behind ``CallSession.live_control``). Everything is checked
before anything changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retell_dsl.emulator.domain import lifecycle
from retell_dsl.emulator.domain.calls import STORAGE_STRICTNESS, check_metadata, fail_on
from retell_dsl.emulator.engine_port import LiveControl
from retell_dsl.emulator.errors import bad_request
from retell_dsl.emulator.state import State
from retell_dsl.emulator.store import Document

__all__ = ["take_live_control", "update_live_call"]


def _problems(doc: Document, fields: Mapping[str, Any], control: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    if "metadata" in fields:
        problems += check_metadata(fields["metadata"], "fields_to_override.metadata")
    wanted = fields.get("data_storage_setting")
    current = doc.get("data_storage_setting") or "everything"
    if wanted is not None and STORAGE_STRICTNESS.index(wanted) < STORAGE_STRICTNESS.index(current):
        problems.append(f"fields_to_override.data_storage_setting cannot be loosened from {current!r} to {wanted!r}")
    context = control.get("additional_context")
    if "additional_context" in control and not (isinstance(context, str) and context.strip()):
        problems.append("call_control.additional_context must be a non-empty string")
    return problems


def update_live_call(state: State, call_id: str, body: Mapping[str, Any]) -> Document:
    """Apply ``fields_to_override`` and ``call_control`` to an ongoing call; returns the updated call."""
    with state.store.transaction():
        doc = state.require("call", call_id)
        if doc.get("call_status") != "ongoing":
            raise bad_request(f"Cannot update live call {call_id}: it is {doc.get('call_status')}, not ongoing")
        fields = dict(body.get("fields_to_override") or {})
        control = dict(body.get("call_control") or {})
        fail_on(_problems(doc, fields, control))
        if "metadata" in fields:
            doc["metadata"] = fields["metadata"]
        if fields.get("data_storage_setting") is not None:
            doc["data_storage_setting"] = fields["data_storage_setting"]
        if "override_dynamic_variables" in fields:
            base = doc.setdefault("_base_dynamic_variables", dict(doc.get("retell_llm_dynamic_variables") or {}))
            overrides = fields["override_dynamic_variables"]
            doc["_dynamic_variable_overrides"] = (
                {} if overrides is None else {**doc.get("_dynamic_variable_overrides", {}), **overrides}
            )
            merged = {**base, **doc["_dynamic_variable_overrides"]}
            if merged or "retell_llm_dynamic_variables" in doc:
                doc["retell_llm_dynamic_variables"] = merged
        pending = dict(doc.get("_live_control") or {})
        if "additional_context" in control:
            pending["context"] = [*pending.get("context", []), control["additional_context"]]
        if "override_dynamic_variables" in fields:
            pending["variables"] = True
        if control.get("trigger_response") is True:
            pending["trigger"] = True
        if pending:
            doc["_live_control"] = pending
        state.store.put("call", call_id, doc)
        if "additional_context" in control:
            doc = lifecycle.record_injected(state, call_id, control["additional_context"])
        return doc


def take_live_control(state: State, call_id: str) -> LiveControl:
    """What update-live-call queued for the engine since the last take (empty when nothing); clears the queue."""
    with state.store.transaction():
        doc = state.require("call", call_id)
        pending = doc.pop("_live_control", None)
        if not pending:
            return LiveControl()
        state.store.put("call", call_id, doc)
        variables = doc.get("retell_llm_dynamic_variables") or {}
        return LiveControl(
            additional_context=tuple(str(c) for c in pending.get("context", ())),
            dynamic_variables={str(k): str(v) for k, v in variables.items()} if pending.get("variables") else None,
            trigger_response=bool(pending.get("trigger")),
        )
