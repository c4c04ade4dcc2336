"""Size limits: oversized bodies are a quick 413 with Retell's body, and long problem lists are capped.

JSON bodies may be 10 MiB, multipart uploads 64 MiB (one knowledge-base file at Retell's
50 MB limit plus the form). Each adapter stops keeping a body as soon as it passes the limit,
so a 50 MB upload costs neither seconds nor memory. A message listing problems names the first
20 and counts the rest, so 10,000 unknown keys make a short error, in the emulator, the
toolkit and the MCP server alike.
"""

from __future__ import annotations

import asyncio
import re
import time
import tracemalloc
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from retell_dsl.emulator import DEFAULT_BASE_URL, Emulator, EmuRequest
from retell_dsl.emulator.body import MAX_JSON_BODY_BYTES, MAX_MULTIPART_BODY_BYTES
from retell_dsl.emulator.serve import ServedEmulator, serve_in_thread
from retell_dsl.errors import SchemaError
from retell_dsl.toolkit import invoke

FIFTY_MB = 50 * 1000 * 1000
CHUNK = b" " * (1024 * 1024)


def _headers(emu: Emulator, content_type: str = "application/json") -> dict[str, str]:
    return {"authorization": f"Bearer {emu.api_key}", "content-type": content_type}


def _assert_413(status: int, payload: object) -> None:
    assert status == 413
    assert isinstance(payload, dict) and payload["status"] == "error"
    assert "Request entity too large" in payload["message"]


class _Chunks:
    """A body of ``total`` bytes sent in 1 MiB chunks (never held in memory); counts what was read."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        while self.sent < self.total:
            chunk = CHUNK[: self.total - self.sent]
            self.sent += len(chunk)
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


# --------------------------------------------------------------------------- in process


def test_the_core_refuses_a_json_body_one_byte_over_the_limit() -> None:
    emu = Emulator()
    before = emu.dump()
    over = emu.handle(
        EmuRequest.build("POST", "/create-retell-llm", "", _headers(emu), b"x" * (MAX_JSON_BODY_BYTES + 1))
    )
    _assert_413(over.status, over.json())
    at = emu.handle(EmuRequest.build("POST", "/create-retell-llm", "", _headers(emu), b"x" * MAX_JSON_BODY_BYTES))
    assert at.status == 400  # at the limit the body is read (and is not JSON)
    assert emu.dump() == before


def test_the_core_allows_larger_multipart_uploads_but_not_unbounded_ones() -> None:
    emu = Emulator()
    content_type = "multipart/form-data; boundary=b"
    resp = emu.handle(
        EmuRequest.build(
            "POST", "/create-knowledge-base", "", _headers(emu, content_type), b"-" * (MAX_JSON_BODY_BYTES + 1)
        )
    )
    assert resp.status == 400  # read as a (malformed) form, not refused for its size
    resp = emu.handle(
        EmuRequest.build(
            "POST", "/create-knowledge-base", "", _headers(emu, content_type), b"-" * (MAX_MULTIPART_BODY_BYTES + 1)
        )
    )
    _assert_413(resp.status, resp.json())


def test_the_sync_transport_stops_reading_a_50_mb_body_at_the_limit() -> None:
    emu = Emulator()
    body = _Chunks(FIFTY_MB)
    with httpx.Client(transport=emu.transport(), base_url=DEFAULT_BASE_URL) as http:
        resp = http.post("/create-retell-llm", content=iter(body), headers=_headers(emu))
    _assert_413(resp.status_code, resp.json())
    assert body.sent <= MAX_JSON_BODY_BYTES + len(CHUNK)


def test_the_async_transport_stops_reading_a_50_mb_body_at_the_limit() -> None:
    emu = Emulator()
    body = _Chunks(FIFTY_MB)

    async def run() -> httpx.Response:
        async with httpx.AsyncClient(transport=emu.async_transport(), base_url=DEFAULT_BASE_URL) as http:
            return await http.post("/create-retell-llm", content=body.__aiter__(), headers=_headers(emu))

    resp = asyncio.run(run())
    _assert_413(resp.status_code, resp.json())
    assert body.sent <= MAX_JSON_BODY_BYTES + len(CHUNK)


# --------------------------------------------------------------------------- over HTTP


@pytest.fixture(scope="module")
def served() -> Iterator[ServedEmulator]:
    server = serve_in_thread(Emulator())
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_served_50_mb_body_is_a_quick_413_without_buffering(served: ServedEmulator, declared: bool) -> None:
    emu = served.emulator
    before = emu.dump()
    headers = _headers(emu)
    if declared:
        headers["content-length"] = str(FIFTY_MB)
    tracemalloc.start()
    started = time.monotonic()
    try:
        with httpx.Client(base_url=served.base_url, timeout=30) as http:
            resp = http.post("/create-retell-llm", content=iter(_Chunks(FIFTY_MB)), headers=headers)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.monotonic() - started
    _assert_413(resp.status_code, resp.json())
    assert elapsed < 5, elapsed
    assert peak < 24 * 1024 * 1024, f"peak traced memory {peak / 1048576:.1f} MiB"
    assert emu.dump() == before


def test_a_served_body_under_the_limit_still_works(served: ServedEmulator) -> None:
    client = served.client()
    llm = client.llm.create(general_prompt="x" * (MAX_JSON_BODY_BYTES // 2))
    assert len(client.llm.retrieve(llm.llm_id).general_prompt or "") == MAX_JSON_BODY_BYTES // 2


ROUTE_EMU = Emulator()
ROUTES = sorted({(r.method, r.template) for r in ROUTE_EMU.router.routes})
OVERSIZE = b"x" * (MAX_JSON_BODY_BYTES + 1)


def _route_path(template: str) -> str:
    return re.sub(r"\{[a-z_]+\}", "x", template)


@pytest.mark.parametrize(("method", "template"), ROUTES)
def test_every_route_refuses_an_oversized_body_in_process(method: str, template: str) -> None:
    before = ROUTE_EMU.dump()
    resp = ROUTE_EMU.handle(EmuRequest.build(method, _route_path(template), "", _headers(ROUTE_EMU), OVERSIZE))
    _assert_413(resp.status, resp.json())
    assert ROUTE_EMU.dump() == before


def test_every_route_refuses_an_oversized_body_over_http(served: ServedEmulator) -> None:
    emu = served.emulator
    before = emu.dump()
    with httpx.Client(base_url=served.base_url, timeout=30) as http:
        for method, template in ROUTES:
            resp = http.request(method, _route_path(template), content=OVERSIZE, headers=_headers(emu))
            assert resp.status_code == 413, (method, template, resp.status_code)
            _assert_413(resp.status_code, resp.json())
    assert emu.dump() == before


# --------------------------------------------------------------------------- long problem lists

UNKNOWN = {f"unknown_key_{i}": i for i in range(10_000)}


def test_the_emulator_caps_a_message_about_10000_unknown_keys() -> None:
    """Unknown keys are tolerated on stored objects (Retell keeps them), so the cap is on the warning header;
    a list filter stays strict and caps its 400 message."""
    emu = Emulator()
    import json

    from retell_dsl.emulator.domain.tolerance import WARNING_HEADER

    body = json.dumps({"general_prompt": "p", **UNKNOWN}).encode()
    resp = emu.handle(EmuRequest.build("POST", "/create-retell-llm", "", _headers(emu), body))
    assert resp.status == 201
    warning = resp.headers[WARNING_HEADER]
    assert len(warning) <= 1000 and "unknown_key_0: unknown field" in warning and warning.endswith("(and 9995 more)")
    body = json.dumps({"filter_criteria": dict.fromkeys(UNKNOWN, 1)}).encode()
    resp = emu.handle(EmuRequest.build("POST", "/v3/list-calls", "", _headers(emu), body))
    assert resp.status == 400
    message = resp.json()["message"]
    assert len(message) < 3000, len(message)
    assert "unknown_key_0: unknown field" in message
    assert message.endswith("(and 9980 more)")


def test_the_toolkit_caps_a_schema_error_about_10000_unknown_keys() -> None:
    client = Emulator().client()
    with pytest.raises(SchemaError) as raised:
        invoke("create_llm", client, {"general_prompt": "p", **UNKNOWN})
    message = str(raised.value)
    assert len(message) < 3000, len(message)
    assert message.endswith("(and 9980 more)")


def test_the_mcp_server_caps_a_tool_error_about_10000_unknown_keys() -> None:
    from retell_dsl.mcp_server import call_tool

    result = call_tool(Emulator().client(), "create_llm", {"general_prompt": "p", **UNKNOWN})
    assert result.is_error
    text = "".join(getattr(c, "text", "") for c in result.content)
    assert 0 < len(text) < 3000, len(text)
    assert "(and 9980 more)" in text


def test_a_megabyte_long_unknown_key_is_cut_in_the_message() -> None:
    from retell_dsl.emulator.domain.tolerance import WARNING_HEADER

    emu = Emulator()
    body = b'{"general_prompt":"p","' + b"k" * 1_000_000 + b'":1}'
    resp = emu.handle(EmuRequest.build("POST", "/create-retell-llm", "", _headers(emu), body))
    assert resp.status == 201
    assert len(resp.headers[WARNING_HEADER]) <= 1000
