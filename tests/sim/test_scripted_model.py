"""ScriptedModel: matching, order, times, transitions, recorded calls, unused rules, the no-match error."""

from __future__ import annotations

import asyncio
import re

import pytest

from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.models import (
    FlowEdge,
    Message,
    ModelContext,
    ModelReply,
    ModelRequest,
    Purpose,
    Rule,
    ScriptedModel,
    ScriptIncomplete,
    ScriptMismatch,
    ToolCall,
    ToolSchema,
    chosen_target,
    flow_edge_tools,
    state_edge_tool,
)

BOOK = ToolSchema("book_table", "Book a table")


def ask(
    model: ScriptedModel,
    user: str = "hello",
    *,
    node: str | None = None,
    node_id: str | None = None,
    state: str | None = None,
    purpose: Purpose = "reply",
    tools: tuple[ToolSchema, ...] = (),
) -> ModelReply:
    context = ModelContext(purpose=purpose, node_id=node_id, node_name=node, state=state)
    messages = (Message.system("prompt"), Message.user(user), Message.assistant("noted"))
    return asyncio.run(model.complete(ModelRequest(messages=messages, tools=tools, context=context)))


def test_first_matching_rule_wins_in_order() -> None:
    model = ScriptedModel(Rule(user="table").say("first"), Rule(user="table").say("second"), Rule().say("fallback"))
    assert ask(model, "a TABLE please").text == "first"
    assert ask(model, "anything else").text == "fallback"
    assert model.unused_rules() == [model.rules[1]]


def test_times_retires_a_rule() -> None:
    model = ScriptedModel(Rule(times=2).say("twice"), Rule().say("then this"))
    assert [ask(model).text for _ in range(3)] == ["twice", "twice", "then this"]


def test_context_conditions() -> None:
    model = ScriptedModel(
        Rule(node="n-book").say("by id"),
        Rule(node="greet").say("by name"),
        Rule(state="intro").say("by state"),
        Rule(purpose="extraction").say("by purpose"),
    )
    assert ask(model, node_id="n-book", node="booking").text == "by id"
    assert ask(model, node_id="n-1", node="greet").text == "by name"
    assert ask(model, state="intro").text == "by state"
    assert ask(model, purpose="extraction").text == "by purpose"
    with pytest.raises(ScriptMismatch):
        ask(model, state="other")


def test_user_matchers_use_the_last_user_turn() -> None:
    model = ScriptedModel(
        Rule(user=re.compile(r"\b\d+ people\b")).say("regex"),
        Rule(user=lambda text: text.endswith("?")).say("predicate"),
    )
    assert ask(model, "we are 4 people").text == "regex"
    assert ask(model, "is it open?").text == "predicate"
    # the assistant message after the user turn does not hide it, and it is the LAST user turn that counts
    messages = (Message.user("we are 4 people"), Message.user("is it open?"))
    reply = asyncio.run(model.complete(ModelRequest(messages=messages)))
    assert reply.text == "predicate"


def test_tool_calls_need_the_tool_offered() -> None:
    model = ScriptedModel(
        Rule(user="book").call("book_table", {"people": 2}).say("Booking now."), Rule().say("no tool")
    )
    reply = ask(model, "book it", tools=(BOOK,))
    assert reply.text == "Booking now."
    assert reply.tool_calls == (
        ToolCall(id="call_scripted_1", name="book_table", arguments={"people": 2}, raw_arguments='{"people": 2}'),
    )
    assert reply.finish_reason == "tool_calls"
    assert ask(model, "book it").text == "no tool"  # not offered: the rule does not match


def test_tools_condition() -> None:
    model = ScriptedModel(Rule(tools=("book_table",)).say("can book"), Rule().say("cannot"))
    assert ask(model, tools=(BOOK,)).text == "can book"
    assert ask(model).text == "cannot"


def test_flow_transition_by_node_name_edge_id_or_tool_name() -> None:
    tools = flow_edge_tools(
        [
            FlowEdge(edge_id="e-book", condition="wants to book", node_id="n2", node_name="Booking"),
            FlowEdge(edge_id="e-faq", condition="has a question", node_id="n3", node_name="FAQ"),
        ]
    )
    model = ScriptedModel(
        Rule(user="book").transition("Booking"),
        Rule(user="question").transition("e-faq"),
        Rule(user="again").transition("transition_to_Booking"),
    )
    for text, edge in (("I want to book", "e-book"), ("a question", "e-faq"), ("again", "e-book")):
        reply = ask(model, text, purpose="prompt_condition", tools=tools)
        target = chosen_target(tools, reply)
        assert target is not None
        assert target.edge_id == edge
    model.assert_complete()


def test_state_transition_with_arguments() -> None:
    tool = state_edge_tool(
        "checkout", "Go to checkout", {"type": "object", "properties": {"total": {"type": "number"}}}
    )
    model = ScriptedModel(Rule(state="cart").transition("checkout", {"total": 12.5}))
    reply = ask(model, state="cart", tools=(tool,))
    assert reply.tool_calls[0].name == "transition_to_checkout"
    assert reply.tool_calls[0].arguments == {"total": 12.5}
    assert (
        ScriptedModel(Rule(state="cart").transition("elsewhere"))
        .rules[0]
        .matches(ModelRequest(messages=(), tools=(tool,), context=ModelContext(state="cart")))
        is False
    )


def test_calls_are_recorded() -> None:
    model = ScriptedModel(Rule().say("ok"))
    ask(model, "one")
    ask(model, "two")
    assert [c.last_user_text for c in model.calls] == ["one", "two"]


def test_no_match_error_lists_the_request_and_the_rules() -> None:
    model = ScriptedModel(Rule(user="refund", times=1).say("Refunded."), Rule(node="goodbye").say("Bye"))
    ask(model, "refund me")
    with pytest.raises(ScriptMismatch) as caught:
        ask(model, "I want a table", node_id="n1", node="greet", tools=(BOOK,))
    assert str(caught.value) == (
        "node 'greet' (n1): no scripted rule matches this request (purpose 'reply')\n"
        "  last user turn: 'I want a table'\n"
        "  tools offered: 'book_table'\n"
        "  rules:\n"
        "    1. user='refund' → say 'Refunded.' (used up, 1/1)\n"
        "    2. node='goodbye' → say 'Bye' (used 0/unlimited)\n"
        "Add a rule for this request; a scripted model never invents a reply."
    )
    assert caught.value.disconnection_reason == "error_llm_websocket_runtime"
    assert len(model.calls) == 2  # the unmatched request is recorded too


def test_an_empty_script_says_so() -> None:
    with pytest.raises(ScriptMismatch, match="rules: none"):
        ask(ScriptedModel())


def test_assert_complete_lists_unused_and_partly_used_rules() -> None:
    model = ScriptedModel(
        Rule(user="hi").say("Hello"),
        Rule(user="book", times=2, description="the booking step").call("book_table"),
        Rule(state="never").say("never"),
    )
    ask(model, "hi")
    ask(model, "book", tools=(BOOK,))
    with pytest.raises(ScriptIncomplete) as caught:
        model.assert_complete()
    assert str(caught.value) == (
        "2 scripted rules were not used up:\n"
        "  2. the booking step (used 1/2)\n"
        "  3. state='never' → say 'never' (used 0/unlimited)"
    )
    assert model.unused_rules() == [model.rules[2]]
    ask(model, "book", tools=(BOOK,))
    ask(model, state="never")
    model.assert_complete()


def test_describe_shows_everything() -> None:
    def is_question(text: str) -> bool:
        return text.endswith("?")

    rule = Rule(state="s", tools=("a",), user=is_question, when=lambda r: True).call("a", {"x": 1}).say("hi")
    assert (
        rule.describe() == "state='s', user=is_question, tools=('a',), when=<lambda> → say 'hi' + call 'a' {\"x\": 1}"
    )
    assert Rule(user=re.compile("a+")).say("x").describe() == "user=re.compile('a+') → say 'x'"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ScriptedModel(Rule()), "answers nothing"),
        (lambda: ScriptedModel("say hi"), "ScriptedModel takes Rule objects, got str"),  # type: ignore[arg-type]
        (lambda: Rule(times=0), "times must be at least 1"),
        (lambda: Rule(tools="book_table"), "tools must be a tuple"),  # type: ignore[arg-type]
    ],
)
def test_misuse(make: object, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        make()  # type: ignore[operator]
