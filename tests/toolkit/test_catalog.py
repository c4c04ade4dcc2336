"""The operation table: names, annotations and JSON Schemas derived from the SDK types."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from retell.types import agent_publish_params, phone_number_create_params

from retell_dsl.errors import InvalidArgument
from retell_dsl.toolkit import OPERATIONS, Operation, get_operation, json_schema

#: The operations as issue 5 lists them.
ISSUE_TEXT = (
    "List Voices, Get Voice, List Agents, Get Agent, List Llms, Get Llm, List Conversation Flows, Get "
    "Conversation Flow, List Calls, Get Call, List Phone Numbers, Get Phone Number, List Knowledge "
    "Bases, Get Knowledge Base, Get Concurrency, Create Agent, Update Agent, Publish Agent, Create Llm, "
    "Update Llm, Create Conversation Flow, Update Conversation Flow, Create Phone Call, Create Batch "
    "Call, Update Call, Create Phone Number, Update Phone Number, Create Knowledge Base, Add Knowledge "
    "Base Sources, Create Web Call, Import Phone Number, Delete Agent, Delete Llm, Delete Conversation "
    "Flow, Delete Call, Delete Phone Number, Delete Knowledge Base Source, Delete Knowledge Base"
)
ISSUE_TITLES = ISSUE_TEXT.split(", ")

#: jsonschema ships no type hints
jsonschema: Any = importlib.import_module("jsonschema")


def test_the_38_operations_of_the_issue_in_order() -> None:
    assert [op.title for op in OPERATIONS] == ISSUE_TITLES
    assert [op.name for op in OPERATIONS] == [t.lower().replace(" ", "_") for t in ISSUE_TITLES]
    assert len({op.name for op in OPERATIONS}) == 38


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.name)
def test_every_operation_is_well_described(op: Operation) -> None:
    assert re.fullmatch(r"[a-z]+(_[a-z]+)+", op.name)
    assert len(op.description) > 40 and op.description.endswith((".", ")"))
    schema = op.input_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert [p.name for p in op.path] == schema.get("required", [])[: len(op.path)]
    expected = "read" if op.name.startswith(("list_", "get_")) else "write"
    assert op.kind == ("destructive" if op.name.startswith("delete_") else expected)


#: The MCP annotations of every tool: R readOnlyHint, D destructiveHint (may destroy or overwrite
#: data, as the MCP spec defines it), I idempotentHint, O openWorldHint.
ANNOTATIONS = {
    **dict.fromkeys([op.name for op in OPERATIONS if op.name.startswith(("list_", "get_"))], "RI"),
    "create_agent": "",
    "update_agent": "DI",
    "publish_agent": "D",  # replaces the live version that numbers and calls use
    "create_llm": "",
    "update_llm": "DI",
    "create_conversation_flow": "",
    "update_conversation_flow": "DI",
    "create_phone_call": "O",
    "create_batch_call": "O",
    "update_call": "DI",
    "create_phone_number": "O",
    "update_phone_number": "DI",
    "create_knowledge_base": "",
    "add_knowledge_base_sources": "",
    "create_web_call": "",
    "import_phone_number": "",
    **dict.fromkeys([op.name for op in OPERATIONS if op.name.startswith("delete_")], "DI"),
}
HINTS = {"R": "readOnlyHint", "D": "destructiveHint", "I": "idempotentHint", "O": "openWorldHint"}


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.name)
def test_annotations_follow_the_mcp_spec(op: Operation) -> None:
    notes = op.annotations()
    assert {letter for letter, hint in HINTS.items() if notes[hint]} == set(ANNOTATIONS[op.name])
    assert notes["title"] == op.title


def test_annotations_table_covers_every_operation() -> None:
    assert len(ANNOTATIONS) == 38 and set(ANNOTATIONS) == {op.name for op in OPERATIONS}
    assert sum("R" in v for v in ANNOTATIONS.values()) == 15


@pytest.mark.parametrize("op", [op for op in OPERATIONS if op.kind == "destructive"], ids=lambda op: op.name)
def test_delete_tools_say_they_act_immediately(op: Operation) -> None:
    assert "Acts immediately: there is no confirmation step and no undo." in op.description


def test_kinds_and_idempotency() -> None:
    by_kind = {k: [op.name for op in OPERATIONS if op.kind == k] for k in ("read", "write", "destructive")}
    assert (len(by_kind["read"]), len(by_kind["write"]), len(by_kind["destructive"])) == (15, 16, 7)
    assert not get_operation("create_agent").annotations()["idempotentHint"]
    assert get_operation("update_agent").annotations()["idempotentHint"]
    assert get_operation("create_phone_call").annotations()["openWorldHint"]


def test_paginated_lists() -> None:
    paginated = {op.name for op in OPERATIONS if op.paginated}
    assert paginated == {"list_agents", "list_llms", "list_conversation_flows", "list_calls", "list_phone_numbers"}
    for name in paginated:
        props = get_operation(name).input_schema()["properties"]
        assert {"limit", "pagination_key"} <= set(props)


def test_schema_comes_from_the_sdk_type_with_docs() -> None:
    schema = json_schema(agent_publish_params.AgentPublishParams)
    assert schema["required"] == ["version"]
    assert schema["properties"]["version"] == {"type": "integer"}
    assert "title" in schema["properties"]["version_title"]["description"]


def test_schema_nested_types_become_defs() -> None:
    schema = json_schema(phone_number_create_params.PhoneNumberCreateParams)
    inbound = schema["properties"]["inbound_agents"]
    assert inbound["anyOf"][1] == {"type": "null"}
    ref = inbound["anyOf"][0]["items"]["$ref"]
    agent = schema["$defs"][ref.rsplit("/", 1)[1]]
    assert agent["required"] == ["agent_id", "weight"]
    assert schema["properties"]["country_code"] == {
        "type": "string",
        "enum": ["US", "CA"],
        "description": schema["properties"]["country_code"]["description"],
    }


def test_list_calls_schema_spells_out_the_filters() -> None:
    schema = get_operation("list_calls").input_schema()
    validator = jsonschema.Draft202012Validator(schema)
    good = {"filter_criteria": {"call_status": {"type": "enum", "op": "in", "value": ["ended"]}}, "limit": 1000}
    assert not list(validator.iter_errors(good))
    bad = {"filter_criteria": {"call_status": {"type": "enum", "op": "in", "value": ["finished"]}}}
    assert list(validator.iter_errors(bad))


def test_publish_agent_version_is_optional() -> None:
    assert get_operation("publish_agent").input_schema()["required"] == ["agent_id"]


def test_file_fields_are_paths() -> None:
    props = get_operation("create_knowledge_base").input_schema()["properties"]
    assert props["knowledge_base_files"]["items"] == {"type": "string"}


def test_unknown_operation_names_the_choices() -> None:
    with pytest.raises(InvalidArgument, match=r"unknown operation 'list_vioces'.*list_voices"):
        get_operation("list_vioces")


def test_schema_depth_keeps_huge_types_small() -> None:
    import json

    assert len(json.dumps(get_operation("create_conversation_flow").input_schema())) < 150_000
    assert sum(len(json.dumps(op.input_schema())) for op in OPERATIONS) < 1_000_000
