"""Playground turns on the local engine: stateless, resumed at a node or a state, with tool mocks."""

from __future__ import annotations

from typing import Any

from retell_dsl.sim.models import NoModel, Rule, ScriptedModel
from retell_dsl.simulator import LocalEngine
from tests.emulator.conftest import Api
from tests.simulator.agents import agent, bare, flow_chat_agent, moved
from tests.simulator.conftest import use

POINTS_MOCK = {"tool_name": "lookup_points", "input_match_rule": {"type": "any"}, "output": '{"points": 90}'}


def test_a_turn_resumes_at_a_node_with_a_tool_mock_and_no_model(api: Api) -> None:
    use(api, LocalEngine(NoModel()))  # no handler: the mock answers the tool
    chat_agent = flow_chat_agent(api)
    history = [agent("Hi Ann! Shall I check your points?"), {"role": "user", "content": "Yes"}]
    out = api.call(
        "playground.completion",
        chat_agent.agent_id,
        messages=history,
        current_node_id="greet",
        dynamic_variables={"name": "Ann", "tier": "gold"},
        tool_mocks=[POINTS_MOCK],
    )
    assert bare(out.messages) == [
        moved(("greet", "Greet"), ("lookup", "Lookup")),
        {
            "role": "tool_call_invocation",
            "tool_call_id": "tool_call_1",
            "name": "lookup_points",
            "arguments": '{"customer": "Ann"}',
            "type": "custom",
        },
        {"role": "tool_call_result", "tool_call_id": "tool_call_1", "content": '{"points": 90}', "successful": True},
        moved(("lookup", "Lookup"), ("bye", "Bye")),  # 90 is not > 100: the else edge
        agent("Goodbye, Ann!"),
    ]
    assert (out.call_ended, out.current_node_id, out.current_state) == (True, "bye", None)
    assert out.dynamic_variables == {"name": "Ann", "tier": "gold", "points": "90"}
    assert out.knowledge_base_retrieved_contents == []


def test_the_first_turn_without_history_opens_the_conversation(api: Api) -> None:
    use(api, LocalEngine(NoModel()))
    out = api.call("playground.completion", flow_chat_agent(api).agent_id, messages=[],
                   dynamic_variables={"name": "Cy"})  # fmt: skip
    assert bare(out.messages) == [
        moved(("begin", "begin"), ("greet", "Greet")),
        agent("Hi Cy! Shall I check your points?"),
    ]
    assert (out.call_ended, out.current_node_id) == (False, "greet")


STATES_LLM: dict[str, Any] = {
    "general_prompt": "You book tables.",
    "begin_message": "Hello!",
    "starting_state": "intro",
    "states": [
        {"name": "intro", "state_prompt": "Greet.", "edges": []},
        {
            "name": "booking",
            "state_prompt": "Find a free day.",
            "tools": [
                {
                    "type": "custom",
                    "name": "check_availability",
                    "description": "Whether a day is free",
                    "url": "https://booking.invalid/free",
                    "parameters": {"type": "object", "properties": {"day": {"type": "string"}}, "required": ["day"]},
                }
            ],
        },
    ],
}


def test_a_turn_resumes_at_a_state_and_a_tool_mock_answers_the_model_s_call(api: Api) -> None:
    model = ScriptedModel(
        Rule(state="booking", user="friday", times=1).call("check_availability", {"day": "Friday"}),
        Rule(state="booking", when=lambda r: r.messages[-1].role == "tool").say("Friday is free."),
    )
    use(api, LocalEngine(model))
    llm = api.call("llm.create", **STATES_LLM)
    voice_agent = api.call("agent.create", response_engine={"type": "retell-llm", "llm_id": llm.llm_id},
                           voice_id="11labs-Adrian")  # fmt: skip
    mock = {
        "tool_name": "check_availability",
        "input_match_rule": {"type": "partial_match", "args": {"day": "Friday"}},
        "output": '{"free": true}',
    }
    history = [agent("Hello!"), {"role": "user", "content": "Is Friday possible?"}]
    out = api.call("playground.completion", voice_agent.agent_id, messages=history, current_state="booking",
                   tool_mocks=[mock])  # fmt: skip
    assert bare(out.messages) == [
        {
            "role": "tool_call_invocation",
            "tool_call_id": "call_scripted_1",
            "name": "check_availability",
            "arguments": '{"day": "Friday"}',
            "type": "custom",
        },
        {
            "role": "tool_call_result",
            "tool_call_id": "call_scripted_1",
            "content": '{"free": true}',
            "successful": True,
        },
        agent("Friday is free."),
    ]
    assert (out.call_ended, out.current_state, out.current_node_id) == (False, "booking", None)
    model.assert_complete()
    seen = model.calls[0].messages  # the history is the model's context; nothing was replayed
    assert [(m.role, m.content) for m in seen[1:]] == [("assistant", "Hello!"), ("user", "Is Friday possible?")]


def test_a_turn_resumed_at_a_prompt_node_does_not_run_the_node_again(api: Api) -> None:
    # the node's own reply would need a model: resuming stands at the node, the user's turn moves on
    from tests.simulator.agents import eq, static

    flow = api.call(
        "conversation_flow.create",
        start_speaker="agent",
        start_node_id="ask",
        model_choice={"type": "cascading", "model": "gpt-4.1"},
        nodes=[
            {
                "id": "ask",
                "name": "Ask",
                "type": "conversation",
                "instruction": {"type": "prompt", "text": "Ask for the order number"},
                "edges": [
                    {"id": "ask.vip", "destination_node_id": "bye", "transition_condition": eq("{{vip}}", "exists")}
                ],
            },
            {"id": "bye", "name": "Bye", "type": "end", "instruction": static("Bye, VIP!")},
        ],
    )
    engine = {"type": "conversation-flow", "conversation_flow_id": flow.conversation_flow_id}
    chat_agent = api.call("chat_agent.create", response_engine=engine)
    use(api, LocalEngine(NoModel()))
    out = api.call("playground.completion", chat_agent.agent_id, messages=[{"role": "user", "content": "hi"}],
                   current_node_id="ask", dynamic_variables={"vip": "yes"})  # fmt: skip
    assert bare(out.messages) == [moved(("ask", "Ask"), ("bye", "Bye")), agent("Bye, VIP!")]
    assert (out.call_ended, out.current_node_id) == (True, "bye")
