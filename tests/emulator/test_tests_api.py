"""The testing API (test-case definitions, batch tests, test runs) and the playground through the SDK."""

from __future__ import annotations

from typing import Any

import pytest
import retell

from tests.emulator.conftest import Api
from tests.emulator.helpers import call_kw, make_agent, make_llm


def _definition(api: Api, llm_id: str, **overrides: Any) -> Any:
    body: dict[str, Any] = {
        "name": "Books a table",
        "response_engine": {"type": "retell-llm", "llm_id": llm_id},
        "user_prompt": "You want a table for four on Friday.",
        "metrics": ["The agent confirms the booking"],
    }
    return call_kw(api, "tests.create_test_case_definition", **{**body, **overrides})


def test_definition_crud(api: Api) -> None:
    llm = make_llm(api)
    created = _definition(
        api, llm.llm_id, dynamic_variables={"party": "4"},
        tool_mocks=[{"tool_name": "book", "output": '{"ok": true}', "input_match_rule": {"type": "any"}}],
    )  # fmt: skip
    ident = created.test_case_definition_id
    assert ident.startswith("test_case_definition_")
    assert (created.type, created.name, created.llm_model) == ("simulation", "Books a table", "gpt-4.1")
    assert created.creation_timestamp == created.user_modified_timestamp == api.emu.clock.now_ms()
    assert created.tool_mocks[0].tool_name == "book"
    assert api.call("tests.get_test_case_definition", ident).to_dict() == created.to_dict()
    api.emu.clock.advance(500)  # type: ignore[attr-defined]
    updated = api.call("tests.update_test_case_definition", ident, metrics=["a", "b"], llm_model="gpt-5")
    assert (updated.metrics, updated.llm_model, updated.name) == (["a", "b"], "gpt-5", "Books a table")
    assert updated.user_modified_timestamp == created.creation_timestamp + 500
    api.call("tests.delete_test_case_definition", ident)
    with pytest.raises(retell.NotFoundError, match="Cannot find requested asset"):
        api.call("tests.get_test_case_definition", ident)


def test_definition_engine_must_exist(api: Api) -> None:
    with pytest.raises(retell.BadRequestError, match="llm_id llm_missing does not exist"):
        _definition(api, "llm_missing")
    llm = make_llm(api)
    ident = _definition(api, llm.llm_id).test_case_definition_id
    before = api.emu.dump()
    with pytest.raises(retell.BadRequestError, match="conversation_flow_id conversation_flow_x does not exist"):
        api.call(
            "tests.update_test_case_definition", ident,
            response_engine={"type": "conversation-flow", "conversation_flow_id": "conversation_flow_x"},
        )  # fmt: skip
    assert api.emu.dump() == before
    with pytest.raises(retell.NotFoundError):
        api.call("tests.update_test_case_definition", "test_case_definition_missing", metrics=["m"])
    with pytest.raises(retell.NotFoundError):
        api.call("tests.delete_test_case_definition", "test_case_definition_missing")


def test_list_definitions_filters_by_engine_and_pages(api: Api) -> None:
    llm = make_llm(api)
    other = make_llm(api)
    ids = [_definition(api, llm.llm_id).test_case_definition_id for _ in range(3)]
    _definition(api, other.llm_id)
    first = api.call("tests.list_test_case_definitions", type="retell-llm", llm_id=llm.llm_id, limit=2)
    assert [d.test_case_definition_id for d in first.items] == ids[::-1][:2]
    assert first.has_more
    rest = api.call(
        "tests.list_test_case_definitions", type="retell-llm", llm_id=llm.llm_id, pagination_key=first.pagination_key
    )
    assert [d.test_case_definition_id for d in rest.items] == ids[:1]
    assert not rest.has_more and rest.pagination_key is None
    flows = api.call("tests.list_test_case_definitions", type="conversation-flow", conversation_flow_id="x")
    assert flows.items == []
    with pytest.raises(retell.BadRequestError, match="llm_id is required"):
        api.call("tests.list_test_case_definitions", type="retell-llm")


def test_batch_tests_and_runs_wait_for_the_engine(api: Api) -> None:
    llm = make_llm(api)
    ident = _definition(api, llm.llm_id).test_case_definition_id
    engine = {"type": "retell-llm", "llm_id": llm.llm_id}
    before = api.emu.dump()
    with pytest.raises(retell.InternalServerError) as err:
        api.call("tests.create_batch_test", response_engine=engine, test_case_definition_ids=[ident])
    assert err.value.status_code == 501
    assert "POST /create-batch-test" in str(err.value) and "no conversation engine is configured" in str(err.value)
    assert api.emu.dump() == before
    with pytest.raises(retell.NotFoundError):
        api.call("tests.create_batch_test", response_engine=engine, test_case_definition_ids=["test_case_definition_x"])
    with pytest.raises(retell.NotFoundError):
        api.call("tests.get_batch_test", "test_case_batch_job_missing")
    with pytest.raises(retell.NotFoundError):
        api.call("tests.get_test_run", "test_case_job_missing")
    batches = api.call("tests.list_batch_tests", type="retell-llm", llm_id=llm.llm_id, version=0)
    assert (batches.items, batches.has_more) == ([], False)
    runs = api.call("tests.list_test_runs", "test_case_batch_job_missing", limit=5)
    assert (runs.items, runs.has_more) == ([], False)


def test_playground_checks_the_agent_then_needs_the_engine(api: Api) -> None:
    messages = [{"role": "user", "content": "hi"}]
    with pytest.raises(retell.UnprocessableEntityError):
        api.call("playground.completion", "agent_missing", messages=messages)
    agent = make_agent(api)
    with pytest.raises(retell.InternalServerError) as err:
        api.call("playground.completion", agent.agent_id, messages=messages, version=0)
    assert err.value.status_code == 501
    assert f"POST /agent-playground-completion/{agent.agent_id}" in str(err.value)
    assert "no conversation engine is configured" in str(err.value)
