"""Engine gaps closed after the first merge: retrieval latency, SMS direction, execution messages,
the call's duration limit and reminders after silence. Exact events."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from retell_dsl.sim.events import Event, KnowledgeRetrieved, ModelUsed
from retell_dsl.sim.kb import KnowledgeBaseIndex, Retrieved, Source
from retell_dsl.sim.models import Rule, ScriptedModel
from retell_dsl.sim.outputs import latency
from retell_dsl.sim.runtime import CallFacts, ManualClock, Session
from tests.sim.runtime_helpers import (
    agent,
    edge,
    else_,
    ended,
    flow,
    invoked,
    moved,
    node,
    prompt,
    returned,
    run,
    session,
    static,
    user,
)


class SlowIndex(KnowledgeBaseIndex):
    """A KB index whose searches take ``ms`` on the engine's manual clock."""

    def __init__(self, clock: ManualClock, ms: int) -> None:
        super().__init__()
        self.clock, self.ms = clock, ms

    def search_config(
        self, query: str, kb_config: Mapping[str, Any] | None, knowledge_base_ids: Sequence[str] | None = None
    ) -> list[Retrieved]:
        self.clock.advance(self.ms)
        return super().search_config(query, kb_config, knowledge_base_ids)


def test_a_retrieval_records_its_latency_and_the_call_reports_it() -> None:
    clock = ManualClock()
    kb = SlowIndex(clock, 35)
    kb.add("kb1", [Source("s1", "Refunds are paid within 5 business days.", title="Refunds")])
    f = flow(
        node("faq", instruction=prompt("Answer questions"), edges=[edge("e", "faq", "The caller is done")]),
        knowledge_base_ids=["kb1"],
        kb_config={"top_k": 1, "filter_score": 0.1},
    )
    model = ScriptedModel(Rule(purpose="prompt_condition").say(""), Rule().say("Within 5 days."))
    events = run(Session(agent={}, engine=f, model=model, clock=clock, kb=kb), "how long do refunds take")
    assert [e for e in events if isinstance(e, KnowledgeRetrieved)] == [
        KnowledgeRetrieved(
            at_ms=35,
            query="how long do refunds take",
            contents=("Refunds are paid within 5 business days.",),
            latency_ms=35,
        )
    ]
    assert latency(events)["knowledge_base"]["values"] == [35]
    assert [e.purpose for e in events if isinstance(e, ModelUsed)] == ["reply", "prompt_condition", "reply"]


LOOKUP = {
    "type": "custom",
    "tool_id": "t_lookup",
    "name": "lookup",
    "description": "Look up the order.",
    "url": "https://orders.example/lookup",
    "parameters": {"type": "object", "properties": {}},
    "speak_during_execution": True,
    "execution_message_type": "prompt",
    "execution_message_description": "Tell {{name}} you are checking the order.",
}
LOOKUP_MOCK = {"tool_name": "lookup", "input_match_rule": {"type": "any"}, "output": '{"status": "shipped"}'}


def test_a_prompt_execution_message_is_written_by_the_model_while_the_tool_runs() -> None:
    llm = {"general_prompt": "Help with orders.", "begin_message": "", "general_tools": [LOOKUP]}
    model = ScriptedModel(
        Rule(user="order", tools=("lookup",), times=1).call("lookup"),
        Rule(when=lambda r: not r.tools).say("Checking your order now, Ann."),
        Rule(user="order").say("It has shipped."),
    )
    s = session(llm, model, tool_mocks=[LOOKUP_MOCK], variables={"name": "Ann"})
    events = [e for e in run(s, "where is my order") if not isinstance(e, ModelUsed)]
    assert events == [
        user("where is my order"),
        agent("Checking your order now, Ann."),
        invoked("call_scripted_1", "lookup", "custom"),
        returned("call_scripted_1", '{"status": "shipped"}', source="mock"),
        agent("It has shipped."),
    ]
    ask = model.calls[1]
    assert ask.context.purpose == "reply" and ask.tools == ()
    assert "Tell Ann you are checking the order." in (ask.messages[-1].content or "")
    model.assert_complete()


def test_without_a_model_a_prompt_execution_message_is_skipped_not_invented() -> None:
    f = flow(
        node("check", "function", tool_id="t_lookup", wait_for_result=True, else_edge=else_("check.else", "bye")),
        node("bye", "end", instruction=static("Bye.")),
        tools=[LOOKUP],
    )
    events = run(session(f, tool_mocks=[LOOKUP_MOCK]))
    assert events == [
        moved("begin", "check"),
        invoked("tool_call_1", "lookup", "custom", node_id="check"),
        returned("tool_call_1", '{"status": "shipped"}', source="mock"),
        moved("check", "bye", "check.else"),
        agent("Bye.", node_id="bye"),
        ended("agent_hangup"),
    ]


def test_a_static_execution_message_is_said_as_written_in_a_function_node() -> None:
    tool = {**LOOKUP, "execution_message_type": "static_text"}
    f = flow(
        node("check", "function", tool_id="t_lookup", else_edge=else_("check.else", "bye")),
        node("bye", "end", instruction=static("Bye.")),
        tools=[tool],
    )
    events = run(session(f, tool_mocks=[LOOKUP_MOCK], variables={"name": "Ann"}))
    assert events[:2] == [moved("begin", "check"), agent("Tell Ann you are checking the order.", node_id="check")]


def at(event: Event, ms: int) -> Event:
    return dataclasses.replace(event, at_ms=ms)


HI = flow(node("hi", instruction=static("Hi")))


def test_reminders_after_silence_then_inactivity_on_the_engine_clock() -> None:
    agent_wire = {"reminder_trigger_ms": 10_000, "reminder_max_count": 2, "end_call_after_silence_ms": 30_000}
    s = session(HI, agent=agent_wire)

    async def go() -> tuple[tuple[Event, ...], ...]:
        return await s.start(), await s.silence(25_000), await s.silence(5_000)

    opening, first, second = asyncio.run(go())
    assert opening == (moved("begin", "hi"), agent("Hi", "hi"))
    assert first == (at(agent("Are you still there?", "hi"), 10_000), at(agent("Are you still there?", "hi"), 20_000))
    assert second == (at(ended("inactivity"), 30_000),)


def test_a_user_turn_starts_the_silence_count_again_and_defaults_remind_once() -> None:
    s = session(flow(node("hi", instruction=static("Hi"), edges=[])), agent={"end_call_after_silence_ms": 40_000})

    async def go() -> tuple[tuple[Event, ...], ...]:
        await s.start()
        return await s.silence(35_000), await s.user_says("sorry"), await s.silence(39_000)

    first, _, second = asyncio.run(go())
    assert first == (at(agent("Are you still there?", "hi"), 10_000),)  # Retell's default: once, after 10 s
    assert second == ()  # the agent has not spoken since the user: nothing to remind of, and under 40 s


def test_a_model_writes_the_reminder_when_one_is_configured() -> None:
    llm = {"general_prompt": "You book tables.", "begin_message": "Hi, how many people?"}
    model = ScriptedModel(Rule(purpose="reply").say("Hello? Are you still with me?"))
    s = session(llm, model, agent={"reminder_trigger_ms": 8000})

    async def go() -> tuple[Event, ...]:
        await s.start()
        return await s.silence(9000)

    events = asyncio.run(go())
    assert [e for e in events if not isinstance(e, ModelUsed)] == [at(agent("Hello? Are you still with me?"), 8000)]
    request = model.calls[0]
    assert request.messages[0].content == "You book tables."
    assert "has not said anything for 8 seconds" in (request.messages[-1].content or "")


def test_a_chat_gets_no_reminders() -> None:
    s = session(HI, facts=CallFacts(session_type="chat"))

    async def go() -> tuple[Event, ...]:
        await s.start()
        return await s.silence(15_000)

    assert asyncio.run(go()) == ()


def test_the_call_ends_at_its_maximum_duration_inside_a_silence() -> None:
    s = session(HI, agent={"max_call_duration_ms": 60_000, "reminder_max_count": 0})

    async def go() -> tuple[Event, ...]:
        await s.start()
        return await s.silence(70_000)

    assert asyncio.run(go()) == (at(ended("max_duration_reached"), 60_000),)


def test_a_turn_after_the_maximum_duration_ends_the_call_first() -> None:
    clock = ManualClock()
    s = session(
        flow(node("hi", instruction=static("Hi"), edges=[])), clock=clock, agent={"max_call_duration_ms": 60_000}
    )

    async def go() -> tuple[Event, ...]:
        await s.start()
        clock.advance(61_000)
        return await s.user_says("still here")

    assert asyncio.run(go()) == (at(ended("max_duration_reached"), 61_000),)
