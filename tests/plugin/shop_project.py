# mypy: allow-untyped-defs
"""A team's test of its order-status chat agent, written with pytest-retell (used by tests/plugin/ and the README)."""

from retell_dsl import ChatAgent, ConversationFlow, ConversationNode, CustomTool, EndNode, FunctionNode, Stack
from retell_dsl.conversations import Rule

lookup = CustomTool(
    name="lookup_order",
    description="Look up an order by number.",
    url="https://shop.example/orders",
    parameters={"type": "object", "properties": {"order": {"type": "string"}}, "required": ["order"]},
)
flow = (
    ConversationFlow(name="shop", start_speaker="agent", model="gpt-4.1")
    .tool(lookup)
    .start_at("greet")
    .node(
        ConversationNode(name="greet", static_text="Hi! What is your order number?").to(
            "look up", when="The caller gives an order number"
        )
    )
    .node(FunctionNode(name="look up", tool="lookup_order", static_text="One moment.").otherwise("bye"))
    .node(EndNode(name="bye", static_text="Your order has shipped. Bye!"))
)
stack = Stack(name="shop").add(ChatAgent(name="shop chat", engine=flow))


def test_order_status(retell_deploy, retell_chat, retell_model, retell_tool_mocks):
    retell_model.add(
        Rule(node="greet", purpose="prompt_condition").transition("look up"),
        Rule(node="look up", purpose="tool_arguments").call("lookup_order", {"order": "A17"}),
    )
    retell_tool_mocks.add("lookup_order", {"status": "shipped"}, args={"order": "A17"})
    chat = retell_chat(retell_deploy(stack), "shop chat")
    turn = chat.send("It's A17")
    assert turn.ended
    result = chat.end()
    (
        result.expect.next_transition(to="greet")
        .next_message(contains="order number")
        .next_transition(to="look up")
        .next_tool_call("lookup_order", args={"order": "A17"})
        .next_transition(to="bye")
        .next_message(contains="shipped")
        .no_more_events()
    )
    result.expect.ended_by("agent_hangup").called("lookup_order", times=1)
    assert result.path == ["greet", "look up", "bye"]
