"""Retell LLMs and conversation flows: CRUD, versions, lists, delete-in-use and the API's semantic checks."""

from __future__ import annotations

from typing import Any

import pytest
import retell

from tests.emulator.conftest import Api
from tests.emulator.helpers import make_agent, make_llm

GREET: dict[str, Any] = {
    "id": "greet",
    "type": "conversation",
    "instruction": {"type": "prompt", "text": "Greet the caller."},
    "edges": [
        {
            "id": "e1",
            "transition_condition": {"type": "prompt", "prompt": "Caller wants to book"},
            "destination_node_id": "bye",
        }
    ],
}
BYE = {"id": "bye", "type": "end", "instruction": {"type": "static_text", "text": "Goodbye!"}}


def make_flow(api: Api, **overrides: Any) -> Any:
    body: dict[str, Any] = {"start_speaker": "agent", "start_node_id": "greet", "nodes": [GREET, BYE]}
    return api.call("conversation_flow.create", **{**body, **overrides})


def test_llm_crud_round_trip(api: Api) -> None:
    llm = make_llm(
        api,
        model_config={"type": "cascading", "primary": {"model": "gpt-4.1"}, "temperature": 0.2},
        default_dynamic_variables={"clinic": "Acme"},
    )
    assert llm.llm_id.startswith("llm_") and llm.version == 0 and llm.is_published is False
    updated = api.call("llm.update", llm.llm_id, model_config={"type": "cascading", "primary": {"model": "gpt-5"}})
    assert updated.api_model_config.primary.model == "gpt-5"
    assert updated.api_model_config.temperature == 0.2  # model_config merges one level deep
    assert updated.default_dynamic_variables == {"clinic": "Acme"}
    api.call("llm.delete", llm.llm_id)
    with pytest.raises(retell.UnprocessableEntityError):
        api.call("llm.retrieve", llm.llm_id)


def test_llm_states_are_checked_and_every_problem_reported(api: Api) -> None:
    with pytest.raises(retell.BadRequestError) as err:
        make_llm(
            api,
            general_tools=[{"type": "end_call", "name": "end call"}],
            states=[
                {"name": "intake", "edges": [{"destination_state_name": "nowhere", "description": "d"}]},
                {"name": "intake"},
            ],
        )
    message = str(err.value)
    assert "general_tools[0].name 'end call' must match [A-Za-z0-9_-]" in message
    assert "states[1].name 'intake' is used by another state" in message
    assert "starting_state is required when states are given" in message
    assert "states[0].edges[0].destination_state_name 'nowhere' is not a state" in message


def test_llm_tool_names_must_be_unique_across_general_state_tools_and_edges(api: Api) -> None:
    with pytest.raises(retell.BadRequestError, match="'transition_to_b' clashes with"):
        make_llm(
            api,
            general_tools=[{"type": "end_call", "name": "transition_to_b"}],
            starting_state="a",
            states=[{"name": "a", "edges": [{"destination_state_name": "b", "description": "go"}]}, {"name": "b"}],
        )


def test_llm_list_pages_latest_versions(api: Api) -> None:
    ids = [make_llm(api, general_prompt=f"p{i}").llm_id for i in range(3)]
    page = api.call("llm.list", limit=2, sort_order="ascending")
    assert [i.llm_id for i in page.items] == ids[:2] and page.has_more
    rest = api.call("llm.list", limit=2, sort_order="ascending", pagination_key=page.pagination_key)
    assert [i.llm_id for i in rest.items] == ids[2:] and not rest.has_more


def test_delete_in_use_is_refused_unless_forced(api: Api) -> None:
    llm = make_llm(api)
    agent = make_agent(api, llm_id=llm.llm_id)
    with pytest.raises(retell.BadRequestError, match=f"used by agent\\(s\\) {agent.agent_id}"):
        api.call("llm.delete", llm.llm_id)
    api.call("llm.delete", llm.llm_id, force_delete=True)
    with pytest.raises(retell.UnprocessableEntityError):
        api.call("llm.retrieve", llm.llm_id)


def test_flow_crud_and_version_get(api: Api) -> None:
    flow = make_flow(api, global_prompt="Be kind.")
    assert flow.conversation_flow_id.startswith("conversation_flow_") and flow.version == 0
    got = api.call("conversation_flow.retrieve", flow.conversation_flow_id, version=0)
    assert [n.id for n in got.nodes] == ["greet", "bye"]
    updated = api.call("conversation_flow.update", flow.conversation_flow_id, global_prompt="Be brief.")
    assert updated.global_prompt == "Be brief." and len(updated.nodes) == 2
    listed = api.call("conversation_flow.list").items
    assert [f.conversation_flow_id for f in listed] == [flow.conversation_flow_id]
    with pytest.raises(retell.NotFoundError):
        api.call("conversation_flow.retrieve", flow.conversation_flow_id, version=7)
    api.call("conversation_flow.delete", flow.conversation_flow_id)
    with pytest.raises(retell.NotFoundError):
        api.call("conversation_flow.retrieve", flow.conversation_flow_id)


def test_flow_graph_rules(api: Api) -> None:
    bad_greet = {**GREET, "edges": [{**GREET["edges"][0], "destination_node_id": "ghost"}]}
    always = {
        "id": "a",
        "type": "conversation",
        "instruction": {"type": "prompt", "text": "x"},
        "edges": [
            {"id": "eb", "transition_condition": {"type": "prompt", "prompt": "x"}, "destination_node_id": "bye"}
        ],
        "always_edge": {"id": "ea", "transition_condition": {"type": "prompt", "prompt": "Always"}},
    }
    fn = {"id": "f", "type": "function", "tool_id": "tool_1", "tool_type": "local", "wait_for_result": True}
    with pytest.raises(retell.BadRequestError) as err:
        make_flow(api, start_node_id="start", nodes=[bad_greet, BYE, BYE, always, fn])
    message = str(err.value)
    assert "nodes[2].id 'bye' is used by another node" in message
    assert "start_node_id 'start' is not a node id" in message
    assert "nodes[0] (greet).edges[0].destination_node_id 'ghost' is not a node id" in message
    # a special edge next to other edges is stored by Retell (real exports carry it): not refused
    assert "always_edge" not in message
    assert "nodes[4] (f).tool_id 'tool_1' is not one of the flow's tools" in message
    assert api.emu.dump().get("conversation_flow") is None


def test_flow_agent_publish_and_version_follow(api: Api) -> None:
    flow = make_flow(api)
    agent = api.call(
        "agent.create",
        response_engine={"type": "conversation-flow", "conversation_flow_id": flow.conversation_flow_id},
        voice_id="openai-Alloy",
    )
    api.call("agent.publish", agent.agent_id, version=0)
    with pytest.raises(retell.BadRequestError, match="is published"):
        api.call("conversation_flow.update", flow.conversation_flow_id, global_prompt="x")
    api.call("agent.create_version", agent.agent_id, base_version=0)
    assert api.call("conversation_flow.update", flow.conversation_flow_id, global_prompt="x").version == 1


def test_schema_errors_name_the_field(api: Api) -> None:
    with pytest.raises(retell.BadRequestError) as err:
        api.call("llm.create", extra_body={"general_prompt": 42, "temperature": 0.5})
    message = str(err.value)
    assert "general_prompt: expected a string or null, got number 42" in message
    # an unknown key is tolerated (Retell stores it), so only the real error is listed
    assert "temperature" not in message
