"""``filter_criteria`` of ``POST /v3/list-calls``: every key and every primitive, table-driven."""

from __future__ import annotations

from typing import Any

import pytest
import retell

from retell_dsl.emulator.domain.call_filters import match_primitive
from retell_dsl.emulator.domain.lifecycle import end_call, fail_call, start_call
from tests.emulator.conftest import Api
from tests.emulator.helpers import make_agent, make_llm, make_number


def _set_e2e_p50(api: Api, call_id: str, p50: float) -> None:
    with api.emu.store.transaction():
        doc = api.emu.store.get("call", call_id)
        assert doc is not None
        doc["latency"] = {"e2e": {"p50": p50}}
        api.emu.store.put("call", call_id, doc)


def _cost(cents: float) -> dict[str, Any]:
    return {"product_costs": [], "total_duration_seconds": 60, "total_duration_unit_price": 0.1, "combined_cost": cents}


def _tool(ident: str, name: str, kind: str, ok: bool) -> list[dict[str, Any]]:
    return [
        {"role": "tool_call_invocation", "tool_call_id": ident, "name": name, "arguments": "{}", "type": kind},
        {"role": "tool_call_result", "tool_call_id": ident, "content": "done", "successful": ok},
    ]


def _seed(api: Api) -> tuple[dict[str, str], dict[str, Any]]:
    """Five calls A to E with distinct agents, states, numbers, metadata, analysis and tool calls."""
    llm = make_llm(api)
    agent1 = make_agent(api, llm_id=llm.llm_id).agent_id
    agent2 = make_agent(api, llm_id=llm.llm_id).agent_id
    api.call("agent.create_version", agent1, base_version=0)
    api.emu.assign_tag(agent1, "prod", 0)
    number = make_number(api, [(agent2, 1.0)])
    state, clock = api.emu.state, api.emu.clock
    a = api.call(
        "call.create_phone_call", from_number=number, to_number="+12125550001", override_agent_id=agent1,
        override_agent_version=0, metadata={"tier": "gold", "score": 7, "vip": True},
        retell_llm_dynamic_variables={"name": "Ann", "age": "42"},
    ).call_id  # fmt: skip
    clock.advance(1_000)  # type: ignore[attr-defined]
    start_call(state, a)
    clock.advance(60_000)  # type: ignore[attr-defined]
    end_call(
        state, a, transcript_with_tool_calls=_tool("t1", "lookup", "custom", True), tool_call_latency_ms={"t1": 300},
        call_analysis={"call_successful": True, "user_sentiment": "Positive", "in_voicemail": False,
                       "custom_analysis_data": {"intent": "book", "rating": 5}},
        call_cost=_cost(120),
    )  # fmt: skip
    api.call("call.update", a, custom_attributes={"campaign": "spring"})
    _set_e2e_p50(api, a, 800)
    b = api.call("call.create_phone_call", from_number=number, to_number="+13105550002", metadata={"tier": "silver"})
    b = b.call_id
    clock.advance(1_000)  # type: ignore[attr-defined]
    start_call(state, b)
    clock.advance(10_000)  # type: ignore[attr-defined]
    end_call(
        state, b, disconnection_reason="user_hangup", transcript_with_tool_calls=_tool("t2", "transfer",
        "transfer_call", False), tool_call_latency_ms={"t2": 900}, call_cost=_cost(30),
        call_analysis={"call_successful": False, "user_sentiment": "Negative", "in_voicemail": True,
                       "custom_analysis_data": {"intent": "cancel"}},
    )  # fmt: skip
    api.call("call.update", b, data_storage_setting="basic_attributes_only")
    _set_e2e_p50(api, b, 1500)
    c = api.call("call.create_web_call", agent_id=agent1, agent_version=1).call_id
    d = api.call(
        "call.register_phone_call", agent_id=agent2, from_number="+14155550000", to_number="+16505550004",
        direction="inbound",
    ).call_id  # fmt: skip
    clock.advance(1_000)  # type: ignore[attr-defined]
    fail_call(state, d, disconnection_reason="dial_busy")
    batch = api.call(
        "batch_call.create_batch_call", from_number=number,
        tasks=[{"to_number": "+14085550005", "retell_llm_dynamic_variables": {"name": "Eve"}}],
    )  # fmt: skip
    (e,) = set(api.emu.dump()["call"]) - {a, b, c, d}
    calls = api.emu.dump()["call"]
    facts = {
        "agent1": agent1, "agent2": agent2, "number": number, "batch": batch.batch_call_id,
        "start_a": calls[a][-1]["start_timestamp"], "start_b": calls[b][-1]["start_timestamp"],
        "end_a": calls[a][-1]["end_timestamp"],
    }  # fmt: skip
    return {"A": a, "B": b, "C": c, "D": d, "E": e}, facts


def _s(op: str, value: str) -> dict[str, Any]:
    return {"type": "string", "op": op, "value": value}


def _n(op: str, value: float) -> dict[str, Any]:
    return {"type": "number", "op": op, "value": value}


def _r(lo: float, hi: float) -> dict[str, Any]:
    return {"type": "range", "op": "bt", "value": [lo, hi]}


def _e(*values: str) -> dict[str, Any]:
    return {"type": "enum", "op": "in", "value": list(values)}


def _b(value: bool) -> dict[str, Any]:
    return {"type": "boolean", "op": "eq", "value": value}


def _k(key: str, flt: dict[str, Any]) -> dict[str, Any]:
    return {**flt, "key": key}


def _p(op: str) -> dict[str, Any]:
    return {"type": "present", "op": op}


def _cases(f: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """(filter_criteria, the labels of the calls it must return)."""
    return [
        ({}, "ABCDE"),
        ({"agent": [{"agent_id": f["agent1"]}]}, "AC"),
        ({"agent": [{"agent_id": f["agent1"], "version": [1]}]}, "C"),
        ({"agent": [{"agent_id": f["agent1"], "version": [0]}, {"agent_id": f["agent2"]}]}, "ABDE"),
        ({"agent_tag": _e("prod")}, "A"),
        ({"batch_call_id": _s("eq", f["batch"])}, "E"),
        ({"call_id": _s("sw", "call_")}, "ABCDE"),
        ({"call_status": _e("ended")}, "AB"),
        ({"call_status": _e("not_connected", "ongoing")}, "D"),
        ({"call_type": _e("web_call")}, "C"),
        ({"direction": _e("inbound")}, "D"),
        ({"direction": _e("outbound"), "call_status": _e("ended")}, "AB"),
        ({"disconnection_reason": _e("user_hangup", "dial_busy")}, "BD"),
        ({"user_sentiment": _e("Positive")}, "A"),
        ({"call_successful": _b(False)}, "B"),
        ({"in_voicemail": _b(True)}, "B"),
        ({"data_storage_setting": _e("basic_attributes_only")}, "B"),
        ({"data_storage_setting": _e("everything")}, "ACDE"),
        ({"start_timestamp": _n("ge", f["start_b"])}, "B"),
        ({"start_timestamp": _r(f["start_a"], f["start_b"])}, "AB"),
        ({"end_timestamp": _n("le", f["end_a"])}, "A"),
        ({"duration_ms": _n("gt", 30_000)}, "A"),
        ({"duration_ms": _n("lt", 30_000)}, "B"),
        ({"combined_cost": _n("eq", 30)}, "B"),
        ({"combined_cost": _n("ne", 30)}, "ACDE"),
        ({"e2e_latency_p50": _n("lt", 1000)}, "A"),
        ({"from_number": _s("eq", f["number"])}, "ABE"),
        ({"to_number": _s("ew", "0002")}, "B"),
        ({"to_number": _s("co", "555000")}, "ABDE"),
        ({"metadata": [_k("tier", _s("eq", "gold"))]}, "A"),
        ({"metadata": [_k("tier", _s("ne", "gold"))]}, "BCDE"),
        ({"metadata": [_k("score", _n("gt", 5))]}, "A"),
        ({"metadata": [_k("score", _r(7, 7)), _k("vip", _b(True))]}, "A"),
        ({"metadata": [_k("tier", _e("gold", "silver"))]}, "AB"),
        ({"metadata": [_k("tier", _p("pr"))]}, "AB"),
        ({"metadata": [_k("tier", _p("np"))]}, "CDE"),
        ({"dynamic_variables": [_k("name", _s("eq", "Eve"))]}, "E"),
        ({"dynamic_variables": [_k("age", _n("ge", 40))]}, "A"),
        ({"dynamic_variables": [_k("name", _p("pr"))]}, "AE"),
        ({"custom_analysis_data": [_k("intent", _s("eq", "book")), _k("rating", _n("le", 5))]}, "A"),
        ({"custom_analysis_data": [_k("intent", _s("sw", "ca"))]}, "B"),
        ({"custom_attributes": [_k("campaign", _s("eq", "spring"))]}, "A"),
        ({"tool_calls": [{"name": "lookup"}]}, "A"),
        ({"tool_calls": [{"type": "transfer_call", "success": _b(False)}]}, "B"),
        ({"tool_calls": [{"latency_ms": _n("gt", 500)}]}, "B"),
        ({"tool_calls": [{"latency_ms": _r(0, 500)}]}, "A"),
        ({"tool_calls": [{"name": "lookup"}, {"name": "transfer"}]}, ""),
    ]


def test_every_filter_key_and_primitive(api: Api) -> None:
    labels, facts = _seed(api)
    by_id = {v: k for k, v in labels.items()}
    failures = []
    for criteria, expected in _cases(facts):
        page = api.call("call.list", filter_criteria=criteria, include_total=True)
        got = "".join(sorted(by_id[c.call_id] for c in page.items))
        if got != expected or page.total != len(expected):
            failures.append(f"{criteria}: expected {expected!r}, got {got!r} (total {page.total})")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ({"duration_ms": {"type": "range", "op": "bt", "value": [1, 2, 3]}}, r"must be \[lower, upper\]"),
        ({"duration_ms": _r(5, 1)}, "lower bound 5 exceeds upper 1"),
        ({"metadata": [_s("eq", "x")]}, r"filter_criteria.metadata\[0\].key is required"),
        ({"call_status": {"type": "enum", "op": "in", "value": ["dancing"]}}, "call_status"),
        ({"to_number": {"type": "string", "op": "gt", "value": "x"}}, "to_number"),
        ({"no_such_key": _s("eq", "x")}, "no_such_key"),
    ],
)
def test_malformed_criteria_are_400(api: Api, criteria: dict[str, Any], message: str) -> None:
    with pytest.raises(retell.BadRequestError, match=message):
        api.call("call.list", filter_criteria=criteria)


@pytest.mark.parametrize(
    ("flt", "actual", "expected"),
    [
        (_s("eq", "a"), "a", True),
        (_s("ne", "a"), "b", True),
        (_s("sw", "ab"), "abc", True),
        (_s("ew", "bc"), "abc", True),
        (_s("co", "x"), "abc", False),
        (_s("eq", "1"), 1, False),
        (_n("eq", 3), 3, True),
        (_n("ne", 3), 3, False),
        (_n("gt", 3), 3, False),
        (_n("ge", 3), 3, True),
        (_n("lt", 3), 2.5, True),
        (_n("le", 3), 4, False),
        (_n("eq", 42), "42", True),
        (_n("eq", 1), True, False),
        (_r(1, 2), 1.5, True),
        (_r(1, 2), 3, False),
        (_b(True), True, True),
        (_b(False), "false", True),
        (_e("a", "b"), "b", True),
        (_e("a"), "c", False),
    ],
)
def test_match_primitive(flt: dict[str, Any], actual: object, expected: bool) -> None:
    assert match_primitive(flt, actual) is expected
