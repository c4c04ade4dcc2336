"""The appointment-reminder campaign's regression suite, written with pytest-retell as the clinic's team would.

The agent calls patients out of a campaign (a batch call): each call knows its patient and
appointment from the task's dynamic variables, confirms in state ``confirm``, and either wraps
up or, in ``reschedule``, transfers the patient to the front desk. The tests deploy the agent
and its number (the campaign itself is launched by each test, so nothing dials at deploy time)
and have simulated patients answer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings

from examples.outbound_reminders import agent, campaign, number
from pytest_retell import CallerScript, RetellExamples, Rule, ScriptedModel, callers
from retell_dsl import PhoneNumber, Stack

stack = Stack(name="reminders").add(number).expect_call_variables("patient_name", "appointment_time")
ADA = {"patient_name": "Ada", "appointment_time": "Tuesday 10:00"}

#: A patient who says yes: the agent records it (the extraction fills ``confirmed``), then moves on.
CONFIRMS = (
    Rule(state="confirm", purpose="reply", user="yes", times=1).call("record_confirmation"),
    Rule(state="confirm", purpose="extraction").call("extract_dynamic_variables", {"confirmed": True}),
    Rule(state="confirm", purpose="reply", user="yes").transition("wrap_up"),
)
CANNOT = Rule(state="confirm", purpose="reply", user="can't").transition("reschedule")
WRAP_UP = Rule(state="wrap_up", purpose="reply").say("Thank you, see you then. Goodbye!").call("end_call")
#: Every analysis field Retell requires: a required field left out would mark the call unsuccessful.
ANALYSIS = Rule(purpose="analysis").call(
    "record_analysis", {"call_summary": "reminder", "call_successful": True, "user_sentiment": "Positive"}
)


def answers(*lines: str) -> dict[str, Any]:
    """A patient who waits for the agent, then says each line in turn."""
    return {"type": "script", "steps": [{"say": line} for line in lines]}


def test_a_patient_confirms_and_the_call_wraps_up(
    retell_deploy: Callable[..., Any], retell_phone_call: Callable[..., Any], retell_model: ScriptedModel
) -> None:
    retell_model.add(*CONFIRMS, WRAP_UP, ANALYSIS)
    result = retell_phone_call(
        retell_deploy(stack), to="+14155550111", caller=answers("Yes, I'll be there."), dynamic_variables=ADA
    )
    (
        result.expect.next_transition(to="confirm")
        .next_message(contains="Hi Ada, this is Bright Smiles Dental calling about your appointment.")
        .next_message(role="user", contains="Yes")
        .next_tool_call("record_confirmation")
        .next_transition(to="wrap_up")
        .next_message(contains="Goodbye")
        .next_tool_call("end_call")
        .no_more_events()
    )
    assert result.state_path == ["confirm", "wrap_up"]  # the emulator reports a Retell LLM's states on calls too
    result.expect.ended_by("agent_hangup").variable("confirmed", "true").never_called("transfer_front_desk")
    result.expect.analysis("call_summary", "reminder")


def test_a_patient_who_cannot_make_it_is_transferred_to_the_front_desk(
    retell_deploy: Callable[..., Any], retell_phone_call: Callable[..., Any], retell_model: ScriptedModel
) -> None:
    retell_model.add(
        CANNOT,
        Rule(state="reschedule", purpose="reply", user="please").call("transfer_front_desk"),
        Rule(state="reschedule", purpose="reply").say("Let me put you through to the front desk."),
        ANALYSIS,
    )
    result = retell_phone_call(
        retell_deploy(stack), to="+14155550111", caller=answers("Sorry, I can't make it.", "Yes please."),
        dynamic_variables=ADA,
    )  # fmt: skip
    result.expect.skip_until(message="front desk").next_message(role="user").next_tool_call("transfer_front_desk")
    result.expect.ended_by("call_transfer").transferred_to("+14155550100").never_called("end_call")


def test_the_appointment_time_of_each_call_comes_from_its_variables(
    retell_deploy: Callable[..., Any], retell_phone_call: Callable[..., Any], retell_model: ScriptedModel
) -> None:
    def mentions(time: str) -> Callable[[Any], bool]:
        return lambda request: any(time in (m.content or "") for m in request.messages if m.role == "system")

    retell_model.add(
        Rule(state="confirm", purpose="reply", when=mentions("Tuesday 10:00")).say("Tuesday at ten, then?"),
        Rule(state="confirm", purpose="reply", when=mentions("Friday 16:00")).say("Friday at four, then?"),
        ANALYSIS,
    )
    deployed = retell_deploy(stack)
    hangs_up = {"type": "script", "steps": [{"say": "Hm."}, {"hang_up": True}]}
    tuesday = retell_phone_call(deployed, to="+14155550111", caller=hangs_up, dynamic_variables=ADA)
    friday = retell_phone_call(
        deployed, to="+14155550122", caller=hangs_up,
        dynamic_variables={"patient_name": "Grace", "appointment_time": "Friday 16:00"},
    )  # fmt: skip
    assert tuesday.messages[-1].text == "Tuesday at ten, then?"
    assert friday.messages[-1].text == "Friday at four, then?"
    assert friday.messages[0].text.startswith("Hi Grace,")
    friday.expect.ended_by("user_hangup")


def test_the_campaign_calls_every_patient_with_their_own_appointment(
    retell_deploy: Callable[..., Any], retell_batch_call: Callable[..., Any], retell_model: ScriptedModel
) -> None:
    retell_model.add(
        *CONFIRMS, WRAP_UP, CANNOT,
        Rule(state="reschedule", purpose="reply", user="no").transition("wrap_up"),
        Rule(state="reschedule", purpose="reply").say("Shall I put you through to the front desk?"),
        ANALYSIS,
    )  # fmt: skip
    batch = retell_batch_call(
        retell_deploy(stack),
        campaign,
        callers={"+14155550111": answers("Yes, see you."), "+14155550122": answers("I can't, sorry.", "No thanks.")},
    )
    assert len(batch) == 2 and batch.batch_call_id.startswith("batch_call_")
    ada, grace = batch
    assert ada.messages[0].text.startswith("Hi Ada,") and grace.messages[0].text.startswith("Hi Grace,")
    ada.expect.called("record_confirmation", times=1).variable("confirmed", "true").ended_by("agent_hangup")
    grace.expect.never_called("record_confirmation").never_called("transfer_front_desk").ended_by("agent_hangup")
    assert grace.variable("appointment_time") == "Tuesday 11:30"


def test_a_patient_who_does_not_answer_is_reported_not_connected(
    retell_deploy: Callable[..., Any], retell_batch_call: Callable[..., Any], retell_model: ScriptedModel
) -> None:
    retell_model.add(*CONFIRMS, WRAP_UP, ANALYSIS)
    batch = retell_batch_call(retell_deploy(stack), campaign, callers={"+14155550111": answers("Yes.")})
    assert [(r.status, r.end_reason) for r in batch] == [
        ("ended", "agent_hangup"),
        ("not_connected", "dial_no_answer"),
    ]


def test_the_reminder_webhook_receives_the_ended_and_analyzed_calls(
    retell_deploy: Callable[..., Any],
    retell_phone_call: Callable[..., Any],
    retell_model: ScriptedModel,
    retell_webhooks: Any,
) -> None:
    # the campaign's agent with its webhook pointed at the test's receiver (same events as in production)
    hooked = dataclasses.replace(agent, name="Reminder caller (webhook test)").webhook(
        retell_webhooks.url, events=("call_ended", "call_analyzed")
    )
    line = PhoneNumber(name="reminder line (webhook test)", area_code=415).outbound_from(hooked)
    hooked_stack = Stack(name="reminders-webhooks").add(line).expect_call_variables("patient_name", "appointment_time")
    retell_model.add(*CONFIRMS, WRAP_UP, ANALYSIS)
    result = retell_phone_call(retell_deploy(hooked_stack), to="+14155550111", caller=answers("Yes."),
                               dynamic_variables=ADA)  # fmt: skip
    analyzed = retell_webhooks.wait_for("call_analyzed", call_id=result.id, timeout=10)
    assert analyzed.body["call"]["call_analysis"]["call_summary"] == "reminder"
    assert retell_webhooks.events(result.id) == ["call_ended", "call_analyzed"]


def test_a_confirmed_reminder_call_matches_its_snapshot(
    retell_deploy: Callable[..., Any], retell_phone_call: Callable[..., Any], retell_model: ScriptedModel,
    retell_transcript_snapshot: Any,
) -> None:  # fmt: skip
    """A regression snapshot of a whole reminder call (ids, timings and costs normalised)."""
    retell_model.add(*CONFIRMS, WRAP_UP, ANALYSIS)
    result = retell_phone_call(
        retell_deploy(stack), to="+14155550111", caller=answers("Yes, I'll be there."), dynamic_variables=ADA
    )
    assert result == retell_transcript_snapshot


@settings(max_examples=12, deadline=None)
@given(
    caller=callers(
        turns=["{yes}, {when}"],
        slots={
            "yes": ["Yes", "yes", "Oh yes", "Yes please"],
            "when": ["I'll be there", "see you Tuesday", "that works"],
        },
        paraphrase=False,
    )
)
def test_however_a_patient_confirms_the_reminder_records_it(
    retell_examples: RetellExamples, caller: CallerScript
) -> None:
    """A property over generated patients: any yes moves confirm → wrap_up with ``confirmed`` set, never a transfer."""
    deployed = retell_examples.deploy(stack)
    model = ScriptedModel(*CONFIRMS, WRAP_UP, ANALYSIS)
    with retell_examples.chat(deployed, "Reminder caller", model=model, dynamic_variables=ADA) as chat:
        result = caller.play(chat)
    assert result.state_path == ["confirm", "wrap_up"]
    result.expect.variable("confirmed", "true").never_called("transfer_front_desk")
