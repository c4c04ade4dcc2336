"""Small builders of valid request bodies shared by emulator tests."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from retell_dsl.emulator.emulator import DEFAULT_BASE_URL
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


def make_chat_agent(api: Api, llm_id: str | None = None, **overrides: Any) -> Any:
    if llm_id is None:
        llm_id = make_llm(api).llm_id
    body: dict[str, Any] = {"response_engine": {"type": "retell-llm", "llm_id": llm_id}, "agent_name": "Chat desk"}
    return api.call("chat_agent.create", **{**body, **overrides})


def make_number(api: Api, outbound: list[tuple[str, float]] | list[dict[str, Any]] | None = None) -> str:
    """Buy a number (area code 415) bound to weighted outbound agents ``[(agent_id, weight)]``; its E.164 id."""
    bindings = [b if isinstance(b, dict) else {"agent_id": b[0], "weight": b[1]} for b in (outbound or [])]
    created = api.call("phone_number.create", area_code=415, outbound_agents=bindings or None)
    return str(created.phone_number)


def raw_request(api: Api, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """Send a hand-made request (raw body, odd content types) through the same path as ``api``.

    ``path`` goes on the wire exactly as given (a ``+`` stays a ``+``); the bearer key is added.
    """
    headers = {"authorization": f"Bearer {api.emu.api_key}", **kwargs.pop("headers", {})}
    url = httpx.URL(path)
    if api.mode == "http":
        with httpx.Client(base_url=str(api.client.base_url)) as http:
            return http.request(method, url, headers=headers, **kwargs)
    if api.mode == "async":

        async def send() -> httpx.Response:
            async with httpx.AsyncClient(transport=api.emu.async_transport(), base_url=DEFAULT_BASE_URL) as http:
                return await http.request(method, url, headers=headers, **kwargs)

        return asyncio.run(send())
    with httpx.Client(transport=api.emu.transport(), base_url=DEFAULT_BASE_URL) as http:
        return http.request(method, url, headers=headers, **kwargs)


def call_kw(api: Api, method: str, /, *args: Any, **kwargs: Any) -> Any:
    """Like ``api.call`` but any keyword may be passed, including ``name`` (which ``Api.call`` takes itself)."""
    if api.mode == "async":

        async def run() -> Any:
            async with api.emu.async_client(_strict_response_validation=True) as client:
                return await _resolve(client, method)(*args, **kwargs)

        return asyncio.run(run())
    return _resolve(api.client, method)(*args, **kwargs)


def _resolve(client: Any, method: str) -> Any:
    target = client
    for part in method.split("."):
        target = getattr(target, part)
    return target
