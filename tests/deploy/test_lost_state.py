"""A lost state file: apply refuses to create what Retell already has (same names), unless told to."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from retell_dsl.cli import app
from retell_dsl.deploy import Project
from retell_dsl.deploy.lost import RemoteDuplicates
from retell_dsl.emulator import Emulator
from retell_dsl.target import LOCAL_EMULATOR_KEY
from tests.deploy.stacks import support

KINDS = ("knowledge_base", "llm", "agent", "phone_number")


def counts(emu: Emulator) -> dict[str, int]:
    dump = emu.dump()
    return {kind: len(dump.get(kind, {})) for kind in KINDS}


def test_apply_after_losing_the_state_refuses_then_proceeds_only_when_allowed(tmp_path: Path) -> None:
    emu = Emulator()
    client = emu.client()
    project = Project(tmp_path, environment="prod")
    project.apply(project.plan(support(with_sales=True), client), client)
    before = counts(emu)
    agent_ids = sorted(emu.dump()["agent"])
    project.state_path.unlink()  # lost (or never copied to this machine)
    plan = project.plan(support(with_sales=True), client)
    assert {s.action for s in plan.steps} == {"create"}
    with pytest.raises(RemoteDuplicates) as err:
        project.apply(plan, client)
    message = str(err.value)
    assert "agent 'Acme support'" in message and "agent 'Acme sales'" in message
    assert "knowledge base 'help-center'" in message  # the bought number (no nickname) is caught by its agent
    assert all(f"--agent {a}" in message for a in agent_ids) and "-o app.py --env prod" in message
    assert "--allow-duplicates" in message and "Nothing was created" in message
    assert counts(emu) == before  # nothing was created
    assert project.state().addresses() == []
    project.apply(project.plan(support(with_sales=True), client), client, allow_duplicates=True)
    assert counts(emu) == {k: 2 * v for k, v in before.items()}


def test_objects_owned_by_another_environment_are_not_duplicates(tmp_path: Path) -> None:
    client = Emulator().client()
    staging, production = Project(tmp_path, environment="staging"), Project(tmp_path, environment="production")
    staging.apply(staging.plan(support(), client), client)
    production.apply(production.plan(support(), client), client)  # same names, but staging owns those
    assert production.plan(support(), client).steps == []


def test_cli_refuses_and_allow_duplicates_proceeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("RETELL_API_KEY", "RETELL_DSL_EMULATOR_DB", "RETELL_DSL_TARGET"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "app.py").write_text("from tests.deploy.stacks import support\nstack = support()\n")
    runner = CliRunner()
    assert runner.invoke(app, ["apply", "app.py", "-y"]).exit_code == 0
    (tmp_path / ".retell" / "state" / "default.json").unlink()
    refused = runner.invoke(app, ["apply", "app.py", "-y"], env={"COLUMNS": "300"})
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "Retell already has: knowledge base 'help-center'" in refused.output
    emu = Emulator(tmp_path / ".retell" / "emulator.sqlite", api_key=LOCAL_EMULATOR_KEY)
    assert counts(emu) == dict.fromkeys(KINDS, 1)
    emu.close()
    allowed = runner.invoke(app, ["apply", "app.py", "-y", "--allow-duplicates"])
    assert allowed.exit_code == 0, allowed.output


def test_an_imported_number_is_matched_by_its_number(tmp_path: Path) -> None:
    from tests.deploy.test_secrets import trunk_stack

    client = Emulator().client()
    project = Project(tmp_path, environment="prod")
    project.apply(project.plan(trunk_stack(), client), client, environ={"SIP_PASSWORD": "pw"})
    project.state_path.unlink()
    with pytest.raises(RemoteDuplicates, match=r"Retell already has: phone number \+14155550123\. Was"):
        project.apply(project.plan(trunk_stack(), client), client, environ={"SIP_PASSWORD": "pw"})
