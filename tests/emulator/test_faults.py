"""Fault injection: latency, 429 with retry-after, 500s and dropped connections, per route."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
import retell

from retell_dsl.emulator import Emulator


def test_429_carries_retry_after_and_the_sdk_retries_through_it() -> None:
    emu = Emulator()
    emu.faults.add("GET /list-voices", error_rate=1.0, error_statuses=(429,), retry_after_s=0, times=2)
    with pytest.raises(retell.RateLimitError) as err:
        emu.client().voice.list()
    assert err.value.response.headers["retry-after"] == "0"
    assert err.value.body == {"status": "error", "message": "Account rate limited, please throttle your requests."}
    voices = emu.client(max_retries=2).voice.list()  # one 429 left, then success
    assert len(voices) >= 20


def test_500_is_retried_by_the_sdk_and_other_routes_are_untouched() -> None:
    emu = Emulator()
    emu.faults.add("POST /create-retell-llm", error_rate=1.0, error_statuses=(500,), times=1)
    assert emu.client().voice.retrieve("11labs-Adrian").voice_name == "Adrian"
    with pytest.raises(retell.InternalServerError):
        emu.client().llm.create(general_prompt="x")
    assert emu.dump().get("llm") is None  # the failed create left nothing behind
    assert emu.client().llm.create(general_prompt="x").general_prompt == "x"


def test_dropped_connection_surfaces_as_connection_error_sync_and_async() -> None:
    emu = Emulator()
    emu.faults.add("GET /get-concurrency", drop_rate=1.0, times=2)
    with pytest.raises(retell.APIConnectionError):
        emu.client().concurrency.retrieve()

    async def run() -> None:
        async with emu.async_client() as client:
            with pytest.raises(retell.APIConnectionError):
                await client.concurrency.retrieve()

    asyncio.run(run())
    assert emu.client().concurrency.retrieve().concurrency_limit == 20


def test_latency_is_added_per_matching_route() -> None:
    emu = Emulator()
    emu.faults.add("GET /get-voice/*", latency_ms=60)
    client = emu.client()
    t0 = time.perf_counter()
    client.voice.retrieve("openai-Alloy")
    slow = time.perf_counter() - t0
    t0 = time.perf_counter()
    client.voice.list()
    fast = time.perf_counter() - t0
    assert slow >= 0.06
    assert fast < slow


def test_error_rate_is_seeded_and_reproducible() -> None:
    def outcomes(seed: int) -> list[int]:
        emu = Emulator(fault_seed=seed)
        emu.faults.add("*", error_rate=0.5)
        http = httpx.Client(transport=emu.transport())
        headers = {"authorization": f"Bearer {emu.api_key}"}
        return [http.get("http://emu/get-concurrency", headers=headers).status_code for _ in range(40)]

    first = outcomes(7)
    assert first == outcomes(7)
    assert {200, 429, 500} <= set(first)


def test_rates_outside_zero_to_one_are_refused() -> None:
    with pytest.raises(ValueError, match="error_rate must be between 0 and 1"):
        Emulator().faults.add(error_rate=1.5)


def test_lost_response_means_the_change_happened_but_the_client_never_heard() -> None:
    emu = Emulator()
    emu.faults.add("POST /create-retell-llm", lose_response_rate=1.0, times=1)
    with pytest.raises(retell.APIConnectionError):
        emu.client().llm.create(general_prompt="made it")
    stored = emu.dump()["llm"]
    assert [v[0]["general_prompt"] for v in stored.values()] == ["made it"]


def test_served_drops_break_the_connection_instead_of_answering_an_error() -> None:
    from retell_dsl.emulator.serve import serve_in_thread

    server = serve_in_thread(Emulator())
    try:
        server.emulator.faults.add("GET /get-concurrency", drop_rate=1.0, times=1)
        with pytest.raises(retell.APIConnectionError):
            server.client().concurrency.retrieve()
        assert server.client().concurrency.retrieve().concurrency_limit == 20
        server.emulator.faults.add("POST /create-retell-llm", lose_response_rate=1.0, times=1)
        with pytest.raises(retell.APIConnectionError):
            server.client().llm.create(general_prompt="made it")
        assert len(server.emulator.dump()["llm"]) == 1
    finally:
        server.stop()
