"""Shared conversation-flow components through the official SDK: create, get, update, list, delete-in-use."""

from __future__ import annotations

import re
from typing import Any

import pytest
import retell

from retell_dsl.emulator import ManualClock
from tests.emulator.conftest import Api
from tests.emulator.helpers import call_kw

NODES: list[dict[str, Any]] = [
    {"id": "ask", "type": "conversation", "instruction": {"type": "prompt", "text": "Ask for the date of birth."},
     "edges": [{"id": "e1", "transition_condition": {"type": "prompt", "prompt": "Date given"},
                "destination_node_id": "done"}]},
    {"id": "done", "type": "end", "instruction": {"type": "static_text", "text": "Thanks."}},
]  # fmt: skip


def _component(api: Api, **overrides: Any) -> Any:
    body = {"name": "Verify identity", "nodes": NODES, "start_node_id": "ask", **overrides}
    return call_kw(api, "conversation_flow_component.create", **body)


def _flow_using(api: Api, component_id: str) -> Any:
    nodes = [
        {"id": "verify", "type": "component", "component_type": "shared", "component_id": component_id,
         "else_edge": {"id": "e_else", "transition_condition": {"type": "prompt", "prompt": "Else"},
                       "destination_node_id": "bye"}},
        {"id": "bye", "type": "end"},
    ]  # fmt: skip
    return api.call("conversation_flow.create", start_speaker="agent", start_node_id="verify", nodes=nodes)


def test_create_and_get(api: Api) -> None:
    comp = _component(api, flex_mode=False)
    assert comp.conversation_flow_component_id.startswith("conversation_flow_component_")
    assert (comp.name, comp.start_node_id, comp.flex_mode, comp.linked_conversation_flow_ids) == (
        "Verify identity",
        "ask",
        False,
        [],
    )
    assert comp.user_modified_timestamp == api.emu.clock.now_ms()
    got = api.call("conversation_flow_component.retrieve", comp.conversation_flow_component_id)
    assert [n.id for n in got.nodes] == ["ask", "done"]
    assert got.nodes[1].instruction.text == "Thanks."


def test_update_is_partial(api: Api) -> None:
    clock = api.emu.clock
    assert isinstance(clock, ManualClock)
    comp = _component(api)
    clock.advance(500)
    updated = call_kw(api, "conversation_flow_component.update", comp.conversation_flow_component_id, name="Verify v2")
    assert (updated.name, [n.id for n in updated.nodes], updated.start_node_id) == ("Verify v2", ["ask", "done"], "ask")
    assert updated.user_modified_timestamp == comp.user_modified_timestamp + 500
    assert api.call("conversation_flow_component.retrieve", comp.conversation_flow_component_id).name == "Verify v2"


def test_invalid_nodes_are_rejected_without_changes(api: Api) -> None:
    comp = _component(api)
    before = api.emu.dump()
    with pytest.raises(retell.BadRequestError) as err:
        _component(api, nodes=[*NODES, {"id": "done", "type": "end"}], start_node_id="nowhere")
    assert "nodes[2].id 'done' is used by another node" in str(err.value)
    assert "start_node_id 'nowhere' is not a node id" in str(err.value)
    with pytest.raises(retell.BadRequestError, match="'missing' is not a node id"):
        broken = [{**NODES[0], "edges": [{**NODES[0]["edges"][0], "destination_node_id": "missing"}]}, NODES[1]]
        api.call("conversation_flow_component.update", comp.conversation_flow_component_id, nodes=broken)
    with pytest.raises(retell.BadRequestError, match="nodes: missing required field"):
        api.call("post", "/create-conversation-flow-component", body={"name": "x"}, cast_to=object)
    assert api.emu.dump() == before


def test_list_paginates(api: Api) -> None:
    ids = [_component(api, name=f"C{i}").conversation_flow_component_id for i in range(5)]
    seen: list[str] = []
    key: str | None = None
    while True:
        extra = {"pagination_key": key} if key else {}
        page = api.call("conversation_flow_component.list", limit=2, sort_order="ascending", **extra)
        seen += [c.conversation_flow_component_id for c in page.items]
        if not page.has_more:
            break
        key = page.pagination_key
    assert seen == ids
    assert [c.name for c in api.call("conversation_flow_component.list").items] == ["C4", "C3", "C2", "C1", "C0"]


def test_delete_is_refused_while_a_flow_uses_the_component(api: Api) -> None:
    comp = _component(api)
    ident = comp.conversation_flow_component_id
    flow = _flow_using(api, ident)
    got = api.call("conversation_flow_component.retrieve", ident)
    assert got.linked_conversation_flow_ids == [flow.conversation_flow_id]
    before = api.emu.dump()
    in_use = re.escape(f"is used by conversation flow(s) {flow.conversation_flow_id}")
    with pytest.raises(retell.BadRequestError, match=in_use):
        api.call("conversation_flow_component.delete", ident)
    assert api.emu.dump() == before
    api.call("conversation_flow.delete", flow.conversation_flow_id)
    api.call("conversation_flow_component.delete", ident)
    for method, kwargs in (("retrieve", {}), ("update", {"name": "x"}), ("delete", {})):
        with pytest.raises(retell.NotFoundError, match="Cannot find requested asset"):
            call_kw(api, f"conversation_flow_component.{method}", ident, **kwargs)


def test_a_local_component_embedding_a_shared_one_also_counts(api: Api) -> None:
    ident = _component(api).conversation_flow_component_id
    shared_node = {"id": "inner", "type": "component", "component_type": "shared", "component_id": ident,
                   "else_edge": {"id": "e", "transition_condition": {"type": "prompt", "prompt": "Else"}}}  # fmt: skip
    flow = api.call(
        "conversation_flow.create",
        start_speaker="agent",
        nodes=[{"id": "bye", "type": "end"}],
        components=[{"name": "Wrapper", "nodes": [shared_node]}],
    )
    with pytest.raises(retell.BadRequestError, match=flow.conversation_flow_id):
        api.call("conversation_flow_component.delete", ident)
