"""The testing API (test-case definitions, batch tests, test runs) and the agent playground (§1.8, §1.9).

Test-case definitions are plain objects with full CRUD. Running them (batch tests,
test runs) and playground completions need the simulation engine: creating a batch
test or asking the playground for a turn answers 501 naming it, while the read
endpoints already answer with the right shapes (404 for unknown ids, empty lists).
"""

from __future__ import annotations

from typing import Any

from retell.types import (
    playground_completion_params,
    test_create_batch_test_params,
    test_create_test_case_definition_params,
    test_update_test_case_definition_params,
)

from retell_dsl.emulator.body import json_body, query_int, query_str
from retell_dsl.emulator.errors import bad_request, not_implemented
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.resources._listing import paged
from retell_dsl.emulator.resources.agents import resolve_agent_version
from retell_dsl.emulator.resources.engines import resolve_engine
from retell_dsl.emulator.router import Router
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document

__all__ = ["DEFAULT_SIMULATOR_MODEL", "register"]

#: The simulated user's model when a definition names none.
DEFAULT_SIMULATOR_MODEL = "gpt-4.1"
_ENGINE_IDS = {"retell-llm": "llm_id", "conversation-flow": "conversation_flow_id"}
_ENGINE = "needs the simulation engine, which is not part of the emulator yet"


def _check_engine(state: State, response_engine: dict[str, Any]) -> None:
    resolve_engine(state, response_engine)  # 400 naming the missing LLM or flow (version)


def _create_definition(state: State, req: EmuRequest) -> EmuResponse:
    schema = test_create_test_case_definition_params.TestCreateTestCaseDefinitionParams
    body = json_body(req, schema, allow_empty=False)
    _check_engine(state, body["response_engine"])
    ident = state.new_id("test_case_definition")
    now = state.now()
    doc: Document = {
        "test_case_definition_id": ident,
        "type": "simulation",
        "dynamic_variables": {},
        "llm_model": DEFAULT_SIMULATOR_MODEL,
        "tool_mocks": [],
        **body,
        "creation_timestamp": now,
        "user_modified_timestamp": now,
    }
    state.store.put("test_case_definition", ident, doc)
    return json_response(201, strip_private(doc))


def _get_definition(state: State, ident: str) -> EmuResponse:
    return json_response(200, strip_private(state.require("test_case_definition", ident)))


def _update_definition(state: State, req: EmuRequest, ident: str) -> EmuResponse:
    body = json_body(req, test_update_test_case_definition_params.TestUpdateTestCaseDefinitionParams)
    doc = state.require("test_case_definition", ident)
    if "response_engine" in body:
        _check_engine(state, body["response_engine"])
    doc.update(body)
    doc["user_modified_timestamp"] = state.now()
    state.store.put("test_case_definition", ident, doc)
    return json_response(200, strip_private(doc))


def _delete_definition(state: State, ident: str) -> EmuResponse:
    state.require("test_case_definition", ident)
    state.store.delete("test_case_definition", ident)
    return EmuResponse(204)


def _engine_query(req: EmuRequest) -> tuple[str, str]:
    """The required ``type`` query and the matching engine id (``llm_id`` / ``conversation_flow_id``)."""
    engine_type = query_str(req, "type")
    if engine_type not in _ENGINE_IDS:
        raise bad_request(f"Query parameter type must be 'retell-llm' or 'conversation-flow', got {engine_type!r}")
    id_field = _ENGINE_IDS[engine_type]
    engine_id = query_str(req, id_field)
    if not engine_id:
        raise bad_request(f"Query parameter {id_field} is required when type is {engine_type!r}")
    return engine_type, engine_id


def _uses(engine: object, engine_type: str, engine_id: str) -> bool:
    return (
        isinstance(engine, dict)
        and engine.get("type") == engine_type
        and engine.get(_ENGINE_IDS[engine_type]) == engine_id
    )


def _list_definitions(state: State, req: EmuRequest) -> EmuResponse:
    engine_type, engine_id = _engine_query(req)
    items = [
        pair
        for pair in state.store.list_latest("test_case_definition")
        if _uses(pair[1].get("response_engine"), engine_type, engine_id)
    ]
    return paged(
        state,
        req,
        "test_case_definition",
        items,
        id_of=lambda d: str(d["test_case_definition_id"]),
        sortable=False,
    )


def _create_batch_test(state: State, req: EmuRequest) -> EmuResponse:
    body = json_body(req, test_create_batch_test_params.TestCreateBatchTestParams, allow_empty=False)
    _check_engine(state, body["response_engine"])
    for ident in body["test_case_definition_ids"]:
        state.require("test_case_definition", ident)
    raise not_implemented(req.method, req.path, f"running simulated test conversations {_ENGINE}")


def _list_batch_tests(state: State, req: EmuRequest) -> EmuResponse:
    engine_type, engine_id = _engine_query(req)
    version = query_int(req, "version", minimum=0)
    items = [
        pair
        for pair in state.store.list_latest("batch_test")
        if _uses(pair[1].get("response_engine"), engine_type, engine_id)
        and (version is None or pair[1]["response_engine"].get("version") == version)
    ]
    return paged(state, req, "batch_test", items, id_of=lambda d: str(d["test_case_batch_job_id"]), sortable=False)


def _list_test_runs(state: State, req: EmuRequest, batch_id: str) -> EmuResponse:
    items = [pair for pair in state.store.list_latest("test_run") if pair[1].get("_batch_test_id") == batch_id]
    return paged(state, req, "test_run", items, id_of=lambda d: str(d["test_case_job_id"]), sortable=False)


def _playground(state: State, req: EmuRequest, agent_id: str) -> EmuResponse:
    json_body(req, playground_completion_params.PlaygroundCompletionParams, query_keys=("version",), allow_empty=False)
    resolve_agent_version(state, agent_id, query_str(req, "version"), None)
    raise not_implemented(req.method, req.path, f"generating the agent's next turn {_ENGINE}")


def register(router: Router) -> None:
    router.add("POST", "/create-test-case-definition")(lambda s, r, p: _create_definition(s, r))
    router.add("GET", "/get-test-case-definition/{ident}")(lambda s, r, p: _get_definition(s, p["ident"]))
    router.add("PUT", "/update-test-case-definition/{ident}")(lambda s, r, p: _update_definition(s, r, p["ident"]))
    router.add("DELETE", "/delete-test-case-definition/{ident}")(lambda s, r, p: _delete_definition(s, p["ident"]))
    router.add("GET", "/v2/list-test-case-definitions")(lambda s, r, p: _list_definitions(s, r))
    router.add("POST", "/create-batch-test")(lambda s, r, p: _create_batch_test(s, r))
    router.add("GET", "/get-batch-test/{ident}")(lambda s, r, p: _get(s, "batch_test", p["ident"]))
    router.add("GET", "/v2/list-batch-tests")(lambda s, r, p: _list_batch_tests(s, r))
    router.add("GET", "/get-test-run/{ident}")(lambda s, r, p: _get(s, "test_run", p["ident"]))
    router.add("GET", "/v2/list-test-runs/{ident}")(lambda s, r, p: _list_test_runs(s, r, p["ident"]))
    router.add("POST", "/agent-playground-completion/{agent_id}")(lambda s, r, p: _playground(s, r, p["agent_id"]))


def _get(state: State, kind: str, ident: str) -> EmuResponse:
    return json_response(200, strip_private(state.require(kind, ident)))
