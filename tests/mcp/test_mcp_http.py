"""``retell-dsl mcp --transport streamable-http`` as a subprocess on loopback, on an emulator database in tmp_path."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp import Client

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
START_TIMEOUT_S = 30.0


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def _wait_until_listening(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the MCP server exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the MCP server did not listen on {HOST}:{port} within {START_TIMEOUT_S} s:\n{log.read_text()}")


@pytest.fixture
def mcp_url(tmp_path: Path) -> Iterator[str]:
    """Start the HTTP server on a free loopback port; stop it (and wait for it) at teardown."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RETELL_API_KEY", "RETELL_DSL_", "RETELL_BASE"))}
    env["RETELL_DSL_EMULATOR_DB"] = str(tmp_path / "emulator.sqlite")
    port = _free_port()
    log = tmp_path / "server.log"
    args = [sys.executable, "-m", "retell_dsl", "mcp", "--transport", "streamable-http", "--host", HOST]
    with log.open("wb") as out:
        proc = subprocess.Popen([*args, "--port", str(port)], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_listening(proc, port, log)
        yield f"http://{HOST}:{port}/mcp"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


async def test_http_server_lists_and_runs_tools(mcp_url: str) -> None:
    async with Client(mcp_url, read_timeout_seconds=60) as client:
        tools = (await client.list_tools()).tools
        assert len(tools) == 38
        voices = await client.call_tool("list_voices", {})
        assert not voices.is_error, voices.content
        assert "11labs-Adrian" in str(voices.structured_content)
        missing = await client.call_tool("get_agent", {"agent_id": "agent_missing"})
        assert missing.is_error and "Retell API error 4" in str(missing.content[0])
