"""Phone numbers written before Retell's weighted bindings import bound to their agents."""

from __future__ import annotations

from typing import Any

import pytest

from retell_dsl import importer
from retell_dsl.emulator import Emulator
from retell_dsl.importer import import_agents
from retell_dsl.wire.upgrades import upgrade


@pytest.mark.parametrize(
    ("payload", "expected", "note"),
    [
        ({"inbound_agent_id": "a1"}, {"inbound_agents": [{"agent_id": "a1", "weight": 1.0}]},
         "inbound_agent_id: became inbound_agents (weight 1.0)"),
        ({"outbound_agent_id": "a1", "outbound_agent_version": 3},
         {"outbound_agents": [{"agent_id": "a1", "weight": 1.0, "agent_version": 3}]},
         "outbound_agent_id and outbound_agent_version: became outbound_agents (weight 1.0)"),
        ({"inbound_agent_id": "old", "inbound_agents": [{"agent_id": "new", "weight": 1.0}]},
         {"inbound_agents": [{"agent_id": "new", "weight": 1.0}]},
         "inbound_agent_id: dropped (inbound_agents is set, and Retell's 6.x API has only the list)"),
        ({"inbound_agent_id": None, "inbound_agent_version": 2}, {},
         "inbound_agent_version: dropped (no inbound_agent_id next to it)"),
    ],
)  # fmt: skip
def test_scalar_bindings_become_weighted_lists(payload: dict[str, Any], expected: dict[str, Any], note: str) -> None:
    up = upgrade("phone_number", {"phone_number": "+14155550100", **payload})
    assert up.payload == {"phone_number": "+14155550100", **expected}
    assert up.changes == (note,)


def test_a_number_bound_the_old_way_is_imported_with_its_agent(monkeypatch: pytest.MonkeyPatch) -> None:
    client = Emulator().client()
    llm = client.llm.create(general_prompt="Book visits.")
    agent = client.agent.create(response_engine={"type": "retell-llm", "llm_id": llm.llm_id}, voice_id="11labs-Adrian",
                                agent_name="Front desk")  # fmt: skip
    legacy = {
        "phone_number": "+14155550100",
        "phone_number_type": "retell-twilio",
        "nickname": "Main line",
        "inbound_agent_id": agent.agent_id,
        "inbound_agent_version": 0,
        "last_modification_timestamp": 1,
    }
    monkeypatch.setattr(importer, "_phone_numbers", lambda _client: [legacy])  # a number stored before 2026-03-31
    imported = import_agents(client, [agent.agent_id], stack_name="desk")
    assert "PhoneNumber(" in imported.source and "Main line" in imported.source
    number = next(r for r in imported.resources if r.kind == "phone_number")
    assert number.payload["inbound_agents"] == [{"agent_id": agent.agent_id, "weight": 1.0, "agent_version": 0}]
    assert "AgentBinding(" in imported.source and "extra=" not in imported.source
    assert "phone number '+14155550100': upgraded: inbound_agent_id and inbound_agent_version: became inbound_agents" \
        " (weight 1.0)" in imported.notes  # fmt: skip
