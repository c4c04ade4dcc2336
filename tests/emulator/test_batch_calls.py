"""Batch calls: validation, immediate and scheduled spawning, and the ``batch_call_id`` filter."""

from __future__ import annotations

from typing import Any

import pytest
import retell

from tests.emulator.conftest import Api
from tests.emulator.helpers import make_agent, make_llm, make_number


def _batch_filter(batch_id: str) -> dict[str, Any]:
    return {"batch_call_id": {"type": "string", "op": "eq", "value": batch_id}}


def test_immediate_batch_spawns_one_registered_call_per_task(api: Api) -> None:
    llm = make_llm(api)
    bound = make_agent(api, llm_id=llm.llm_id)
    override = make_agent(api, llm_id=llm.llm_id, agent_name="Collections")
    number = make_number(api, [(bound.agent_id, 1.0)])
    window = {"windows": [{"start": 540, "end": 1020}], "day": ["Monday", "Friday"], "timezone": "America/New_York"}
    batch = api.call(
        "batch_call.create_batch_call",
        from_number=number,
        extra_body={"name": "Renewals"},  # ``name=`` would clash with Api.call's own first parameter
        call_time_window=window,
        reserved_concurrency=2,
        tasks=[
            {"to_number": "+12125550001", "retell_llm_dynamic_variables": {"name": "Ann"}, "metadata": {"row": 1}},
            {"to_number": "+12125550002", "override_agent_id": override.agent_id},
        ],
    )
    assert batch.batch_call_id.startswith("batch_call_")
    assert (batch.name, batch.from_number, batch.total_task_count) == ("Renewals", number, 2)
    assert batch.scheduled_timestamp == api.emu.clock.now_ms()
    assert batch.call_time_window is not None and batch.call_time_window.timezone == "America/New_York"
    calls = api.call("call.list", filter_criteria=_batch_filter(batch.batch_call_id), sort_order="ascending").items
    by_to = {c.to_number: c for c in calls}
    assert set(by_to) == {"+12125550001", "+12125550002"}
    first, second = by_to["+12125550001"], by_to["+12125550002"]
    assert (first.call_status, first.direction, first.from_number) == ("registered", "outbound", number)
    assert (first.agent_id, first.retell_llm_dynamic_variables, first.metadata) == (
        bound.agent_id, {"name": "Ann"}, {"row": 1},
    )  # fmt: skip
    assert (second.agent_id, second.agent_name) == (override.agent_id, "Collections")
    unrelated = api.call("call.create_phone_call", from_number=number, to_number="+12125550003")
    listed = api.call("call.list", filter_criteria=_batch_filter(batch.batch_call_id)).items
    assert unrelated.call_id not in {c.call_id for c in listed}


def test_scheduled_batch_spawns_once_the_clock_passes_the_trigger(api: Api) -> None:
    agent = make_agent(api)
    number = make_number(api, [(agent.agent_id, 1.0)])
    trigger = api.emu.clock.now_ms() + 3_600_000
    batch = api.call(
        "batch_call.create_batch_call", from_number=number, trigger_timestamp=trigger,
        tasks=[{"to_number": "+12125550001"}, {"to_number": "+12125550002"}, {"to_number": "+12125550003"}],
    )  # fmt: skip
    assert batch.scheduled_timestamp == trigger
    assert api.call("call.list", filter_criteria=_batch_filter(batch.batch_call_id)).items == []
    assert "call" not in api.emu.dump()
    api.emu.clock.advance(3_600_000 - 1)  # type: ignore[attr-defined]
    assert api.call("call.list", include_total=True).total == 0
    api.emu.clock.advance(1)  # type: ignore[attr-defined]
    page = api.call("call.list", filter_criteria=_batch_filter(batch.batch_call_id), include_total=True)
    assert page.total == 3
    assert {c.call_status for c in page.items} == {"registered"}
    assert api.call("call.list", include_total=True).total == 3  # spawned once, not on every request


def test_past_trigger_spawns_immediately(api: Api) -> None:
    agent = make_agent(api)
    number = make_number(api, [(agent.agent_id, 1.0)])
    past = api.emu.clock.now_ms() - 1_000
    batch = api.call(
        "batch_call.create_batch_call",
        from_number=number,
        trigger_timestamp=past,
        tasks=[{"to_number": "+12125550001"}],
    )
    assert len(api.call("call.list", filter_criteria=_batch_filter(batch.batch_call_id)).items) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tasks": [{"to_number": "12345"}]}, r"tasks\[0\].to_number '12345' is not an E.164 number"),
        ({"tasks": []}, "tasks must contain at least one task"),
        ({"tasks": [{"to_number": "+12125550001", "override_agent_id": "agent_x"}]}, r"tasks\[0\]: Cannot find"),
        ({"call_time_window": {"windows": [{"start": 600, "end": 600}]}}, "0 <= start < end <= 1440"),
        ({"call_time_window": {"windows": [{"start": 1380, "end": 1500}]}}, "no cross-midnight"),
        ({"call_time_window": {"windows": []}}, "at least one window"),
        ({"call_time_window": {"windows": [{"start": 0, "end": 60}], "timezone": "Mars/Olympus"}}, "IANA timezone"),
        ({"call_time_window": {"windows": [{"start": 0, "end": 60}], "day": ["Funday"]}}, "day"),
        ({"reserved_concurrency": -1}, "reserved_concurrency must be at least 0"),
        ({"from_number": "+19995550000"}, "is not a phone number of this account"),
        ({"tasks": [{"no_number": "x"}]}, "to_number"),
    ],
)
def test_invalid_batches_are_400_and_change_nothing(api: Api, changes: dict[str, Any], message: str) -> None:
    agent = make_agent(api)
    number = make_number(api, [(agent.agent_id, 1.0)])
    body: dict[str, Any] = {"from_number": number, "tasks": [{"to_number": "+12125550001"}], **changes}
    before = api.emu.dump()
    with pytest.raises(retell.BadRequestError, match=message):
        api.call("batch_call.create_batch_call", **body)
    assert api.emu.dump() == before


def test_number_without_outbound_agent_needs_task_overrides(api: Api) -> None:
    agent = make_agent(api)
    number = make_number(api)
    with pytest.raises(retell.BadRequestError, match=r"tasks\[1\]: Phone number .* has no outbound agent"):
        api.call(
            "batch_call.create_batch_call", from_number=number,
            tasks=[{"to_number": "+12125550001", "override_agent_id": agent.agent_id}, {"to_number": "+12125550002"}],
        )  # fmt: skip
