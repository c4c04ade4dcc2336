"""Outbound appointment reminders: a Retell LLM with states, a phone number and a campaign.

>>> from retell_dsl import validate
>>> validate(stack).errors
()
"""

from __future__ import annotations

from retell_dsl import (
    Agent,
    BatchCall,
    BooleanField,
    CallWindow,
    EndCall,
    ExtractVariables,
    Ivr,
    PhoneNumber,
    RetellLLM,
    Stack,
    State,
    TransferCall,
    Voicemail,
)

llm = (
    RetellLLM(name="reminders", model="gpt-4.1-mini", temperature=0.1, start_speaker="agent")
    .prompt("You call patients of {{clinic_name}} to confirm their appointment on {{appointment_time}}.")
    .begin("Hi {{patient_name}}, this is {{clinic_name}} calling about your appointment.")
    .defaults(clinic_name="Bright Smiles Dental")
    .tool(EndCall(name="end_call", description="End the call politely."))
    .state(
        State(name="confirm", prompt="Ask whether they can still make it.")
        .to("reschedule", "The patient cannot make it")
        .to("wrap_up", "The patient confirms")
        .tool(
            ExtractVariables(
                name="record_confirmation",
                description="Record whether the patient confirmed.",
                variables=(BooleanField(name="confirmed", description="Patient confirmed the appointment"),),
            )
        ),
        State(name="reschedule", prompt="Offer to transfer them to the front desk to pick a new time.")
        .to("wrap_up", "The patient declines the transfer")
        .tool(TransferCall(name="transfer_front_desk", destination="+14155550100")),
        State(name="wrap_up", prompt="Thank them, remind them of {{appointment_time}}, and end the call."),
    )
    .start_at("confirm")
)

agent = (
    Agent(name="Reminder caller", voice="11labs-Myra", engine=llm)
    .on_voicemail(Voicemail.generate_message("Leave a short reminder with the appointment time."))
    .on_ivr(Ivr())
    .limits(max_duration_ms=300_000)
    .webhook("https://hooks.brightsmiles.example/retell", events=("call_ended", "call_analyzed"))
)

number = PhoneNumber(name="reminder line", area_code=415).outbound_from(agent)

campaign = (
    BatchCall(name="tomorrow", from_number=number)
    .call("+14155550111", patient_name="Ada", appointment_time="Tuesday 10:00")
    .call("+14155550122", patient_name="Grace", appointment_time="Tuesday 11:30")
    .within(
        CallWindow(
            windows=((9 * 60, 12 * 60), (13 * 60, 18 * 60)),
            days=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
            timezone="America/Los_Angeles",
        )
    )
)

stack = Stack(name="reminders").add(campaign).expect_call_variables("patient_name", "appointment_time")
