"""Property: whatever arrives at any route, the emulator answers like Retell and changes nothing.

Malformed JSON, wrong types, missing and unknown fields, huge and unicode strings, wrong
content types and bad paths, at every route the router knows: never a 500, never a
traceback, an error body of Retell's shape, and state unchanged after every rejection.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retell_dsl.emulator import Emulator, EmuRequest, ManualClock

EMU = Emulator(clock=ManualClock())
KEY = EMU.api_key
ROUTES = sorted({(r.method, r.template) for r in EMU.router.routes})


def _seed(emu: Emulator) -> dict[str, str]:
    """Create one object of each main kind so path ids can hit real objects."""
    c = emu.client()
    llm = c.llm.create(general_prompt="p")
    agent = c.agent.create(response_engine={"type": "retell-llm", "llm_id": llm.llm_id}, voice_id="11labs-Adrian")
    flow = c.conversation_flow.create(
        start_speaker="agent", nodes=[{"id": "end", "type": "end", "instruction": {"type": "static_text", "text": "x"}}]
    )
    return {"llm_id": llm.llm_id, "agent_id": agent.agent_id, "conversation_flow_id": flow.conversation_flow_id}


IDS = _seed(EMU)

json_scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.floats(allow_nan=False) | st.text()
json_values = st.recursive(
    json_scalars | st.text(min_size=2000, max_size=5000),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=4),
    max_leaves=12,
)
field_names = st.sampled_from(
    ["response_engine", "voice_id", "nodes", "version", "agent_id", "limit", "tasks", "filter_criteria",
     "phone_number", "from_number", "to_number", "states", "general_tools", "metadata", "base_version",
     "knowledge_base_name", "inbound_agents", "name", "start_speaker", "model_config"]
) | st.text(max_size=30)  # fmt: skip
bodies = (
    st.binary(max_size=200)
    | st.just(b"{")
    | st.just(b'{"a":')
    | json_values.map(lambda v: json.dumps(v).encode())
    | st.dictionaries(field_names, json_values, max_size=6).map(lambda d: json.dumps(d).encode())
)
path_values = st.sampled_from([*IDS.values(), "+14155550100", "%2B1415", "..", "a/b", "0", "-1"]) | st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="/?#"), min_size=1, max_size=300
)
content_types = st.sampled_from(
    [
        "application/json",
        "text/plain",
        "multipart/form-data",
        "multipart/form-data; boundary=xyz",
        "",
        "application/xml",
    ]
)
queries = st.dictionaries(
    st.sampled_from(["version", "limit", "pagination_key", "sort_order", "force_delete", "skip", "type"]),
    st.text(max_size=20) | st.integers(-5, 5000).map(str),
    max_size=3,
)


def _fill(template: str, value: str) -> str:
    return re.sub(r"\{[a-z_]+\}", lambda m: value, template)


def _assert_retell_shaped(resp_status: int, body: bytes) -> None:
    assert resp_status != 500, body
    assert resp_status < 500 or resp_status == 501, (resp_status, body)
    assert b"Traceback" not in body
    if resp_status >= 400:
        payload = json.loads(body)
        assert payload["status"] == "error"
        assert isinstance(payload["message"], str) and payload["message"]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    route=st.sampled_from(ROUTES),
    path_value=path_values,
    body=bodies,
    content_type=content_types,
    query=queries,
)
def test_any_input_at_any_route_is_answered_cleanly(
    route: tuple[str, str], path_value: str, body: bytes, content_type: str, query: dict[str, str]
) -> None:
    method, template = route
    before = EMU.dump()
    from urllib.parse import urlencode

    req = EmuRequest.build(
        method,
        _fill(template, path_value),
        urlencode(query),
        {"authorization": f"Bearer {KEY}", "content-type": content_type},
        body,
    )
    resp = EMU.handle(req)
    _assert_retell_shaped(resp.status, resp.body)
    if resp.status >= 400:
        assert EMU.dump() == before, f"{method} {template} changed state while answering {resp.status}"


@settings(max_examples=300, deadline=None)
@given(path=st.text(max_size=200), method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]))
def test_unknown_paths_answer_501_naming_method_and_path(path: str, method: str) -> None:
    full = "/zz-not-an-endpoint/" + path.replace("?", "").replace("#", "")
    resp = EMU.handle(EmuRequest(method, full, {}, {"authorization": f"Bearer {KEY}"}, b""))
    assert resp.status == 501
    assert f"does not implement {method} " in resp.json()["message"]


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer wrong", f"Basic {KEY}", f"bearer {KEY}x"],
    ids=["none", "no-key", "wrong-key", "basic-scheme", "key-plus-x"],  # the key is random: stable ids for xdist
)
@pytest.mark.parametrize(("method", "template"), ROUTES[:: max(1, len(ROUTES) // 12)])
def test_wrong_or_missing_key_is_401_everywhere(header: str | None, method: str, template: str) -> None:
    headers = {} if header is None else {"authorization": header}
    resp = EMU.handle(EmuRequest(method, _fill(template, "x"), {}, headers, b"{}"))
    assert resp.status == 401
    assert resp.json() == {"status": "error", "message": "API key is missing or invalid."}


def test_every_route_rejects_a_wrong_typed_body_with_a_field_message() -> None:
    """A body that is a JSON array is refused by every JSON route with a readable message."""
    seen: dict[str, Any] = {}
    for method, template in ROUTES:
        if method not in ("POST", "PATCH", "PUT"):
            continue
        req = EmuRequest.build(
            method,
            _fill(template, IDS["agent_id"]),
            "",
            {"authorization": f"Bearer {KEY}", "content-type": "application/json"},
            b"[1, 2]",
        )
        resp = EMU.handle(req)
        seen[f"{method} {template}"] = resp.status
        _assert_retell_shaped(resp.status, resp.body)
    assert seen, "no write routes were found"
    assert all(400 <= s < 500 or s == 501 for s in seen.values()), seen


# --------------------------------------------------------------------------- the emulator's extension routes

EXT_EMU = Emulator(clock=ManualClock())
EXT_IDS = _seed(EXT_EMU)
EXTENSION_ROUTES = [(m, t) for m, t in ROUTES if t.startswith("/_emulator/")]


def _extension_setup() -> str:
    from tests.emulator.call_fakes import ScriptEngine, script

    EXT_EMU.use_engine(ScriptEngine())
    EXT_EMU.add_phone_user("+14155550100", script({"hang_up": True}))
    return EXT_EMU.client().call.create_web_call(agent_id=EXT_IDS["agent_id"]).call_id


EXT_CALL = _extension_setup()


def test_the_extension_routes_are_in_the_table_these_properties_cover() -> None:
    assert {t for _, t in EXTENSION_ROUTES} == {
        "/_emulator/phone-users",
        "/_emulator/phone-users/{number}",
        "/_emulator/web-calls/{call_id}/join",
        "/_emulator/inbound-calls",
        "/_emulator/calls/{call_id}/events",
    }


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    route=st.sampled_from(EXTENSION_ROUTES),
    path_value=st.sampled_from(["+14155550100", EXT_CALL, "+1415", "x"]) | path_values,
    body=bodies,
    content_type=content_types,
)
def test_any_input_at_an_extension_route_with_an_engine_is_answered_cleanly(
    route: tuple[str, str], path_value: str, body: bytes, content_type: str
) -> None:
    method, template = route
    EXT_EMU.wait_idle(10)
    before = EXT_EMU.dump()
    headers = {"authorization": f"Bearer {EXT_EMU.api_key}", "content-type": content_type}
    resp = EXT_EMU.handle(EmuRequest.build(method, _fill(template, path_value), "", headers, body))
    _assert_retell_shaped(resp.status, resp.body)
    if resp.status >= 400:
        EXT_EMU.wait_idle(10)
        assert EXT_EMU.dump() == before, f"{method} {template} changed state while answering {resp.status}"
