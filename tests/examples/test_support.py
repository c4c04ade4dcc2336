"""The Acme support agent's regression suite, written with pytest-retell as Acme's team would.

The agent answers from a knowledge base and hands upset customers or people asking for a person
to a human. Chats test the answers; inbound phone calls (a simulated customer ringing the support
line) test what only a call can do: a transfer that succeeds, and the post-call analysis.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings

from examples.support_agent import stack
from pytest_retell import CallerScript, RetellExamples, Rule, ScriptedModel, callers

AGENT = "Acme support"
GREETING = "Thanks for calling Acme support, how can I help?"
WANTS_A_PERSON = {"type": "script", "steps": [{"say": "This is the third time. Let me talk to a person!"}]}
TRANSFER = Rule(purpose="reply", user="person").call("transfer_to_human")


def _knows(fact: str) -> Callable[[Any], bool]:
    """A rule condition: the knowledge base put ``fact`` into the agent's prompt for this turn."""

    def retrieved(request: Any) -> bool:
        return any(m.role == "system" and fact in (m.content or "") for m in request.messages)

    retrieved.__name__ = f"knows {fact!r}"
    return retrieved


def test_a_returns_question_is_answered_from_the_knowledge_base(
    retell_deploy: Callable[..., Any], retell_chat: Callable[..., Any], retell_model: ScriptedModel
) -> None:
    retell_model.add(
        Rule(purpose="reply", user="return", when=_knows("returned within 30 days")).say(
            "You can return it within 30 days, with the receipt."
        ),
        Rule(purpose="reply", user="thanks").say("You're welcome, goodbye!").call("end_call"),
    )
    chat = retell_chat(retell_deploy(stack), AGENT)
    first = chat.send("How do I return a jacket?")  # the first turn also carries the begin message
    assert first.text == f"{GREETING}\nYou can return it within 30 days, with the receipt."
    assert chat.send("Great, thanks!").ended
    result = chat.end()
    (
        result.expect.next_message(contains=GREETING)
        .next_message(role="user", contains="return a jacket")
        .next_message(matches=r"within 30 days")
        .next_message(role="user")
        .next_message(contains="goodbye")
        .next_tool_call("end_call")
        .no_more_events()
    )
    result.expect.ended_by("agent_hangup").never_called("transfer_to_human")


def test_a_customer_asking_for_a_person_is_transferred_on_a_call(
    retell_deploy: Callable[..., Any], retell_inbound_call: Callable[..., Any], retell_model: ScriptedModel
) -> None:
    retell_model.add(
        TRANSFER,
        Rule(purpose="analysis").call(
            "record_analysis",
            {"user_sentiment": "Negative", "custom_analysis_data": {"topic": "other"}},
        ),
    )
    result = retell_inbound_call(retell_deploy(stack), caller=WANTS_A_PERSON)
    result.expect.next_message(contains=GREETING).next_message(role="user").next_tool_call("transfer_to_human")
    result.expect.ended_by("call_transfer").transferred_to("+18005550199")
    result.expect.analysis("user_sentiment", "Negative").analysis("topic", "other")


def test_a_transfer_that_cannot_happen_in_a_chat_is_apologised_for(
    retell_deploy: Callable[..., Any], retell_chat: Callable[..., Any], retell_model: ScriptedModel
) -> None:
    def transfer_failed(request: Any) -> bool:
        return any(m.role == "tool" and "Transfer failed" in (m.content or "") for m in request.messages)

    retell_model.add(
        Rule(purpose="reply", user="person", when=lambda r: not transfer_failed(r), times=1).call("transfer_to_human"),
        Rule(purpose="reply", when=transfer_failed).say("I can't connect you from chat; call +1 800 555 0199."),
    )
    chat = retell_chat(retell_deploy(stack), AGENT)
    turn = chat.send("I want a person")
    assert turn.text.endswith("\nI can't connect you from chat; call +1 800 555 0199.")
    result = chat.end()
    (transfer,) = result.transfers
    assert transfer.successful is False and "transfers need a phone call" in (transfer.result or "")
    result.expect.ended_by("user_hangup")


def test_the_support_line_answers_in_the_agents_words(
    retell_deploy: Callable[..., Any], retell_inbound_call: Callable[..., Any], retell_model: ScriptedModel
) -> None:
    retell_model.add(
        Rule(purpose="reply", user="shipping", when=_knows("3-5 business days")).say(
            "Standard shipping takes 3 to 5 business days."
        ),
        Rule(purpose="analysis").call(
            "record_analysis", {"user_sentiment": "Positive", "custom_analysis_data": {"topic": "shipping"}}
        ),
    )
    caller = {"type": "script", "steps": [{"say": "How long does shipping take?"}, {"hang_up": True}]}
    result = retell_inbound_call(retell_deploy(stack), caller=caller)
    assert [m.text for m in result.messages] == [
        GREETING,
        "How long does shipping take?",
        "Standard shipping takes 3 to 5 business days.",
    ]
    result.expect.ended_by("user_hangup").analysis("topic", "shipping").never_called("transfer_to_human")


def test_the_returns_answer_matches_its_snapshot(
    retell_deploy: Callable[..., Any], retell_chat: Callable[..., Any], retell_model: ScriptedModel,
    retell_transcript_snapshot: Any,
) -> None:  # fmt: skip
    """A regression snapshot of the knowledge-base answer: a changed reply or tool shows as a diff."""
    retell_model.add(
        Rule(purpose="reply", user="return", when=_knows("returned within 30 days")).say(
            "You can return it within 30 days, with the receipt."
        ),
        Rule(purpose="reply", user="thanks").say("You're welcome, goodbye!").call("end_call"),
    )
    chat = retell_chat(retell_deploy(stack), AGENT)
    chat.send("How do I return a jacket?")
    chat.send("Great, thanks!")
    assert chat.end() == retell_transcript_snapshot


@settings(max_examples=8, deadline=None)
@given(
    caller=callers(
        turns=["How do I return {item}?"],
        slots={"item": ["a jacket", "my shoes", "a gift I got", "an order"]},
        paraphrase=False,
    )
)
def test_every_returns_question_is_answered_from_the_knowledge_base(
    retell_examples: RetellExamples, caller: CallerScript
) -> None:
    """A property over generated callers: however the item is named, the 30-day policy is retrieved."""
    deployed = retell_examples.deploy(stack)
    model = ScriptedModel(
        Rule(purpose="reply", user="return", when=_knows("returned within 30 days")).say("Within 30 days."),
    )
    with retell_examples.chat(deployed, AGENT, model=model) as chat:
        result = caller.play(chat)
    result.expect.never_called("transfer_to_human")
    assert any("Within 30 days." in e.text for e in result.events if e.role == "agent")
