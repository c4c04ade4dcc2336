"""The directory of simulated phone users: number → who answers (an emulator extension, not Retell's API).

Each entry is stored as kind ``"phone_user"`` keyed by its E.164 number, holding the
caller JSON an engine receives as ``CallSession.caller`` (format in
``engine_port.CallSession.caller``): ``{"type": "script", "steps": [...]}`` or
``{"type": "persona", "user_prompt": ..., "llm_model"?: ...}``. An outbound call to a
listed number runs that conversation; an unlisted number does not answer
(``dial_no_answer``). A listed number can also place inbound calls to a number the
account owns.

>>> caller_problems({"type": "script", "steps": [{"say": "Hi"}, {"press": "12"}, {"hang_up": True}]})
[]
>>> caller_problems({"type": "script", "steps": [{"sing": "la"}]})
["caller.steps[0] must have exactly one of 'say', 'press', 'silence_ms', 'hang_up', got ['sing']"]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retell_dsl.emulator.domain.calls import check_e164, fail_on
from retell_dsl.emulator.errors import bad_request
from retell_dsl.emulator.state import State
from retell_dsl.emulator.store import Document

__all__ = [
    "CALLER_TYPES",
    "caller_problems",
    "check_caller",
    "delete_phone_user",
    "get_phone_user",
    "list_phone_users",
    "lookup_caller",
    "put_phone_user",
]

CALLER_TYPES = ("script", "persona")
_STEP_KINDS = ("say", "press", "silence_ms", "hang_up")
_DTMF = frozenset("0123456789*#")


def _step_problems(i: int, step: object) -> list[str]:
    where = f"caller.steps[{i}]"
    if not isinstance(step, Mapping):
        return [f"{where} must be an object like {{'say': 'Hello'}}"]
    kinds = [k for k in step if k in _STEP_KINDS]
    extra = sorted(k for k in step if k not in _STEP_KINDS and k not in ("after", "within"))
    if len(kinds) != 1 or extra:
        return [f"{where} must have exactly one of {', '.join(map(repr, _STEP_KINDS))}, got {sorted(map(str, step))}"]
    kind, value = kinds[0], step[kinds[0]]
    if "after" in step and not (isinstance(step["after"], str) and step["after"]):
        return [f"{where}.after must be a non-empty string (text the agent says, or /regex/)"]
    within = step.get("within", 1)
    if isinstance(within, bool) or not isinstance(within, int) or within < 1:
        return [f"{where}.within must be a positive integer (agent turns to wait), got {within!r}"]
    if kind == "say" and not isinstance(value, str):
        return [f"{where}.say must be a string"]
    if kind == "press" and not (isinstance(value, str) and value and set(value) <= _DTMF):
        return [f"{where}.press must be digits 0-9, * or #, got {value!r}"]
    if kind == "silence_ms" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        return [f"{where}.silence_ms must be a non-negative integer, got {value!r}"]
    if kind == "hang_up" and value is not True:
        return [f"{where}.hang_up must be true"]
    return []


def caller_problems(caller: object) -> list[str]:
    """What is wrong with a caller JSON (empty when it is a valid script or persona)."""
    if not isinstance(caller, Mapping):
        return ["caller must be a JSON object with 'type' 'script' or 'persona'"]
    kind = caller.get("type")
    if kind == "script":
        extra = sorted(str(k) for k in caller if k not in ("type", "steps"))
        steps = caller.get("steps")
        if not isinstance(steps, list):
            return ["caller.steps must be a list of steps", *[f"caller.{k}: unknown field" for k in extra]]
        problems = [p for i, step in enumerate(steps) for p in _step_problems(i, step)]
        return problems + [f"caller.{k}: unknown field" for k in extra]
    if kind == "persona":
        extra = sorted(str(k) for k in caller if k not in ("type", "user_prompt", "llm_model"))
        problems = [f"caller.{k}: unknown field" for k in extra]
        prompt = caller.get("user_prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            problems.append("caller.user_prompt must be a non-empty string (who the simulated person is)")
        if "llm_model" in caller and not isinstance(caller["llm_model"], str):
            problems.append("caller.llm_model must be a string")
        return problems
    return [f"caller.type must be one of {', '.join(CALLER_TYPES)}, got {kind!r}"]


def check_caller(caller: object) -> dict[str, Any]:
    """The caller as a plain dict, or one 400 listing every problem."""
    problems = caller_problems(caller)
    if problems:
        raise bad_request("Invalid caller", problems)
    assert isinstance(caller, Mapping)
    return dict(caller)


def put_phone_user(state: State, number: str, caller: object) -> Document:
    """List (or replace) the simulated person who answers ``number``."""
    fail_on(check_e164(number, "phone number"))
    doc: Document = {"phone_number": number, "caller": check_caller(caller)}
    state.store.put("phone_user", number, doc)
    return doc


def get_phone_user(state: State, number: str) -> Document:
    """One directory entry; 404 when the number is not listed."""
    return state.require("phone_user", number)


def list_phone_users(state: State) -> list[Document]:
    """Every listed number, in the order they were first listed."""
    return [doc for _, doc in state.store.list_latest("phone_user")]


def delete_phone_user(state: State, number: str) -> None:
    """Unlist a number (404 when it is not listed)."""
    state.require("phone_user", number)
    state.store.delete("phone_user", number)


def lookup_caller(state: State, number: object) -> dict[str, Any] | None:
    """The caller JSON of a listed number, else ``None``."""
    if not isinstance(number, str):
        return None
    doc = state.store.get("phone_user", number)
    return dict(doc["caller"]) if doc is not None else None
