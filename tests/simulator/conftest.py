"""Fixtures for the local engine behind the emulator, through the official SDK (strict validation).

``api`` runs each test three ways, as the emulator tests do (:mod:`tests.emulator.conftest`):
sync in process, async in process, sync over real HTTP; ``use(api, engine)`` plugs an engine
into whichever emulator serves it (the served one is shared, so the fixture unplugs it after).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from retell_dsl.emulator import Emulator, ManualClock
from retell_dsl.emulator.serve import ServedEmulator, serve_in_thread
from retell_dsl.simulator import LocalEngine
from tests.emulator.conftest import Api, _AsyncApi


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def emu(clock: ManualClock) -> Emulator:
    return Emulator(clock=clock)


@pytest.fixture(scope="session")
def served() -> Iterator[ServedEmulator]:
    server = serve_in_thread(Emulator())
    yield server
    server.stop()


@pytest.fixture(params=["sync", "async", "http"])
def api(request: pytest.FixtureRequest, emu: Emulator) -> Iterator[Api]:
    mode = request.param
    if mode == "sync":
        yield Api(mode, emu, emu.client(_strict_response_validation=True))
        return
    if mode == "async":
        yield _AsyncApi(emu)
        return
    server: ServedEmulator = request.getfixturevalue("served")
    server.emulator.reset()
    server.emulator.use_clock(emu.clock)
    yield Api(mode, server.emulator, server.client(_strict_response_validation=True))
    server.emulator.use_engine(None)


def use(api: Api, engine: LocalEngine) -> LocalEngine:
    """Plug ``engine`` into the emulator behind ``api``."""
    api.emu.use_engine(engine)
    return engine
