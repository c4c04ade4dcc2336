"""A dental clinic receptionist as a conversation flow: book, reschedule, or reach a human.

>>> from retell_dsl import validate
>>> validate(stack).errors
()
"""

from __future__ import annotations

from retell_dsl import (
    Agent,
    BranchNode,
    ConversationFlow,
    ConversationNode,
    CustomTool,
    EndNode,
    ExtractNode,
    FunctionNode,
    Handoff,
    PhoneNumber,
    Prompt,
    SMSNode,
    Stack,
    StringField,
    SystemPreset,
    TransferNode,
    Var,
    Voicemail,
    WarmTransfer,
    when,
)

CLINIC = "Bright Smiles Dental"

check_availability = CustomTool(
    name="check_availability",
    description="Find open appointment slots on a date.",
    url="https://api.brightsmiles.example/slots",
    method="GET",
    parameters={
        "type": "object",
        "properties": {"date": {"type": "string", "description": "YYYY-MM-DD"}},
        "required": ["date"],
    },
    response_variables={"first_open_slot": "$.slots[0]"},
    speak_during_execution=True,
    execution_message="Let me check the calendar.",
    execution_message_type="static_text",
)

flow = (
    ConversationFlow(name="receptionist", start_speaker="agent", model="gpt-4.1", temperature=0.2)
    .prompt(
        Prompt.inline(
            "You are the friendly receptionist of << clinic >>. Keep answers short. The caller is << caller >>.",
            clinic=CLINIC,
            caller=Var("patient_name"),
        )
    )
    .defaults(patient_name="there")
    .tool(check_availability)
    .node(
        ConversationNode(name="greet", prompt="Greet the caller by name and ask how you can help.")
        .to("collect date", when="The caller wants to book or reschedule an appointment")
        .to("front desk", when="The caller asks for a person or has a billing question")
        .otherwise("goodbye")
    )
    .node(
        ExtractNode(
            name="collect date",
            variables=(StringField(name="preferred_date", description="The date the caller wants, YYYY-MM-DD"),),
        )
        .to("check slots", when=when(Var("preferred_date")).exists())
        .otherwise("greet")
    )
    .node(
        FunctionNode(name="check slots", tool="check_availability", static_text="One moment.").otherwise("route slots")
    )
    .node(
        BranchNode(name="route slots")
        .to("offer slot", when=when(Var("first_open_slot")).exists())
        .otherwise("no slots")
    )
    .node(
        ConversationNode(name="offer slot", prompt="Offer {{first_open_slot}} and confirm it.")
        .to("send confirmation", when="The caller accepts the slot")
        .otherwise("collect date")
    )
    .node(
        ConversationNode(name="no slots", static_text="Sorry, that day is full. Which other day works?").always(
            "collect date"
        )
    )
    .node(
        SMSNode(
            name="send confirmation",
            static_text=f"Your {CLINIC} appointment is booked for {{{{first_open_slot}}}}.",
        )
        .on_sent("goodbye")
        .on_send_failed("goodbye")
    )
    .node(
        TransferNode(
            name="front desk",
            destination="+14155550100",
            option=WarmTransfer(public_handoff=Handoff.message("Connecting you to our front desk now.")),
        )
        .on_transfer_failed("goodbye")
        .make_global("The caller asks for a human")
    )
    .node(EndNode(name="goodbye", prompt="Thank the caller and say goodbye."))
    .start_at("greet")
)

agent = (
    Agent(name="Bright Smiles receptionist", voice="11labs-Adrian", engine=flow)
    .languages("en-US")
    .speech(speed=1.0)
    .turn_taking(responsiveness=0.9, interruption_sensitivity=0.8, backchannel=True)
    .limits(silence_ms=30_000, max_duration_ms=1_200_000)
    .on_voicemail(Voicemail.leave_message(f"Hi, this is {CLINIC}. Please call us back."))
    .analyze(
        SystemPreset(name="call_summary"),
        StringField(name="appointment_date", description="The booked date, if any"),
    )
    .privacy(storage="everything_except_pii")
    .version("Receptionist v1")
)

number = PhoneNumber(name="main line", area_code=415, nickname="Front desk").inbound_to(agent)

stack = Stack(name="clinic").add(number)
