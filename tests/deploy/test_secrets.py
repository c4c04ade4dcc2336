"""Secrets come only from the environment and never reach plans, state, output or the journal."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from retell_dsl import PhoneNumber, SipTrunk, Stack
from retell_dsl.cli import app
from retell_dsl.deploy import Project
from retell_dsl.deploy.render import plain, plan_lines
from retell_dsl.emulator import Emulator

SECRET = "s3cr3t-trunk-password-4711"

APP = """
from retell_dsl import PhoneNumber, SipTrunk, Stack
trunk = SipTrunk(termination_uri="acme.pstn.twilio.com", username="acme", password_env="SIP_PASSWORD")
stack = Stack(name="trunks").add(PhoneNumber(name="main", number="+14155550123", nickname="Main").imported(trunk))
"""


def trunk_stack(nickname: str = "Main") -> Stack:
    trunk = SipTrunk(termination_uri="acme.pstn.twilio.com", username="acme", password_env="SIP_PASSWORD")
    return Stack(name="trunks").add(PhoneNumber(name="main", number="+14155550123", nickname=nickname).imported(trunk))


def test_secret_is_sent_but_never_planned_or_stored(tmp_path: Path) -> None:
    emu = Emulator()
    client = emu.client()
    project = Project(tmp_path, environment="prod")
    plan = project.plan(trunk_stack(), client)
    text = plain(plan_lines(plan)) + plan.to_json()
    assert SECRET not in text and "(secret from $SIP_PASSWORD)" in text
    project.apply(plan, client, environ={"SIP_PASSWORD": SECRET})
    stored = emu.dump()["phone_number"]["+14155550123"][0]
    assert stored["_sip_auth_password"] == SECRET  # it did reach Retell
    for path in (tmp_path / ".retell").rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(encoding="utf-8"), path
    assert project.plan(trunk_stack(), client).steps == []
    update = project.plan(trunk_stack("Front"), client)
    project.apply(update, client, environ={"SIP_PASSWORD": SECRET})
    assert SECRET not in plain(plan_lines(update)) + update.to_json()


def test_sip_password_uses_the_same_digest_mechanism(tmp_path: Path) -> None:
    client = Emulator().client()
    project = Project(tmp_path, environment="prod")
    project.apply(project.plan(trunk_stack(), client), client, environ={"SIP_PASSWORD": SECRET})
    assert project.plan(trunk_stack(), client, environ={"SIP_PASSWORD": SECRET}).steps == []
    rotated = project.plan(trunk_stack(), client, environ={"SIP_PASSWORD": "another-" + SECRET})
    [step] = rotated.steps
    assert [(c.path, c.before, c.after) for c in step.changes] == [
        ("sip_trunk_auth_password", "$secret:changed", "$env:SIP_PASSWORD")
    ]
    project.apply(rotated, client, environ={"SIP_PASSWORD": "another-" + SECRET})
    assert project.plan(trunk_stack(), client, environ={"SIP_PASSWORD": "another-" + SECRET}).steps == []
    assert SECRET not in project.state_path.read_text() + rotated.to_json()


def test_missing_secret_is_a_clear_error(tmp_path: Path) -> None:
    client = Emulator().client()
    project = Project(tmp_path)
    from retell_dsl.deploy import ApplyFailed

    with pytest.raises(ApplyFailed, match="the environment variable SIP_PASSWORD is not set"):
        project.apply(project.plan(trunk_stack(), client), client, environ={})


def test_cli_output_never_shows_the_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RETELL_API_KEY", raising=False)
    monkeypatch.setenv("SIP_PASSWORD", SECRET)
    (tmp_path / "app.py").write_text(APP)
    runner = CliRunner()
    for args in (["plan", "app.py"], ["apply", "app.py", "-y"], ["drift", "app.py"], ["compile", "app.py", "--json"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert SECRET not in result.output


TOKEN, KEY = "CANARY-tool-token-93f1", "CANARY-mcp-key-5d20"
HEADERS_APP = """
from retell_dsl import Agent, CustomTool, McpServer, RetellLLM, Stack
tool = CustomTool(name="lookup", description="Look an order up.", url="https://api.example.com/orders",
                  headers={"Authorization": "$env:TOKEN"})
llm = RetellLLM(name="orders").prompt("Help with orders.").tool(tool)
llm = llm.mcp(McpServer(name="crm", url="https://mcp.example.com", headers={"x-api-key": "$env:KEY"}))
stack = Stack(name="orders").add(Agent(name="Orders", voice="openai-Alloy", engine=llm))
"""


def _no_canary(text: str, where: object) -> None:
    for canary in (TOKEN, KEY, "rotated-" + TOKEN):
        assert canary not in text, f"{canary} leaked into {where}"


def test_header_secrets_converge_and_never_leak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Item 1: header secrets are compared by keyed digest, masked everywhere, and a plan after apply is empty."""
    import json

    monkeypatch.chdir(tmp_path)
    for name in ("RETELL_API_KEY", "RETELL_DSL_EMULATOR_DB", "RETELL_DSL_TARGET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TOKEN", TOKEN)
    monkeypatch.setenv("KEY", KEY)
    (tmp_path / "app.py").write_text(HEADERS_APP)
    runner = CliRunner()
    outputs: list[str] = []
    stdout: list[str] = []

    def run(*args: str) -> int:
        result = runner.invoke(app, list(args), env={"COLUMNS": "150"})
        outputs.append(result.output)
        stdout.append(result.stdout)
        _no_canary(result.output, args)
        return result.exit_code

    assert run("plan", "app.py", "--out", "first.json") == 0
    assert run("apply", "app.py", "-y") == 0, outputs[-1]
    assert run("plan", "app.py", "--detailed-exitcode") == 0, outputs[-1]  # converged: nothing re-sent
    assert run("plan", "app.py", "--json") == 0 and json.loads(stdout[-1])["steps"] == []
    assert run("drift", "app.py", "--detailed-exitcode") == 0, outputs[-1]
    assert run("drift", "app.py", "--json") == 0
    monkeypatch.setenv("TOKEN", "rotated-" + TOKEN)  # a rotated secret is a change, shown masked
    assert run("plan", "app.py", "--detailed-exitcode", "--out", "rotated.json") == 2
    assert "general_tools[0].headers.Authorization: (secret: a different value) → (secret from $TOKEN)" in outputs[-1]
    assert run("apply", "app.py", "-y") == 0
    assert run("plan", "app.py", "--detailed-exitcode") == 0, outputs[-1]
    emu = Emulator(tmp_path / ".retell" / "emulator.sqlite", api_key="key_local_emulator")
    [llm] = emu.dump()["llm"].values()
    assert llm[-1]["general_tools"][0]["headers"] == {"Authorization": "rotated-" + TOKEN}  # it did reach Retell
    agent_id = next(iter(emu.dump()["agent"]))
    emu.close()
    # --force: environment "default" manages these objects too; this test adopts them on purpose
    adopt = ("import", "--agent", agent_id, "-o", "imported.py", "--env", "adopted", "--target", "emulator", "--force")
    assert run(*adopt) == 0
    assert "set CRM_X_API_KEY, LOOKUP_AUTHORIZATION in the environment" in outputs[-1]
    source = (tmp_path / "imported.py").read_text()
    assert '"$env:LOOKUP_AUTHORIZATION"' in source and '"$env:KEY_X_API_KEY"' not in source
    monkeypatch.delenv("TOKEN")
    monkeypatch.delenv("KEY")
    assert run("plan", "imported.py", "--env", "adopted", "--detailed-exitcode") == 0, outputs[-1]
    for path in tmp_path.rglob("*"):
        if path.is_file() and "emulator.sqlite" not in path.name:  # the emulator is Retell: it holds them
            _no_canary(path.read_bytes().decode(errors="replace"), path)
