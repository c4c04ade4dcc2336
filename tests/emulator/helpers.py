"""Small builders of valid request bodies shared by emulator tests."""

from __future__ import annotations

from typing import Any

from tests.emulator.conftest import Api


def make_llm(api: Api, **overrides: Any) -> Any:
    body: dict[str, Any] = {"general_prompt": "You are a helpful receptionist.", "start_speaker": "agent"}
    return api.call("llm.create", **{**body, **overrides})


def make_agent(api: Api, llm_id: str | None = None, **overrides: Any) -> Any:
    if llm_id is None:
        llm_id = make_llm(api).llm_id
    body: dict[str, Any] = {
        "response_engine": {"type": "retell-llm", "llm_id": llm_id},
        "voice_id": "11labs-Adrian",
        "agent_name": "Front desk",
    }
    return api.call("agent.create", **{**body, **overrides})
