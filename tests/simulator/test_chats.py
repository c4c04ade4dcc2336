"""Chats held by the local engine, through the official SDK (sync, async, HTTP; strict validation)."""

from __future__ import annotations

from typing import Any

import pytest
import retell

from retell_dsl.sim.models import NoModel, Rule, ScriptedModel
from retell_dsl.simulator import LocalEngine
from tests.emulator.conftest import Api
from tests.simulator.agents import agent, bare, flow_chat_agent, moved, points_handler, user
from tests.simulator.conftest import use

GREETING = [moved(("begin", "begin"), ("greet", "Greet")), agent("Hi Ann! Shall I check your points?")]
TOOL_TURN = [
    moved(("greet", "Greet"), ("lookup", "Lookup")),
    {
        "role": "tool_call_invocation",
        "tool_call_id": "tool_call_1",
        "name": "lookup_points",
        "arguments": '{"customer": "Ann"}',
        "type": "custom",
    },
    {
        "role": "tool_call_result",
        "tool_call_id": "tool_call_1",
        "content": '{"points":250,"for":"Ann"}',
        "successful": True,
    },
    moved(("lookup", "Lookup"), ("tell", "Tell")),
    agent("You have 250 points."),
]
GOODBYE = [moved(("tell", "Tell"), ("bye", "Bye")), agent("Goodbye, Ann!")]


def _points_engine(model: Any = None) -> LocalEngine:
    return LocalEngine(model or NoModel(), handlers={"lookup_points": points_handler})


def test_a_flow_chat_runs_with_no_model_static_text_equations_and_a_tool(api: Api) -> None:
    engine = use(api, _points_engine())
    chat = api.call("chat.create", agent_id=flow_chat_agent(api).agent_id,
                    retell_llm_dynamic_variables={"name": "Ann", "tier": "gold"})  # fmt: skip
    first = api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="Yes please")
    assert bare(first.messages) == GREETING + TOOL_TURN  # the user's message is stored, not returned
    ongoing = api.call("chat.retrieve", chat.chat_id)
    assert (ongoing.chat_status, ongoing.collected_dynamic_variables) == ("ongoing", None)
    second = api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="Thanks")
    assert bare(second.messages) == GOODBYE
    got = api.call("chat.retrieve", chat.chat_id)
    assert got.chat_status == "ended"
    assert bare(got.message_with_tool_calls) == [*GREETING, user("Yes please"), *TOOL_TURN, user("Thanks"), *GOODBYE]
    assert got.transcript == (
        "Agent: Hi Ann! Shall I check your points?\nUser: Yes please\nAgent: You have 250 points.\n"
        "User: Thanks\nAgent: Goodbye, Ann!"
    )
    assert got.collected_dynamic_variables == {"name": "Ann", "tier": "gold", "points": "250"}
    assert got.chat_cost is not None and got.chat_cost.combined_cost == pytest.approx(0.6)  # 3 agent messages
    assert got.chat_analysis is None  # no model: never invented, and the engine says why
    assert "none is configured" in engine.analysis_notes[chat.chat_id]
    with pytest.raises(retell.BadRequestError, match="only ongoing chats take messages"):
        api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="Hello?")


def test_the_else_edge_is_taken_on_an_equation_that_fails(api: Api) -> None:
    use(api, _points_engine())
    chat = api.call("chat.create", agent_id=flow_chat_agent(api).agent_id,
                    retell_llm_dynamic_variables={"name": "Bo", "tier": "basic"})  # fmt: skip
    turn = api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="Sure")
    assert [m.role for m in turn.messages][-2:] == ["node_transition", "agent"]
    assert bare(turn.messages)[-1] == agent("Goodbye, Bo!")
    assert api.call("chat.retrieve", chat.chat_id).chat_status == "ended"


def test_a_chat_resumes_at_its_last_node_after_the_engine_restarts(api: Api) -> None:
    use(api, _points_engine())
    chat = api.call("chat.create", agent_id=flow_chat_agent(api).agent_id,
                    retell_llm_dynamic_variables={"name": "Ann", "tier": "gold"})  # fmt: skip
    api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="Yes please")
    use(api, _points_engine())  # a new engine: no live session, only the stored history
    again = api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="Thanks")
    assert bare(again.messages) == GOODBYE  # at 'Tell', nothing replayed, nothing re-said
    got = api.call("chat.retrieve", chat.chat_id)
    # the tool's response variable is read back from the stored tool result
    assert got.chat_status == "ended"
    assert got.collected_dynamic_variables == {"name": "Ann", "tier": "gold", "points": "250"}


LLM = {
    "general_prompt": "You book tables.",
    "begin_message": "Hello, Chez Nous.",
    "model": "gpt-4.1",
    "general_tools": [{"type": "end_call", "name": "end_call", "description": "End the chat"}],
}


def _scripted() -> ScriptedModel:
    return ScriptedModel(
        Rule(user="table", times=1).say("For how many people?"),
        Rule(user="four", times=1).say("Booked for four. Goodbye!").call("end_call"),
        Rule(purpose="analysis").call(
            "record_analysis",
            {"chat_summary": "A table for four was booked.", "chat_successful": True, "user_sentiment": "Positive"},
        ),
    )


def test_a_prompt_driven_chat_runs_on_a_scripted_model_and_is_analysed(api: Api) -> None:
    model = _scripted()
    use(api, LocalEngine(model))
    llm = api.call("llm.create", **LLM)
    chat_agent = api.call("chat_agent.create", response_engine={"type": "retell-llm", "llm_id": llm.llm_id})
    chat = api.call("chat.create", agent_id=chat_agent.agent_id)
    first = api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="A table, please")
    assert bare(first.messages) == [agent("Hello, Chez Nous."), agent("For how many people?")]
    second = api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="We are four")
    roles = [m.role for m in second.messages]
    assert roles[0] == "agent" and bare(second.messages)[0] == agent("Booked for four. Goodbye!")
    assert "tool_call_invocation" in roles
    got = api.call("chat.retrieve", chat.chat_id)
    assert got.chat_status == "ended"
    assert got.chat_analysis is not None
    assert (got.chat_analysis.chat_summary, got.chat_analysis.chat_successful, got.chat_analysis.user_sentiment) == (
        "A table for four was booked.",
        True,
        "Positive",
    )
    model.assert_complete()


def test_end_chat_analyses_the_chat_and_rerun_analysis_answers_the_chat(api: Api) -> None:
    model = ScriptedModel(
        Rule(purpose="reply", user="hi").say("Hello there."),
        Rule(purpose="analysis").call(
            "record_analysis", {"chat_summary": "Greetings.", "chat_successful": False, "user_sentiment": "Neutral"}
        ),
    )
    use(api, LocalEngine(model))
    llm = api.call("llm.create", general_prompt="Be kind.", begin_message="")
    chat_agent = api.call("chat_agent.create", response_engine={"type": "retell-llm", "llm_id": llm.llm_id})
    chat = api.call("chat.create", agent_id=chat_agent.agent_id)
    assert bare(api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="hi").messages) == [
        agent("Hello there.")
    ]
    api.call("chat.end", chat.chat_id)
    got = api.call("chat.retrieve", chat.chat_id)
    assert got.chat_status == "ended" and got.chat_analysis is not None
    assert got.chat_analysis.chat_summary == "Greetings."
    rerun = api.call("chat.rerun_analysis", chat.chat_id)
    assert rerun.chat_analysis is not None and rerun.chat_analysis.user_sentiment == "Neutral"
