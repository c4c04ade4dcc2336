"""The HTTP MCP server's safety: bearer token off loopback, Host/Origin checks always on, a loud warning.

Nothing here binds a non-loopback address: the app made for a non-loopback host is served on
127.0.0.1 (requests name the other host in their Host header), and the CLI's non-loopback path
runs with ``serve`` replaced.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from typer.testing import CliRunner

from retell_dsl.cli import app as cli_app
from retell_dsl.emulator import Emulator
from retell_dsl.errors import ConfigurationError
from retell_dsl.mcp_server import TOKEN_ENV, build_server, http_app, http_token, is_loopback
from tests.mcp.test_mcp_http import HOST, ROOT, _free_port, _wait_until_listening

TOKEN = "test-token-0123456789abcdef"
REMOTE = "10.1.2.3"  # the host the app is made for; never bound
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.1.2.3", False),
        ("example.com", False),
        ("localhost.example.com", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_http_token_rules() -> None:
    assert http_token("127.0.0.1", environ={}) == (None, False)
    assert http_token("localhost", environ={TOKEN_ENV: TOKEN}) == (TOKEN, False)  # set: always required
    assert http_token("127.0.0.1", require=True, environ={TOKEN_ENV: TOKEN}) == (TOKEN, False)
    assert http_token("0.0.0.0", environ={TOKEN_ENV: f"  {TOKEN} "}) == (TOKEN, False)
    token, generated = http_token("0.0.0.0", environ={})
    assert generated and token is not None and len(token) >= 32
    assert http_token("0.0.0.0", environ={})[0] != token  # random, not a constant
    with pytest.raises(ConfigurationError, match=rf"\${TOKEN_ENV} is too short"):
        http_token("0.0.0.0", environ={TOKEN_ENV: "short"})


@pytest.fixture
def remote_app_url() -> Iterator[str]:
    """The app built for host 10.1.2.3 with a token, served by uvicorn on 127.0.0.1 in a thread."""
    client = Emulator().client()
    app = http_app(build_server(lambda: client), host=REMOTE, token=TOKEN, allowed_hosts=["mcp.example.org"])
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host=HOST, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start within 30 s"
        time.sleep(0.05)
    try:
        yield f"http://{HOST}:{port}/mcp"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        assert not thread.is_alive()


def _post(url: str, **headers: str) -> httpx.Response:
    return httpx.post(url, json=INITIALIZE, headers={**MCP_HEADERS, **headers}, timeout=30)


def test_requests_without_the_token_get_401(remote_app_url: str) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": TOKEN}):
        response = _post(remote_app_url, **headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert TOKEN not in response.text


def test_the_token_and_a_known_host_get_through(remote_app_url: str) -> None:
    port = httpx.URL(remote_app_url).port
    for host in (f"{REMOTE}:{port}", f"127.0.0.1:{port}", f"mcp.example.org:{port}", "mcp.example.org"):
        response = _post(remote_app_url, Authorization=f"Bearer {TOKEN}", Host=host)
        assert response.status_code == 200, (host, response.text)
        assert '"serverInfo"' in response.text
    lowercase = _post(remote_app_url, Authorization=f"bearer {TOKEN}")
    assert lowercase.status_code == 200


def test_dns_rebinding_protection_stays_on(remote_app_url: str) -> None:
    port = httpx.URL(remote_app_url).port
    auth = f"Bearer {TOKEN}"
    assert _post(remote_app_url, Authorization=auth, Host=f"evil.example:{port}").status_code == 421
    assert _post(remote_app_url, Authorization=auth, Origin="http://evil.example").status_code == 403
    assert _post(remote_app_url, Authorization=auth, Origin=f"http://{REMOTE}:{port}").status_code == 200


@pytest.mark.anyio
async def test_an_mcp_client_with_the_token_runs_tools(remote_app_url: str) -> None:
    async with (
        create_mcp_http_client(headers={"Authorization": f"Bearer {TOKEN}"}) as http,
        Client(streamable_http_client(remote_app_url, http_client=http), read_timeout_seconds=60) as client,
    ):
        assert len((await client.list_tools()).tools) == 38
        created = await client.call_tool("create_llm", {"general_prompt": "Behind a token."})
        assert not created.is_error and created.structured_content is not None


def test_loopback_without_a_token_keeps_host_checks() -> None:
    client = Emulator().client()
    app = http_app(build_server(lambda: client), host=HOST)
    assert not hasattr(app, "expected")  # no bearer middleware on loopback by default
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host=HOST, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    try:
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline
            time.sleep(0.05)
        url = f"http://{HOST}:{port}/mcp"
        assert _post(url).status_code == 200
        assert _post(url, Host=f"evil.example:{port}").status_code == 421
    finally:
        server.should_exit = True
        thread.join(timeout=15)


# ------------------------------------------------------------------------------------------- the CLI


def test_cli_on_a_non_loopback_host_warns_and_requires_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("retell_dsl.mcp_server.serve", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    args = ["mcp", "--transport", "streamable-http", "--host", "0.0.0.0", "--allow-host", "mcp.lan", "-t", "emulator"]
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    assert "WARNING: retell-dsl mcp is listening on 0.0.0.0:8765, beyond this machine" in result.output
    assert "delete" in result.output
    (kwargs,) = calls
    assert kwargs["host"] == "0.0.0.0" and kwargs["allowed_hosts"] == ["mcp.lan"]
    token = kwargs["token"]
    assert token and result.output.count(token) == 1  # generated, printed once


def test_cli_takes_the_token_from_the_environment_and_never_prints_it(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("retell_dsl.mcp_server.serve", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    result = CliRunner().invoke(cli_app, ["mcp", "--transport", "streamable-http", "--host", "::", "-t", "emulator"])
    assert result.exit_code == 0, result.output
    assert calls[0]["token"] == TOKEN and TOKEN not in result.output
    assert f"from ${TOKEN_ENV}" in result.output and "WARNING" in result.output


def test_cli_rejects_a_short_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("retell_dsl.mcp_server.serve", lambda *a, **k: pytest.fail("must not serve"))
    monkeypatch.setenv(TOKEN_ENV, "Zq9x")
    args = ["mcp", "--transport", "streamable-http", "--host", "0.0.0.0", "-t", "emulator"]
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 1
    assert f"${TOKEN_ENV} is too short" in result.output and "Zq9x" not in result.output


def test_cli_on_loopback_needs_no_token_and_does_not_warn(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("retell_dsl.mcp_server.serve", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    result = CliRunner().invoke(cli_app, ["mcp", "--transport", "streamable-http", "-t", "emulator"])
    assert result.exit_code == 0, result.output
    assert calls[0]["token"] is None and "WARNING" not in result.output


def test_cli_on_loopback_uses_a_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("retell_dsl.mcp_server.serve", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    result = CliRunner().invoke(cli_app, ["mcp", "--transport", "streamable-http", "-t", "emulator"])
    assert result.exit_code == 0, result.output
    assert calls[0]["token"] == TOKEN and TOKEN not in result.output and "WARNING" not in result.output


@pytest.fixture
def token_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``retell-dsl mcp --require-token`` on a free loopback port (generated token); its URL and log."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RETELL_API_KEY", "RETELL_DSL_", "RETELL_BASE"))}
    env["RETELL_DSL_EMULATOR_DB"] = str(tmp_path / "emulator.sqlite")
    port = _free_port()
    log = tmp_path / "server.log"
    args = [sys.executable, "-m", "retell_dsl", "mcp", "--transport", "streamable-http", "--host", HOST]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*args, "--port", str(port), "--require-token"], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_listening(proc, port, log)
        yield f"http://{HOST}:{port}/mcp", log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.mark.slow
def test_cli_require_token_over_real_http(token_server: tuple[str, Path]) -> None:
    url, log = token_server
    printed = re.findall(r"MCP bearer token \(shown once[^)]*\): (\S+)", log.read_text())
    assert len(printed) == 1, log.read_text()
    assert _post(url).status_code == 401
    assert _post(url, Authorization=f"Bearer {printed[0]}").status_code == 200


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
