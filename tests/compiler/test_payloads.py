"""Table-driven spec → payload tests: every node type, edge kind, tool type and resource."""

from __future__ import annotations

from typing import Any

import pytest
from retell.types import (
    agent_create_params,
    batch_call_create_batch_call_params,
    conversation_flow_create_params,
    knowledge_base_create_params,
    llm_create_params,
    phone_number_create_params,
    phone_number_import_params,
)

from retell_dsl import (
    Agent,
    AgenticWarmTransfer,
    AgentSwap,
    AgentSwapNode,
    BatchCall,
    BranchNode,
    BridgeTransfer,
    BridgeTransferNode,
    CallWindow,
    CancelTransfer,
    CancelTransferNode,
    CodeNode,
    CodeTool,
    Component,
    ComponentNode,
    ConversationFlow,
    ConversationNode,
    CustomLLM,
    CustomTool,
    EndCall,
    EndNode,
    EnumField,
    ExtractNode,
    ExtractVariables,
    FunctionNode,
    Inferred,
    IntegrationAppTool,
    KnowledgeBase,
    MCPNode,
    McpServer,
    McpTool,
    PhoneNumber,
    PressDigit,
    PressDigitNode,
    RetellLLM,
    SendSMS,
    SipTrunk,
    SMSNode,
    State,
    StringField,
    SubagentNode,
    TransferCall,
    TransferNode,
    Var,
    WarmTransfer,
    compile,
    when,
)
from retell_dsl.builders.tools import Handoff
from retell_dsl.compiler.stack import raw_payload
from retell_dsl.wire import check_payload

LLM = RetellLLM(name="llm", model="gpt-4.1")
AGENT = Agent(name="Other", voice="11labs-Adrian", engine=LLM)

TOOLS: list[tuple[Any, dict[str, Any]]] = [
    (EndCall(name="end", description="End it"), {"type": "end_call", "name": "end", "description": "End it"}),
    (
        TransferCall(name="t", destination="+14155550100"),
        {
            "type": "transfer_call",
            "name": "t",
            "transfer_destination": {"type": "predefined", "number": "+14155550100"},
            "transfer_option": {"type": "cold_transfer"},
        },
    ),
    (
        TransferCall(
            name="t",
            destination=Inferred(prompt="The number they ask for"),
            option=WarmTransfer(public_handoff=Handoff.message("Hi"), on_hold_music="ringtone"),
        ),
        {
            "type": "transfer_call",
            "name": "t",
            "transfer_destination": {"type": "inferred", "prompt": "The number they ask for"},
            "transfer_option": {
                "type": "warm_transfer",
                "on_hold_music": "ringtone",
                "public_handoff_option": {"type": "static_message", "message": "Hi"},
            },
        },
    ),
    (
        TransferCall(
            name="t",
            destination=Var("desk"),
            option=AgenticWarmTransfer(transfer_agent="agent_1", transfer_agent_version=1),
        ),
        {
            "type": "transfer_call",
            "name": "t",
            "transfer_destination": {"type": "predefined", "number": "{{desk}}"},
            "transfer_option": {
                "type": "agentic_warm_transfer",
                "agentic_transfer_config": {"transfer_agent": {"agent_id": "agent_1", "agent_version": 1}},
            },
        },
    ),
    (
        AgentSwap(name="swap", agent=AGENT),
        {
            "type": "agent_swap",
            "name": "swap",
            "agent_id": "$ref:agent.Other",
            "post_call_analysis_setting": "both_agents",
        },
    ),
    (PressDigit(name="press", delay_ms=500), {"type": "press_digit", "name": "press", "delay_ms": 500}),
    (
        SendSMS(name="sms", text="Hello", to_number="+14155550100"),
        {
            "type": "send_sms",
            "name": "sms",
            "sms_content": {"type": "predefined", "text": "Hello"},
            "sms_destination": {"type": "phone_number", "phone_number": "+14155550100"},
        },
    ),
    (
        CustomTool(name="lookup", url="https://x.example", method="GET", timeout_ms=5000),
        {"type": "custom", "name": "lookup", "url": "https://x.example", "method": "GET", "timeout_ms": 5000},
    ),
    (CodeTool(name="calc", code="return 1"), {"type": "code", "name": "calc", "code": "return 1"}),
    (
        ExtractVariables(name="x", description="d", variables=(EnumField(name="e", description="d", choices=("a",)),)),
        {
            "type": "extract_dynamic_variable",
            "name": "x",
            "description": "d",
            "variables": [{"type": "enum", "name": "e", "description": "d", "choices": ["a"]}],
        },
    ),
    (
        McpTool(name="m", description="d", mcp="docs"),
        {"type": "mcp", "name": "m", "description": "d", "mcp_id": "docs"},
    ),
    (
        IntegrationAppTool(name="crm", app_id="app", template="find", provider="hubspot", output_fields=None),
        {
            "type": "integration_app",
            "name": "crm",
            "app_id": "app",
            "app_tool_template_name": "find",
            "provider": "hubspot",
            "output_selection": {"mode": "all"},
        },
    ),
    (BridgeTransfer(name="b"), {"type": "bridge_transfer", "name": "b"}),
    (CancelTransfer(name="c"), {"type": "cancel_transfer", "name": "c"}),
]


@pytest.mark.parametrize(("tool", "expected"), TOOLS, ids=lambda v: getattr(v, "TYPE", None))
def test_every_tool_type_compiles_and_passes_the_sdk_schema(tool: Any, expected: dict[str, Any]) -> None:
    payload = raw_payload(RetellLLM(name="l", tools=(tool,)))
    assert payload["general_tools"] == [expected]
    assert check_payload(payload, llm_create_params.LlmCreateParams) == []


def E(name: str) -> EndNode:
    return EndNode(name=name)


NODES: list[tuple[Any, dict[str, Any]]] = [
    (
        ConversationNode(name="Greet", prompt="Hi").to("end", when="done").otherwise("end"),
        {
            "id": "greet",
            "type": "conversation",
            "name": "Greet",
            "instruction": {"type": "prompt", "text": "Hi"},
            "edges": [
                {
                    "id": "greet.edge-0",
                    "transition_condition": {"type": "prompt", "prompt": "done"},
                    "destination_node_id": "end",
                }
            ],
            "else_edge": {
                "id": "greet.else",
                "transition_condition": {"type": "prompt", "prompt": "Else"},
                "destination_node_id": "end",
            },
        },
    ),
    (
        ConversationNode(name="say", static_text="Hello").always("end"),
        {
            "id": "say",
            "type": "conversation",
            "name": "say",
            "instruction": {"type": "static_text", "text": "Hello"},
            "always_edge": {
                "id": "say.always",
                "transition_condition": {"type": "prompt", "prompt": "Always"},
                "destination_node_id": "end",
            },
        },
    ),
    (
        ConversationNode(name="s", prompt="p").skip_response("end"),
        {
            "id": "s",
            "type": "conversation",
            "name": "s",
            "instruction": {"type": "prompt", "text": "p"},
            "skip_response_edge": {
                "id": "s.skip-response",
                "transition_condition": {"type": "prompt", "prompt": "Skip response"},
                "destination_node_id": "end",
            },
        },
    ),
    (
        SubagentNode(name="sub", prompt="p", tools=(EndCall(name="bye"),), tool_names=("lookup",)).always("end"),
        {
            "id": "sub",
            "type": "subagent",
            "name": "sub",
            "instruction": {"type": "prompt", "text": "p"},
            "always_edge": {
                "id": "sub.always",
                "transition_condition": {"type": "prompt", "prompt": "Always"},
                "destination_node_id": "end",
            },
            "tools": [{"type": "end_call", "name": "bye"}],
            "tool_ids": ["tool-lookup"],
        },
    ),
    (
        EndNode(name="end", static_text="Bye"),
        {"id": "end", "type": "end", "name": "end", "instruction": {"type": "static_text", "text": "Bye"}},
    ),
    (
        FunctionNode(name="f", tool="lookup").otherwise("end"),
        {
            "id": "f",
            "type": "function",
            "name": "f",
            "tool_id": "tool-lookup",
            "tool_type": "local",
            "wait_for_result": True,
            "else_edge": {
                "id": "f.else",
                "transition_condition": {"type": "prompt", "prompt": "Else"},
                "destination_node_id": "end",
            },
        },
    ),
    (
        CodeNode(name="c", code="return 1", wait_for_result=False).otherwise("end"),
        {
            "id": "c",
            "type": "code",
            "name": "c",
            "code": "return 1",
            "wait_for_result": False,
            "else_edge": {
                "id": "c.else",
                "transition_condition": {"type": "prompt", "prompt": "Else"},
                "destination_node_id": "end",
            },
        },
    ),
    (
        TransferNode(name="t", destination="+14155550100").on_transfer_failed("end"),
        {
            "id": "t",
            "type": "transfer_call",
            "name": "t",
            "transfer_destination": {"type": "predefined", "number": "+14155550100"},
            "transfer_option": {"type": "cold_transfer"},
            "edge": {
                "id": "t.transfer-failed",
                "transition_condition": {"type": "prompt", "prompt": "Transfer failed"},
                "destination_node_id": "end",
            },
        },
    ),
    (
        PressDigitNode(name="p", prompt="Press 1").otherwise("end"),
        {
            "id": "p",
            "type": "press_digit",
            "name": "p",
            "instruction": {"type": "prompt", "text": "Press 1"},
            "else_edge": {
                "id": "p.else",
                "transition_condition": {"type": "prompt", "prompt": "Else"},
                "destination_node_id": "end",
            },
        },
    ),
    (
        BranchNode(name="b").to("end", when=when(Var("age")).ge(18) & when("consent").eq(True)).otherwise("end"),
        {
            "id": "b",
            "type": "branch",
            "name": "b",
            "edges": [
                {
                    "id": "b.edge-0",
                    "destination_node_id": "end",
                    "transition_condition": {
                        "type": "equation",
                        "operator": "&&",
                        "equations": [
                            {"left": "{{age}}", "operator": ">=", "right": "18"},
                            {"left": "{{consent}}", "operator": "==", "right": "true"},
                        ],
                    },
                }
            ],
            "else_edge": {
                "id": "b.else",
                "transition_condition": {"type": "prompt", "prompt": "Else"},
                "destination_node_id": "end",
            },
        },
    ),
    (
        SMSNode(name="sms", prompt="Write a summary").on_sent("end").on_send_failed("end"),
        {
            "id": "sms",
            "type": "sms",
            "name": "sms",
            "instruction": {"type": "prompt", "text": "Write a summary"},
            "success_edge": {
                "id": "sms.sent",
                "transition_condition": {"type": "prompt", "prompt": "Sent successfully"},
                "destination_node_id": "end",
            },
            "failed_edge": {
                "id": "sms.send-failed",
                "transition_condition": {"type": "prompt", "prompt": "Failed to send"},
                "destination_node_id": "end",
            },
        },
    ),
    (
        ExtractNode(name="x", variables=(StringField(name="d", description="date"),))
        .to("end", when=when("d").exists() | when("d").not_exists())
        .otherwise("end"),
        {
            "id": "x",
            "type": "extract_dynamic_variables",
            "name": "x",
            "variables": [{"type": "string", "name": "d", "description": "date"}],
            "edges": [
                {
                    "id": "x.edge-0",
                    "destination_node_id": "end",
                    "transition_condition": {
                        "type": "equation",
                        "operator": "||",
                        "equations": [
                            {"left": "{{d}}", "operator": "exists"},
                            {"left": "{{d}}", "operator": "not_exist"},
                        ],
                    },
                }
            ],
            "else_edge": {
                "id": "x.else",
                "transition_condition": {"type": "prompt", "prompt": "Else"},
                "destination_node_id": "end",
            },
        },
    ),
    (
        AgentSwapNode(name="swap", agent=AGENT).on_swap_failed("end"),
        {
            "id": "swap",
            "type": "agent_swap",
            "name": "swap",
            "agent_id": "$ref:agent.Other",
            "post_call_analysis_setting": "both_agents",
            "edge": {
                "id": "swap.swap-failed",
                "transition_condition": {"type": "prompt", "prompt": "Transfer failed"},
                "destination_node_id": "end",
            },
        },
    ),
    (
        MCPNode(name="m", mcp="docs", tool="search").otherwise("end"),
        {
            "id": "m",
            "type": "mcp",
            "name": "m",
            "mcp_id": "docs",
            "mcp_tool_name": "search",
            "wait_for_result": True,
            "else_edge": {
                "id": "m.else",
                "transition_condition": {"type": "prompt", "prompt": "Else"},
                "destination_node_id": "end",
            },
        },
    ),
    (
        ComponentNode(name="comp", component="intake").otherwise("end"),
        {
            "id": "comp",
            "type": "component",
            "name": "comp",
            "component_id": "component-intake",
            "component_type": "local",
            "else_edge": {
                "id": "comp.else",
                "transition_condition": {"type": "prompt", "prompt": "Else"},
                "destination_node_id": "end",
            },
        },
    ),
    (BridgeTransferNode(name="br"), {"id": "br", "type": "bridge_transfer", "name": "br"}),
    (CancelTransferNode(name="ca"), {"id": "ca", "type": "cancel_transfer", "name": "ca"}),
]


@pytest.mark.parametrize(("node", "expected"), NODES, ids=lambda v: getattr(v, "TYPE", None))
def test_every_node_type_and_edge_kind_compiles_and_passes_the_sdk_schema(node: Any, expected: dict[str, Any]) -> None:
    flow = ConversationFlow(
        name="f",
        nodes=(node, E("end")),
        start_node=node.name,
        tools=(CustomTool(name="lookup", url="https://x.example"),),
        components=(Component(name="intake", nodes=(E("done"),), start_node="done"),),
        mcps=(McpServer(name="docs", url="https://mcp.example"),),
    )
    payload = raw_payload(flow)
    assert payload["nodes"][0] == expected
    assert check_payload(payload, conversation_flow_create_params.ConversationFlowCreateParams) == []


def test_every_comparison_operator_compiles() -> None:
    w = when(Var("x"))
    comparisons = [
        w.eq(1),
        w.ne(1),
        w.gt(1),
        w.ge(1),
        w.lt(1),
        w.le(1),
        w.contains("a"),
        w.not_contains("a"),
        w.exists(),
        w.not_exists(),
    ]
    ops = [c.operator for c in comparisons]
    assert ops == ["==", "!=", ">", ">=", "<", "<=", "contains", "not_contains", "exists", "not_exist"]


RESOURCES: list[tuple[Any, object, dict[str, Any]]] = [
    (
        KnowledgeBase(name="kb", urls=("https://a.example",), max_chunk_size=1000, min_chunk_size=300),
        knowledge_base_create_params.KnowledgeBaseCreateParams,
        {
            "knowledge_base_name": "kb",
            "knowledge_base_urls": ["https://a.example"],
            "max_chunk_size": 1000,
            "min_chunk_size": 300,
        },
    ),
    (
        RetellLLM(
            name="l",
            model="gpt-4.1",
            temperature=0.3,
            backup_model="gpt-4.1-mini",
            begin_message=None,
            states=(State(name="a").to("b", "go"), State(name="b")),
            starting_state="a",
        ),
        llm_create_params.LlmCreateParams,
        {
            "model_config": {
                "type": "cascading",
                "primary": {"model": "gpt-4.1"},
                "backup": {"model": "gpt-4.1-mini"},
                "temperature": 0.3,
            },
            "begin_message": None,
            "starting_state": "a",
            "states": [{"name": "a", "edges": [{"destination_state_name": "b", "description": "go"}]}, {"name": "b"}],
        },
    ),
    (
        Agent(name="A", voice="11labs-Adrian", engine=LLM, engine_version=2, voicemail=None),
        agent_create_params.AgentCreateParams,
        {
            "agent_name": "A",
            "voice_id": "11labs-Adrian",
            "voicemail_option": None,
            "response_engine": {"type": "retell-llm", "llm_id": "$ref:llm.llm", "version": 2},
        },
    ),
    (
        Agent(name="C", voice="openai-Alloy", engine=CustomLLM(url="wss://x.example")),
        agent_create_params.AgentCreateParams,
        {
            "agent_name": "C",
            "voice_id": "openai-Alloy",
            "response_engine": {"type": "custom-llm", "llm_websocket_url": "wss://x.example"},
        },
    ),
    (
        PhoneNumber(name="n", area_code=415).inbound_to(AGENT, weight=0.5).inbound_to("agent_x", weight=0.5),
        phone_number_create_params.PhoneNumberCreateParams,
        {
            "area_code": 415,
            "inbound_agents": [{"agent_id": "$ref:agent.Other", "weight": 0.5}, {"agent_id": "agent_x", "weight": 0.5}],
        },
    ),
    (
        PhoneNumber(
            name="n",
            number="+14155550100",
            sip_trunk=SipTrunk(termination_uri="x.pstn.twilio.com", password_env="SIP_PW"),
        ),
        phone_number_import_params.PhoneNumberImportParams,
        {
            "phone_number": "+14155550100",
            "termination_uri": "x.pstn.twilio.com",
            "sip_trunk_auth_password": "$env:SIP_PW",
        },
    ),
    (
        BatchCall(name="b", from_number="+14155550100", window=CallWindow(windows=((540, 600),))).call(
            "+14155550111", name="Ada"
        ),
        batch_call_create_batch_call_params.BatchCallCreateBatchCallParams,
        {
            "name": "b",
            "from_number": "+14155550100",
            "tasks": [{"to_number": "+14155550111", "retell_llm_dynamic_variables": {"name": "Ada"}}],
            "call_time_window": {"windows": [{"start": 540, "end": 600}]},
        },
    ),
]


@pytest.mark.parametrize(("spec", "schema", "expected"), RESOURCES, ids=lambda v: type(v).__name__)
def test_every_resource_compiles_and_passes_the_sdk_schema(spec: Any, schema: object, expected: Any) -> None:
    payload = compile(spec)
    assert payload == expected
    assert check_payload(payload, schema) == []


def test_unset_is_omitted_and_none_sends_null() -> None:
    assert "begin_message" not in raw_payload(RetellLLM(name="l"))
    assert raw_payload(RetellLLM(name="l", begin_message=None))["begin_message"] is None


def test_extra_fields_are_merged_last() -> None:
    payload = raw_payload(RetellLLM(name="l", extra={"is_transfer_llm": True}))
    assert payload == {"is_transfer_llm": True}
