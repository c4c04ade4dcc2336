"""Web calls: a simulated caller joins (extension route and Emulator method), the engine holds the call.

Through the official SDK with strict response validation, sync and async in process and
over HTTP; joining goes through ``POST /_emulator/web-calls/{call_id}/join``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import retell

from retell_dsl.emulator import Emulator, ManualClock
from retell_dsl.emulator.domain.voices import ongoing_count
from retell_dsl.emulator.engine_port import AgentSnapshot, CallSession
from tests.emulator.call_fakes import ScriptEngine, script
from tests.emulator.conftest import Api
from tests.emulator.helpers import make_agent, raw_request

CALLER = script({"say": "I need a table."}, {"press": "42"}, {"silence_ms": 1000}, {"hang_up": True})
INSTANT_CALLER = script({"press": "1"}, {"hang_up": True})


@pytest.fixture
def engine(api: Api) -> Iterator[ScriptEngine]:
    fake = ScriptEngine()
    api.emu.use_engine(fake)
    yield fake
    api.emu.wait_idle(10)
    api.emu.use_engine(None)  # the served emulator is shared by the session


def _join(api: Api, call_id: str, caller: object) -> tuple[int, dict[str, object]]:
    response = raw_request(api, "POST", f"/_emulator/web-calls/{call_id}/join", json=caller)
    return response.status_code, response.json() if response.content else {}


def test_a_joined_web_call_runs_through_the_engine(api: Api, engine: ScriptEngine) -> None:
    agent = make_agent(api)
    bundle = api.call("call.create_web_call", agent_id=agent.agent_id, retell_llm_dynamic_variables={"name": "Ann"})
    assert bundle.transport == "gateway" and api.call("call.retrieve", bundle.call_id).call_status == "registered"
    status, body = _join(api, bundle.call_id, CALLER)
    assert (status, body["call_status"], body["call_id"]) == (200, "ongoing", bundle.call_id)
    api.emu.wait_idle(10)
    got = api.call("call.retrieve", bundle.call_id)
    assert got.call_status == "ended" and got.disconnection_reason == "user_hangup"
    assert got.transcript == (
        "Agent: Hello Ann, this is Front desk.\nUser: I need a table.\nAgent: You said: I need a table."
    )
    assert got.transcript_with_tool_calls is not None
    assert [i.role for i in got.transcript_with_tool_calls] == ["agent", "user", "agent", "dtmf", "dtmf"]
    assert got.duration_ms == 1_500 and got.call_analysis is not None and got.call_analysis.call_successful
    assert engine.seen == [(bundle.call_id, CALLER)]
    assert api.call("concurrency.retrieve").current_concurrency == 0


def test_the_in_process_join_waits_for_the_end() -> None:
    fake = ScriptEngine()
    emu = Emulator(clock=ManualClock(), engine=fake)
    client = emu.client(_strict_response_validation=True)
    llm = client.llm.create(general_prompt="p")
    agent = client.agent.create(
        response_engine={"type": "retell-llm", "llm_id": llm.llm_id}, voice_id="11labs-Adrian", agent_name="Desk"
    )
    call_id = client.call.create_web_call(agent_id=agent.agent_id).call_id
    final = emu.join_web_call(call_id, caller=script({"say": "hi"}, {"hang_up": True}))
    assert (final["call_status"], final["transcript"]) == (
        "ended",
        "Agent: Hello there, this is Desk.\nUser: hi\nAgent: You said: hi",
    )
    with pytest.raises(retell.BadRequestError, match="cannot be joined: it is ended"):
        client.post(f"/_emulator/web-calls/{call_id}/join", cast_to=object, body=script())
    emu.close()


def test_without_an_engine_joining_answers_501_and_changes_nothing(api: Api) -> None:
    call_id = api.call("call.create_web_call", agent_id=make_agent(api).agent_id).call_id
    status, body = _join(api, call_id, CALLER)
    assert status == 501
    assert "no conversation engine is configured" in str(body["message"]) and "Emulator(engine=...)" in str(body)
    assert api.call("call.retrieve", call_id).call_status == "registered"
    with pytest.raises(RuntimeError, match="no conversation engine"):
        api.emu.join_web_call(call_id, caller=CALLER)


def test_a_bad_caller_is_refused_with_every_problem(api: Api, engine: ScriptEngine) -> None:
    call_id = api.call("call.create_web_call", agent_id=make_agent(api).agent_id).call_id
    status, body = _join(api, call_id, {"type": "script", "steps": [{"sing": "la"}, {"press": "x"}]})
    assert status == 400
    assert "caller.steps[0] must have exactly one of" in str(body["message"])
    assert "caller.steps[1].press must be digits" in str(body["message"])
    assert _join(api, call_id, {"type": "robot"})[0] == 400
    assert api.call("call.retrieve", call_id).call_status == "registered" and engine.seen == []


def test_an_unjoined_web_call_expires_on_the_emulator_clock(api: Api, engine: ScriptEngine) -> None:
    agent = make_agent(api)
    call_id = api.call("call.create_web_call", agent_id=agent.agent_id).call_id
    api.emu.clock.advance(29_999)  # type: ignore[attr-defined]
    assert api.call("call.retrieve", call_id).call_status == "registered"
    api.emu.clock.advance(1)  # type: ignore[attr-defined]
    got = api.call("call.retrieve", call_id)
    assert (got.call_status, got.disconnection_reason) == ("not_connected", "error_user_not_joined")
    status, body = _join(api, call_id, CALLER)
    assert status == 400 and "error_user_not_joined" in str(body["message"])
    registered = api.call("call.register_phone_call", agent_id=agent.agent_id).call_id
    api.emu.clock.advance(30_000)  # type: ignore[attr-defined]
    timed_out = api.call("call.retrieve", registered)
    assert (timed_out.call_status, timed_out.disconnection_reason) == ("not_connected", "registered_call_timeout")


def test_concurrency_counts_ongoing_calls_and_refuses_past_the_limit(
    api: Api, engine: ScriptEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api.emu.config, "concurrency_limit", 2)
    engine.gate = threading.Event()
    agent = make_agent(api)
    ids = [api.call("call.create_web_call", agent_id=agent.agent_id).call_id for _ in range(3)]
    assert [_join(api, i, CALLER)[0] for i in ids[:2]] == [200, 200]
    assert api.call("concurrency.retrieve").current_concurrency == 2
    status, body = _join(api, ids[2], CALLER)
    assert status == 429 and "Concurrency limit reached" in str(body["message"])
    refused = api.call("call.retrieve", ids[2])
    assert (refused.call_status, refused.disconnection_reason) == ("not_connected", "concurrency_limit_reached")
    engine.gate.set()
    api.emu.wait_idle(10)
    assert [api.call("call.retrieve", i).call_status for i in ids] == ["ended", "ended", "not_connected"]
    assert api.call("concurrency.retrieve").current_concurrency == 0


def test_fifty_concurrent_web_calls_are_all_accounted_for() -> None:
    emu = Emulator(clock=ManualClock(), concurrency_limit=20)
    peak = [0]

    def observe() -> None:
        with emu.store.transaction():
            peak[0] = max(peak[0], ongoing_count(emu.state))

    emu.use_engine(ScriptEngine(observe=observe))
    client = emu.client(_strict_response_validation=True)
    llm = client.llm.create(general_prompt="p")
    agent = client.agent.create(response_engine={"type": "retell-llm", "llm_id": llm.llm_id}, voice_id="11labs-Adrian")
    ids = [client.call.create_web_call(agent_id=agent.agent_id).call_id for _ in range(50)]
    statuses: dict[str, str] = {}

    def join(call_id: str) -> None:
        # the calls share the emulator's one clock: a caller that lets no time pass keeps every
        # token inside WEB_TOKEN_TTL_MS however the 50 joins interleave
        statuses[call_id] = emu.join_web_call(call_id, caller=INSTANT_CALLER, wait=False)["call_status"]

    threads = [threading.Thread(target=join, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    emu.wait_idle(20)
    calls = {c.call_id: c for c in client.call.list(limit=100).items}
    assert set(calls) == set(ids) == set(statuses)
    assert sorted(set(statuses.values())) in (["ongoing"], ["not_connected", "ongoing"])
    ended = [c for c in calls.values() if c.call_status == "ended"]
    refused = [c for c in calls.values() if c.call_status == "not_connected"]
    assert len(ended) + len(refused) == 50 and len(ended) >= 20
    assert all(c.disconnection_reason == "concurrency_limit_reached" for c in refused)
    assert 1 <= peak[0] <= 20
    assert client.concurrency.retrieve().current_concurrency == 0
    emu.close()


class _BrokenEngine(ScriptEngine):
    def run_call(self, agent: AgentSnapshot, session: CallSession) -> None:
        session.say("agent", "Hello.")
        raise ValueError("the engine broke")


def test_an_engine_that_raises_ends_the_call_in_error_and_the_pool_goes_on() -> None:
    emu = Emulator(clock=ManualClock(), engine=_BrokenEngine(), call_workers=1)
    client = emu.client(_strict_response_validation=True)
    llm = client.llm.create(general_prompt="p")
    agent = client.agent.create(response_engine={"type": "retell-llm", "llm_id": llm.llm_id}, voice_id="11labs-Adrian")
    broken = client.call.create_web_call(agent_id=agent.agent_id).call_id
    final = emu.join_web_call(broken, caller=CALLER)
    assert (final["call_status"], final["disconnection_reason"], final["transcript"]) == (
        "error",
        "error_retell",
        "Agent: Hello.",
    )
    emu.use_engine(ScriptEngine())
    fine = client.call.create_web_call(agent_id=agent.agent_id).call_id
    assert emu.join_web_call(fine, caller=CALLER)["call_status"] == "ended"
    emu.close()


def test_waiting_is_bounded() -> None:
    gate = threading.Event()
    emu = Emulator(clock=ManualClock(), engine=ScriptEngine(gate=gate))
    client = emu.client(_strict_response_validation=True)
    llm = client.llm.create(general_prompt="p")
    agent = client.agent.create(response_engine={"type": "retell-llm", "llm_id": llm.llm_id}, voice_id="11labs-Adrian")
    call_id = client.call.create_web_call(agent_id=agent.agent_id).call_id
    with pytest.raises(TimeoutError, match=r"still ongoing after 0\.2s"):
        emu.join_web_call(call_id, caller=CALLER, timeout_s=0.2)
    with pytest.raises(TimeoutError, match="1 background calls still running"):
        emu.wait_idle(0.2)
    gate.set()
    emu.wait_idle(10)
    assert client.call.retrieve(call_id).call_status == "ended"
    emu.close()
