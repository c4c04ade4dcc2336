"""Every operation end to end against the emulator, through ``invoke``; errors become one line."""

from __future__ import annotations

from typing import Any

import pytest
from retell import Retell

from retell_dsl.errors import RetellDSLError, SchemaError
from retell_dsl.toolkit import OPERATIONS, check_arguments, error_message, get_operation, invoke, invoke_all
from tests.toolkit.effects import EFFECTS
from tests.toolkit.error_cases import ERRORS
from tests.toolkit.scenario import ARGS, Seeded


def test_tables_cover_every_operation() -> None:
    names = {op.name for op in OPERATIONS}
    assert set(ARGS) == names == set(ERRORS) == set(EFFECTS)


@pytest.mark.parametrize("name", [op.name for op in OPERATIONS])
def test_operation_has_its_effect(name: str, client: Retell, seeded: Seeded) -> None:
    result = invoke(name, client, ARGS[name](seeded))
    EFFECTS[name](client, seeded, result)


@pytest.mark.parametrize("name", [op.name for op in OPERATIONS])
def test_operation_fails_with_the_right_error(name: str, client: Retell, seeded: Seeded) -> None:
    case = ERRORS[name]
    with pytest.raises(case.error) as info:
        invoke(name, client, case.arguments)
    assert type(info.value) is case.error
    assert error_message(info.value) == case.message


@pytest.mark.parametrize("name", [op.name for op in OPERATIONS if op.kind != "read"])
def test_failed_changes_change_nothing(name: str, client: Retell, seeded: Seeded) -> None:
    before = _snapshot(client)
    with pytest.raises(ERRORS[name].error):
        invoke(name, client, ERRORS[name].arguments)
    assert _snapshot(client) == before


def _snapshot(client: Retell) -> dict[str, Any]:
    """Everything the seeded emulator holds, as plain data."""
    return {
        "agents": [a.to_dict() for a in client.agent.list().items],
        "llms": [x.to_dict() for x in client.llm.list().items],
        "flows": [f.to_dict() for f in client.conversation_flow.list().items],
        "calls": [c.to_dict() for c in client.call.list().items],
        "numbers": [n.to_dict() for n in client.phone_number.list().items],
        "kbs": [k.to_dict() for k in client.knowledge_base.list()],
    }


def test_update_changes_only_the_given_fields(client: Retell, seeded: Seeded) -> None:
    before = invoke("get_llm", client, {"llm_id": seeded["llm_id"]})
    after = invoke("update_llm", client, {"llm_id": seeded["llm_id"], "begin_message": "Welcome"})
    assert after["begin_message"] == "Welcome"
    assert after["general_prompt"] == before["general_prompt"]


def test_publish_leaves_a_new_draft(client: Retell, seeded: Seeded) -> None:
    agent_id = seeded["agent_id"]
    first = invoke("publish_agent", client, {"agent_id": agent_id})
    assert (first["published_version"], first["draft_version"]) == (0, 1)
    assert invoke("get_agent", client, {"agent_id": agent_id, "version": 0})["is_published"] is True
    latest = invoke("get_agent", client, {"agent_id": agent_id})
    assert (latest["version"], latest["is_published"]) == (1, False)
    edited = invoke("update_agent", client, {"agent_id": agent_id, "agent_name": "v2"})
    assert edited["version"] == 1
    second = invoke("publish_agent", client, {"agent_id": agent_id})
    assert (second["published_version"], second["draft_version"]) == (1, 2)


def test_create_phone_number_binds_agents(client: Retell, seeded: Seeded) -> None:
    number = invoke("create_phone_number", client, ARGS["create_phone_number"](seeded))
    assert number["inbound_agents"][0]["agent_id"] == seeded["agent_id"]


def test_list_calls_filters(client: Retell, seeded: Seeded) -> None:
    invoke("create_web_call", client, {"agent_id": seeded["agent_id"]})
    phone = {"call_type": {"type": "enum", "op": "in", "value": ["phone_call"]}}
    page = invoke("list_calls", client, {"filter_criteria": phone})
    assert [c["call_id"] for c in page["items"]] == [seeded["call_id"]]
    nobody = {"agent": [{"agent_id": "agent_other"}]}
    assert invoke("list_calls", client, {"filter_criteria": nobody})["items"] == []


def test_invoke_all_follows_pages(client: Retell) -> None:
    for i in range(5):
        invoke("create_llm", client, {"general_prompt": f"p{i}"})
    everything = invoke_all("list_llms", client, limit=None)
    assert len(everything["items"]) == 5 and everything["has_more"] is False
    some = invoke_all("list_llms", client, limit=3)
    assert len(some["items"]) == 3


def test_invoke_all_refuses_unpaginated_lists(client: Retell) -> None:
    with pytest.raises(RetellDSLError, match="not a paginated list"):
        invoke_all("list_voices", client)


def test_check_arguments_reports_every_problem() -> None:
    op = get_operation("update_agent")
    with pytest.raises(SchemaError) as info:
        check_arguments(op, {"agent_id": "", "agnet_name": "x", "version": []})
    text = str(info.value)
    assert "agent_id: expected a non-empty string" in text
    assert "agnet_name: unknown field (did you mean 'agent_name'?)" in text
    assert "version:" in text


def test_check_arguments_turns_file_paths_into_paths(tmp_path: Any) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("x")
    _, body = check_arguments(
        get_operation("create_knowledge_base"), {"knowledge_base_name": "k", "knowledge_base_files": [str(doc)]}
    )
    assert body["knowledge_base_files"] == [doc]


def test_error_message_never_contains_the_key(client: Retell) -> None:
    with pytest.raises(Exception) as info:
        invoke("get_agent", client, {"agent_id": "agent_missing"})
    assert client.api_key not in error_message(info.value)
