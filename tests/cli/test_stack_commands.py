# ruff: noqa: RUF001
"""compile, lint, plan, apply, publish, drift and destroy from the command line: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from retell_dsl.cli import app
from retell_dsl.emulator import Emulator
from retell_dsl.target import LOCAL_EMULATOR_KEY

APP = """
from tests.deploy.stacks import support
stack = support(prompt={prompt!r}, voice={voice!r})
"""

BROKEN = """
from retell_dsl import ConversationFlow, ConversationNode, EndNode, Stack
flow = (
    ConversationFlow(name="f", start_speaker="agent")
    .node(ConversationNode(name="greet", prompt="Hi").to("confrim", when="yes").otherwise("bye"))
    .node(EndNode(name="bye"))
    .start_at("greet")
)
stack = Stack(name="broken").add(flow)
"""

PER_ENV = """
from retell_dsl import Agent, RetellLLM, Stack

def stack(env: str) -> Stack:
    hook = "https://hooks.example.com/" + env
    llm = RetellLLM(name="main").prompt("Hello from " + env)
    return Stack(name="per-env").add(Agent(name="desk", voice="openai-Nova", engine=llm, extra={"webhook_url": hook}))
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RETELL_API_KEY", raising=False)
    monkeypatch.delenv("RETELL_DSL_EMULATOR_DB", raising=False)
    monkeypatch.delenv("RETELL_DSL_TARGET", raising=False)
    return tmp_path


def write_app(root: Path, prompt: str = "Be kind.", voice: str = "openai-Alloy", name: str = "app.py") -> str:
    (root / name).write_text(APP.format(prompt=prompt, voice=voice))
    return name


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "150"})


def emulator_client(root: Path) -> Any:
    return Emulator(root / ".retell" / "emulator.sqlite", api_key=LOCAL_EMULATOR_KEY).client()


def test_lint_clean_and_broken(project: Path) -> None:
    ok = run("lint", write_app(project))
    assert ok.exit_code == 0 and "no issues" in ok.output
    (project / "broken.py").write_text(BROKEN)
    bad = run("lint", "broken.py")
    assert bad.exit_code == 1
    assert "broken.py:5: error RD102 flow 'f' › node 'greet' › edge[0]" in bad.output
    assert "edge points to unknown node 'confrim'" in bad.output
    assert "fix: edges name their destination node by its name" in bad.output


def test_compile_json_lists_resources_in_dependency_order(project: Path) -> None:
    result = run("compile", write_app(project), "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    kinds = [r["kind"] for r in data["resources"]]
    assert kinds == ["knowledge_base", "llm", "agent", "phone_number"]
    agent = data["resources"][2]
    assert agent["address"] == "agent.Acme support"
    assert agent["payload"]["response_engine"]["llm_id"] == "$ref:llm.support"


def test_plan_apply_cycle_with_detailed_exit_codes(project: Path) -> None:
    name = write_app(project)
    assert run("plan", name, "--detailed-exitcode").exit_code == 2
    refused = run("apply", name)
    assert refused.exit_code == 1 and "pass --auto-approve" in refused.output
    applied = run("apply", name, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "✓ create agent.Acme support" in applied.output
    # 4 creates + 3 listings (agents, knowledge bases, numbers): nothing of those names exists yet,
    # + 1 list-voices (the preflight checks the agent's voice before the first change)
    assert "Applied 4 steps with 8 requests." in applied.output
    again = run("plan", name, "--detailed-exitcode")
    assert again.exit_code == 0 and "No changes." in again.output


def test_saved_plan_round_trip_and_json(project: Path) -> None:
    name = write_app(project)
    run("apply", name, "--auto-approve")
    write_app(project, prompt="Be brief.")
    saved = run("plan", name, "--out", "plan.json")
    assert saved.exit_code == 0 and "~ general_prompt" in saved.output
    as_json = json.loads(run("plan", name, "--json").stdout)
    assert [(s["action"], s["address"]) for s in as_json["steps"]] == [("update", "llm.support")]
    applied = run("apply", name, "plan.json", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert run("plan", name, "--detailed-exitcode").exit_code == 0


def test_publish_then_drift_then_revert(project: Path) -> None:
    name = write_app(project)
    run("apply", name, "--auto-approve")
    published = run("publish", name, "--agent", "Acme support", "--auto-approve")
    assert published.exit_code == 0 and "✓ publish agent.Acme support" in published.output
    assert "no such agent" in run("publish", name, "--agent", "Nobody", "-y").output
    client = emulator_client(project)
    state = json.loads((project / ".retell" / "state" / "default.json").read_text())
    agent_id = state["resources"]["agent.Acme support"]["remote_id"]
    client.agent.create_version(agent_id, base_version=0)
    client.agent.update(agent_id, voice_id="11labs-Grace")  # an edit in the dashboard
    drift = run("drift", name, "--detailed-exitcode")
    assert drift.exit_code == 2
    assert 'remote changed voice_id: "openai-Alloy" → "11labs-Grace"' in drift.output
    assert run("drift", name, "--json").exit_code == 0
    revert = run("apply", name, "--auto-approve")
    assert revert.exit_code == 0 and "~ voice_id" in revert.output
    assert run("drift", name, "--detailed-exitcode").exit_code == 0


def test_destroy_keeps_protected_kinds_unless_forced(project: Path) -> None:
    name = write_app(project)
    run("apply", name, "--auto-approve")
    kept = run("destroy", name, "--auto-approve")
    assert kept.exit_code == 0
    assert "phone_number.support line is kept: phone numbers are protected; pass --force" in kept.output
    state = json.loads((project / ".retell" / "state" / "default.json").read_text())
    assert sorted(state["resources"]) == ["knowledge_base.help-center", "phone_number.support line"]
    forced = run("destroy", name, "--auto-approve", "--force")
    assert forced.exit_code == 0
    assert json.loads((project / ".retell" / "state" / "default.json").read_text())["resources"] == {}
    client = emulator_client(project)
    assert client.phone_number.list().items == [] and client.knowledge_base.list() == []


def test_environments_override_values_and_warn_before_skipping_staging(project: Path) -> None:
    (project / "per_env.py").write_text(PER_ENV)
    prod = run("apply", "per_env.py", "--env", "production", "--auto-approve")
    assert prod.exit_code == 0
    assert "not applied to staging first" in prod.output
    assert run("apply", "per_env.py", "--env", "staging", "--auto-approve").exit_code == 0
    client = emulator_client(project)
    hooks = sorted(client.agent.retrieve(a.agent_id).webhook_url for a in client.agent.list().items)
    assert hooks == ["https://hooks.example.com/production", "https://hooks.example.com/staging"]


def test_bad_app_path_and_live_without_key_are_one_line_errors(project: Path) -> None:
    missing = run("plan", "nope.py")
    assert missing.exit_code == 1 and "error: no such file: nope.py" in missing.output
    live = run("plan", write_app(project), "--target", "live")
    assert live.exit_code == 1 and "needs RETELL_API_KEY" in live.output
    assert "Traceback" not in missing.output + live.output


def test_apply_and_destroy_json_results(project: Path) -> None:
    name = write_app(project)
    result = CliRunner().invoke(app, ["apply", name, "--auto-approve", "--json"], env={"COLUMNS": "150"})
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sorted(data["done"]) == sorted(
        ["create:knowledge_base.help-center", "create:llm.support", "create:agent.Acme support",
         "create:phone_number.support line"]
    )  # fmt: skip
    assert data["requests"] == 8  # 4 creates + 3 listings looking for unowned objects of the same names + list-voices
    gone = CliRunner().invoke(app, ["destroy", name, "-y", "--force", "--json"], env={"COLUMNS": "150"})
    assert json.loads(gone.stdout)["done"][0].startswith("delete:")
