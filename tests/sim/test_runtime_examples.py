"""The three example stacks, compiled to wire JSON and run end to end with scripted models and user turns."""

from __future__ import annotations

from typing import Any

import retell_dsl
from examples import clinic_receptionist, outbound_reminders, support_agent
from retell_dsl.sim.events import (
    Ended,
    Event,
    KnowledgeRetrieved,
    NodeTransition,
    SmsSent,
    StateTransition,
    ToolInvoked,
    TransferAttempted,
    Utterance,
    VariablesSet,
)
from retell_dsl.sim.kb import KnowledgeBaseIndex, Source
from retell_dsl.sim.models import Rule, ScriptedModel
from retell_dsl.sim.runtime import CallFacts, ManualClock, Session
from tests.sim.runtime_helpers import run_without_models as play

PHONE_IN = CallFacts(call_type="phone_call", call_id="call_1", from_number="+14155550111", to_number="+14155550100")


def payloads(stack: Any) -> dict[str, Any]:
    """Every resource payload by address, with ``$ref:<address>`` replaced by a stable local id."""
    resources = retell_dsl.compile(stack).to_dict()["resources"]
    ids = {r["address"]: "id_" + r["address"].split(".", 1)[1].replace(" ", "_") for r in resources}

    def resolve(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("$ref:"):
            return ids[value[len("$ref:") :]]
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    return {r["address"]: resolve(r["payload"]) for r in resources}


def call(wire: dict[str, Any], agent: str, engine: str, model: ScriptedModel, **kwargs: Any) -> Session:
    """A session of the compiled ``agent.<agent>`` on ``<engine>``: an inbound phone call unless ``facts=``
    says otherwise, on a manual clock."""
    kwargs.setdefault("facts", PHONE_IN)
    return Session(agent=wire[f"agent.{agent}"], engine=wire[engine], model=model, clock=ManualClock(), **kwargs)


def summary(events: list[Event]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for e in events:
        if isinstance(e, Utterance):
            out.append((e.role, e.content))
        elif isinstance(e, NodeTransition):
            out.append(("node", e.new_node_id))
        elif isinstance(e, StateTransition):
            out.append(("state", e.new_state))
        elif isinstance(e, ToolInvoked):
            out.append(("tool", f"{e.name} {e.arguments}"))
        elif isinstance(e, VariablesSet):
            out.append(("vars", ",".join(f"{k}={v}" for k, v in sorted(e.values.items()))))
        elif isinstance(e, SmsSent | TransferAttempted):
            out.append((type(e).__name__, getattr(e, "content", getattr(e, "destination", ""))))
        elif isinstance(e, KnowledgeRetrieved):
            out.append(("kb", " | ".join(e.contents)))
        elif isinstance(e, Ended):
            out.append(("ended", e.reason))
    return out


def test_clinic_receptionist_books_and_texts_a_confirmation() -> None:
    wire = payloads(clinic_receptionist.stack)
    model = ScriptedModel(
        Rule(node="greet", purpose="reply").say("Hi there, how can I help?"),
        Rule(node="greet", purpose="prompt_condition", user="book").transition("collect date"),
        Rule(node="collect date", purpose="extraction").call(
            "extract_dynamic_variables", {"preferred_date": "2024-05-01"}
        ),
        Rule(node="check slots", purpose="tool_arguments").call("check_availability", {"date": "2024-05-01"}),
        Rule(node="offer slot", purpose="reply").say("I have 9:00 on May 1st. Does that work?"),
        Rule(node="offer slot", purpose="prompt_condition", user="yes").transition("send confirmation"),
        Rule(node="goodbye", purpose="reply").say("Thanks for calling, goodbye!"),
    )
    session = call(
        wire,
        "Bright Smiles receptionist",
        "conversation_flow.receptionist",
        model,
        tool_mocks=[
            {
                "tool_name": "check_availability",
                "input_match_rule": {"type": "partial_match", "args": {"date": "2024-05-01"}},
                "output": '{"slots": ["9:00"]}',
            }
        ],
    )
    events = play(session, "I'd like to book a cleaning on May 1st", "yes, that works")
    assert summary(events) == [
        ("node", "greet"),
        ("agent", "Hi there, how can I help?"),
        ("user", "I'd like to book a cleaning on May 1st"),
        ("node", "collect-date"),
        ("vars", "preferred_date=2024-05-01"),
        ("node", "check-slots"),
        ("agent", "One moment."),
        ("tool", 'check_availability {"date": "2024-05-01"}'),
        ("vars", "first_open_slot=9:00"),
        ("node", "route-slots"),
        ("node", "offer-slot"),
        ("agent", "I have 9:00 on May 1st. Does that work?"),
        ("user", "yes, that works"),
        ("node", "send-confirmation"),
        ("tool", 'send confirmation {"content": "Your Bright Smiles Dental appointment is booked for 9:00."}'),
        ("SmsSent", "Your Bright Smiles Dental appointment is booked for 9:00."),
        ("node", "goodbye"),
        ("agent", "Thanks for calling, goodbye!"),
        ("ended", "agent_hangup"),
    ]
    # the greeting prompt saw the flow's global prompt with the default patient name
    greeting = model.calls[0].messages[0].content or ""
    assert greeting.startswith(
        "You are the friendly receptionist of Bright Smiles Dental. Keep answers short. The caller is there."
    )
    # the global "front desk" node was offered beside the node's own prompt edges
    assert model.calls[1].tool_names == (
        "transition_to_collect_date",
        "transition_to_front_desk",
        "transition_to_front_desk_2",
    )
    model.assert_complete()
    assert session.variables == {"preferred_date": "2024-05-01", "first_open_slot": "9:00"}


def test_clinic_receptionist_reaches_the_front_desk_from_anywhere() -> None:
    wire = payloads(clinic_receptionist.stack)
    model = ScriptedModel(
        Rule(node="greet", purpose="reply").say("Hi, how can I help?"),
        Rule(node="greet", purpose="prompt_condition").transition("front-desk"),
    )
    session = call(wire, "Bright Smiles receptionist", "conversation_flow.receptionist", model)
    assert summary(play(session, "Let me talk to a person")) == [
        ("node", "greet"),
        ("agent", "Hi, how can I help?"),
        ("user", "Let me talk to a person"),
        ("node", "front-desk"),
        ("tool", "front desk {}"),
        ("TransferAttempted", "+14155550100"),
        ("ended", "call_transfer"),
    ]


def test_outbound_reminders_confirm_and_end_the_call() -> None:
    wire = payloads(outbound_reminders.stack)
    model = ScriptedModel(
        Rule(state="confirm", user="yes", times=1).call("record_confirmation"),
        Rule(state="confirm", purpose="extraction").call("extract_dynamic_variables", {"confirmed": True}),
        Rule(state="confirm", user="yes").transition("wrap_up"),
        Rule(state="wrap_up").say("Thanks Ada, see you Tuesday 10:00. Goodbye!").call("end_call"),
    )
    facts = CallFacts(
        call_type="phone_call", direction="outbound", from_number="+14155550100", to_number="+14155550111"
    )
    session = call(
        wire,
        "Reminder caller",
        "llm.reminders",
        model,
        facts=facts,
        variables={"patient_name": "Ada", "appointment_time": "Tuesday 10:00"},
    )
    assert summary(play(session, "yes, I'll be there")) == [
        ("state", "confirm"),
        ("agent", "Hi Ada, this is Bright Smiles Dental calling about your appointment."),
        ("user", "yes, I'll be there"),
        ("tool", "record_confirmation {}"),
        ("vars", "confirmed=true"),
        ("state", "wrap_up"),
        ("agent", "Thanks Ada, see you Tuesday 10:00. Goodbye!"),
        ("tool", "end_call {}"),
        ("ended", "agent_hangup"),
    ]
    assert model.calls[0].messages[0].content == (
        "You call patients of Bright Smiles Dental to confirm their "
        "appointment on Tuesday 10:00.\n\nAsk whether they can still make it."
    )
    assert model.calls[0].retell_model == "gpt-4.1-mini" and model.calls[0].temperature == 0.1
    model.assert_complete()


def test_support_agent_answers_from_the_knowledge_base_then_transfers() -> None:
    wire = payloads(support_agent.stack)
    kb = KnowledgeBaseIndex()
    kb_payload = wire["knowledge_base.acme-help-center"]
    kb.add(
        "id_acme-help-center",
        [Source(t["title"], t["text"], title=t["title"]) for t in kb_payload["knowledge_base_texts"]],
    )
    model = ScriptedModel(
        Rule(user="shipping").say("Standard shipping takes 3 to 5 business days."),
        Rule(user="person").call("transfer_to_human"),
    )
    session = call(wire, "Acme support", "llm.support", model, kb=kb)
    events = play(session, "How long does shipping take?", "I want a person")
    assert summary(events) == [
        ("agent", "Thanks for calling Acme support, how can I help?"),
        ("user", "How long does shipping take?"),
        ("kb", "Standard shipping takes 3-5 business days."),
        ("agent", "Standard shipping takes 3 to 5 business days."),
        ("user", "I want a person"),
        ("tool", "transfer_to_human {}"),
        ("TransferAttempted", "+18005550199"),
        ("ended", "call_transfer"),
    ]
    assert "Standard shipping takes 3-5 business days." in (model.calls[0].messages[0].content or "")
    model.assert_complete()


def test_knowledge_is_retrieved_once_per_user_turn_in_a_flow() -> None:
    from tests.sim.runtime_helpers import edge, flow, node, prompt

    kb = KnowledgeBaseIndex()
    kb.add("kb1", [Source("s1", "Refunds are paid within 5 business days.", title="Refunds")])
    f = flow(
        node("faq", instruction=prompt("Answer questions"), edges=[edge("e", "faq", "The caller is done")]),
        knowledge_base_ids=["kb1"],
        kb_config={"top_k": 1, "filter_score": 0.1},
    )
    model = ScriptedModel(
        Rule(purpose="prompt_condition").say(""), Rule(user="refund").say("Within 5 days."), Rule().say("Hello.")
    )
    session = Session(agent={}, engine=f, model=model, clock=ManualClock(), kb=kb)
    events = play(session, "how long do refunds take")
    assert [e for e in events if isinstance(e, KnowledgeRetrieved)] == [
        KnowledgeRetrieved(
            at_ms=0, query="how long do refunds take", contents=("Refunds are paid within 5 business days.",)
        )
    ]
    assert all("Refunds are paid" in (c.messages[0].content or "") for c in model.calls[1:])
