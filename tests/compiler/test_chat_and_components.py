# ruff: noqa: RUF001 -- issue paths use a non-ASCII separator
"""Table-driven spec → payload tests for chat agents and shared components (checked against the SDK)."""

from __future__ import annotations

from typing import Any

import pytest
from retell.types import chat_agent_create_params, conversation_flow_component_create_params

from retell_dsl import (
    BooleanField,
    ChatAgent,
    ComponentNode,
    ConversationFlow,
    ConversationNode,
    CustomLLM,
    CustomTool,
    EndNode,
    FunctionNode,
    McpServer,
    RetellLLM,
    SharedComponent,
    Stack,
    SystemPreset,
    compile,
    validate,
)
from retell_dsl.compiler import raw_payload
from retell_dsl.wire import check_payload

CHAT = chat_agent_create_params.ChatAgentCreateParams
COMPONENT = conversation_flow_component_create_params.ConversationFlowComponentCreateParams
LLM = RetellLLM(name="desk", model="gpt-4.1", general_prompt="Help.")
FLOW = (
    ConversationFlow(name="intake", model="gpt-4.1")
    .node(ConversationNode(name="hi", prompt="Greet.").always("bye"))
    .node(EndNode(name="bye"))
    .start_at("hi")
)
INSURANCE = (
    SharedComponent(name="insurance")
    .node(ConversationNode(name="ask", prompt="Ask for the insurer.").always("done"))
    .node(EndNode(name="done"))
    .start_at("ask")
)
LOOKUP = CustomTool(name="lookup", url="https://api.example.com/lookup", description="Find the policy.")

RESOURCES: list[tuple[Any, object, dict[str, Any]]] = [
    (
        ChatAgent(name="Chat", engine=LLM),
        CHAT,
        {"agent_name": "Chat", "response_engine": {"type": "retell-llm", "llm_id": "$ref:llm.desk"}},
    ),
    (
        ChatAgent(name="Flow chat", engine=FLOW).use_engine(FLOW, version=3),
        CHAT,
        {
            "agent_name": "Flow chat",
            "response_engine": {
                "type": "conversation-flow",
                "conversation_flow_id": "$ref:conversation_flow.intake",
                "version": 3,
            },
        },
    ),
    (
        ChatAgent(name="Own LLM", engine=CustomLLM(url="wss://llm.example.com/ws")),
        CHAT,
        {
            "agent_name": "Own LLM",
            "response_engine": {"type": "custom-llm", "llm_websocket_url": "wss://llm.example.com/ws"},
        },
    ),
    (
        ChatAgent(name="Full", engine=LLM, timezone="Europe/Berlin", signed_url_expiration_ms=60_000)
        .languages("de-DE")
        .endings(silence_ms=3_600_000, auto_close_message="Wir schließen den Chat.")
        .webhook("https://hooks.example.com/chat", events=("chat_ended", "chat_analyzed"), timeout_ms=5000)
        .analyze(
            SystemPreset(name="call_summary"),
            SystemPreset(name="user_sentiment"),
            BooleanField(name="resolved", description="Was it resolved?"),
            model="gpt-4.1-mini",
        )
        .privacy(storage="everything_except_pii", retention_days=30, pii=("email",), signed_urls=True)
        .version("first")
        .with_extra(contact_memory_config={"enable_read": True}),
        CHAT,
        {
            "agent_name": "Full",
            "response_engine": {"type": "retell-llm", "llm_id": "$ref:llm.desk"},
            "language": "de-DE",
            "timezone": "Europe/Berlin",
            "end_chat_after_silence_ms": 3_600_000,
            "auto_close_message": "Wir schließen den Chat.",
            "webhook_url": "https://hooks.example.com/chat",
            "webhook_events": ["chat_ended", "chat_analyzed"],
            "webhook_timeout_ms": 5000,
            "opt_in_signed_url": True,
            "signed_url_expiration_ms": 60_000,
            "version_title": "first",
            "post_chat_analysis_model": "gpt-4.1-mini",
            "post_chat_analysis_data": [
                {"type": "system-presets", "name": "chat_summary"},
                {"type": "system-presets", "name": "user_sentiment"},
                {"type": "boolean", "name": "resolved", "description": "Was it resolved?"},
            ],
            "data_storage_setting": "everything_except_pii",
            "data_storage_retention_days": 30,
            "pii_config": {"mode": "post_call", "categories": ["email"]},
            "contact_memory_config": {"enable_read": True},
        },
    ),
    (
        INSURANCE,
        COMPONENT,
        {
            "name": "insurance",
            "start_node_id": "ask",
            "nodes": [
                {
                    "id": "ask",
                    "type": "conversation",
                    "name": "ask",
                    "instruction": {"type": "prompt", "text": "Ask for the insurer."},
                    "always_edge": {
                        "id": "ask.always",
                        "destination_node_id": "done",
                        "transition_condition": {"type": "prompt", "prompt": "Always"},
                    },
                },
                {"id": "done", "type": "end", "name": "done"},
            ],
        },
    ),
    (
        SharedComponent(name="policy", flex_mode=True)
        .node(FunctionNode(name="find", tool="lookup").otherwise("end"))
        .node(EndNode(name="end"))
        .start_at("find")
        .tool(LOOKUP)
        .mcp(McpServer(name="crm", url="https://mcp.example.com")),
        COMPONENT,
        {
            "name": "policy",
            "start_node_id": "find",
            "flex_mode": True,
            "nodes": [
                {
                    "id": "find",
                    "type": "function",
                    "name": "find",
                    "tool_id": "tool-lookup",
                    "tool_type": "local",
                    "wait_for_result": True,
                    "else_edge": {
                        "id": "find.else",
                        "destination_node_id": "end",
                        "transition_condition": {"type": "prompt", "prompt": "Else"},
                    },
                },
                {"id": "end", "type": "end", "name": "end"},
            ],
            "tools": [raw_payload(ConversationFlow(name="t", tools=(LOOKUP,)))["tools"][0]],
            "mcps": [{"name": "crm", "url": "https://mcp.example.com"}],
        },
    ),
]


@pytest.mark.parametrize(("spec", "schema", "expected"), RESOURCES, ids=lambda v: getattr(v, "name", None))
def test_chat_agents_and_shared_components_compile_and_pass_the_sdk_schema(
    spec: Any, schema: object, expected: dict[str, Any]
) -> None:
    payload = compile(spec)
    assert payload == expected
    assert check_payload(payload, schema) == []


def test_component_node_with_a_spec_refers_to_the_stack_component() -> None:
    node = ComponentNode(name="insurance", component=INSURANCE).otherwise("bye")
    flow = ConversationFlow(name="f").node(node).node(EndNode(name="bye")).start_at("insurance")
    compiled = compile(Stack(name="s").add(ChatAgent(name="Chat", engine=flow)))
    assert compiled.addresses == ("component.insurance", "conversation_flow.f", "chat_agent.Chat")
    assert compiled["conversation_flow.f"].depends_on == ("component.insurance",)
    [payload_node, _] = compiled["conversation_flow.f"].payload["nodes"]
    assert (payload_node["component_id"], payload_node["component_type"]) == ("$ref:component.insurance", "shared")
    assert compiled["chat_agent.Chat"].endpoint == "create-chat-agent"
    assert compiled["component.insurance"].endpoint == "create-conversation-flow-component"


def test_component_node_with_an_id_or_a_local_name_is_unchanged() -> None:
    by_id = ComponentNode(name="c", component="conversation_flow_component_abc", shared=True).otherwise("x")
    local = ComponentNode(name="c", component="intake").otherwise("x")
    assert raw_payload(ConversationFlow(name="f", nodes=(by_id,)))["nodes"][0]["component_id"] == (
        "conversation_flow_component_abc"
    )
    assert raw_payload(ConversationFlow(name="f", nodes=(local,)))["nodes"][0]["component_type"] == "local"


def _shared_by_name(name: str, *extra: Any) -> Stack:
    node = ComponentNode(name="ins", component=name, shared=True).otherwise("bye")
    flow = ConversationFlow(name="f").node(node).node(EndNode(name="bye")).start_at("ins")
    return Stack(name="s").add(flow, *extra)


def test_lint_reports_a_shared_component_the_stack_lacks_with_a_hint() -> None:
    issues = validate(_shared_by_name("insurence", INSURANCE))
    [issue] = [i for i in issues if i.code == "RD110"]
    assert issue.severity == "error"
    assert issue.message == "shared component 'insurence' is not in the stack"
    assert issue.path == "flow 'f' › node 'ins'"
    assert issue.hint.startswith("did you mean 'insurance'? define it as SharedComponent(name=...) and pass it")
    [spaced] = [i for i in validate(_shared_by_name("Insurance intake")) if i.code == "RD110"]
    assert spaced.message == "shared component 'Insurance intake' is not in the stack"


def test_lint_reports_a_shared_component_named_instead_of_passed() -> None:
    [named] = [i for i in validate(_shared_by_name("insurance", INSURANCE)) if i.code == "RD110"]
    assert named.message == "component 'insurance' names the stack's shared component; its id is known only after apply"
    assert named.hint == "pass the spec itself: ComponentNode(name='ins', component=<the SharedComponent spec>)"


@pytest.mark.parametrize("remote_id", ["conversation_flow_component_1", "component_abc", "cfc_1"])
def test_a_shared_component_id_is_not_an_issue(remote_id: str) -> None:
    assert [i for i in validate(_shared_by_name(remote_id, INSURANCE)) if i.code == "RD110"] == []


def test_lint_checks_a_shared_components_graph() -> None:
    broken = SharedComponent(name="broken").node(ConversationNode(name="ask", prompt="Ask.").always("nowhere"))
    codes = validate(broken).codes
    assert "RD106" in codes and "RD102" in codes
    assert validate(INSURANCE).codes == ()
