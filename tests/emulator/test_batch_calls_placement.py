"""Batch calls placed by the emulator: time windows, reserved concurrency, the account limit, 200 tasks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from retell_dsl.emulator import Emulator, ManualClock
from tests.emulator.call_fakes import ScriptEngine, script
from tests.emulator.conftest import Api
from tests.emulator.helpers import make_agent, make_number

CALLER = script({"say": "Yes."}, {"hang_up": True})


@pytest.fixture
def engine(api: Api) -> Iterator[ScriptEngine]:
    fake = ScriptEngine()
    api.emu.use_engine(fake)
    yield fake
    api.emu.wait_idle(10)
    api.emu.use_engine(None)


def _batch(batch_id: str) -> Any:
    return {"batch_call_id": {"type": "string", "op": "eq", "value": batch_id}}


def _numbers(count: int) -> list[str]:
    return [f"+1415555{i:04d}" for i in range(count)]


def test_each_task_runs_with_its_own_dynamic_variables(api: Api, engine: ScriptEngine) -> None:
    agent = make_agent(api)
    number = make_number(api, [(agent.agent_id, 1.0)])
    listed = _numbers(3)
    for to in listed:
        api.emu.add_phone_user(to, CALLER)
    tasks = [{"to_number": to, "retell_llm_dynamic_variables": {"name": f"N{i}"}} for i, to in enumerate(listed)]
    tasks.append({"to_number": "+14155559999"})  # nobody answers
    batch = api.call("batch_call.create_batch_call", from_number=number, tasks=tasks)
    api.emu.wait_idle(10)
    calls = api.call("call.list", filter_criteria=_batch(batch.batch_call_id)).items
    by_number = {c.to_number: api.call("call.retrieve", c.call_id) for c in calls}
    for i, to in enumerate(listed):
        assert by_number[to].call_status == "ended"
        assert (by_number[to].transcript or "").startswith(f"Agent: Hello N{i}, this is Front desk.")
    unanswered = by_number["+14155559999"]
    assert (unanswered.call_status, unanswered.disconnection_reason) == ("not_connected", "dial_no_answer")


def test_calls_wait_for_the_time_window_on_the_emulator_clock(api: Api, engine: ScriptEngine) -> None:
    # The emulator clock starts at 2025-01-01T00:00:00Z, a Wednesday: 16:00 the day before in Los Angeles.
    agent = make_agent(api)
    number = make_number(api, [(agent.agent_id, 1.0)])
    api.emu.add_phone_user("+14155550001", CALLER)
    window = {"windows": [{"start": 17 * 60, "end": 18 * 60}], "timezone": "America/Los_Angeles"}
    batch = api.call(
        "batch_call.create_batch_call",
        from_number=number,
        tasks=[{"to_number": "+14155550001"}],
        call_time_window=window,
    )
    api.emu.wait_idle(10)
    criteria = _batch(batch.batch_call_id)
    assert [c.call_status for c in api.call("call.list", filter_criteria=criteria).items] == ["registered"]
    api.emu.clock.advance(60 * 60 * 1000)  # type: ignore[attr-defined]  # 17:00 in Los Angeles
    api.call("call.list", filter_criteria=criteria)  # any calls endpoint places what is due
    api.emu.wait_idle(10)
    assert [c.call_status for c in api.call("call.list", filter_criteria=criteria).items] == ["ended"]


def test_a_200_task_batch_respects_reserved_and_account_concurrency() -> None:
    emu = Emulator(clock=ManualClock(), concurrency_limit=6, call_workers=4)
    peaks = {"account": 0, "batch": 0}

    def observe() -> None:
        with emu.store.transaction():
            live = [d for _, d in emu.store.list_latest("call") if d.get("call_status") == "ongoing"]
        peaks["account"] = max(peaks["account"], len(live))
        peaks["batch"] = max(peaks["batch"], sum(1 for d in live if d.get("_batch_call_id")))

    emu.use_engine(ScriptEngine(observe=observe))
    client = emu.client(_strict_response_validation=True)
    llm = client.llm.create(general_prompt="p")
    agent = client.agent.create(response_engine={"type": "retell-llm", "llm_id": llm.llm_id}, voice_id="11labs-Adrian")
    number = client.phone_number.create(area_code=415, outbound_agents=[{"agent_id": agent.agent_id, "weight": 1}])
    targets = _numbers(200)
    for to in targets:
        emu.add_phone_user(to, CALLER)
    tasks: list[Any] = [
        {"to_number": to, "retell_llm_dynamic_variables": {"name": f"T{i}"}} for i, to in enumerate(targets)
    ]
    batch = client.batch_call.create_batch_call(from_number=number.phone_number, tasks=tasks, reserved_concurrency=2)
    emu.wait_idle(60)
    page = client.call.list(limit=1000, filter_criteria=_batch(batch.batch_call_id))
    calls: list[Any] = [client.call.retrieve(c.call_id) for c in page.items]
    assert len(calls) == 200 and {c.to_number for c in calls} == set(targets)
    assert all(c.call_status == "ended" and c.disconnection_reason == "user_hangup" for c in calls)
    names = {c.to_number: (c.transcript or "").split(",")[0] for c in calls}
    assert names == {to: f"Agent: Hello T{i}" for i, to in enumerate(targets)}
    assert 1 <= peaks["batch"] <= 4 and peaks["account"] <= 6
    assert client.concurrency.retrieve().current_concurrency == 0
    emu.close()


def test_without_an_engine_batch_calls_stay_registered_for_tests_to_drive(api: Api) -> None:
    agent = make_agent(api)
    number = make_number(api, [(agent.agent_id, 1.0)])
    api.emu.add_phone_user("+14155550001", CALLER)
    batch = api.call("batch_call.create_batch_call", from_number=number, tasks=[{"to_number": "+14155550001"}])
    calls = api.call("call.list", filter_criteria=_batch(batch.batch_call_id)).items
    assert [c.call_status for c in calls] == ["registered"]
