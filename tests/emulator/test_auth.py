"""Authentication comes first and is exact: ``Bearer <key>``, one header, nothing around the key.

An unauthenticated request is answered 401 before fault rules are consulted, so it can neither
receive nor use up an injected fault; a key with spaces around it, or two ``Authorization``
headers (whichever comes last), is refused in process and over real HTTP alike.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import httpx
import pytest

from retell_dsl.emulator import DEFAULT_BASE_URL, Emulator, EmuRequest
from retell_dsl.emulator.serve import ServedEmulator, serve_in_thread

PATH = "/list-voices"
Sender = Callable[[list[tuple[str, str]]], httpx.Response]


@pytest.fixture(scope="module")
def served() -> Iterator[ServedEmulator]:
    server = serve_in_thread(Emulator())
    try:
        yield server
    finally:
        server.stop()


def _send(mode: str, emu: Emulator, headers: list[tuple[str, str]], base_url: str = DEFAULT_BASE_URL) -> httpx.Response:
    """GET ``PATH`` with exactly these header lines, through the sync or async transport, or over HTTP."""
    if mode == "async":

        async def run() -> httpx.Response:
            async with httpx.AsyncClient(transport=emu.async_transport(), base_url=base_url) as http:
                return await http.get(PATH, headers=headers)

        return asyncio.run(run())
    transport = None if mode == "http" else emu.transport()
    with httpx.Client(transport=transport, base_url=base_url) as http:
        return http.get(PATH, headers=headers)


@pytest.fixture(params=["sync", "async", "http"])
def send(request: pytest.FixtureRequest) -> Iterator[tuple[Emulator, Sender]]:
    """The emulator and a function sending header lines to it (sync, async, or over HTTP)."""
    mode = request.param
    if mode == "http":
        server: ServedEmulator = request.getfixturevalue("served")
        server.emulator.reset()
        emu, base = server.emulator, server.base_url
    else:
        emu, base = Emulator(), DEFAULT_BASE_URL
    yield emu, lambda headers: _send(mode, emu, headers, base)


def _is_401(resp: httpx.Response) -> bool:
    return resp.status_code == 401 and resp.json() == {"status": "error", "message": "API key is missing or invalid."}


def test_the_exact_key_is_accepted(send: tuple[Emulator, Sender]) -> None:
    emu, do = send
    assert do([("authorization", f"Bearer {emu.api_key}")]).status_code == 200
    assert do([("authorization", f"bearer {emu.api_key}")]).status_code == 200  # the scheme is case-insensitive


def test_two_authorization_headers_are_refused_whichever_comes_last(send: tuple[Emulator, Sender]) -> None:
    emu, do = send
    good = ("authorization", f"Bearer {emu.api_key}")
    bad = ("authorization", "Bearer key_0000000000000000000000000000")
    assert _is_401(do([bad, good]))
    assert _is_401(do([good, good]))
    assert _is_401(do([good, bad]))


@pytest.mark.parametrize(
    "template", ["Bearer  {key}", "Bearer {key} ", "Bearer \t{key}", "Bearer {key}\t", "Bearer {key}\n"]
)
def test_whitespace_around_the_key_is_refused_in_process(template: str) -> None:
    emu = Emulator()
    header = template.format(key=emu.api_key)
    resp = emu.handle(EmuRequest("GET", PATH, {}, {"authorization": header}, b""))
    assert resp.status == 401, repr(header)


def test_a_padded_key_is_refused_through_the_transport() -> None:
    emu = Emulator()
    with httpx.Client(transport=emu.transport(), base_url=DEFAULT_BASE_URL) as http:
        assert _is_401(http.get(PATH, headers={"authorization": f"Bearer  {emu.api_key}"}))


def test_an_unauthenticated_request_cannot_spend_an_injected_fault(send: tuple[Emulator, Sender]) -> None:
    emu, do = send
    emu.faults.add("GET /list-voices", error_rate=1.0, error_statuses=(503,), times=1)
    assert _is_401(do([]))
    assert _is_401(do([("authorization", "Bearer wrong")]))
    authorized = [("authorization", f"Bearer {emu.api_key}")]
    assert do(authorized).status_code == 503  # the fault is still there for the first real request
    assert do(authorized).status_code == 200


def test_an_unauthenticated_request_never_sees_a_fault_or_its_latency() -> None:
    emu = Emulator()
    emu.faults.add("*", error_rate=1.0, error_statuses=(500,), latency_ms=60_000)
    outcome = emu.core.handle(EmuRequest("GET", PATH, {}, {}, b""))
    assert outcome.response.status == 401
    assert outcome.latency_s == 0 and not outcome.drop
