"""Calls through the official SDK: create (phone, web, register), get, list, update, delete, stop, lifecycle."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import retell

from retell_dsl.emulator.domain.calls import TRANSCRIPT_FIELDS
from retell_dsl.emulator.domain.lifecycle import end_call, fail_call, start_call
from tests.emulator.conftest import Api
from tests.emulator.helpers import make_agent, make_llm, make_number

TO = "+12125550123"


def _start(api: Api, call_id: str) -> None:
    start_call(api.emu.state, call_id)


def test_create_phone_call_with_override_agent(api: Api) -> None:
    agent = make_agent(api)
    number = make_number(api)
    call = api.call(
        "call.create_phone_call",
        from_number=number,
        to_number=TO,
        override_agent_id=agent.agent_id,
        metadata={"customer": 7},
        retell_llm_dynamic_variables={"name": "Ann"},
    )
    assert call.call_id.startswith("call_")
    assert (call.call_type, call.call_status, call.direction) == ("phone_call", "registered", "outbound")
    assert (call.agent_id, call.agent_version, call.agent_name) == (agent.agent_id, 0, "Front desk")
    assert (call.from_number, call.to_number) == (number, TO)
    assert call.metadata == {"customer": 7}
    assert call.retell_llm_dynamic_variables == {"name": "Ann"}
    got = api.call("call.retrieve", call.call_id)
    assert got.to_dict() == call.to_dict()


def test_override_agent_version_accepts_int_and_tag(api: Api) -> None:
    agent = make_agent(api)
    api.call("agent.create_version", agent.agent_id, base_version=0)
    api.emu.assign_tag(agent.agent_id, "prod", 0)
    number = make_number(api)
    by_tag = api.call(
        "call.create_phone_call", from_number=number, to_number=TO,
        override_agent_id=agent.agent_id, override_agent_version="prod",
    )  # fmt: skip
    assert (by_tag.agent_version, by_tag.agent_tag) == (0, "prod")
    by_int = api.call(
        "call.create_phone_call", from_number=number, to_number=TO,
        override_agent_id=agent.agent_id, override_agent_version=1,
    )  # fmt: skip
    assert by_int.agent_version == 1
    latest = api.call("call.create_phone_call", from_number=number, to_number=TO, override_agent_id=agent.agent_id)
    assert latest.agent_version == 1


def test_agent_comes_from_the_numbers_outbound_binding(api: Api) -> None:
    agent = make_agent(api)
    number = make_number(api, [(agent.agent_id, 1.0)])
    call = api.call("call.create_phone_call", from_number=number, to_number=TO)
    assert (call.agent_id, call.agent_version) == (agent.agent_id, 0)


def test_weighted_outbound_agents_share_the_calls(api: Api) -> None:
    llm = make_llm(api)
    heavy = make_agent(api, llm_id=llm.llm_id).agent_id
    light = make_agent(api, llm_id=llm.llm_id).agent_id
    number = make_number(api, [(heavy, 0.8), (light, 0.2)])
    picks = Counter(api.call("call.create_phone_call", from_number=number, to_number=TO).agent_id for _ in range(40))
    assert set(picks) == {heavy, light}
    assert picks[heavy] > picks[light]


def test_number_without_outbound_agent_or_unknown_number_is_rejected(api: Api) -> None:
    number = make_number(api)
    with pytest.raises(retell.BadRequestError, match=rf"\{number} has no outbound agent"):
        api.call("call.create_phone_call", from_number=number, to_number=TO)
    with pytest.raises(retell.BadRequestError, match=r"from_number \+19995550000 is not a phone number"):
        api.call("call.create_phone_call", from_number="+19995550000", to_number=TO)
    with pytest.raises(retell.UnprocessableEntityError):
        api.call("call.create_phone_call", from_number=number, to_number=TO, override_agent_id="agent_nope")
    assert "call" not in api.emu.dump()


def test_to_number_must_be_e164_unless_ignored_and_metadata_is_capped(api: Api) -> None:
    agent = make_agent(api)
    number = make_number(api, [(agent.agent_id, 1.0)])
    before = api.emu.dump()
    with pytest.raises(retell.BadRequestError, match=r"to_number '555-1234' is not an E\.164 number"):
        api.call("call.create_phone_call", from_number=number, to_number="555-1234")
    with pytest.raises(retell.BadRequestError, match=r"metadata is \d+ bytes of JSON; at most 51200"):
        api.call("call.create_phone_call", from_number=number, to_number=TO, metadata={"x": "a" * 60_000})
    with pytest.raises(retell.BadRequestError, match="retell_llm_dynamic_variables"):
        api.call("call.create_phone_call", from_number=number, to_number=TO, retell_llm_dynamic_variables={"n": 1})
    assert api.emu.dump() == before
    call = api.call("call.create_phone_call", from_number=number, to_number="1001", ignore_e164_validation=True)
    assert call.to_number == "1001"


def test_idempotency_key_returns_the_same_call_within_the_window(api: Api) -> None:
    agent = make_agent(api)
    number = make_number(api, [(agent.agent_id, 1.0)])
    first = api.call("call.create_phone_call", from_number=number, to_number=TO, idempotency_key="k1")
    api.emu.clock.advance(api.emu.config.idempotency_window_ms - 1)  # type: ignore[attr-defined]
    again = api.call("call.create_phone_call", from_number=number, to_number=TO, idempotency_key="k1")
    assert again.call_id == first.call_id
    assert len(api.emu.dump()["call"]) == 1
    other = api.call("call.create_phone_call", from_number=number, to_number=TO, idempotency_key="k2")
    assert other.call_id != first.call_id
    api.emu.clock.advance(2)  # type: ignore[attr-defined]
    later = api.call("call.create_phone_call", from_number=number, to_number=TO, idempotency_key="k1")
    assert later.call_id not in (first.call_id, other.call_id)
    assert len(api.emu.dump()["call"]) == 3


def test_web_call_returns_a_token_bundle_and_get_call_the_full_call(api: Api) -> None:
    agent = make_agent(api)
    now = api.emu.clock.now_ms()
    bundle = api.call("call.create_web_call", agent_id=agent.agent_id, metadata={"page": "/pricing"})
    assert set(bundle.to_dict()) == {"access_token", "call_id", "expires_at", "ice_servers", "transport"}
    assert bundle.transport == "gateway"
    assert bundle.expires_at == now + 30_000
    assert bundle.ice_servers[0].urls
    call = api.call("call.retrieve", bundle.call_id)
    assert isinstance(call, retell.types.WebCallResponse)
    assert (call.call_type, call.access_token, call.call_status) == ("web_call", bundle.access_token, "registered")
    assert (call.agent_id, call.agent_version, call.metadata) == (agent.agent_id, 0, {"page": "/pricing"})


def test_register_phone_call(api: Api) -> None:
    agent = make_agent(api)
    call = api.call(
        "call.register_phone_call", agent_id=agent.agent_id, from_number="+14155550000", to_number=TO,
        direction="inbound", retell_llm_dynamic_variables={"a": "b"},
    )  # fmt: skip
    assert (call.call_status, call.direction, call.call_type) == ("registered", "inbound", "phone_call")
    assert api.call("call.retrieve", call.call_id).retell_llm_dynamic_variables == {"a": "b"}


def test_unknown_call_is_422(api: Api) -> None:
    for name in ("call.retrieve", "call.delete", "call.stop"):
        with pytest.raises(retell.UnprocessableEntityError, match="Cannot find requested asset"):
            api.call(name, "call_missing")
    with pytest.raises(retell.UnprocessableEntityError):
        api.call("call.update", "call_missing", metadata={})


def test_update_merges_metadata_and_refuses_to_loosen_storage(api: Api) -> None:
    agent = make_agent(api)
    call = api.call("call.create_web_call", agent_id=agent.agent_id, metadata={"a": 1, "b": 2})
    updated = api.call(
        "call.update", call.call_id, metadata={"b": 3, "c": 4}, data_storage_setting="everything_except_pii"
    )
    assert updated.metadata == {"a": 1, "b": 3, "c": 4}
    assert updated.data_storage_setting == "everything_except_pii"
    before = api.emu.dump()
    with pytest.raises(retell.BadRequestError, match="cannot be loosened from 'everything_except_pii' to 'everything'"):
        api.call("call.update", call.call_id, metadata={"d": 5}, data_storage_setting="everything")
    assert api.emu.dump() == before
    strict = api.call("call.update", call.call_id, data_storage_setting="basic_attributes_only")
    assert strict.data_storage_setting == "basic_attributes_only"
    assert strict.metadata == {"a": 1, "b": 3, "c": 4}


def test_delete_call(api: Api) -> None:
    agent = make_agent(api)
    call = api.call("call.create_web_call", agent_id=agent.agent_id)
    api.call("call.delete", call.call_id)
    with pytest.raises(retell.UnprocessableEntityError):
        api.call("call.retrieve", call.call_id)


def test_stop_call_ends_an_ongoing_call_only(api: Api) -> None:
    agent = make_agent(api)
    call = api.call("call.create_web_call", agent_id=agent.agent_id)
    with pytest.raises(retell.BadRequestError, match="it is registered, not ongoing"):
        api.call("call.stop", call.call_id)
    _start(api, call.call_id)
    api.emu.clock.advance(5_000)  # type: ignore[attr-defined]
    api.call("call.stop", call.call_id)
    stopped = api.call("call.retrieve", call.call_id)
    assert (stopped.call_status, stopped.disconnection_reason, stopped.duration_ms) == ("ended", "manual_stopped", 5000)
    with pytest.raises(retell.BadRequestError):
        api.call("call.stop", call.call_id)


def test_lifecycle_and_concurrency(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api.emu.config, "concurrency_limit", 2)
    agent = make_agent(api)
    ids = [api.call("call.create_web_call", agent_id=agent.agent_id).call_id for _ in range(4)]
    assert api.call("concurrency.retrieve").current_concurrency == 0
    _start(api, ids[0])
    _start(api, ids[1])
    _start(api, ids[2])
    assert api.call("concurrency.retrieve").current_concurrency == 2
    refused = api.call("call.retrieve", ids[2])
    assert (refused.call_status, refused.disconnection_reason) == ("not_connected", "concurrency_limit_reached")
    fail_call(api.emu.state, ids[3], status="error")  # before the clock passes its join window (30 s)
    failed = api.call("call.retrieve", ids[3])
    assert (failed.call_status, failed.disconnection_reason) == ("error", "error_unknown")
    api.emu.clock.advance(42_000)  # type: ignore[attr-defined]
    end_call(
        api.emu.state,
        ids[0],
        transcript_object=[
            {"role": "agent", "content": "Hi, how can I help?", "words": []},
            {"role": "user", "content": "Book a table.", "words": []},
        ],
        collected_dynamic_variables={"party": "4"},
        call_analysis={"call_successful": True, "user_sentiment": "Positive"},
    )
    assert api.call("concurrency.retrieve").current_concurrency == 1
    ended = api.call("call.retrieve", ids[0])
    assert ended.call_status == "ended" and ended.duration_ms == 42_000
    assert ended.end_timestamp == ended.start_timestamp + 42_000
    assert ended.transcript == "Agent: Hi, how can I help?\nUser: Book a table."
    assert ended.transcript_object is not None and ended.transcript_object[1].content == "Book a table."
    assert ended.collected_dynamic_variables == {"party": "4"}
    assert ended.call_analysis is not None and ended.call_analysis.call_successful is True


def test_list_calls_pages_in_the_body_without_transcripts(api: Api) -> None:
    agent = make_agent(api)
    ids = []
    for _ in range(5):
        ids.append(api.call("call.create_web_call", agent_id=agent.agent_id).call_id)
        api.emu.clock.advance(1_000)  # type: ignore[attr-defined]
    _start(api, ids[1])  # started now: the latest start_timestamp of all
    end_call(api.emu.state, ids[1], transcript_object=[{"role": "agent", "content": "Hi", "words": []}])
    newest_first = [ids[1], ids[4], ids[3], ids[2], ids[0]]
    first = api.call("call.list", limit=2, include_total=True)
    assert [c.call_id for c in first.items] == newest_first[:2]
    assert (first.has_more, first.total) == (True, 5)
    assert not any(TRANSCRIPT_FIELDS & set(c.to_dict()) for c in first.items)
    assert api.emu.dump()["call"][ids[1]][-1]["transcript"] == "Agent: Hi"
    rest = api.call("call.list", limit=2, pagination_key=first.pagination_key, skip=1)
    assert [c.call_id for c in rest.items] == newest_first[3:5]
    assert not rest.has_more and rest.pagination_key is None and rest.total is None
    ascending = api.call("call.list", sort_order="ascending", skip=3)
    assert [c.call_id for c in ascending.items] == newest_first[::-1][3:]
    with pytest.raises(retell.BadRequestError, match="limit must be between 1 and 1000"):
        api.call("call.list", limit=1001)


def test_live_control_and_reanalysis_need_the_engine(api: Api) -> None:
    agent = make_agent(api)
    call = api.call("call.create_web_call", agent_id=agent.agent_id)
    with pytest.raises(retell.BadRequestError, match="not ongoing"):
        api.call("call.listen_live", call.call_id)
    _start(api, call.call_id)
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("call.listen_live", {}, "POST /v2/listen-live-call/"),
        ("call.take_over_live", {"participant_id": "p1"}, "POST /v2/take-over-live-call/"),
    ]  # update-live-call and rerun-call-analysis: tests/emulator/test_live_control.py
    for name, kwargs, route in cases:
        with pytest.raises(retell.InternalServerError) as err:
            api.call(name, call.call_id, **kwargs)
        assert err.value.status_code == 501
        assert f"{route}{call.call_id}" in str(err.value)
        assert "no conversation engine is configured" in str(err.value)


def test_facade_drives_a_call_through_its_lifecycle() -> None:
    from retell_dsl.emulator import Emulator

    emu = Emulator(concurrency_limit=1)
    client = emu.client(_strict_response_validation=True)
    llm = client.llm.create(general_prompt="p")
    agent = client.agent.create(response_engine={"type": "retell-llm", "llm_id": llm.llm_id}, voice_id="openai-Nova")
    first = client.call.create_web_call(agent_id=agent.agent_id).call_id
    second = client.call.create_web_call(agent_id=agent.agent_id).call_id
    assert emu.start_call(first)["call_status"] == "ongoing"
    assert client.concurrency.retrieve().current_concurrency == 1
    refused = emu.start_call(second)
    assert (refused["call_status"], refused["disconnection_reason"]) == ("not_connected", "concurrency_limit_reached")
    ended = emu.end_call(
        first,
        transcript_object=[{"role": "agent", "content": "Hello!"}, {"role": "user", "content": "Hi."}],
        disconnection_reason="user_hangup",
    )
    assert ended["call_status"] == "ended"
    got = client.call.retrieve(first)
    assert got.transcript == "Agent: Hello!\nUser: Hi."
    assert got.disconnection_reason == "user_hangup"
    assert client.concurrency.retrieve().current_concurrency == 0
