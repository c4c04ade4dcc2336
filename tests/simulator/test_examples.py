"""The three example stacks, deployed to the emulator, hold a chat and a playground session (scripted models)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from examples import clinic_receptionist, outbound_reminders, support_agent
from retell_dsl.deploy import Project
from retell_dsl.emulator import Emulator, ManualClock
from retell_dsl.sim.models import Rule, ScriptedModel
from retell_dsl.simulator import LocalEngine
from tests.simulator.agents import bare


def deployed(stack: Any, engine: LocalEngine, tmp_path: Path) -> tuple[Any, Any]:
    """Deploy ``stack`` to a fresh emulator holding conversations with ``engine``; its client and voice agent."""
    emu = Emulator(clock=ManualClock(), engine=engine)
    client = emu.client(_strict_response_validation=True)
    project = Project(tmp_path)
    project.apply(project.plan(stack, client), client)
    (item,) = client.agent.list().items
    return client, client.agent.retrieve(item.agent_id)


def chat_with(client: Any, agent: Any, *turns: str, variables: dict[str, str] | None = None) -> tuple[list[Any], Any]:
    """A chat agent on the voice agent's response engine, and a chat of ``turns``: each turn's messages, the chat."""
    chat_agent = client.chat_agent.create(response_engine=agent.response_engine.model_dump(exclude_none=True))
    chat = client.chat.create(agent_id=chat_agent.agent_id, retell_llm_dynamic_variables=variables or {})
    said = [bare(client.chat.create_chat_completion(chat_id=chat.chat_id, content=t).messages) for t in turns]
    return said, client.chat.retrieve(chat.chat_id)


def spoken(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(m["role"], m.get("content") or m.get("new_node_name") or m.get("name") or "") for m in messages]


CLINIC_RULES = (
    Rule(node="greet", purpose="reply").say("Hi there, how can I help?"),
    Rule(node="greet", purpose="prompt_condition", user="book").transition("collect date"),
    Rule(node="collect date", purpose="extraction").call("extract_dynamic_variables", {"preferred_date": "2024-05-01"}),
    Rule(node="check slots", purpose="tool_arguments").call("check_availability", {"date": "2024-05-01"}),
    Rule(node="offer slot", purpose="reply").say("I have 9:00 on May 1st. Does that work?"),
    Rule(node="offer slot", purpose="prompt_condition", user="yes").transition("send confirmation"),
    Rule(node="goodbye", purpose="reply").say("Thanks for calling, goodbye!"),
)
CONFIRMATION = [
    ("node_transition", "send confirmation"),
    ("tool_call_invocation", "send confirmation"),
    ("sms", "Your Bright Smiles Dental appointment is booked for 9:00."),
    ("tool_call_result", "SMS failed: the session has no phone number to text."),  # a chat has no phone number
    ("node_transition", "goodbye"),
    ("agent", "Thanks for calling, goodbye!"),
]


def test_clinic_receptionist_books_in_a_chat_and_confirms_in_the_playground(tmp_path: Path) -> None:
    engine = LocalEngine(
        ScriptedModel(*CLINIC_RULES), handlers={"check_availability": lambda a, c: {"slots": ["9:00"]}}
    )
    client, agent = deployed(clinic_receptionist.stack, engine, tmp_path)
    said, chat = chat_with(client, agent, "I'd like to book a cleaning on May 1st", "yes, that works")
    assert spoken(said[0]) == [
        ("node_transition", "greet"),
        ("agent", "Hi there, how can I help?"),
        ("node_transition", "collect date"),
        ("node_transition", "check slots"),
        ("agent", "One moment."),
        ("tool_call_invocation", "check_availability"),
        ("tool_call_result", '{"slots":["9:00"]}'),
        ("node_transition", "route slots"),
        ("node_transition", "offer slot"),
        ("agent", "I have 9:00 on May 1st. Does that work?"),
    ]
    assert spoken(said[1]) == CONFIRMATION
    assert chat.chat_status == "ended"
    assert chat.collected_dynamic_variables == {"preferred_date": "2024-05-01", "first_open_slot": "9:00"}
    history = [
        {"role": "agent", "content": "I have 9:00 on May 1st. Does that work?"},
        {"role": "user", "content": "yes"},
    ]
    out = client.playground.completion(agent.agent_id, messages=history, current_node_id="offer-slot",
                                       dynamic_variables={"first_open_slot": "9:00"})  # fmt: skip
    assert spoken(bare(out.messages)) == CONFIRMATION
    assert (out.current_node_id, out.call_ended) == ("goodbye", True)


def test_outbound_reminders_confirm_in_a_chat_and_wrap_up_in_the_playground(tmp_path: Path) -> None:
    model = ScriptedModel(
        Rule(state="confirm", user="yes", times=1).call("record_confirmation"),
        Rule(state="confirm", purpose="extraction").call("extract_dynamic_variables", {"confirmed": True}),
        Rule(state="confirm", user="yes").transition("wrap_up"),
        Rule(state="wrap_up").say("Thanks Ada, see you Tuesday 10:00. Goodbye!").call("end_call"),
    )
    client, agent = deployed(outbound_reminders.stack, LocalEngine(model), tmp_path)
    variables = {"patient_name": "Ada", "appointment_time": "Tuesday 10:00"}
    said, chat = chat_with(client, agent, "yes, I'll be there", variables=variables)
    assert spoken(said[0]) == [
        ("state_transition", ""),
        ("agent", "Hi Ada, this is Bright Smiles Dental calling about your appointment."),
        ("tool_call_invocation", "record_confirmation"),
        ("tool_call_result", '{"confirmed": "true"}'),
        ("state_transition", ""),
        ("agent", "Thanks Ada, see you Tuesday 10:00. Goodbye!"),
        ("tool_call_invocation", "end_call"),
        ("tool_call_result", "Call ended."),
    ]
    assert [m.get("new_state_name") for m in said[0] if m["role"] == "state_transition"] == ["confirm", "wrap_up"]
    assert chat.chat_status == "ended"
    assert chat.collected_dynamic_variables == {**variables, "confirmed": "true"}
    history = [{"role": "agent", "content": "Hi Ada!"}, {"role": "user", "content": "yes, sure"}]
    out = client.playground.completion(agent.agent_id, messages=history, current_state="wrap_up",
                                       dynamic_variables=variables)  # fmt: skip
    assert spoken(bare(out.messages))[0] == ("agent", "Thanks Ada, see you Tuesday 10:00. Goodbye!")
    assert (out.current_state, out.call_ended) == ("wrap_up", True)


def test_support_agent_answers_from_its_knowledge_base_in_a_chat_and_the_playground(tmp_path: Path) -> None:
    model = ScriptedModel(
        Rule(user="shipping").say("Standard shipping takes 3 to 5 business days."),
        Rule(user="returns").say("You can return items within 30 days."),
    )
    client, agent = deployed(support_agent.stack, LocalEngine(model), tmp_path)
    said, chat = chat_with(client, agent, "How long does shipping take?")
    assert spoken(said[0]) == [
        ("agent", "Thanks for calling Acme support, how can I help?"),
        ("agent", "Standard shipping takes 3 to 5 business days."),
    ]
    assert chat.chat_status == "ongoing"
    assert "Standard shipping takes 3-5 business days." in (model.calls[0].messages[0].content or "")
    history = [{"role": "user", "content": "And returns?"}]
    out = client.playground.completion(agent.agent_id, messages=history)
    assert spoken(bare(out.messages))[-1] == ("agent", "You can return items within 30 days.")
    assert out.call_ended is False
