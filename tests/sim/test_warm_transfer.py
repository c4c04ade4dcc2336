"""The transfer agent's side of an agentic warm transfer: bridge / cancel nodes and tools, the deadline.

Exact event streams; the "user" of these sessions is the transfer target.
"""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.callers import ScriptCaller, silence
from retell_dsl.sim.events import Event, ModelUsed, TransferAttempted
from retell_dsl.sim.models import Rule, ScriptedModel
from retell_dsl.sim.runtime import AgentEngine, CallFacts, ManualClock, WarmTransfer
from retell_dsl.sim.warm import TransferAgentRunner
from tests.sim.runtime_helpers import (
    PHONE,
    agent,
    edge,
    ended,
    eq,
    flow,
    invoked,
    moved,
    node,
    returned,
    run,
    session,
    static,
    user,
)

LEG = dataclasses.replace(PHONE, warm_transfer=WarmTransfer(original_call_id="call_main"))
"""The transfer agent's phone call with the transfer target, a transfer in progress."""

BRIDGED = "Transfer bridged: the caller is connected to the transfer target."
CANCELLED = "Transfer cancelled: the caller goes back to the main agent."


def no_transfer(kind: str, what: str) -> str:
    return (
        f"No transfer is in progress (this session is a {kind}, not a warm transfer's transfer agent leg): "
        f"there is no transfer to {what}. The call ends."
    )


def decide(kind: str, **fields: object) -> dict[str, object]:
    """A transfer agent's flow: it briefs the target, then the target's answer picks bridge or cancel."""
    return flow(
        node(
            "brief",
            instruction=static("Hi, I have a caller about a refund. Can you take them?"),
            edges=[edge("brief.yes", "decide", eq("{{answer}}", "==", "yes"))],
        ),
        node("decide", kind, **fields),
    )


CASES = [
    pytest.param(
        "bridge_transfer",
        LEG,
        {},
        [returned("tool_call_1", BRIDGED), ended("transfer_bridged")],
        id="bridge-in-a-transfer",
    ),
    pytest.param(
        "cancel_transfer",
        LEG,
        {},
        [returned("tool_call_1", CANCELLED), ended("transfer_cancelled")],
        id="cancel-in-a-transfer",
    ),
    pytest.param(
        "bridge_transfer",
        CallFacts(),
        {},
        [returned("tool_call_1", no_transfer("web call", "bridge"), ok=False), ended("agent_hangup")],
        id="bridge-on-a-web-call",
    ),
    pytest.param(
        "cancel_transfer",
        CallFacts(session_type="chat"),
        {},
        [returned("tool_call_1", no_transfer("chat", "cancel"), ok=False), ended("agent_hangup")],
        id="cancel-in-a-chat",
    ),
    pytest.param(
        "bridge_transfer",
        PHONE,
        {},
        [returned("tool_call_1", no_transfer("phone call", "bridge"), ok=False), ended("agent_hangup")],
        id="bridge-on-a-phone-call-that-is-no-transfer-leg",
    ),
]


@pytest.mark.parametrize(("kind", "facts", "fields", "tail"), CASES)
def test_a_bridge_or_cancel_node_ends_the_transfer_agents_call(
    kind: str, facts: CallFacts, fields: dict[str, object], tail: list[Event]
) -> None:
    events = run(session(decide(kind, **fields), facts=facts, variables={"answer": "yes"}), "Yes, put them through")
    assert events == [
        moved("begin", "brief"),
        agent("Hi, I have a caller about a refund. Can you take them?", "brief"),
        user("Yes, put them through"),
        moved("brief", "decide", "brief.yes"),
        invoked("tool_call_1", "decide", kind, node_id="decide"),
        *tail,
    ]


@pytest.mark.parametrize(
    ("kind", "reason", "result"),
    [("bridge_transfer", "transfer_bridged", BRIDGED), ("cancel_transfer", "transfer_cancelled", CANCELLED)],
)
def test_speak_during_execution_says_the_instruction_before_deciding(kind: str, reason: str, result: str) -> None:
    f = flow(node("decide", kind, speak_during_execution=True, instruction=static("One moment.")))
    assert run(session(f, facts=LEG)) == [
        moved("begin", "decide"),
        agent("One moment.", "decide"),
        invoked("tool_call_1", "decide", kind, node_id="decide"),
        returned("tool_call_1", result),
        ended(reason),
    ]


def test_without_speak_during_execution_the_instruction_is_not_said() -> None:
    f = flow(node("decide", "bridge_transfer", instruction=static("One moment.")))
    assert run(session(f, facts=LEG))[1] == invoked("tool_call_1", "decide", "bridge_transfer", node_id="decide")


BRIDGE_TOOL = {"type": "bridge_transfer", "name": "connect_caller", "description": "Connect the caller."}
CANCEL_TOOL = {
    "type": "cancel_transfer",
    "name": "send_back",
    "description": "Send the caller back.",
    "speak_during_execution": True,
    "execution_message_type": "static_text",
    "execution_message_description": "Alright, I will let them know.",
}


@pytest.mark.parametrize(
    ("said", "tool", "spoken", "result", "reason"),
    [
        ("Sure, connect them", "connect_caller", [], BRIDGED, "transfer_bridged"),
        ("No, I am busy", "send_back", [agent("Alright, I will let them know.")], CANCELLED, "transfer_cancelled"),
    ],
)
def test_retell_llm_bridge_and_cancel_tools(
    said: str, tool: str, spoken: list[Event], result: str, reason: str
) -> None:
    llm = {
        "general_prompt": "Ask the target whether they take the caller.",
        "begin_message": "Can you take a caller?",
        "general_tools": [BRIDGE_TOOL, CANCEL_TOOL],
    }
    model = ScriptedModel(Rule(user=said).call(tool))
    events = run(session(llm, model, facts=LEG), said, skip=(ModelUsed,))
    kind = "bridge_transfer" if tool == "connect_caller" else "cancel_transfer"
    assert events == [
        agent("Can you take a caller?"),
        user(said),
        *spoken,
        invoked("call_scripted_1", tool, kind),
        returned("call_scripted_1", result),
        ended(reason),
    ]
    model.assert_complete()


def test_a_retell_llm_bridge_tool_in_a_chat_fails_and_ends_the_chat() -> None:
    llm = {"general_prompt": "", "begin_message": "", "general_tools": [BRIDGE_TOOL]}
    model = ScriptedModel(Rule().call("connect_caller"))
    events = run(session(llm, model, facts=CallFacts(session_type="chat")), "ok", skip=(ModelUsed,))
    assert events[-2:] == [
        returned("call_scripted_1", no_transfer("chat", "bridge"), ok=False),
        ended("agent_hangup"),
    ]


def at(event: Event, ms: int) -> Event:
    return dataclasses.replace(event, at_ms=ms)


@pytest.mark.parametrize(
    ("transfer", "reason"),
    [
        (WarmTransfer(), "transfer_cancelled"),
        (WarmTransfer(timeout_ms=20_000, action_on_timeout="bridge_transfer"), "transfer_bridged"),
    ],
)
def test_no_decision_within_the_timeout_takes_the_action_on_timeout(transfer: WarmTransfer, reason: str) -> None:
    facts = dataclasses.replace(PHONE, warm_transfer=transfer)
    s = session(decide("bridge_transfer"), facts=facts, agent={"reminder_max_count": 0})

    async def go() -> tuple[tuple[Event, ...], tuple[Event, ...]]:
        await s.start()
        return await s.silence(transfer.timeout_ms - 1), await s.silence(5_000)

    before, after = asyncio.run(go())
    assert (before, after) == ((), (at(ended(reason), transfer.timeout_ms),))


def test_a_turn_after_the_timeout_ends_the_call_first() -> None:
    clock = ManualClock()
    s = session(decide("bridge_transfer"), facts=LEG, clock=clock)

    async def go() -> tuple[Event, ...]:
        await s.start()
        clock.advance(31_000)
        return await s.user_says("yes")

    assert asyncio.run(go()) == (at(ended("transfer_cancelled"), 31_000),)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: WarmTransfer(timeout_ms=-5), "WarmTransfer.timeout_ms must be a positive number"),
        (lambda: WarmTransfer(action_on_timeout="hang_up"), "must be 'bridge_transfer' or 'cancel_transfer'"),  # type: ignore[arg-type]
        (
            lambda: CallFacts(session_type="chat", warm_transfer=WarmTransfer()),
            "warm_transfer needs a voice session",
        ),
    ],
)
def test_bad_warm_transfer_facts_are_refused(make: object, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        make()  # type: ignore[operator]


def test_from_config_reads_the_agentic_transfer_config() -> None:
    config = {"transfer_timeout_ms": 45000.0, "action_on_timeout": "bridge_transfer", "transfer_agent": {}}
    assert WarmTransfer.from_config(config, "call_1") == WarmTransfer(
        timeout_ms=45_000, action_on_timeout="bridge_transfer", original_call_id="call_1"
    )
    assert WarmTransfer.from_config(None) == WarmTransfer()


# -- the main agent's side: an agentic warm transfer asks the transfer agent -----------------

TARGET = "+14155550199"
AGENTIC = {
    "type": "agentic_warm_transfer",
    "agentic_transfer_config": {
        "transfer_agent": {"agent_id": "agent_xfer", "agent_version": 1},
        "transfer_timeout_ms": 20_000,
        "action_on_timeout": "bridge_transfer",
    },
}
MAIN = flow(
    node("hi", instruction=static("Connecting you."), skip_response_edge=edge("hi.skip", "xfer", "Skip")),
    node(
        "xfer",
        "transfer_call",
        transfer_destination={"type": "predefined", "number": TARGET},
        transfer_option=AGENTIC,
        edge=edge("xfer.failed", "sorry", "Transfer failed"),
    ),
    node("sorry", instruction=static("They cannot take the call right now.")),
)
XFER_AGENT = AgentEngine(
    agent={"agent_id": "agent_xfer", "reminder_max_count": 0},
    engine=flow(
        node(
            "brief",
            instruction=static("I have a caller about a refund. Can you take them?"),
            edges=[edge("b.yes", "bridge", "The target accepts"), edge("b.no", "cancel", "The target declines")],
        ),
        node("bridge", "bridge_transfer"),
        node("cancel", "cancel_transfer"),
    ),
)


def resolver(agent_id: str, version: int | None) -> AgentEngine | None:
    return XFER_AGENT if (agent_id, version) == ("agent_xfer", 1) else None


def target_model() -> ScriptedModel:
    return ScriptedModel(
        Rule(node="brief", purpose="prompt_condition", user="sure").transition("bridge"),
        Rule(node="brief", purpose="prompt_condition", user="busy").transition("cancel"),
    )


def transfer_attempt(ok: bool, reason: str | None = None) -> TransferAttempted:
    return TransferAttempted(at_ms=0, destination=TARGET, option="agentic_warm_transfer", successful=ok, reason=reason)


OPENING = [moved("begin", "hi"), agent("Connecting you.", "hi"), moved("hi", "xfer", "hi.skip")]
XFER = invoked("tool_call_1", "xfer", "transfer_call", node_id="xfer")

MAIN_CASES = [
    pytest.param(
        "Sure, put them through",
        [XFER, transfer_attempt(True), returned("tool_call_1", f"Transferred to {TARGET}."), ended("call_transfer")],
        "transfer_bridged",
        id="the-transfer-agent-bridges",
    ),
    pytest.param(
        "Sorry, I am busy",
        [
            XFER,
            transfer_attempt(False, "the transfer agent cancelled the transfer"),
            returned("tool_call_1", "Transfer failed: the transfer agent cancelled the transfer.", ok=False),
            moved("xfer", "sorry", "xfer.failed"),
            agent("They cannot take the call right now.", "sorry"),
        ],
        "transfer_cancelled",
        id="the-transfer-agent-cancels-and-the-caller-is-back",
    ),
]


def leg_tail(node_id: str, kind: str, edge_id: str, result: str, reason: str) -> list[Event]:
    """How the transfer agent's leg ends after the target answers."""
    return [
        moved("brief", node_id, edge_id),
        invoked("tool_call_1", node_id, kind, node_id=node_id),
        returned("tool_call_1", result),
        ended(reason),
    ]


LEG_TAILS = {
    "transfer_bridged": leg_tail("bridge", "bridge_transfer", "b.yes", BRIDGED, "transfer_bridged"),
    "transfer_cancelled": leg_tail("cancel", "cancel_transfer", "b.no", CANCELLED, "transfer_cancelled"),
}


@pytest.mark.parametrize(("answer", "tail", "leg_reason"), MAIN_CASES)
def test_an_agentic_warm_transfer_runs_the_transfer_agent(answer: str, tail: list[Event], leg_reason: str) -> None:
    runner = TransferAgentRunner(ScriptCaller(answer), resolver, model=target_model())
    events = run(session(MAIN, facts=PHONE, transfer_agent=runner))
    assert events == [*OPENING, *tail]
    (leg,) = runner.legs
    assert [e for e in leg.events if not isinstance(e, ModelUsed)] == [
        moved("begin", "brief"),
        agent("I have a caller about a refund. Can you take them?", "brief"),
        user(answer),
        *LEG_TAILS[leg_reason],
    ]


def test_a_silent_target_lets_the_timeout_decide() -> None:
    runner = TransferAgentRunner(ScriptCaller(silence(25_000)), resolver, model=target_model())
    events = run(session(MAIN, facts=PHONE, transfer_agent=runner))
    assert events[3:5] == [XFER, at(transfer_attempt(True), 20_000)]  # action_on_timeout: bridge
    assert runner.legs[0].events[-1] == at(ended("transfer_bridged"), 20_000)


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        (
            {"transfer_agent": {"agent_id": "agent_gone", "agent_version": 1}},
            "the transfer agent failed: the transfer agent 'agent_gone' is not available "
            "(agentic_transfer_config.transfer_agent must name an agent the resolver knows)",
        ),
        (
            {},
            "the transfer agent failed: the transfer agent '(none named)' is not available "
            "(agentic_transfer_config.transfer_agent must name an agent the resolver knows)",
        ),
    ],
)
def test_an_unknown_transfer_agent_is_a_failed_transfer(config: dict[str, object], reason: str) -> None:
    option = {"type": "agentic_warm_transfer", "agentic_transfer_config": config}
    f = flow(*[dict(n, transfer_option=option) if n["id"] == "xfer" else n for n in MAIN["nodes"]])
    runner = TransferAgentRunner(ScriptCaller("hi"), resolver, model=target_model())
    events = run(session(f, facts=PHONE, transfer_agent=runner))
    assert events[4] == transfer_attempt(False, reason)
    assert events[6] == moved("xfer", "sorry", "xfer.failed")


def test_without_a_transfer_agent_an_agentic_transfer_succeeds_as_before() -> None:
    events = run(session(MAIN, facts=PHONE))
    assert events[4:] == [
        transfer_attempt(True),
        returned("tool_call_1", f"Transferred to {TARGET}."),
        ended("call_transfer"),
    ]
