"""The local engine under load: 50 concurrent web calls and a 200-task batch, every call accounted for.

The engine holds every call on its one private event loop while the emulator's worker threads
wait on it; the account's concurrency limit (and a batch's ``reserved_concurrency``) must hold
throughout, measured each time the engine takes a call.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from retell_dsl.emulator import Emulator, ManualClock
from retell_dsl.emulator.domain.voices import ongoing_count
from retell_dsl.emulator.engine_port import AgentSnapshot, CallSession
from retell_dsl.sim.models import NoModel
from retell_dsl.simulator import LocalEngine
from tests.simulator.agents import static

GREETER: dict[str, Any] = {
    "start_speaker": "agent",
    "start_node_id": "hi",
    "nodes": [
        {
            "id": "hi",
            "name": "Hi",
            "type": "conversation",
            "instruction": static("Hello {{name}}."),
            "else_edge": {
                "id": "hi.else",
                "destination_node_id": "bye",
                "transition_condition": {"type": "prompt", "prompt": "Else"},
            },
        },
        {"id": "bye", "name": "Bye", "type": "end", "instruction": static("Bye {{name}}.")},
    ],
}
CALLER = {"type": "script", "steps": [{"say": "Hi."}]}


class Measured(LocalEngine):
    """The local engine, noting the account's (and batches') ongoing calls whenever it takes one."""

    def __init__(self, emu: Emulator) -> None:
        super().__init__(NoModel())
        self.emu = emu
        self.peak = {"account": 0, "batch": 0}
        self.lock = threading.Lock()

    def run_call(self, agent: AgentSnapshot, session: CallSession) -> None:
        with self.emu.store.transaction():
            live = [d for _, d in self.emu.store.list_latest("call") if d.get("call_status") == "ongoing"]
            assert ongoing_count(self.emu.state) == len(live)
        with self.lock:
            self.peak["account"] = max(self.peak["account"], len(live))
            self.peak["batch"] = max(self.peak["batch"], sum(1 for d in live if d.get("_batch_call_id")))
        super().run_call(agent, session)


def _setup(concurrency_limit: int, call_workers: int) -> tuple[Emulator, Measured, Any, str]:
    emu = Emulator(clock=ManualClock(), concurrency_limit=concurrency_limit, call_workers=call_workers)
    engine = Measured(emu)
    emu.use_engine(engine)
    client = emu.client(_strict_response_validation=True)
    flow = client.conversation_flow.create(**GREETER)
    response_engine = {"type": "conversation-flow", "conversation_flow_id": flow.conversation_flow_id}
    agent = client.agent.create(response_engine=response_engine, voice_id="11labs-Adrian")  # type: ignore[arg-type]
    return emu, engine, client, agent.agent_id


def test_fifty_concurrent_web_calls_on_the_local_engine_are_all_accounted_for() -> None:
    emu, engine, client, agent_id = _setup(concurrency_limit=20, call_workers=8)
    ids = [
        client.call.create_web_call(agent_id=agent_id, retell_llm_dynamic_variables={"name": f"N{i}"}).call_id
        for i in range(50)
    ]
    joined: dict[str, str] = {}

    def join(call_id: str) -> None:
        joined[call_id] = emu.join_web_call(call_id, caller=CALLER, wait=False)["call_status"]

    threads = [threading.Thread(target=join, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    emu.wait_idle(60, webhooks=False)
    calls = {c.call_id: client.call.retrieve(c.call_id) for c in client.call.list(limit=100).items}
    assert set(calls) == set(ids) == set(joined)
    ended = [c for c in calls.values() if c.call_status == "ended"]
    refused = [c for c in calls.values() if c.call_status == "not_connected"]
    assert len(ended) + len(refused) == 50 and len(ended) >= 20
    assert all(c.disconnection_reason == "concurrency_limit_reached" for c in refused)
    for call in ended:
        name = (call.retell_llm_dynamic_variables or {})["name"]
        assert call.transcript == f"Agent: Hello {name}.\nUser: Hi.\nAgent: Bye {name}."
        assert call.disconnection_reason == "agent_hangup" and call.call_cost is not None
    assert 1 <= engine.peak["account"] <= 20
    assert client.concurrency.retrieve().current_concurrency == 0
    emu.close()


@pytest.mark.slow
def test_a_200_task_batch_on_the_local_engine_respects_reserved_and_account_concurrency() -> None:
    emu, engine, client, agent_id = _setup(concurrency_limit=6, call_workers=4)
    number = client.phone_number.create(area_code=415, outbound_agents=[{"agent_id": agent_id, "weight": 1}])
    targets = [f"+1415555{i:04d}" for i in range(200)]
    for to in targets:
        emu.add_phone_user(to, CALLER)
    tasks: list[Any] = [
        {"to_number": to, "retell_llm_dynamic_variables": {"name": f"T{i}"}} for i, to in enumerate(targets)
    ]
    batch = client.batch_call.create_batch_call(from_number=number.phone_number, tasks=tasks, reserved_concurrency=2)
    emu.wait_idle(120, webhooks=False)
    criteria: Any = {"batch_call_id": {"type": "string", "op": "eq", "value": batch.batch_call_id}}
    page = client.call.list(limit=1000, filter_criteria=criteria)
    calls = [client.call.retrieve(c.call_id) for c in page.items]
    assert sorted(str(c.to_number) for c in calls) == targets
    by_number = {c.to_number: c for c in calls}
    for i, to in enumerate(targets):
        call = by_number[to]
        assert (call.call_status, call.disconnection_reason) == ("ended", "agent_hangup")
        assert call.transcript == f"Agent: Hello T{i}.\nUser: Hi.\nAgent: Bye T{i}."
    assert 1 <= engine.peak["batch"] <= 4 and engine.peak["account"] <= 6
    assert client.concurrency.retrieve().current_concurrency == 0
    emu.close()
