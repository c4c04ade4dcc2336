"""Flow and stack diagrams: snapshots, labels, escaping, and that nothing of a flow is lost."""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from syrupy.assertion import SnapshotAssertion

from retell_dsl import compile
from retell_dsl.errors import InvalidArgument
from retell_dsl.graph import condition_label, dot_text, flow_graph, mermaid_text, shorten, stack_graph

EXAMPLES = ["clinic_receptionist", "outbound_reminders", "support_agent"]
FORMATS = ["mermaid", "dot"]


def _clinic_flow() -> Any:
    return importlib.import_module("examples.clinic_receptionist").flow


@pytest.mark.parametrize("fmt", FORMATS)
def test_clinic_flow_graph_snapshot(fmt: str, snapshot: SnapshotAssertion) -> None:
    text = flow_graph(_clinic_flow(), fmt)  # type: ignore[arg-type]
    assert text == snapshot
    assert flow_graph(_clinic_flow(), fmt) == text  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", EXAMPLES)
def test_example_stack_graph_snapshot(name: str, fmt: str, snapshot: SnapshotAssertion) -> None:
    stack = importlib.import_module(f"examples.{name}").stack
    text = stack_graph(stack, fmt)  # type: ignore[arg-type]
    assert text == snapshot
    assert stack_graph(compile(stack), fmt) == text  # type: ignore[arg-type]


def test_spec_and_payload_give_the_same_drawing_but_the_title() -> None:
    flow = _clinic_flow()
    from_spec = flow_graph(flow)
    from_payload = flow_graph(dict(compile(flow)))
    assert from_spec.startswith('---\ntitle: "receptionist"\n---\n')
    assert from_spec.removeprefix('---\ntitle: "receptionist"\n---\n') == from_payload


def test_clinic_flow_shows_types_start_global_and_special_edges() -> None:
    text = flow_graph(_clinic_flow())
    assert 'n___start__ -->|"agent speaks first"| n_greet' in text
    assert 'n_route_slots{"route slots<br/>branch"}' in text
    assert 'n_goodbye(["goodbye<br/>end"])' in text
    assert 'n_front_desk{{"front desk<br/>transfer call<br/>global: The caller asks for a human"}}' in text
    assert "class n_front_desk global" in text
    assert 'n_check_slots[["check slots<br/>function: check_availability"]]' in text
    for label in ("Else", "Always", "Transfer failed", "Sent", "Failed to send", "{{preferred_date}} exists"):
        assert f'|"{label}"|' in text, label
    assert 'n_no_slots ==>|"Always"| n_collect_date' in text


@pytest.mark.parametrize(
    ("condition", "label"),
    [
        ({"type": "prompt", "prompt": "Caller is done"}, "Caller is done"),
        ({"type": "prompt", "prompt": "x " * 40}, "x x x x x x x x x x x x x x x x x x x x…"),
        ({"type": "equation", "operator": "&&", "equations": [{"left": "{{date}}", "operator": "exists"}]},
         "{{date}} exists"),
        ({"type": "equation", "operator": "&&", "equations": [{"left": "a", "operator": "==", "right": "1"},
                                                              {"left": "b", "operator": "!=", "right": "2"}]},
         "a == 1 && b != 2"),
        ({"type": "equation", "operator": "||", "equations": [{"left": "{{x}}", "operator": "not_exist"},
                                                              {"left": "{{city}}", "operator": "contains",
                                                               "right": "New York"}]},
         '{{x}} does not exist || {{city}} contains "New York"'),
        ({"type": "equation", "operator": "&&", "equations": [{"left": "{{n}}", "operator": ">=", "right": "{{m}}"}]},
         "{{n}} >= {{m}}"),
        ({"type": "equation_prompt", "operator": "&&", "equations": [{"left": "{{vip}}", "operator": "==",
                                                                      "right": "true"}],
          "prompt_condition": {"type": "prompt", "prompt": "asks for a manager"}},
         "{{vip}} == true && asks for a manager"),
        ("The caller is angry", "The caller is angry"),
        (None, ""),
    ],
)  # fmt: skip
def test_condition_labels(condition: object, label: str) -> None:
    assert condition_label(condition) == label


def test_shorten_cuts_at_a_word_and_flattens_whitespace() -> None:
    assert shorten("a\n\tb") == "a b"
    assert shorten("word " * 20, width=12) == "word word…"
    assert len(shorten("x" * 100)) == 40


def test_mermaid_and_dot_escaping() -> None:
    nasty = 'say "hi" | <b>#1</b> & `x`'
    assert mermaid_text(nasty) == "say #quot;hi#quot; #124; #lt;b#gt;#35;1#lt;/b#gt; #amp; #96;x#96;"
    assert mermaid_text("two\nlines") == "two lines"
    assert dot_text('a "b" \\ c\nd') == 'a \\"b\\" \\\\ c d'


def _payload(nodes: list[dict[str, Any]], **top: Any) -> dict[str, Any]:
    return {"start_speaker": "agent", "nodes": nodes, **top}


def test_special_edges_with_custom_conditions_and_dangling_edges() -> None:
    payload = _payload([
        {"id": "a", "type": "conversation", "name": "A",
         "else_edge": {"id": "e", "transition_condition": {"type": "prompt", "prompt": "Nothing else fits"},
                       "destination_node_id": "b"},
         "edges": [{"id": "x", "transition_condition": {"type": "prompt", "prompt": "not wired"}}]},
        {"id": "b", "type": "sms", "success_edge": {"id": "s", "transition_condition": {"type": "prompt",
                                                    "prompt": "Sent successfully"}, "destination_node_id": "a"},
         "skip_response_edge": {"id": "k", "transition_condition": {"type": "prompt", "prompt": "Skip response"},
                                "destination_node_id": "a"}},
    ])  # fmt: skip
    dot = flow_graph(payload, "dot")
    assert '"a" -> "b" [label="Nothing else fits", style=dashed];' in dot
    assert '"b" -> "a" [label="Sent"];' in dot
    assert '"b" -> "a" [label="Skip response", style=bold];' in dot
    assert "not wired" not in dot
    assert '"b" [label="b\\nsms", shape=cds];' in dot  # no name: the id
    assert "__start__" not in dot  # no start node id


def test_local_components_of_a_fetched_flow_are_resolved_by_name_or_own_id() -> None:
    # flows made outside retell-dsl need not use our derived "component-<slug>" ids
    def comp(name: str, **extra: str) -> dict[str, Any]:
        return {"name": name, "start_node_id": "ask", "nodes": [{"id": "ask", "type": "end"}], **extra}

    def use(node: str, cid: str) -> dict[str, Any]:
        return {"id": node, "name": node, "type": "component", "component_type": "local", "component_id": cid}

    payload = {
        "start_node_id": "a",
        "components": [comp("Intake"), comp("Billing", id="cmp_9")],
        "nodes": [use("a", "Intake"), use("b", "cmp_9")],
    }
    dot = flow_graph(payload, format="dot")
    assert '"a" [label="a\\ncomponent: Intake"' in dot
    assert '"b" [label="b\\ncomponent: Billing"' in dot
    assert '"a" -> "component-intake/ask" [label="runs", style=dashed];' in dot
    assert '"b" -> "cmp_9/ask" [label="runs", style=dashed];' in dot


def test_local_components_are_subgraphs_and_shared_ones_are_nodes() -> None:
    from retell_dsl import Component, ComponentNode, ConversationFlow, ConversationNode, EndNode

    comp = Component(
        name="Collect insurance",
        nodes=(ConversationNode(name="ask", prompt="Ask for the insurer.").always("done"), EndNode(name="done")),
        start_node="ask",
    )
    flow = (
        ConversationFlow(name="f", start_speaker="agent", model="gpt-4.1")
        .component(comp)
        .node(ComponentNode(name="intake", component="Collect insurance").otherwise("shared"))
        .node(ComponentNode(name="shared", component="comp_123", shared=True).otherwise("bye"))
        .node(EndNode(name="bye"))
        .start_at("intake")
    )
    dot = flow_graph(flow, "dot")
    assert 'subgraph "cluster_component-collect-insurance" {' in dot
    assert '"component-collect-insurance/ask" -> "component-collect-insurance/done" [label="Always"' in dot
    assert '"intake" -> "component-collect-insurance/ask" [label="runs", style=dashed];' in dot
    assert 'label="shared\\ncomponent: comp_123 (shared)", shape=component' in dot
    mermaid = flow_graph(flow)
    assert 'subgraph g_component_collect_insurance ["component: Collect insurance"]' in mermaid


def test_bad_inputs_are_reported() -> None:
    with pytest.raises(InvalidArgument, match="unknown graph format 'svg'"):
        flow_graph(_payload([]), "svg")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="expects a ConversationFlow"):
        flow_graph(42)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- every node and edge appears

_TEXT = st.lists(st.sampled_from([*'ab -_."|[]{}()<>#&;:%`\\\nxyz', "end", "é"]), max_size=8).map("".join)
_TYPES = st.sampled_from(
    ["conversation", "branch", "end", "transfer_call", "function", "code", "mcp", "sms", "extract_dynamic_variables",
     "press_digit", "component", "agent_swap", "subagent"]
)  # fmt: skip
_CONDITION = st.one_of(
    st.builds(lambda p: {"type": "prompt", "prompt": p}, _TEXT),
    st.builds(lambda left, right: {"type": "equation", "operator": "&&",
                                   "equations": [{"left": left, "operator": "==", "right": right}]}, _TEXT, _TEXT),
)  # fmt: skip


@st.composite
def _flows(draw: st.DrawFn) -> dict[str, Any]:
    ids = draw(st.lists(_TEXT.filter(bool), min_size=1, max_size=6, unique=True))
    nodes = []
    for nid in ids:
        node: dict[str, Any] = {"id": nid, "type": draw(_TYPES), "name": draw(_TEXT)}
        node["edges"] = [
            {"id": f"{nid}.{i}", "transition_condition": draw(_CONDITION),
             "destination_node_id": draw(st.sampled_from(ids))}
            for i in range(draw(st.integers(0, 3)))
        ]  # fmt: skip
        if draw(st.booleans()):
            node["else_edge"] = {"id": f"{nid}.else", "transition_condition": {"type": "prompt", "prompt": "Else"},
                                 "destination_node_id": draw(st.sampled_from(ids))}  # fmt: skip
        if draw(st.booleans()):
            node["global_node_setting"] = {"condition": draw(_TEXT)}
        nodes.append(node)
    return _payload(nodes, start_node_id=ids[0])


def _edges(payload: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for n in payload["nodes"]:
        out += [(n["id"], e["destination_node_id"]) for e in n["edges"]]
        if "else_edge" in n:
            out.append((n["id"], n["else_edge"]["destination_node_id"]))
    return out


@settings(max_examples=60, deadline=None)
@given(_flows())
def test_every_node_and_edge_of_a_flow_appears(payload: dict[str, Any]) -> None:
    dot = flow_graph(payload, "dot")
    for n in payload["nodes"]:
        assert f'\n    "{dot_text(n["id"])}" [label=' in dot
    drawn = re.findall(r'^    "((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)"', dot, re.MULTILINE)
    expected = [("__start__", dot_text(payload["start_node_id"]))]
    expected += [(dot_text(a), dot_text(b)) for a, b in _edges(payload)]
    assert drawn == expected
    mermaid = flow_graph(payload)
    arrows = [line for line in mermaid.splitlines() if re.match(r"    n_\w+ (-->|-\.->|==>)", line)]
    assert len(arrows) == len(expected)
    assert flow_graph(payload) == mermaid  # deterministic


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("name", EXAMPLES)
def test_dot_output_is_accepted_by_graphviz(name: str, tmp_path: Path) -> None:
    stack = importlib.import_module(f"examples.{name}").stack
    texts = [stack_graph(stack, "dot")]
    texts += [flow_graph(dict(r.payload), "dot") for r in compile(stack).resources if r.kind == "conversation_flow"]
    for i, text in enumerate(texts):
        path = tmp_path / f"{i}.dot"
        path.write_text(text, encoding="utf-8")
        subprocess.run(["dot", "-Tsvg", str(path), "-o", str(tmp_path / f"{i}.svg")], check=True)
