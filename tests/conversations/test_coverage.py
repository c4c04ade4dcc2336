"""Coverage computation: the universe of flows and LLMs, the walk of events over it, merging and counting."""

from __future__ import annotations

from typing import Any

import pytest

from retell_dsl import (
    Agent,
    ChatAgent,
    Component,
    ComponentNode,
    ConversationFlow,
    ConversationNode,
    CustomTool,
    EndNode,
    FunctionNode,
    RetellLLM,
    SharedComponent,
    Stack,
    State,
    compile,
    flow_graph,
)
from retell_dsl.conversations import DIMENSIONS, AgentCoverage, EngineMap, Universe, agent_maps, events_of
from retell_dsl.errors import InvalidArgument


def moves(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"role": "node_transition", "former_node_name": a, "new_node_name": b} for a, b in pairs]


def tool(name: str) -> CustomTool:
    return CustomTool(
        name=name, description=name, url=f"https://x.example/{name}", parameters={"type": "object", "properties": {}}
    )


intake = Component(
    name="intake",
    start_node="ask",
    nodes=(ConversationNode(name="ask", static_text="Name?").to("done", when="gave a name"), EndNode(name="done")),
)
DESK = (
    ConversationFlow(name="desk", model="gpt-4.1")
    .component(intake)
    .tool(tool("lookup"))
    .start_at("greet")
    .node(
        ConversationNode(name="greet", static_text="Hi")
        .to("intake", when="new")
        .to("look up", when="old")
        .otherwise("bye")
    )
    .node(ComponentNode(name="intake", component="intake").otherwise("bye"))
    .node(FunctionNode(name="look up", tool="lookup").otherwise("bye"))
    .node(
        ConversationNode(name="help", static_text="Help.")
        .make_global("asks for help", go_back=("is helped",))
        .otherwise("bye")
    )
    .node(EndNode(name="bye"))
)
desk = EngineMap.of_flow(compile(DESK))


def test_a_flows_universe_has_every_node_edge_and_tool_with_component_and_global_items() -> None:
    items = desk.universe.items
    assert dict(items["nodes"]) == {
        "greet": "greet",
        "intake": "intake",
        "look-up": "look up",
        "help": "help",
        "bye": "bye",
        "component-intake/ask": "intake/ask",
        "component-intake/done": "intake/done",
    }
    assert list(items["edges"]) == [
        "greet->intake",
        "greet->look-up",
        "greet->bye",
        "intake->bye",
        "intake->component-intake/ask",
        "component-intake/ask->component-intake/done",
        "look-up->bye",
        "help->bye",
        "*->help",
        "help->^",
    ]
    assert items["edges"]["*->help"] == "(global) → help" and items["edges"]["help->^"] == "help → (go back)"
    assert dict(items["tools"]) == {"lookup": "lookup"} and not items["states"] and not items["transitions"]


def test_the_walk_enters_and_leaves_a_component_through_the_component_nodes_edges() -> None:
    events = events_of(
        moves(("begin", "greet"), ("greet", "intake"), ("intake", "ask"), ("ask", "done"), ("done", "bye"))
    )
    hits = desk.hits(events)
    assert hits["nodes"] == {"greet", "intake", "component-intake/ask", "component-intake/done", "bye"}
    assert hits["edges"] == {
        "greet->intake",
        "intake->component-intake/ask",
        "component-intake/ask->component-intake/done",
        "intake->bye",
    }


def test_the_walk_counts_a_global_entry_a_go_back_and_a_tool_call() -> None:
    messages = [
        *moves(("begin", "greet"), ("greet", "help"), ("help", "greet"), ("greet", "look up")),
        {"role": "tool_call_invocation", "tool_call_id": "1", "name": "lookup", "arguments": "{}"},
        {"role": "tool_call_invocation", "tool_call_id": "2", "name": "undeclared", "arguments": "{}"},
        *moves(("look up", "bye")),
    ]
    hits = desk.hits(events_of(messages))
    assert hits["edges"] == {"*->help", "help->^", "greet->look-up", "look-up->bye"}
    assert hits["tools"] == {"lookup"}  # a tool the engine does not declare is not counted


def test_a_walk_that_starts_at_a_node_picks_it_up_from_the_first_transitions_source() -> None:
    hits = desk.hits(events_of(moves(("look up", "bye"))))  # a playground resumed at "look up"
    assert hits["edges"] == {"look-up->bye"} and hits["nodes"] == {"bye"}


def test_unknown_nodes_are_ignored() -> None:
    hits = desk.hits(events_of(moves(("begin", "nowhere"), ("nowhere", "bye"))))
    assert hits["nodes"] == {"bye"} and hits["edges"] == frozenset()


BILLING = (
    RetellLLM(name="billing", model="gpt-4.1", general_prompt="Bills.", tools=(tool("hangup"),))
    .state(State(name="intro", prompt="i").to("bills", description="a bill"))
    .state(State(name="bills", prompt="b", tools=(tool("lookup"),)).to("refund", description="refund"))
    .state(State(name="refund", prompt="r", tools=(tool("refund"),)))
    .start_at("intro")
)


def test_an_llms_universe_and_walk_count_states_transitions_and_tools() -> None:
    billing = EngineMap.of_llm(compile(BILLING))
    assert list(billing.universe.items["states"]) == ["intro", "bills", "refund"]
    assert list(billing.universe.items["transitions"]) == ["intro->bills", "bills->refund"]
    assert list(billing.universe.items["tools"]) == ["hangup", "lookup", "refund"]
    events = events_of(
        [
            {"role": "state_transition", "new_state_name": "intro"},
            {"role": "state_transition", "former_state_name": "intro", "new_state_name": "bills"},
            {"role": "tool_call_invocation", "tool_call_id": "1", "name": "lookup", "arguments": "{}"},
            {"role": "state_transition", "former_state_name": "bills", "new_state_name": "intro"},  # no such edge
        ]
    )
    hits = billing.hits(events)
    assert hits["states"] == {"intro", "bills"} and hits["transitions"] == {"intro->bills"}
    assert hits["tools"] == {"lookup"} and hits["nodes"] == frozenset()


def test_coverage_adds_merges_counts_and_round_trips() -> None:
    one = AgentCoverage.empty(desk.universe).add(desk.hits(events_of(moves(("begin", "greet"), ("greet", "bye")))))
    two = AgentCoverage.empty(desk.universe).add(desk.hits(events_of(moves(("begin", "greet"), ("greet", "help")))))
    both = one.merge(two)
    assert both.conversations == 2
    assert both.count("nodes") == (3, 7) and both.count("edges") == (2, 10) and both.count("tools") == (0, 1)
    assert both.missed("nodes") == ["intake", "look up", "intake/ask", "intake/done"]
    assert both.covered("edges") == ["greet → bye", "(global) → help"]
    assert both.totals == (5, 18) and both.percent == pytest.approx(100 * 5 / 18)
    assert AgentCoverage.from_dict(both.to_dict()) == both
    assert Universe.from_dict(desk.universe.to_dict()) == desk.universe


def test_an_engine_with_nothing_to_cover_has_no_percentage() -> None:
    empty = EngineMap.of_llm({"general_prompt": "x"})
    assert AgentCoverage.empty(empty.universe).percent is None
    assert [AgentCoverage.empty(empty.universe).count(d) for d in DIMENSIONS] == [(0, 0)] * 5


def test_agent_maps_measure_each_agent_of_a_stack_against_its_engine() -> None:
    insurance = SharedComponent(name="insurance").node(EndNode(name="covered")).start_at("covered")
    flow = (
        ConversationFlow(name="f", model="gpt-4.1")
        .node(ComponentNode(name="ins", component=insurance).otherwise("bye"), EndNode(name="bye"))
        .start_at("ins")
    )
    stack = Stack(name="s").add(
        ChatAgent(name="chat", engine=flow),
        Agent(name="line", voice="11labs-Adrian", engine=flow),
        ChatAgent(name="bills", engine=BILLING),
    )
    maps = agent_maps(compile(stack))
    assert sorted(maps) == ["agent.line", "chat_agent.bills", "chat_agent.chat"]
    assert maps["agent.line"] is maps["chat_agent.chat"]  # one engine, one map
    assert maps["chat_agent.bills"].universe.kind == "retell_llm"
    assert list(maps["chat_agent.chat"].universe.items["nodes"]) == ["ins", "bye", "component.insurance/covered"]
    hits = maps["chat_agent.chat"].hits(events_of(moves(("begin", "ins"), ("ins", "covered"), ("covered", "bye"))))
    assert hits["edges"] == {"ins->component.insurance/covered", "ins->bye"}


def test_flow_graph_marks_nodes_covered_or_missed() -> None:
    marks: dict[str, Any] = {"greet": "covered", "component-intake/ask": "missed"}
    text = flow_graph(DESK, marks=marks)
    assert "    class n_greet covered" in text and "    class n_component_intake_ask missed" in text
    dot = flow_graph(DESK, "dot", marks=marks)
    assert '"greet" [label="greet\\nconversation", shape=box, style="rounded,filled", fillcolor="#c8e6c9"];' in dot
    with pytest.raises(InvalidArgument, match="'covered' or 'missed'"):
        flow_graph(DESK, marks={"greet": "green"})  # type: ignore[dict-item]
