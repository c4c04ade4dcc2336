"""Fixtures for emulator tests.

``api`` is the workhorse: a :class:`Api` whose ``call(name, *args, **kwargs)`` runs an SDK
method like ``"agent.create"`` through one of three paths, so each test is exercised
sync in process, async in process, and sync over real HTTP — all with strict response
validation. Tests that need white-box access use ``api.emu``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from retell_dsl.emulator import Emulator, ManualClock
from retell_dsl.emulator.serve import ServedEmulator, serve_in_thread


class Api:
    def __init__(self, mode: str, emu: Emulator, client: Any) -> None:
        self.mode = mode
        self.emu = emu
        self.client = client

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        target: Any = self.client
        for part in name.split("."):
            target = getattr(target, part)
        result = target(*args, **kwargs)
        if self.mode == "async":
            return asyncio.run(result)
        return result


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def emu(clock: ManualClock) -> Emulator:
    return Emulator(clock=clock)


@pytest.fixture
def client(emu: Emulator) -> Any:
    return emu.client(_strict_response_validation=True)


@pytest.fixture(scope="session")
def served() -> Iterator[ServedEmulator]:
    server = serve_in_thread(Emulator())
    yield server
    server.stop()


@pytest.fixture(params=["sync", "async", "http"])
def api(request: pytest.FixtureRequest, emu: Emulator) -> Api:
    mode = request.param
    if mode == "sync":
        return Api(mode, emu, emu.client(_strict_response_validation=True))
    if mode == "async":
        # A fresh async client per call keeps each asyncio.run() loop self-contained.
        return _AsyncApi(emu)
    served: ServedEmulator = request.getfixturevalue("served")
    served.emulator.reset()
    served.emulator.use_clock(emu.clock)
    return Api(mode, served.emulator, served.client(_strict_response_validation=True))


class _AsyncApi(Api):
    def __init__(self, emu: Emulator) -> None:
        super().__init__("async", emu, None)

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        async def run() -> Any:
            async with self.emu.async_client(_strict_response_validation=True) as client:
                target: Any = client
                for part in name.split("."):
                    target = getattr(target, part)
                return await target(*args, **kwargs)

        return asyncio.run(run())
