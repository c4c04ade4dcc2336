"""Derived ids and local component resolution, for our own flows and for flows made elsewhere."""

from __future__ import annotations

from typing import Any

import pytest

from retell_dsl.builders._base import slug as builders_slug
from retell_dsl.builders.flow import Component, ComponentNode, ConversationFlow, ConversationNode, EndNode
from retell_dsl.compiler import raw_payload
from retell_dsl.wire.ids import (
    component_id_of,
    edge_id,
    local_component_id,
    local_components,
    node_id,
    resolve_component,
    slug,
    tool_id,
)

NAMES = ["Greet caller", "Greet the Caller!", "  ", "", "Ünïcode", "a--b", "ALL CAPS 42", "book_slot", "x"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Greet caller", "greet-caller"),
        ("Greet the Caller!", "greet-the-caller"),
        ("  ", "x"),
        ("", "x"),
        ("Ünïcode", "n-code"),
        ("a--b", "a-b"),
        ("ALL CAPS 42", "all-caps-42"),
        ("book_slot", "book-slot"),
    ],
)
def test_slug(name: str, expected: str) -> None:
    assert slug(name) == expected


@pytest.mark.parametrize("name", NAMES)
def test_slug_agrees_with_the_builders_copy(name: str) -> None:
    # builders._base keeps its own slug until it imports this one
    assert slug(name) == builders_slug(name)


def test_derived_ids() -> None:
    assert node_id("Greet caller") == "greet-caller"
    assert edge_id("greet-caller", "edge-0") == "greet-caller.edge-0"
    assert tool_id("Book slot") == "tool-book-slot"
    assert local_component_id("Collect info") == "component-collect-info"


@pytest.mark.parametrize(
    ("component", "expected"),
    [
        ({"name": "Collect info"}, "component-collect-info"),
        ({"name": "x", "id": "cmp_1"}, "cmp_1"),
        ({"name": "x", "component_id": "cmp_2", "id": "cmp_1"}, "cmp_2"),
        ({"name": "x", "id": ""}, "component-x"),
        ({"name": "x", "id": 7}, "component-x"),
        ({}, "component-x"),
    ],
)
def test_component_id_of(component: dict[str, Any], expected: str) -> None:
    assert component_id_of(component) == expected


FETCHED = {
    "components": [
        {"name": "Intake", "nodes": []},
        {"name": "Billing", "id": "cmp_9", "nodes": []},
        {"name": "component-intake", "nodes": []},  # a name that looks like a derived id
        {"name": "Escalation", "component_id": "Intake", "nodes": []},  # an explicit id equal to another's name
        "junk",
    ]
}


@pytest.mark.parametrize(
    ("component_id", "expected"),
    [
        ("cmp_9", "Billing"),  # explicit id key
        ("Intake", "Escalation"),  # an explicit id wins over a name
        ("component-intake", "Intake"),  # the derived id wins over a name
        ("component-billing", "Billing"),
        ("component-component-intake", "component-intake"),
        ("Billing", "Billing"),  # exact name
        ("billing", None),  # names are not normalised
        ("component-nope", None),
        ("", None),
    ],
)
def test_resolve_component(component_id: str, expected: str | None) -> None:
    found = resolve_component(FETCHED, component_id)
    assert (found["name"] if found is not None else None) == expected


@pytest.mark.parametrize("flow", [{}, {"components": None}, {"components": "x"}, {"components": [1, None]}])
def test_resolve_component_without_components(flow: dict[str, Any]) -> None:
    assert resolve_component(flow, "component-x") is None
    assert local_components(flow) == {}


def test_local_components_maps_every_local_reference() -> None:
    flow = {
        **FETCHED,
        "nodes": [
            {"id": "a", "type": "component", "component_type": "local", "component_id": "cmp_9"},
            {"id": "b", "type": "component", "component_type": "local", "component_id": "Intake"},
            {"id": "c", "type": "component", "component_type": "local", "component_id": "gone"},
            {"id": "d", "type": "component", "component_type": "shared", "component_id": "Billing"},
            {"id": "e", "type": "conversation", "component_id": "Billing"},
            {"id": "f", "type": "component", "component_id": "component-intake"},  # no type: local
        ],
    }
    got = {cid: c["name"] for cid, c in local_components(flow).items()}
    assert got == {"cmp_9": "Billing", "Intake": "Escalation", "component-intake": "Intake"}


def test_the_compiler_ids_resolve_to_their_components() -> None:
    comp = Component(name="Collect info").node(EndNode(name="done"))
    flow = (
        ConversationFlow(name="f", start_speaker="agent", model="gpt-4.1")
        .component(comp)
        .node(ConversationNode(name="Greet caller", prompt="Hi").to("use", when="now").otherwise("use"))
        .node(ComponentNode(name="use", component="Collect info").otherwise("Greet caller"))
        .start_at("Greet caller")
    )
    payload = raw_payload(flow)
    greet, use = payload["nodes"]
    assert greet["id"] == node_id("Greet caller")
    assert [e["id"] for e in greet["edges"]] == [edge_id(greet["id"], "edge-0")]
    assert greet["else_edge"]["id"] == edge_id(greet["id"], "else")
    assert use["component_id"] == local_component_id("Collect info")
    assert resolve_component(payload, use["component_id"]) is payload["components"][0]
    assert list(local_components(payload)) == [use["component_id"]]
