"""Live call control: update-live-call on an ongoing call (retell-api.md §5; the SDK's ``CallUpdateLiveParams``).

``fields_to_override`` applies at once: ``metadata`` replaces the call's (50 kB at most),
``data_storage_setting`` may only get stricter, ``override_dynamic_variables`` adds to or
overrides the call's ``retell_llm_dynamic_variables`` (``null`` removes every override,
restoring the variables the call was created with). ``call_control.additional_context``
is recorded as an ``injected`` item of ``transcript_with_tool_calls`` (what an engine sees
on its next turn); ``trigger_response: true`` is counted in ``_triggered_responses`` for
the engine. Everything is checked before anything changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retell_dsl.emulator.domain import lifecycle
from retell_dsl.emulator.domain.calls import STORAGE_STRICTNESS, check_metadata, fail_on
from retell_dsl.emulator.errors import bad_request
from retell_dsl.emulator.state import State
from retell_dsl.emulator.store import Document

__all__ = ["update_live_call"]


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
        if control.get("trigger_response") is True:
            doc["_triggered_responses"] = int(doc.get("_triggered_responses", 0)) + 1
        state.store.put("call", call_id, doc)
        if "additional_context" in control:
            doc = lifecycle.record_injected(state, call_id, control["additional_context"])
        return doc
