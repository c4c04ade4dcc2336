"""Flow structure: edge slots, sentinels, go-back edges, node lists (retell-runtime.md §3)."""

from __future__ import annotations

from typing import Any

import pytest

from retell_dsl.builders.flow import (
    AgentSwapNode,
    BranchNode,
    ComponentNode,
    ConversationFlow,
    ConversationNode,
    EndNode,
    GlobalNode,
    SMSNode,
    TransferNode,
)
from retell_dsl.compiler import raw_payload
from retell_dsl.wire.flow import (
    EDGE_SLOTS,
    SENTINELS,
    FlowEdge,
    destinations,
    flow_nodes,
    go_back_edges,
    is_sentinel,
    node_edges,
    sentinel_for,
)


@pytest.mark.parametrize(
    ("node_type", "slot", "expected"),
    [
        ("conversation", "else_edge", "Else"),
        ("branch", "else_edge", "Else"),
        ("component", "else_edge", "Else"),
        ("conversation", "always_edge", "Always"),
        ("conversation", "skip_response_edge", "Skip response"),
        ("transfer_call", "edge", "Transfer failed"),
        ("agent_swap", "edge", "Transfer failed"),
        ("sms", "success_edge", "Sent successfully"),
        ("sms", "failed_edge", "Failed to send"),
        ("conversation", "edge", None),  # only transfers and swaps have a failure edge
        ("conversation", "edges", None),
        ("conversation", "go_back_conditions", None),
        (None, "edge", None),
    ],
)
def test_sentinel_for(node_type: str | None, slot: str, expected: str | None) -> None:
    assert sentinel_for(node_type, slot) == expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        *(({"type": "prompt", "prompt": s}, True) for s in SENTINELS),
        ({"type": "prompt", "prompt": "else"}, False),
        ({"type": "prompt", "prompt": "Else "}, False),
        ({"type": "prompt", "prompt": "The caller is done"}, False),
        ({"type": "equation", "prompt": "Else"}, False),
        ({"prompt": "Else"}, False),
        ("Else", False),
        (None, False),
    ],
)
def test_is_sentinel(condition: object, expected: bool) -> None:
    assert is_sentinel(condition) is expected


def test_node_edges_lists_edges_then_every_slot_in_order() -> None:
    node: dict[str, Any] = {"edges": [{"id": "e0"}, "junk", {"id": "e2"}]}
    node.update({slot: {"id": slot} for slot in reversed(EDGE_SLOTS)})
    node["global_node_setting"] = {"go_back_conditions": [{"id": "back"}]}
    got = list(node_edges(node))
    assert [e.path for e in got] == ["edges[0]", "edges[2]", *EDGE_SLOTS]
    assert [e.edge["id"] for e in got] == ["e0", "e2", *EDGE_SLOTS]
    assert got[0] == FlowEdge("edges", 0, {"id": "e0"})


@pytest.mark.parametrize(
    "node",
    [{}, {"edges": None}, {"edges": "x"}, {"else_edge": None}, {"else_edge": []}, {"type": "end"}],
)
def test_node_edges_of_nodes_without_edges(node: dict[str, Any]) -> None:
    assert list(node_edges(node)) == []
    assert destinations(node) == ()


def test_go_back_edges() -> None:
    node = {"global_node_setting": {"condition": "c", "go_back_conditions": [{"id": "a"}, 1, {"id": "b"}]}}
    assert [(e.path, e.edge["id"]) for e in go_back_edges(node)] == [
        ("go_back_conditions[0]", "a"),
        ("go_back_conditions[2]", "b"),
    ]
    for bad in ({}, {"global_node_setting": None}, {"global_node_setting": {"go_back_conditions": None}}):
        assert list(go_back_edges(bad)) == []


def test_flow_nodes_walks_the_flow_then_each_local_component() -> None:
    flow = {
        "nodes": [{"id": "a"}, "junk", {"id": "b"}],
        "components": [{"name": "c0", "nodes": [{"id": "x"}]}, "junk", {"name": "c2"}, {"nodes": [{"id": "y"}]}],
    }
    assert [(i, n["id"]) for i, n in flow_nodes(flow)] == [(None, "a"), (None, "b"), (0, "x"), (3, "y")]
    assert list(flow_nodes({})) == []


def test_the_compiler_writes_exactly_the_sentinels_the_wire_module_expects() -> None:
    flow = (
        ConversationFlow(name="f", start_speaker="agent", model="gpt-4.1")
        .node(ConversationNode(name="talk", prompt="Hi").to("bye", when="done").otherwise("bye"))
        .node(ConversationNode(name="quick", prompt="Hi").always("bye"))
        .node(ConversationNode(name="skip", static_text="Hi").skip_response("bye"))
        .node(BranchNode(name="branch").otherwise("bye"))
        .node(TransferNode(name="xfer", destination="+14155550100").on_transfer_failed("bye"))
        .node(AgentSwapNode(name="swap", agent="agent_123").on_swap_failed("bye"))
        .node(SMSNode(name="sms", text="Hi").on_sent("bye").on_send_failed("bye"))
        .node(ComponentNode(name="comp", component="cfc_1", shared=True).otherwise("bye"))
        .node(EndNode(name="bye", global_node=GlobalNode(condition="bye", go_back=("back",))))
        .start_at("talk")
    )
    payload = raw_payload(flow)
    slots_seen = set()
    for _, node in flow_nodes(payload):
        for e in node_edges(node):
            expected = sentinel_for(node["type"], e.slot)
            cond = e.edge["transition_condition"]
            if expected is None:
                assert not is_sentinel(cond), (node["id"], e.path)
            else:
                assert cond == {"type": "prompt", "prompt": expected}, (node["id"], e.path)
                slots_seen.add(e.slot)
            assert e.edge["destination_node_id"] == "bye"
        assert [b.edge["id"] for b in go_back_edges(node)] == (["go-back-0"] if node["id"] == "bye" else [])
    assert slots_seen == set(EDGE_SLOTS)
    assert destinations(payload["nodes"][0]) == ("bye", "bye")
