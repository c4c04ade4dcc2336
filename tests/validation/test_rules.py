# ruff: noqa: RUF001
"""One test per lint rule, each showing the full message including the user's file:line."""

from __future__ import annotations

import sys

import pytest

from retell_dsl import (
    Agent,
    AgentSwap,
    BatchCall,
    BranchNode,
    CodeNode,
    ComponentNode,
    ConversationFlow,
    ConversationNode,
    CustomTool,
    EndCall,
    EndNode,
    FunctionNode,
    KnowledgeBase,
    MCPNode,
    McpServer,
    PhoneNumber,
    Ref,
    RetellLLM,
    Stack,
    State,
    TransferCall,
    Var,
    validate,
    when,
)
from retell_dsl.builders.conditions import Comparison, Equation

HERE = "tests/validation/test_rules.py"


def line() -> int:
    """The caller's line number (call it on the line that builds the spec)."""
    return sys._getframe(1).f_lineno


def flow_of(*nodes: object, start: str = "a", **kw: object) -> ConversationFlow:
    return ConversationFlow(name="f", nodes=nodes, start_node=start, **kw)  # type: ignore[arg-type]


def messages(spec: object, code: str) -> list[str]:
    return [str(i) for i in validate(spec) if i.code == code]  # type: ignore[arg-type]


def test_rd101_duplicate_node_names() -> None:
    dup, n = EndNode(name="a"), line()
    assert messages(flow_of(EndNode(name="a"), dup), "RD101") == [
        f"{HERE}:{n}: error RD101 flow 'f' › node 'a': two nodes are named 'a'\n"
        "    fix: edges find nodes by name: rename one of them"
    ]


def test_rd102_dangling_edge_points_at_the_edge_line() -> None:
    node, n = ConversationNode(name="a", prompt="p").to("confrim", when="yes"), line()
    assert messages(flow_of(node, EndNode(name="confirm")), "RD102") == [
        f"{HERE}:{n}: error RD102 flow 'f' › node 'a' › edge[0]: edge points to unknown node 'confrim'\n"
        "    fix: did you mean 'confirm'? edges name their destination node by its name"
    ]


def test_rd103_unreachable_node() -> None:
    orphan, n = EndNode(name="orphan"), line()
    flow = flow_of(ConversationNode(name="a", prompt="p").always("b"), EndNode(name="b"), orphan)
    assert messages(flow, "RD103") == [
        f"{HERE}:{n}: warning RD103 flow 'f' › node 'orphan': no edge leads to this node\n"
        "    fix: add an edge to it, make it global with .make_global(...), or remove it"
    ]


def test_rd104_non_terminal_dead_end() -> None:
    dead, n = ConversationNode(name="b", prompt="p"), line()
    flow = flow_of(ConversationNode(name="a", prompt="p").always("b"), dead, EndNode(name="end").make_global("x"))
    assert messages(flow, "RD104") == [
        f"{HERE}:{n}: warning RD104 flow 'f' › node 'b': ConversationNode 'b' has no outgoing edge:"
        " a call that gets here stays here\n"
        "    fix: add .to(...)/.otherwise(...)/.always(...) or end the call with an EndNode"
    ]


def test_rd105_no_path_to_an_end() -> None:
    flow = ConversationFlow(name="f", nodes=(ConversationNode(name="a", prompt="p").always("a"),), start_node="a")
    n = line() - 1
    assert messages(flow, "RD105") == [
        f"{HERE}:{n}: warning RD105 flow 'f': no end, transfer or agent-swap node can be reached from 'a'\n"
        "    fix: add an EndNode (or TransferNode) and an edge that leads to it"
    ]


def test_rd111_draft_nodes_are_warnings_not_construction_errors() -> None:
    """Retell stores a function node without a tool and an empty code node (drafts): they fail when reached."""
    fn, n = FunctionNode(name="fn", tool="").otherwise("code"), line()
    code, m = CodeNode(name="code", code="").otherwise("end"), line()
    flow = flow_of(ConversationNode(name="a", prompt="p").always("fn"), fn, code, EndNode(name="end"))
    assert messages(flow, "RD111") == [
        f"{HERE}:{m}: warning RD111 flow 'f' › node 'code': code node has no code: this node will fail when reached\n"
        "    fix: write its JavaScript (CodeNode(code=...)), or remove the node",
        f"{HERE}:{n}: warning RD111 flow 'f' › node 'fn': function node has no tool: this node will fail when reached\n"
        "    fix: choose the tool it runs (FunctionNode(tool=...)), or remove the node",
    ]
    assert "RD109" not in validate(flow).codes and not validate(flow).errors


def test_rd106_missing_start_node_and_starting_state() -> None:
    flow, n = ConversationFlow(name="f", nodes=(EndNode(name="a"),)), line()
    assert messages(flow, "RD106") == [
        f"{HERE}:{n}: error RD106 flow 'f': the flow has no start node\n"
        "    fix: call .start_at('a') or pass start_node="
    ]
    llm, m = RetellLLM(name="l", states=(State(name="s"),)), line()
    assert messages(llm, "RD106") == [
        f"{HERE}:{m}: error RD106 llm 'l': the LLM has states but no starting state\n    fix: call .start_at('s')"
    ]


def test_rd107_always_edge_must_be_alone_and_branch_needs_else() -> None:
    node, n = ConversationNode(name="a", prompt="p").to("b", when="x").always("b"), line()
    branch, m = BranchNode(name="b").to("a", when=when("x").eq(1)), line()
    found = messages(flow_of(node, branch, EndNode(name="e").make_global("bye")), "RD107")
    assert found == [
        f"{HERE}:{node.source.line if node.source else 0}: error RD107 flow 'f' › node 'a' › always edge: "
        "the always edge must be the node's only edge, but it has 1 other(s)\n"
        "    fix: remove the other edges, or drop .always(...) and use conditions",
        f"{HERE}:{m}: error RD107 flow 'f' › node 'b': a branch node needs an else edge\n"
        "    fix: add .otherwise('<node name>') for when no condition holds",
    ]
    assert node.source is not None and node.source.line == n


def test_rd108_malformed_equations() -> None:
    bad = Equation(comparisons=(Comparison(left="age", operator=">", right="old"),))
    node, n = BranchNode(name="a").to("e", when=bad).otherwise("e"), line()
    assert messages(flow_of(node, EndNode(name="e")), "RD108") == [
        f"{HERE}:{n}: error RD108 flow 'f' › node 'a' › edge[0]: equation[0] age > old: '>' compares numbers"
        " but 'old' is not one\n    fix: use == / contains for text, or a number here",
        f"{HERE}:{n}: error RD108 flow 'f' › node 'a' › edge[0]: equation[0] age > old: the left side is not a"
        " {{variable}} reference\n    fix: compare a runtime variable: when(Var('name')).eq(...)",
    ]


def test_rd109_function_node_names_an_undefined_tool() -> None:
    fn, n = FunctionNode(name="a", tool="lookup_patinet").otherwise("e"), line()
    flow = flow_of(fn, EndNode(name="e"), tools=(CustomTool(name="lookup_patient", url="https://x.example"),))
    assert messages(flow, "RD109") == [
        f"{HERE}:{n}: error RD109 flow 'f' › node 'a': function node runs tool 'lookup_patinet', which the flow"
        " does not define\n    fix: did you mean 'lookup_patient'? add it with ConversationFlow.tool(CustomTool(...))"
    ]


def test_rd110_undefined_component_and_mcp_server() -> None:
    comp, n = ComponentNode(name="a", component="intak").otherwise("b"), line()
    mcp, m = MCPNode(name="b", mcp="docz", tool="search").otherwise("e"), line()
    flow = flow_of(comp, mcp, EndNode(name="e")).mcp(McpServer(name="docs", url="https://mcp.example.com"))
    assert messages(flow, "RD110") == [
        f"{HERE}:{n}: error RD110 flow 'f' › node 'a': component 'intak' is not defined on the flow\n"
        "    fix: add it with ConversationFlow.component(...)",
        f"{HERE}:{m}: error RD110 flow 'f' › node 'b': MCP server 'docz' is not declared on the flow\n"
        "    fix: did you mean 'docs'? add it with ConversationFlow.mcp(McpServer(...))",
    ]


def test_rd201_rd202_duplicate_and_invalid_tool_names() -> None:
    dup, n = EndCall(name="end"), line()
    bad, m = EndCall(name="end the call!"), line()
    llm = RetellLLM(name="l", tools=(EndCall(name="end"), dup, bad))
    assert [*messages(llm, "RD201"), *messages(llm, "RD202")] == [
        f"{HERE}:{n}: error RD201 llm 'l' › tool 'end': tool name 'end' is used more than once\n"
        "    fix: the LLM calls tools by name: give each tool (and state edge) a unique name",
        f"{HERE}:{m}: error RD202 llm 'l' › tool 'end the call!': tool name 'end the call!' is not allowed\n"
        "    fix: use 1-64 characters from A-Z a-z 0-9 _ -, e.g. 'book_appointment'",
    ]


def test_rd301_runtime_variable_never_provided_and_call_variables_count() -> None:
    llm, n = RetellLLM(name="l", general_prompt=f"Hello {Var('customer_nam')}").defaults(customer_name="x"), line()
    assert messages(llm, "RD301") == [
        f"{HERE}:{n}: error RD301 llm 'l' › general_prompt: runtime variable {{{{customer_nam}}}} is used but"
        " never provided\n    fix: did you mean 'customer_name'? add .defaults(customer_nam=...), extract it in"
        " the flow, or declare it with Stack.expect_call_variables('customer_nam')"
    ]
    stack = Stack(name="s").add(llm).expect_call_variables("customer_nam")
    assert messages(stack, "RD301") == []


def test_rd401_invalid_e164() -> None:
    tool, n = TransferCall(name="t", destination="415-555-0100"), line()
    assert messages(RetellLLM(name="l", tools=(tool,)), "RD401") == [
        f"{HERE}:{n}: error RD401 llm 'l' › tool 't': transfer destination '415-555-0100' is not an E.164 phone"
        " number\n    fix: write it as + country code + number, digits only, e.g. '+14155550100'"
    ]


def test_rd402_ranges_silence_and_duration() -> None:
    base = Agent(name="a", voice="v", engine=RetellLLM(name="l"))
    agent, n = base.limits(silence_ms=5000, max_duration_ms=10), line()
    assert messages(agent, "RD402") == [
        f"{HERE}:{n}: error RD402 agent 'a' › end_call_after_silence_ms: end_call_after_silence_ms is 5000; it"
        " must be at least 10000\n    fix: Retell needs at least 10000 ms (10 s)",
        f"{HERE}:{n}: error RD402 agent 'a' › max_call_duration_ms: max_call_duration_ms is 10; it must be between"
        " 60000 and 7.2e+06\n    fix: between 1 minute (60000) and 2 hours (7200000)",
    ]


def test_rd403_chunk_sizes() -> None:
    kb, n = KnowledgeBase(name="kb").chunking(max_size=700, min_size=900), line()
    assert messages(kb, "RD403") == [
        f"{HERE}:{n}: error RD403 knowledge_base 'kb' › min_chunk_size: min_chunk_size 900 must be smaller than"
        " max_chunk_size 700\n    fix: lower min_chunk_size or raise max_chunk_size"
    ]


def test_rd403_chunk_sizes_out_of_range() -> None:
    kb, n = KnowledgeBase(name="kb").chunking(max_size=7000, min_size=100), line()
    assert messages(kb, "RD403") == [
        f"{HERE}:{n}: error RD403 knowledge_base 'kb' › max_chunk_size: max_chunk_size is 7000; it must be between"
        " 600 and 6000\n    fix: the default is 2000",
        f"{HERE}:{n}: error RD403 knowledge_base 'kb' › min_chunk_size: min_chunk_size is 100; it must be between"
        " 200 and 2000\n    fix: the default is 400",
    ]


def test_a_chunk_size_that_is_not_a_number_is_reported_not_a_crash() -> None:
    kb = KnowledgeBase(name="kb", urls=("https://a.example",), min_chunk_size="big")  # type: ignore[arg-type]
    issues = validate(Stack(name="s").add(kb))
    assert [(i.code, i.message) for i in issues.errors] == [("RD001", "expected an integer, got string 'big'")]


def test_rd404_weights_sum_to_one() -> None:
    number, n = PhoneNumber(name="n").inbound_to("agent_a", weight=0.5).inbound_to("agent_b", weight=0.3), line()
    assert messages(number, "RD404") == [
        f"{HERE}:{n}: error RD404 phone_number 'n' › inbound: inbound weights are 0.5, 0.3 (sum 0.8); they must"
        " sum to 1\n    fix: give each agent a share in (0, 1] so that the shares add up to 1"
    ]


def test_rd405_name_too_long() -> None:
    kb, n = KnowledgeBase(name="k" * 40), line()
    assert messages(kb, "RD405") == [
        f"{HERE}:{n}: error RD405 knowledge_base '{'k' * 40}': knowledge base name is 40 characters; Retell"
        " allows under 40\n    fix: shorten the name"
    ]
    assert messages(KnowledgeBase(name="k" * 39), "RD405") == []


def test_rd501_prompt_over_budget_is_a_warning() -> None:
    llm, n = RetellLLM(name="l", general_prompt="x" * 40_000), line()
    assert messages(llm, "RD501") == [
        f"{HERE}:{n}: warning RD501 llm 'l' › general_prompt: prompt is 40,000 characters, over the budget of"
        " 32,000\n    fix: shorten it, move reference material into a knowledge base, or split it into states/nodes"
    ]


def test_rd001_rd002_schema_and_unknown_extra_keys() -> None:
    llm, n = RetellLLM(name="l", start_speaker="agent", extra={"modle": "gpt-4.1", "begin_message": 3}), line()
    assert [*messages(llm, "RD001"), *messages(llm, "RD002")] == [
        f"{HERE}:{n}: error RD001 llm 'l' › payload.begin_message: expected a string or null, got number 3\n"
        "    fix: fix the value (see retell-api.md or the SDK's request types)",
        f"{HERE}:{n}: warning RD002 llm 'l' › payload.modle: unknown field (did you mean 'model'?): retell-sdk does"
        " not know 'modle'\n    fix: check the spelling in extra=; if it is a newer API field, ignore this warning",
    ]


def test_rd601_two_specs_share_an_address() -> None:
    other, n = RetellLLM(name="l", model="gpt-4.1"), line()
    stack = Stack(name="s").add(RetellLLM(name="l"), other)
    assert messages(stack, "RD601") == [
        f"{HERE}:{n}: error RD601 stack 's' › llm.l: 2 different specs are named 'llm.l'\n"
        "    fix: give each resource of one kind a unique name, or reuse the same spec value"
    ]


def test_rd602_two_agents_swapping_to_each_other() -> None:
    back = AgentSwap(name="to_a", agent=Ref(kind="agent", name="a").marker)  # specs are immutable: close by marker
    b = Agent(name="b", voice="v", engine=RetellLLM(name="lb", tools=(back,)))
    a, n = Agent(name="a", voice="v", engine=RetellLLM(name="la", tools=(AgentSwap(name="to_b", agent=b),))), line()
    assert messages(Stack(name="s").add(a), "RD602") == [
        f"{HERE}:{n}: warning RD602 agent.a: reference cycle: agent.a → llm.la → agent.b → llm.lb → agent.a\n"
        "    fix: apply cannot create both sides in one run: deploy "
        "one agent first with the other's swap pointing at an existing agent id, then close the loop"
    ]
    assert messages(Stack(name="s").add(b), "RD602") == []  # agent.a is not in this stack: an outside reference


def test_batch_window_and_numbers() -> None:
    batch = BatchCall(name="b", from_number="4155550100").call("+14155550111")
    assert [i.code for i in validate(batch)] == ["RD401"]


@pytest.mark.parametrize("right", ["inf", "nan", "1_000", "-Infinity"])
def test_rd108_order_comparison_with_what_python_but_not_retell_calls_a_number(right: str) -> None:
    # float() accepts these; Retell's order comparisons are false for them (retell-runtime.md §3)
    bad = Equation(comparisons=(Comparison(left="{{age}}", operator=">", right=right),))
    node = BranchNode(name="a").to("e", when=bad).otherwise("e")
    assert [m.split(": ", 2)[2] for m in messages(flow_of(node, EndNode(name="e")), "RD108")] == [
        f"equation[0] {{{{age}}}} > {right}: '>' compares numbers but {right!r} is not one\n"
        "    fix: use == / contains for text, or a number here"
    ]


@pytest.mark.parametrize("right", ["18", " 18 ", "-1.5", "2e3", ".5", "{{limit}}"])
def test_rd108_order_comparison_with_a_number_or_a_variable_is_fine(right: str) -> None:
    ok = Equation(comparisons=(Comparison(left="{{age}}", operator=">", right=right),))
    node = BranchNode(name="a").to("e", when=ok).otherwise("e")
    assert messages(flow_of(node, EndNode(name="e")), "RD108") == []
