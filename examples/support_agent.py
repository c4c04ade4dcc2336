# ruff: noqa: RUF001
"""A customer-support agent answering from a knowledge base, with transfer to a human.

>>> from retell_dsl import validate
>>> validate(stack).errors
()
"""

from __future__ import annotations

from retell_dsl import (
    Agent,
    ColdTransfer,
    EndCall,
    EnumField,
    KnowledgeBase,
    PhoneNumber,
    RetellLLM,
    Stack,
    SystemPreset,
    TransferCall,
)

kb = (
    KnowledgeBase(name="acme-help-center")
    .text("Returns", "Items can be returned within 30 days with the receipt.")
    .text("Shipping", "Standard shipping takes 3-5 business days.")
    .url("https://help.acme.example/faq")
    .chunking(max_size=1500, min_size=300)
    .auto_refresh()
)

llm = (
    RetellLLM(name="support", model="gpt-4.1", start_speaker="agent")
    .prompt("You are Acme's support agent. Answer from the knowledge base; never invent policies.")
    .begin("Thanks for calling Acme support, how can I help?")
    .knowledge(kb, top_k=3, filter_score=0.6)
    .tool(
        EndCall(name="end_call", description="End the call when the customer is done."),
        TransferCall(
            name="transfer_to_human",
            description="Transfer when the customer asks for a person or is upset.",
            destination="+18005550199",
            option=ColdTransfer(mode="sip_refer"),
        ),
    )
)

agent = (
    Agent(name="Acme support", voice="openai-Alloy", engine=llm)
    .languages("en-US", "es-ES")
    .boost("Acme", "RMA")
    .pronounce("Acme", "ˈækmi")
    .normalize()
    .analyze(
        SystemPreset(name="user_sentiment"),
        EnumField(name="topic", description="Main topic", choices=("returns", "shipping", "other")),
        model="gpt-4.1-mini",
    )
)

number = PhoneNumber(name="support line", toll_free=True).inbound_to(agent)

stack = Stack(name="support").add(number)
