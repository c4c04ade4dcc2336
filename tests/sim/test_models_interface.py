"""The model interface: message shapes, reply validation, the transition-tool convention, errors."""

from __future__ import annotations

import pytest

from retell_dsl.errors import ConfigurationError, RetellDSLError
from retell_dsl.sim.models import (
    EdgeTarget,
    FlowEdge,
    InvalidModelReply,
    Message,
    Model,
    ModelContext,
    ModelError,
    ModelNotConfigured,
    ModelReply,
    ModelRequest,
    NoModel,
    OpenAICompatible,
    ProviderFailed,
    ProviderUnavailable,
    ScriptedModel,
    ScriptMismatch,
    ToolCall,
    ToolSchema,
    flow_edge_tools,
    state_edge_tool,
    validate_reply,
)
from retell_dsl.sim.models.openai_wire import encode_request


def test_messages_in_openai_shape() -> None:
    call = ToolCall.of("book", {"people": 2}, id="c1")
    messages = (
        Message.system("sys"),
        Message.user("hi"),
        Message.assistant(tool_calls=(call,)),
        Message.tool_result("c1", "done"),
        Message.assistant("Booked."),
    )
    body = encode_request(ModelRequest(messages=messages), "m")
    assert body == {
        "model": "m",
        "messages": [
            {"role": "system", "content": "sys"},
            {"role": "user", "content": "hi"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "book", "arguments": '{"people": 2}'}}
                ],
            },
            {"role": "tool", "content": "done", "tool_call_id": "c1"},
            {"role": "assistant", "content": "Booked."},
        ],
    }
    assert "tools" not in body
    assert "tool_choice" not in body


def test_last_user_text_and_tools() -> None:
    request = ModelRequest(messages=(Message.system("s"),), tools=(ToolSchema("a"), ToolSchema("b")))
    assert request.last_user_text == ""
    assert request.tool_names == ("a", "b")
    assert request.tool("b") == ToolSchema("b")
    assert request.tool("c") is None


@pytest.mark.parametrize(
    ("context", "where"),
    [
        (ModelContext(node_id="n1"), "node 'n1'"),
        (ModelContext(node_id="n1", node_name="greet", component_id="c1"), "node 'greet' (n1) in component 'c1'"),
        (ModelContext(state="booking", purpose="analysis"), "state 'booking'"),
        (ModelContext(purpose="judge"), "the response engine"),
    ],
)
def test_where(context: ModelContext, where: str) -> None:
    assert context.where == where


def test_validate_reply() -> None:
    tools = (ToolSchema("book"), ToolSchema("end_call"))
    request = ModelRequest(messages=(Message.user("hi"),), tools=tools, context=ModelContext(state="s"))
    ok = ModelReply(text="fine")
    assert validate_reply(request, ok) is ok
    with pytest.raises(InvalidModelReply, match="neither text nor a tool call"):
        validate_reply(request, ModelReply(text="   "))
    choosing = ModelRequest(messages=(), tools=tools, context=ModelContext(purpose="prompt_condition"))
    assert validate_reply(choosing, ModelReply(text="")).text == ""  # no call: no prompt condition holds
    with pytest.raises(InvalidModelReply, match="'refund', which was not offered \\(offered: 'book', 'end_call'\\)"):
        validate_reply(request, ModelReply(tool_calls=(ToolCall.of("refund"),)))
    forced = ModelRequest(messages=(), tools=tools, tool_choice="book")
    with pytest.raises(InvalidModelReply, match="required to call the tool 'book' and called 'end_call'"):
        validate_reply(forced, ModelReply(tool_calls=(ToolCall.of("end_call"),)))
    required = ModelRequest(messages=(), tools=tools, tool_choice="required")
    with pytest.raises(InvalidModelReply, match="required to call a tool and answered text only"):
        validate_reply(required, ModelReply(text="no"))
    assert validate_reply(required, ModelReply(tool_calls=(ToolCall.of("end_call"),))).tool_calls


def test_flow_edge_tool_names_are_safe_unique_and_tagged() -> None:
    tools = flow_edge_tools(
        [
            FlowEdge(edge_id="e1", condition="wants to pay", node_id="n1", node_name="Pay: card / cash"),
            FlowEdge(edge_id="e2", condition="wants to pay later", node_id="n2", node_name="Pay  card - cash"),
            FlowEdge(edge_id="e3", condition="long", node_id="n3", node_name="x" * 100),
            FlowEdge(edge_id="e4", condition="no name", node_id="node-4"),
        ]
    )
    names = [t.name for t in tools]
    assert names[0] == "transition_to_Pay_card_cash"
    assert names[1] == "transition_to_Pay_card_-_cash"
    assert len(names[2]) == 64
    assert names[3] == "transition_to_node-4"
    assert len(set(names)) == 4
    assert tools[0].description == "wants to pay"
    assert tools[0].target == EdgeTarget(edge_id="e1", node_id="n1", node_name="Pay: card / cash")
    assert all(t.to_openai()["function"]["parameters"] == {"type": "object", "properties": {}} for t in tools)
    assert "target" not in str(tools[0].to_openai())


def test_duplicate_destination_names_get_numbered() -> None:
    edges = [FlowEdge(edge_id=f"e{i}", condition="c", node_id=f"n{i}", node_name="Same") for i in range(3)]
    assert [t.name for t in flow_edge_tools(edges)] == [
        "transition_to_Same",
        "transition_to_Same_2",
        "transition_to_Same_3",
    ]


def test_state_edge_tool_keeps_parameters() -> None:
    params = {"type": "object", "properties": {"day": {"type": "string"}}}
    tool = state_edge_tool("book", "When the caller wants to book", params)
    assert tool.to_openai() == {
        "type": "function",
        "function": {
            "name": "transition_to_book",
            "parameters": params,
            "description": "When the caller wants to book",
        },
    }
    assert tool.target == EdgeTarget(state="book")


def test_every_model_satisfies_the_protocol() -> None:
    for model in (NoModel(), ScriptedModel(), OpenAICompatible(model="m", environ={})):
        assert isinstance(model, Model)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (ModelNotConfigured, "error_llm_websocket_open"),
        (ProviderUnavailable, "error_llm_websocket_lost_connection"),
        (ProviderFailed, "error_llm_websocket_runtime"),
        (ScriptMismatch, "error_llm_websocket_runtime"),
        (InvalidModelReply, "error_llm_websocket_corrupt_payload"),
    ],
)
def test_errors_carry_a_retell_disconnection_reason(error: type[ModelError], reason: str) -> None:
    err = error("detail", where="node 'n'")
    assert isinstance(err, ModelError)
    assert isinstance(err, RetellDSLError)
    assert err.disconnection_reason == reason
    assert (str(err), err.detail, err.where) == ("node 'n': detail", "detail", "node 'n'")


def test_not_configured_is_a_configuration_error() -> None:
    assert issubclass(ModelNotConfigured, ConfigurationError)
