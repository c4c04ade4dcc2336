"""Stacks for deploy tests, built with the DSL as a user would, with knobs for the changes tests make."""

from __future__ import annotations

from retell_dsl import (
    Agent,
    ColdTransfer,
    EndCall,
    KnowledgeBase,
    PhoneNumber,
    RetellLLM,
    Stack,
    TransferCall,
)

LONG_PROMPT = "\n".join(
    [
        "You are Acme's support agent.",
        "Answer from the knowledge base; never invent policies.",
        "Keep answers under three sentences.",
        "Offer a transfer when the customer asks for a person.",
    ]
)


def support(
    *,
    prompt: str = LONG_PROMPT,
    kb_text: str = "Items can be returned within 30 days with the receipt.",
    with_sales: bool = False,
    with_number: bool = True,
    begin: str | None = "Thanks for calling Acme support, how can I help?",
    voice: str = "openai-Alloy",
    area_code: int = 415,
    kb_max_chunk: int | None = None,
) -> Stack:
    kb = KnowledgeBase(name="help-center").text("Returns", kb_text).url("https://help.acme.example/faq")
    if kb_max_chunk is not None:
        kb = kb.chunking(max_size=kb_max_chunk, min_size=300)
    llm = RetellLLM(name="support", model="gpt-4.1", start_speaker="agent").prompt(prompt).knowledge(kb, top_k=3)
    if begin is not None:
        llm = llm.begin(begin)
    llm = llm.tool(
        EndCall(name="end_call", description="End the call when the customer is done."),
        TransferCall(name="to_human", destination="+18005550199", option=ColdTransfer()),
    )
    agent = Agent(name="Acme support", voice=voice, engine=llm)
    stack = Stack(name="support").add(agent)
    if with_number:
        stack = stack.add(PhoneNumber(name="support line", area_code=area_code).inbound_to(agent))
    if with_sales:
        sales_llm = RetellLLM(name="sales", model="gpt-4.1-mini").prompt("You sell Acme products politely.")
        stack = stack.add(Agent(name="Acme sales", voice="11labs-Grace", engine=sales_llm))
    return stack
