"""Every operation end to end against the emulator, through ``invoke``; errors become one line."""

from __future__ import annotations

from typing import Any

import pytest
from retell import Retell

from retell_dsl.errors import RetellDSLError, SchemaError
from retell_dsl.toolkit import OPERATIONS, check_arguments, error_message, get_operation, invoke, invoke_all
from tests.toolkit.error_cases import ERRORS
from tests.toolkit.scenario import ARGS, Seeded

#: A key each successful result must carry (list results: a key of each item).
EXPECTED_KEY = {
    "list_voices": "voice_id", "get_voice": "voice_id", "list_agents": "items", "get_agent": "agent_id",
    "list_llms": "items", "get_llm": "llm_id", "list_conversation_flows": "items",
    "get_conversation_flow": "conversation_flow_id", "list_calls": "items", "get_call": "call_id",
    "list_phone_numbers": "items", "get_phone_number": "phone_number", "list_knowledge_bases": "knowledge_base_id",
    "get_knowledge_base": "knowledge_base_id", "get_concurrency": "concurrency_limit", "create_agent": "agent_id",
    "update_agent": "agent_id", "publish_agent": "draft_version", "create_llm": "llm_id", "update_llm": "llm_id",
    "create_conversation_flow": "conversation_flow_id", "update_conversation_flow": "conversation_flow_id",
    "create_phone_call": "call_id", "create_batch_call": "batch_call_id", "update_call": "call_id",
    "create_phone_number": "phone_number", "update_phone_number": "phone_number",
    "create_knowledge_base": "knowledge_base_id", "add_knowledge_base_sources": "knowledge_base_id",
    "create_web_call": "access_token", "import_phone_number": "phone_number", "delete_agent": "deleted",
    "delete_llm": "deleted", "delete_conversation_flow": "deleted", "delete_call": "deleted",
    "delete_phone_number": "deleted", "delete_knowledge_base_source": "knowledge_base_id",
    "delete_knowledge_base": "deleted",
}  # fmt: skip


def test_tables_cover_every_operation() -> None:
    names = {op.name for op in OPERATIONS}
    assert set(ARGS) == names == set(ERRORS) == set(EXPECTED_KEY)


@pytest.mark.parametrize("name", [op.name for op in OPERATIONS])
def test_operation_succeeds(name: str, client: Retell, seeded: Seeded) -> None:
    result = invoke(name, client, ARGS[name](seeded))
    first = result[0] if isinstance(result, list) else result
    assert EXPECTED_KEY[name] in first


@pytest.mark.parametrize("name", [op.name for op in OPERATIONS])
def test_operation_fails_in_one_line(name: str, client: Retell, seeded: Seeded) -> None:
    arguments, fragment = ERRORS[name]
    with pytest.raises(Exception) as info:
        invoke(name, client, arguments)
    message = error_message(info.value)
    assert fragment in message
    assert "\n" not in message


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
