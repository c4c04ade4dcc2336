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
