"""Version numbers out of range get a 400 naming the field; they never reach SQLite (which overflowed to a 500)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import retell

from tests.emulator.conftest import Api
from tests.emulator.helpers import make_agent, make_llm, raw_request

HUGE = 2**40  # inside JSON's safe integer range (so the body decodes), beyond a version number's bound


def test_query_versions_are_bounded(api: Api) -> None:
    llm = make_llm(api)
    agent = make_agent(api, llm_id=llm.llm_id)
    for method, path in [
        ("GET", f"/get-retell-llm/{llm.llm_id}?version=99999999999999999999"),
        ("GET", f"/get-retell-llm/{llm.llm_id}?version=2147483648"),
        ("PATCH", f"/update-retell-llm/{llm.llm_id}?version=99999999999999999999"),
        ("DELETE", f"/delete-agent-version/{agent.agent_id}?version=99999999999999999999"),
        ("GET", f"/get-agent/{agent.agent_id}?version=99999999999999999999"),
        ("GET", f"/v2/list-batch-tests?type=retell-llm&llm_id={llm.llm_id}&version=2147483648"),
    ]:
        resp = raw_request(api, method, path, json={} if method == "PATCH" else None)
        assert resp.status_code == 400, (path, resp.text)
        assert "between 0 and 2147483647" in resp.json()["message"] or "at most 2147483647" in resp.json()["message"]
    assert api.call("llm.retrieve", llm.llm_id, version=0).version == 0  # in range still works


def _cases(llm_id: str, agent_id: str) -> list[tuple[str, Callable[[Api], Any]]]:
    engine = {"type": "retell-llm", "llm_id": llm_id, "version": HUGE}
    return [
        ("response_engine.version", lambda a: a.call("agent.create", response_engine=engine, voice_id="11labs-Adrian")),
        ("version", lambda a: a.call("agent.publish", agent_id, version=HUGE)),
        ("base_version", lambda a: a.call("agent.create_version", agent_id, base_version=HUGE)),
        ("agent version", lambda a: a.call("call.create_web_call", agent_id=agent_id, agent_version=HUGE)),
        (
            "outbound_agents[0].agent_version",
            lambda a: a.call(
                "phone_number.create",
                area_code=415,
                outbound_agents=[{"agent_id": agent_id, "weight": 1, "agent_version": HUGE}],
            ),
        ),
    ]


@pytest.mark.parametrize("case", range(5))
def test_body_versions_are_bounded(api: Api, case: int) -> None:
    llm = make_llm(api)
    agent = make_agent(api, llm_id=llm.llm_id)
    field, send = _cases(llm.llm_id, agent.agent_id)[case]
    before = api.emu.dump()
    with pytest.raises(retell.BadRequestError, match=re.escape(f"{field} must be between 0 and 2147483647")):
        send(api)
    assert api.emu.dump() == before
