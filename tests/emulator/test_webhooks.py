"""Webhooks: signed POSTs to a real receiver on 127.0.0.1, in order, retried, never blocking the API."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from retell_dsl.emulator import Emulator, ManualClock
from tests.emulator.call_fakes import TRANSFER_NUMBER, ScriptEngine, receiver, script
from tests.emulator.conftest import Api
from tests.emulator.helpers import make_agent, make_number

CALLER = script({"say": "Hello."}, {"hang_up": True})


@pytest.fixture
def engine(api: Api) -> Iterator[ScriptEngine]:
    fake = ScriptEngine()
    api.emu.use_engine(fake)
    yield fake
    api.emu.wait_idle(20)
    api.emu.use_engine(None)


def _web_call(api: Api, **agent: Any) -> str:
    call_id = api.call("call.create_web_call", agent_id=make_agent(api, **agent).agent_id).call_id
    api.emu.join_web_call(call_id, caller=CALLER)
    return str(call_id)


def test_the_agent_webhook_gets_signed_events_in_order(api: Api, engine: ScriptEngine) -> None:
    with receiver(api.emu.api_key) as hooks:
        call_id = _web_call(api, webhook_url=hooks.url)
        api.emu.wait_idle(10)
        assert hooks.events(call_id) == ["call_started", "call_ended", "call_analyzed"]
        assert all(hit.verified for hit in hooks.hits)
        started, ended, analyzed = (hit.body["call"] for hit in hooks.hits)
        assert started["call_status"] == "ongoing" and "transcript" not in started
        assert ended["call_status"] == "ended" and "call_analysis" not in ended
        assert ended["transcript"] == api.call("call.retrieve", call_id).transcript
        assert analyzed["call_analysis"] == {"call_successful": True, "call_summary": "ok"}
        assert not any(key.startswith("_") for key in analyzed)
        assert [d.delivered for d in api.emu.webhook_deliveries] == [True, True, True]


def test_webhook_events_choose_what_is_sent(api: Api, engine: ScriptEngine) -> None:
    events = ["transcript_updated", "transfer_started", "transfer_bridged", "transfer_ended", "call_ended"]
    with receiver(api.emu.api_key) as hooks:
        agent = make_agent(api, webhook_url=hooks.url, webhook_events=events)
        number = make_number(api, [(agent.agent_id, 1.0)])
        api.emu.add_phone_user("+14155550111", script({"say": "Please transfer me."}))
        call_id = api.call("call.create_phone_call", from_number=number, to_number="+14155550111").call_id
        api.emu.wait_idle(10)
        assert hooks.events(call_id) == [
            "transcript_updated",  # the agent's greeting
            "transcript_updated",  # the caller's request
            "transfer_started",
            "transfer_bridged",
            "transfer_ended",
            "transcript_updated",  # the final one
            "call_ended",
        ]
        assert {hit.body["call"].get("transfer_destination") for hit in hooks.hits[2:5]} == {TRANSFER_NUMBER}
        assert hooks.hits[0].body["call"]["transcript_with_tool_calls"][0]["content"].startswith("Hello")
        assert all(hit.verified for hit in hooks.hits)


def test_the_account_webhook_serves_agents_without_their_own() -> None:
    with receiver("") as account, receiver("") as own:
        emu = Emulator(clock=ManualClock(), engine=ScriptEngine(), webhook_url=account.url)
        account.api_key = own.api_key = emu.api_key
        client = emu.client(_strict_response_validation=True)
        llm = client.llm.create(general_prompt="p")
        engine = {"type": "retell-llm", "llm_id": llm.llm_id}
        plain = client.agent.create(response_engine=engine, voice_id="11labs-Adrian")  # type: ignore[arg-type]
        special = client.agent.create(response_engine=engine, voice_id="11labs-Adrian", webhook_url=own.url)  # type: ignore[arg-type]
        first = client.call.create_web_call(agent_id=plain.agent_id).call_id
        second = client.call.create_web_call(agent_id=special.agent_id).call_id
        emu.join_web_call(first, caller=CALLER)
        emu.join_web_call(second, caller=CALLER)
        emu.wait_idle(10)
        assert account.events() == own.events() == ["call_started", "call_ended", "call_analyzed"]
        assert {h.call_id for h in account.hits} == {first} and {h.call_id for h in own.hits} == {second}
        assert all(h.verified for h in account.hits + own.hits)
        emu.close()


def test_a_call_that_never_connects_gets_ended_and_analyzed_only(api: Api, engine: ScriptEngine) -> None:
    with receiver(api.emu.api_key) as hooks:
        agent = make_agent(api, webhook_url=hooks.url)
        number = make_number(api, [(agent.agent_id, 1.0)])
        call_id = api.call("call.create_phone_call", from_number=number, to_number="+14155550199").call_id
        api.emu.wait_idle(10)
        assert hooks.events(call_id) == ["call_ended", "call_analyzed"]
        assert hooks.hits[0].body["call"]["disconnection_reason"] == "dial_no_answer"


def test_a_failing_receiver_is_retried_three_times_then_given_up(api: Api, engine: ScriptEngine) -> None:
    with receiver(api.emu.api_key, mode="fail") as hooks:
        call_id = _web_call(api, webhook_url=hooks.url)
        api.emu.wait_idle(20)
        assert hooks.events(call_id) == ["call_started"] * 4 + ["call_ended"] * 4 + ["call_analyzed"] * 4
        deliveries = list(api.emu.webhook_deliveries)
        assert [(d.event, d.statuses, d.delivered) for d in deliveries] == [
            (event, (500, 500, 500, 500), False) for event in ("call_started", "call_ended", "call_analyzed")
        ]
        assert api.call("call.retrieve", call_id).call_status == "ended"


def test_a_hanging_receiver_times_out_and_never_blocks_the_api(api: Api, engine: ScriptEngine) -> None:
    with receiver(api.emu.api_key, mode="hang", hang_s=1.0) as hooks:
        agent_kw = {"webhook_url": hooks.url, "webhook_timeout_ms": 150, "webhook_events": ["call_ended"]}
        began = time.monotonic()
        call_id = _web_call(api, **agent_kw)
        got = api.call("call.retrieve", call_id)
        assert got.call_status == "ended" and time.monotonic() - began < 1.0  # the API did not wait for the hook
        api.emu.wait_idle(20)
        (delivery,) = api.emu.webhook_deliveries
        assert (delivery.event, delivery.statuses, delivery.delivered) == ("call_ended", (None,) * 4, False)
        assert delivery.error is not None and "Timeout" in delivery.error
        assert hooks.events(call_id) == ["call_ended"] * 4
