"""``retell-dsl mcp`` as a subprocess over stdio, on an emulator database in tmp_path."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

from retell_dsl.emulator import Emulator
from retell_dsl.target import LOCAL_EMULATOR_KEY

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _server(db: Path) -> StdioServerParameters:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RETELL_API_KEY", "RETELL_DSL_", "RETELL_BASE"))}
    env["RETELL_DSL_EMULATOR_DB"] = str(db)
    return StdioServerParameters(command=sys.executable, args=["-m", "retell_dsl", "mcp"], env=env, cwd=ROOT)


async def test_stdio_server_lists_and_runs_tools(tmp_path: Path) -> None:
    db = tmp_path / "emulator.sqlite"
    async with Client(_server(db), read_timeout_seconds=60) as client:
        tools = (await client.list_tools()).tools
        assert len(tools) == 38
        created = await client.call_tool("create_llm", {"general_prompt": "Over stdio."})
        assert not created.is_error, created.content
        assert created.structured_content is not None
        llm_id = created.structured_content["llm_id"]
        fetched = await client.call_tool("get_llm", {"llm_id": llm_id})
        assert fetched.structured_content is not None
        assert fetched.structured_content["general_prompt"] == "Over stdio."
        missing = await client.call_tool("get_llm", {"llm_id": "llm_missing"})
        assert missing.is_error and "Retell API error 4" in str(missing.content[0])
        invalid = await client.call_tool("create_agent", {"voice_id": 7})
        assert invalid.is_error and "voice_id: expected a string" in str(invalid.content[0])
    # the server wrote to the emulator database it was pointed at
    persisted = Emulator(str(db), api_key=LOCAL_EMULATOR_KEY).client()
    assert persisted.llm.retrieve(llm_id).general_prompt == "Over stdio."
