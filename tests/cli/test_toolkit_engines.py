"""``retell-dsl voices | agents | llms | flows | concurrency`` against the emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.toolkit_env import ToolkitCli
from tests.toolkit.scenario import FLOW_NODES


@pytest.fixture
def cli(tmp_path: Path) -> ToolkitCli:
    return ToolkitCli(tmp_path)


def test_voices(cli: ToolkitCli) -> None:
    out = cli.ok("voices", "list")
    assert "Voices (" in out and "11labs-Adrian" in out
    voices = cli.json("voices", "list")
    assert any(v["voice_id"] == "11labs-Adrian" for v in voices)
    assert "Adrian" in cli.ok("voices", "get", "11labs-Adrian")
    assert cli.json("voices", "get", "11labs-Adrian")["voice_name"] == "Adrian"
    assert cli.fails("voices", "get", "nobody").startswith("error: Retell API error 4")


def test_agents_lifecycle(cli: ToolkitCli) -> None:
    ids = cli.seed()
    created = cli.json(
        "agents", "create", "--voice-id", "11labs-Adrian", "--llm-id", ids["llm_id"], "--name", "Support"
    )
    agent_id = created["agent_id"]
    assert (created["version"], created["is_published"]) == (0, False)
    assert cli.json("agents", "get", agent_id) == created  # --json round trip
    assert "Support" in cli.ok("agents", "list")
    listed = cli.json("agents", "list", "--query", "Supp")
    assert [a["agent_id"] for a in listed["items"]] == [agent_id]

    out = cli.ok("agents", "publish", agent_id, "--title", "first")
    assert "Version 0 of" in out and "new draft is version 1" in out
    renamed = cli.json("agents", "update", agent_id, "--name", "Support 2")
    assert (renamed["agent_name"], renamed["version"], renamed["voice_id"]) == ("Support 2", 1, "11labs-Adrian")
    assert cli.json("agents", "get", agent_id, "--version", "0")["agent_name"] == "Support"
    assert "agent_name" in cli.ok("agents", "get", agent_id)

    assert "cancelled" in cli.fails("agents", "delete", agent_id, input="n\n")
    assert "Deleted" in cli.ok("agents", "delete", agent_id, "--yes")
    assert "Retell API error 4" in cli.fails("agents", "get", agent_id)


def test_agents_from_file_with_flags_winning(cli: ToolkitCli, tmp_path: Path) -> None:
    ids = cli.seed()
    body = {"voice_id": "11labs-Adrian", "agent_name": "From file",
            "response_engine": {"type": "conversation-flow", "conversation_flow_id": ids["flow_id"]}}  # fmt: skip
    payload = tmp_path / "agent.json"
    payload.write_text(json.dumps(body))
    created = cli.json("agents", "create", "--file", str(payload), "--name", "Flag wins")
    assert created["agent_name"] == "Flag wins"
    assert created["response_engine"]["conversation_flow_id"] == ids["flow_id"]


def test_agents_bad_input(cli: ToolkitCli, tmp_path: Path) -> None:
    assert cli.fails("agents", "create", "--voice-id", "11labs-Adrian") == (
        "error: response_engine: missing required field"
    )
    assert "--llm-id and --flow-id" in cli.fails("agents", "create", "--llm-id", "a", "--flow-id", "b")
    broken = tmp_path / "broken.json"
    broken.write_text("{nope")
    assert "--file" in cli.fails("agents", "create", "--file", str(broken))
    listed = tmp_path / "list.json"
    listed.write_text("[]")
    assert "must hold a JSON object" in cli.fails("agents", "create", "--file", str(listed))
    assert "cannot read" in cli.fails("agents", "create", "--file", str(tmp_path / "missing.json"))
    assert "unknown target" in cli.fails("agents", "list", "--target", "mars")


def test_live_target_needs_a_key(cli: ToolkitCli) -> None:
    assert "RETELL_API_KEY" in cli.fails("agents", "list", "--target", "live")


def test_llms(cli: ToolkitCli) -> None:
    llm = cli.json("llms", "create", "--prompt", "Sell pizza.", "--begin-message", "Hi!")
    llm_id = llm["llm_id"]
    assert cli.json("llms", "get", llm_id) == llm
    assert llm_id in cli.ok("llms", "list")
    assert len(cli.json("llms", "list", "--all")["items"]) == 1
    updated = cli.json("llms", "update", llm_id, "--begin-message", "Hello!")
    assert (updated["begin_message"], updated["general_prompt"]) == ("Hello!", "Sell pizza.")
    assert "Sell pizza." in cli.ok("llms", "get", llm_id, "--version", "0")
    assert "--version: expected a version number" in cli.fails("llms", "get", llm_id, "--version", "prod")
    assert cli.json("llms", "delete", llm_id, "--force", "--yes") == {"deleted": True, "llm_id": llm_id}


def test_list_limit_pages(cli: ToolkitCli) -> None:
    client = cli.client()
    for i in range(4):
        client.llm.create(general_prompt=f"p{i}")
    page = cli.json("llms", "list", "--limit", "3")
    assert len(page["items"]) == 3 and page["has_more"] is True
    assert "More exist" in cli.ok("llms", "list", "--limit", "2")
    assert len(cli.json("llms", "list", "--all")["items"]) == 4


def test_flows(cli: ToolkitCli, tmp_path: Path) -> None:
    payload = tmp_path / "flow.json"
    payload.write_text(json.dumps({"nodes": FLOW_NODES}))
    flow = cli.json("flows", "create", "--file", str(payload), "--start-speaker", "agent")
    flow_id = flow["conversation_flow_id"]
    assert cli.json("flows", "get", flow_id) == flow
    assert flow_id in cli.ok("flows", "list")
    assert cli.json("flows", "update", flow_id, "--global-prompt", "Be kind.")["global_prompt"] == "Be kind."
    assert "Be kind." in cli.ok("flows", "get", flow_id)
    assert "nodes: missing required field" in cli.fails("flows", "create", "--start-speaker", "agent")
    assert "Deleted" in cli.ok("flows", "delete", flow_id, "--yes")


def test_concurrency(cli: ToolkitCli) -> None:
    out = cli.ok("concurrency")
    assert "concurrency_limit" in out
    assert cli.json("concurrency")["current_concurrency"] == 0


def test_help_teaches_with_examples(cli: ToolkitCli) -> None:
    for group in ("agents", "llms", "flows", "voices", "calls", "batch-calls", "numbers", "kbs"):
        result = cli.run(group, "--help")
        assert result.exit_code == 0
    result = cli.run("agents", "create", "--help")
    assert "Example: retell-dsl agents create" in result.stdout
    assert "--file" in result.stdout


def test_live_target_never_prints_the_key(cli: ToolkitCli) -> None:
    env = {**cli.env(), "RETELL_API_KEY": "key_0123456789abcdef0123456789ab", "RETELL_BASE_URL": "http://127.0.0.1:9"}
    from typer.testing import CliRunner

    from retell_dsl.cli import app

    result = CliRunner().invoke(app, ["concurrency"], env=env)
    assert result.exit_code == 1
    assert "target: live Retell API at http://127.0.0.1:9" in result.stderr
    assert "error: Retell API error: could not connect" in result.stderr
    assert "key_0123456789abcdef" not in result.output
