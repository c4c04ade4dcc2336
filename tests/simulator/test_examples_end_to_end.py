"""The three example stacks end to end on the emulator's local engine: chat, playground, web call, batch call.

Each stack is deployed to the emulator (``Project.apply``), then held through the official SDK
with strict response validation, three ways (sync and async in process, sync over real HTTP;
see :mod:`tests.simulator.conftest`): a chat on the voice agent's response engine, a playground
turn, a web call joined by a scripted caller (in process with ``Emulator.join_web_call``, over
HTTP with the ``/_emulator/`` join route), and for the reminder campaign its batch call to
simulated phone users. Models are scripted (:class:`~retell_dsl.sim.models.ScriptedModel`) and
tools answered in process, so every message and call field is exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from examples import clinic_receptionist, outbound_reminders, support_agent
from retell_dsl.deploy import Project
from retell_dsl.sim.models import Rule, ScriptedModel
from retell_dsl.simulator import LocalEngine
from tests.emulator.conftest import Api
from tests.simulator.agents import bare
from tests.simulator.conftest import use
from tests.simulator.test_examples import CLINIC_RULES, CONFIRMATION, spoken


def deploy(api: Api, stack: Any, tmp_path: Path) -> Any:
    """Deploy ``stack`` into the emulator behind ``api`` (in process: deploying is not under test); its agent."""
    client = api.emu.client(_strict_response_validation=True)
    project = Project(tmp_path)
    project.apply(project.plan(stack, client), client)
    (item,) = api.call("agent.list").items
    return api.call("agent.retrieve", item.agent_id)


def chat(api: Api, agent: Any, *turns: str, variables: Mapping[str, str] | None = None) -> tuple[list[Any], Any]:
    """A chat agent on the voice agent's response engine; each turn's new messages, and the chat at the end."""
    chat_agent = api.call("chat_agent.create", response_engine=agent.response_engine.model_dump(exclude_none=True))
    created = api.call("chat.create", agent_id=chat_agent.agent_id, retell_llm_dynamic_variables=dict(variables or {}))
    said = [bare(api.call("chat.create_chat_completion", chat_id=created.chat_id, content=t).messages) for t in turns]
    return said, api.call("chat.retrieve", created.chat_id)


def web_call(api: Api, agent: Any, caller: Mapping[str, Any], **fields: Any) -> Any:
    """Create a web call, let ``caller`` join it (over HTTP in ``http`` mode), wait for the end; the call."""
    call_id = api.call("call.create_web_call", agent_id=agent.agent_id, **fields).call_id
    assert api.call("call.retrieve", call_id).call_status == "registered"
    if api.mode == "http":
        joined = httpx.post(
            f"{api.client.base_url}".rstrip("/") + f"/_emulator/web-calls/{call_id}/join",
            json=dict(caller),
            headers={"authorization": f"Bearer {api.emu.api_key}"},
            timeout=10,
        )
        assert joined.status_code == 200, joined.text
        assert joined.json()["call_status"] == "ongoing"
    else:
        api.emu.join_web_call(call_id, caller=caller, wait=False)
    api.emu.wait_idle(30, webhooks=False)
    return api.call("call.retrieve", call_id)


def said(call: Any) -> list[tuple[str, str]]:
    """The call's ``transcript_with_tool_calls`` as (role, content / node / tool name)."""
    return spoken([i.model_dump(exclude_none=True) for i in call.transcript_with_tool_calls or []])


def script(*steps: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": "script", "steps": [dict(s) for s in steps]}


# --------------------------------------------------------------------------- clinic receptionist

CLINIC_ANALYSIS = {
    "call_summary": "The caller booked a cleaning for May 1st at 9:00.",
    "custom_analysis_data": {"appointment_date": "2024-05-01"},
}
CLINIC_CALLER = script(
    {"say": "I'd like to book a cleaning on May 1st", "after": "how can I help"},
    {"say": "yes, that works", "after": "Does that work?"},
)


def test_clinic_receptionist_chat_playground_and_web_call(api: Api, tmp_path: Path) -> None:
    model = ScriptedModel(*CLINIC_RULES, Rule(purpose="analysis").call("record_analysis", CLINIC_ANALYSIS))
    slots = {"check_availability": lambda arguments, call: {"slots": ["9:00"], "date": arguments.get("date")}}
    use(api, LocalEngine(model, handlers=slots))
    agent = deploy(api, clinic_receptionist.stack, tmp_path)

    turns, done = chat(api, agent, "I'd like to book a cleaning on May 1st", "yes, that works")
    assert spoken(turns[0])[-1] == ("agent", "I have 9:00 on May 1st. Does that work?")
    assert spoken(turns[1]) == CONFIRMATION
    assert (done.chat_status, done.collected_dynamic_variables) == (
        "ended",
        {"preferred_date": "2024-05-01", "first_open_slot": "9:00"},
    )

    history = [
        {"role": "agent", "content": "I have 9:00 on May 1st. Does that work?"},
        {"role": "user", "content": "yes"},
    ]
    out = api.call("playground.completion", agent.agent_id, messages=history, current_node_id="offer-slot",
                   dynamic_variables={"first_open_slot": "9:00"})  # fmt: skip
    assert spoken(bare(out.messages)) == CONFIRMATION
    assert (out.current_node_id, out.call_ended) == ("goodbye", True)

    call = web_call(api, agent, CLINIC_CALLER, retell_llm_dynamic_variables={"patient_name": "Ada"})
    assert call.transcript == (
        "Agent: Hi there, how can I help?\n"
        "User: I'd like to book a cleaning on May 1st\n"
        "Agent: One moment.\n"
        "Agent: I have 9:00 on May 1st. Does that work?\n"
        "User: yes, that works\n"
        "Agent: Thanks for calling, goodbye!"
    )
    assert said(call) == [
        ("node_transition", "greet"),
        ("agent", "Hi there, how can I help?"),
        ("user", "I'd like to book a cleaning on May 1st"),
        ("node_transition", "collect date"),
        ("node_transition", "check slots"),
        ("agent", "One moment."),
        ("tool_call_invocation", "check_availability"),
        ("tool_call_result", '{"slots":["9:00"],"date":"2024-05-01"}'),
        ("node_transition", "route slots"),
        ("node_transition", "offer slot"),
        ("agent", "I have 9:00 on May 1st. Does that work?"),
        ("user", "yes, that works"),
        ("node_transition", "send confirmation"),
        ("tool_call_invocation", "send confirmation"),
        ("tool_call_result", "SMS failed: the session has no phone number to text."),  # a web call has no number
        ("node_transition", "goodbye"),
        ("agent", "Thanks for calling, goodbye!"),
    ]
    assert (call.call_status, call.disconnection_reason, call.call_type) == ("ended", "agent_hangup", "web_call")
    assert call.collected_dynamic_variables == {
        "patient_name": "Ada",
        "preferred_date": "2024-05-01",
        "first_open_slot": "9:00",
    }
    assert call.call_analysis is not None
    assert call.call_analysis.call_summary == CLINIC_ANALYSIS["call_summary"]
    assert call.call_analysis.custom_analysis_data == {"appointment_date": "2024-05-01"}
    assert call.latency is not None and call.latency.e2e is not None and call.latency.e2e.num == 2
    assert call.call_cost is not None and call.call_cost.total_duration_seconds == call.duration_ms / 1000
    assert [p.product for p in call.call_cost.product_costs or []] == ["voice_engine", "llm:gpt-4.1"]
    assert call.llm_token_usage is not None and call.llm_token_usage.num_requests >= 4
    model.assert_complete()


# --------------------------------------------------------------------------- support agent

SUPPORT_RULES = (
    Rule(purpose="analysis").call(
        "record_analysis", {"user_sentiment": "Positive", "custom_analysis_data": {"topic": "shipping"}}
    ),
    Rule(user="shipping").say("Standard shipping takes 3 to 5 business days."),
    Rule(user="returns").say("You can return items within 30 days."),
    Rule(user="person", times=1).call("transfer_to_human"),
)


def test_support_agent_chat_playground_web_call_and_a_transfer(api: Api, tmp_path: Path) -> None:
    model = ScriptedModel(*SUPPORT_RULES)
    use(api, LocalEngine(model))
    agent = deploy(api, support_agent.stack, tmp_path)

    turns, done = chat(api, agent, "How long does shipping take?")
    assert spoken(turns[0]) == [
        ("agent", "Thanks for calling Acme support, how can I help?"),
        ("agent", "Standard shipping takes 3 to 5 business days."),
    ]
    assert done.chat_status == "ongoing"

    out = api.call("playground.completion", agent.agent_id, messages=[{"role": "user", "content": "And returns?"}])
    assert spoken(bare(out.messages))[-1] == ("agent", "You can return items within 30 days.")
    assert out.call_ended is False

    call = web_call(api, agent, script({"say": "How long does shipping take?"}, {"hang_up": True}))
    assert call.transcript == (
        "Agent: Thanks for calling Acme support, how can I help?\n"
        "User: How long does shipping take?\n"
        "Agent: Standard shipping takes 3 to 5 business days."
    )
    assert (call.call_status, call.disconnection_reason) == ("ended", "user_hangup")
    assert call.call_analysis is not None and call.call_analysis.user_sentiment == "Positive"
    assert call.call_analysis.custom_analysis_data == {"topic": "shipping"}
    assert call.latency is not None and call.latency.llm is not None and call.latency.llm.num == 1
    assert call.latency.knowledge_base is not None and call.latency.knowledge_base.num == 1

    # an inbound phone call from a simulated caller asks for a person: the agent transfers
    (number,) = api.call("phone_number.list").items
    api.emu.add_phone_user("+12125550147", script({"say": "I want to talk to a person"}))
    inbound = api.emu.place_inbound_call("+12125550147", number.phone_number, timeout_s=30)
    transferred = api.call("call.retrieve", inbound["call_id"])
    assert (transferred.call_type, transferred.direction) == ("phone_call", "inbound")
    assert (transferred.disconnection_reason, transferred.transfer_destination) == ("call_transfer", "+18005550199")
    assert said(transferred)[-2:] == [
        ("tool_call_invocation", "transfer_to_human"),
        ("tool_call_result", "Transferred to +18005550199."),
    ]
    assert transferred.call_cost is not None
    assert [p.product for p in transferred.call_cost.product_costs or []] == [
        "voice_engine",
        "llm:gpt-4.1",
        "telephony",
    ]


# --------------------------------------------------------------------------- outbound reminders

PATIENTS = {"+14155550111": ("Ada", "Tuesday 10:00"), "+14155550122": ("Grace", "Tuesday 11:30")}


def _confirmed(request: Any) -> bool:
    return any(m.role == "tool" for m in request.messages)


def reminder_model() -> ScriptedModel:
    """The reminder agent's model for any number of calls (no rule is used up by one call)."""
    return ScriptedModel(
        Rule(state="confirm", purpose="extraction").call("extract_dynamic_variables", {"confirmed": True}),
        Rule(state="confirm", user="yes", when=lambda r: not _confirmed(r)).call("record_confirmation"),
        Rule(state="confirm", user="yes").transition("wrap_up"),
        Rule(state="wrap_up").say("Thanks, see you then. Goodbye!").call("end_call"),
        Rule(purpose="analysis").call("record_analysis", {"call_summary": "Confirmed.", "call_successful": True}),
    )


def test_outbound_reminders_chat_playground_web_call_and_the_campaign(api: Api, tmp_path: Path) -> None:
    use(api, LocalEngine(reminder_model()))
    for to in PATIENTS:  # the campaign is placed as soon as it is deployed: its patients must answer
        api.emu.add_phone_user(to, script({"say": "yes, I'll be there", "after": "appointment"}))
    agent = deploy(api, outbound_reminders.stack, tmp_path)
    ada = {"patient_name": "Ada", "appointment_time": "Tuesday 10:00"}

    turns, done = chat(api, agent, "yes, I'll be there", variables=ada)
    assert spoken(turns[0]) == [
        ("state_transition", ""),
        ("agent", "Hi Ada, this is Bright Smiles Dental calling about your appointment."),
        ("tool_call_invocation", "record_confirmation"),
        ("tool_call_result", '{"confirmed": "true"}'),
        ("state_transition", ""),
        ("agent", "Thanks, see you then. Goodbye!"),
        ("tool_call_invocation", "end_call"),
        ("tool_call_result", "Call ended."),
    ]
    assert (done.chat_status, done.collected_dynamic_variables) == ("ended", {**ada, "confirmed": "true"})

    history = [{"role": "agent", "content": "Hi Ada!"}, {"role": "user", "content": "yes, sure"}]
    out = api.call("playground.completion", agent.agent_id, messages=history, current_state="wrap_up",
                   dynamic_variables=ada)  # fmt: skip
    assert spoken(bare(out.messages))[0] == ("agent", "Thanks, see you then. Goodbye!")
    assert (out.current_state, out.call_ended) == ("wrap_up", True)

    call = web_call(api, agent, script({"say": "yes, I'll be there"}), retell_llm_dynamic_variables=ada)
    assert call.transcript == (
        "Agent: Hi Ada, this is Bright Smiles Dental calling about your appointment.\n"
        "User: yes, I'll be there\n"
        "Agent: Thanks, see you then. Goodbye!"
    )
    assert (call.disconnection_reason, call.collected_dynamic_variables) == (
        "agent_hangup",
        {**ada, "confirmed": "true"},
    )

    api.emu.wait_idle(30, webhooks=False)
    (batch_id,) = api.emu.dump()["batch_call"]  # the campaign Project.apply created
    criteria = {"batch_call_id": {"type": "string", "op": "eq", "value": batch_id}}
    listed = api.call("call.list", filter_criteria=criteria, limit=50).items
    placed = [api.call("call.retrieve", c.call_id) for c in listed]
    assert sorted(str(c.to_number) for c in placed) == sorted(PATIENTS)
    for c in placed:
        name, when_ = PATIENTS[str(c.to_number)]
        assert (c.call_type, c.direction, c.call_status, c.disconnection_reason) == (
            "phone_call",
            "outbound",
            "ended",
            "agent_hangup",
        )
        assert c.retell_llm_dynamic_variables == {"patient_name": name, "appointment_time": when_}
        assert c.transcript == (
            f"Agent: Hi {name}, this is Bright Smiles Dental calling about your appointment.\n"
            "User: yes, I'll be there\n"
            "Agent: Thanks, see you then. Goodbye!"
        )
        assert c.collected_dynamic_variables == {"patient_name": name, "appointment_time": when_, "confirmed": "true"}
        assert c.call_analysis is not None and c.call_analysis.call_summary == "Confirmed."
        assert c.call_cost is not None and [p.product for p in c.call_cost.product_costs or []][-1] == "telephony"
