"""The testing API's records: test-case definitions, batch tests and test runs (retell-runtime.md §1).

Definitions are plain objects with full CRUD. A batch test runs each definition once
through the conversation engine (see :mod:`retell_dsl.emulator.domain.conversation`);
this module stores and lists what those runs produced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retell_dsl.emulator.domain.versions import resolve_engine
from retell_dsl.emulator.state import State
from retell_dsl.emulator.store import Document

__all__ = [
    "DEFAULT_SIMULATOR_MODEL",
    "ENGINE_IDS",
    "batch_tests_of",
    "create_definition",
    "definitions_of",
    "delete_definition",
    "test_runs_of",
    "update_definition",
]

#: The simulated user's model when a definition names none.
DEFAULT_SIMULATOR_MODEL = "gpt-4.1"
#: ``type`` query value → the engine id field it pairs with.
ENGINE_IDS = {"retell-llm": "llm_id", "conversation-flow": "conversation_flow_id"}


def create_definition(state: State, fields: Mapping[str, Any]) -> Document:
    """Store a test-case definition; its response engine (version) must exist."""
    resolve_engine(state, dict(fields["response_engine"]))  # 400 naming the missing LLM or flow (version)
    ident = state.new_id("test_case_definition")
    now = state.now()
    doc: Document = {
        "test_case_definition_id": ident,
        "type": "simulation",
        "dynamic_variables": {},
        "llm_model": DEFAULT_SIMULATOR_MODEL,
        "tool_mocks": [],
        **fields,
        "creation_timestamp": now,
        "user_modified_timestamp": now,
    }
    state.store.put("test_case_definition", ident, doc)
    return doc


def update_definition(state: State, ident: str, fields: Mapping[str, Any]) -> Document:
    """Replace the given fields of a definition."""
    doc = state.require("test_case_definition", ident)
    if "response_engine" in fields:
        resolve_engine(state, dict(fields["response_engine"]))
    doc.update(fields)
    doc["user_modified_timestamp"] = state.now()
    state.store.put("test_case_definition", ident, doc)
    return doc


def delete_definition(state: State, ident: str) -> None:
    """Forget a definition."""
    state.require("test_case_definition", ident)
    state.store.delete("test_case_definition", ident)


def _uses(engine: object, engine_type: str, engine_id: str) -> bool:
    return (
        isinstance(engine, dict)
        and engine.get("type") == engine_type
        and engine.get(ENGINE_IDS[engine_type]) == engine_id
    )


def definitions_of(state: State, engine_type: str, engine_id: str) -> list[tuple[int, Document]]:
    """``(seq, definition)`` of the definitions that test one engine."""
    return [
        pair
        for pair in state.store.list_latest("test_case_definition")
        if _uses(pair[1].get("response_engine"), engine_type, engine_id)
    ]


def batch_tests_of(state: State, engine_type: str, engine_id: str, version: int | None) -> list[tuple[int, Document]]:
    """``(seq, batch test)`` of the batch tests run against one engine (and version, when given)."""
    return [
        pair
        for pair in state.store.list_latest("batch_test")
        if _uses(pair[1].get("response_engine"), engine_type, engine_id)
        and (version is None or pair[1]["response_engine"].get("version") == version)
    ]


def test_runs_of(state: State, batch_id: str) -> list[tuple[int, Document]]:
    """``(seq, run)`` of one batch test's runs."""
    return [pair for pair in state.store.list_latest("test_run") if pair[1].get("_batch_test_id") == batch_id]
