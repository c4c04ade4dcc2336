"""Handlers of the testing API and the agent playground; runs go through the configured engine."""

from __future__ import annotations

from retell.types import (
    playground_completion_params,
    test_create_batch_test_params,
    test_create_test_case_definition_params,
    test_update_test_case_definition_params,
)

from retell_dsl.emulator.body import json_body, query_int, query_str
from retell_dsl.emulator.domain import conversation, tests_api
from retell_dsl.emulator.domain.versions import MAX_VERSION, resolve_agent_version, resolve_engine
from retell_dsl.emulator.engine_port import no_engine
from retell_dsl.emulator.errors import bad_request
from retell_dsl.emulator.handlers._listing import paged
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.state import State, strip_private

__all__ = [
    "agent_playground_completion",
    "create_batch_test",
    "create_test_case_definition",
    "delete_test_case_definition",
    "get_batch_test",
    "get_test_case_definition",
    "get_test_run",
    "list_batch_tests",
    "list_test_case_definitions",
    "list_test_runs",
    "update_test_case_definition",
]


def create_test_case_definition(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /create-test-case-definition``."""
    schema = test_create_test_case_definition_params.TestCreateTestCaseDefinitionParams
    doc = tests_api.create_definition(state, json_body(req, schema, allow_empty=False))
    return json_response(201, strip_private(doc))


def get_test_case_definition(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /get-test-case-definition/{ident}``."""
    return json_response(200, strip_private(state.require("test_case_definition", params["ident"])))


def update_test_case_definition(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``PUT /update-test-case-definition/{ident}``."""
    body = json_body(req, test_update_test_case_definition_params.TestUpdateTestCaseDefinitionParams)
    return json_response(200, strip_private(tests_api.update_definition(state, params["ident"], body)))


def delete_test_case_definition(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``DELETE /delete-test-case-definition/{ident}``."""
    tests_api.delete_definition(state, params["ident"])
    return EmuResponse(204)


def _engine_query(req: EmuRequest) -> tuple[str, str]:
    """The required ``type`` query and the matching engine id (``llm_id`` / ``conversation_flow_id``)."""
    engine_type = query_str(req, "type")
    if engine_type not in tests_api.ENGINE_IDS:
        raise bad_request(f"Query parameter type must be 'retell-llm' or 'conversation-flow', got {engine_type!r}")
    id_field = tests_api.ENGINE_IDS[engine_type]
    engine_id = query_str(req, id_field)
    if not engine_id:
        raise bad_request(f"Query parameter {id_field} is required when type is {engine_type!r}")
    return engine_type, engine_id


def list_test_case_definitions(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /v2/list-test-case-definitions?type=&llm_id=|conversation_flow_id=``."""
    items = tests_api.definitions_of(state, *_engine_query(req))
    ident = "test_case_definition_id"
    return paged(state, req, "test_case_definition", items, id_of=lambda d: str(d[ident]), sortable=False)


def create_batch_test(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /create-batch-test``: run every definition once through the engine."""
    body = json_body(req, test_create_batch_test_params.TestCreateBatchTestParams, allow_empty=False)
    resolve_engine(state, dict(body["response_engine"]))  # 400 naming the missing LLM or flow (version)
    for ident in body["test_case_definition_ids"]:
        state.require("test_case_definition", ident)
    if state.engine is None:
        raise no_engine(req.method, req.path, "running simulated test conversations")
    batch = conversation.run_batch_test(state, state.engine, body["response_engine"], body["test_case_definition_ids"])
    return json_response(201, strip_private(batch))


def get_batch_test(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /get-batch-test/{ident}``."""
    return json_response(200, strip_private(state.require("batch_test", params["ident"])))


def list_batch_tests(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /v2/list-batch-tests?type=&…[&version=]``."""
    engine_type, engine_id = _engine_query(req)
    version = query_int(req, "version", minimum=0, maximum=MAX_VERSION)
    items = tests_api.batch_tests_of(state, engine_type, engine_id, version)
    return paged(state, req, "batch_test", items, id_of=lambda d: str(d["test_case_batch_job_id"]), sortable=False)


def get_test_run(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /get-test-run/{ident}``."""
    return json_response(200, strip_private(state.require("test_run", params["ident"])))


def list_test_runs(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /v2/list-test-runs/{ident}``."""
    items = tests_api.test_runs_of(state, params["ident"])
    return paged(state, req, "test_run", items, id_of=lambda d: str(d["test_case_job_id"]), sortable=False)


def agent_playground_completion(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /agent-playground-completion/{agent_id}[?version=]``: one stateless turn."""
    schema = playground_completion_params.PlaygroundCompletionParams
    body = json_body(req, schema, query_keys=("version",), allow_empty=False)
    agent = resolve_agent_version(state, params["agent_id"], query_str(req, "version"), None)
    if state.engine is None:
        raise no_engine(req.method, req.path, "generating the agent's next turn")
    return json_response(200, conversation.playground_completion(state, state.engine, agent, body))
