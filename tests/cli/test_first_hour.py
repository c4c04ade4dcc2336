"""What a new user sees in the first hour (issue 10, "CLI and output"), at 80 columns and not on a terminal."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from retell_dsl.cli import app

APP = """
from tests.deploy.stacks import support
stack = support(prompt={prompt!r}, voice={voice!r})
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("RETELL_API_KEY", "RETELL_DSL_EMULATOR_DB", "RETELL_DSL_TARGET"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def write_app(root: Path, prompt: str = "Be kind.", voice: str = "openai-Alloy") -> str:
    (root / "app.py").write_text(APP.format(prompt=prompt, voice=voice))
    return "app.py"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "80"})


def test_the_apply_hint_of_a_saved_plan_works_as_printed(project: Path) -> None:
    name = write_app(project)
    planned = run("plan", name, "--env", "staging", "--out", "plan.json")
    assert planned.exit_code == 0, planned.output
    hint = re.search(r"apply it with: (.+)", planned.stderr)
    assert hint is not None, planned.stderr
    words = shlex.split(hint.group(1))
    assert words[:4] == ["retell-dsl", "apply", name, "plan.json"] and "--env" in words
    applied = run(*words[1:], "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert (project / ".retell" / "state" / "staging.json").is_file()


def test_no_changes_is_said_once_and_counts_are_plural_only_when_plural(project: Path) -> None:
    name = write_app(project)
    assert run("apply", name, "-y").exit_code == 0
    again = run("apply", name, "-y")
    assert again.exit_code == 0, again.output
    assert again.output.count("No changes") == 1
    write_app(project, voice="11labs-Grace")
    changed = run("apply", name, "-y")
    assert changed.exit_code == 0, changed.output
    assert re.search(r"Applied 1 step with \d+ requests?\.", changed.output), changed.output
    assert not re.search(r"\b1 (steps|requests)\b", changed.output)
    linted = run("lint", name)
    assert "1 error(s)" not in linted.output and "(s)" not in linted.output


def test_demo_at_80_columns_keeps_code_ids_and_times_readable(project: Path) -> None:
    from retell_dsl import flow_graph
    from retell_dsl.cli._demo import find_example

    shown = run("demo")
    assert shown.exit_code == 0, shown.output
    import importlib.util

    spec = importlib.util.spec_from_file_location("clinic_example", find_example())
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    mermaid = flow_graph(example.flow, "mermaid")
    lines = shown.stdout.splitlines()
    for line in mermaid.splitlines():  # each line of the diagram printed whole, never hard-wrapped
        assert line in lines
    assert max(len(line) for line in mermaid.splitlines()) > 80
    assert re.search(r"│ agent_[0-9a-f]{20,} ", shown.stdout)  # ids kept whole in the table
    assert re.search(r"token expires\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", shown.stdout)


def test_numbers_print_as_the_api_sent_them_and_times_as_utc(tmp_path: Path) -> None:
    from tests.cli.toolkit_env import ToolkitCli

    cli = ToolkitCli(tmp_path)
    ids = cli.seed()
    args = ("batch-calls", "create", "--from", ids["number"], "--to", "+14155550123", "--to", "+14155550124")
    batch = cli.json(*args, "--name", "promo", "--at", "2030-01-02T03:04:05Z")
    assert batch["total_task_count"] == 2 and isinstance(batch["total_task_count"], int)
    assert batch["scheduled_timestamp"] == 1893553445000  # the raw milliseconds in --json
    shown = cli.ok(*args, "--name", "promo2", "--at", "2030-01-02T03:04:05Z")
    assert re.search(r"total_task_count\s+│ 2\s", shown), shown
    assert "2.0" not in shown
    assert "2030-01-02 03:04:05 UTC (1893553445000)" in shown
    cli.ok("kbs", "add-sources", ids["kb_id"], "--upload", ids["doc"])
    kb = cli.json("kbs", "get", ids["kb_id"])
    sizes = [s["file_size"] for s in kb["knowledge_base_sources"] if "file_size" in s]
    assert sizes == [len("Pizza: 10 dollars")] and isinstance(sizes[0], int)


DRIFT_APP = """
from retell_dsl import Agent, CustomTool, RetellLLM, Stack
PROMPT = "\\n".join(f"Rule {{i}}: answer politely and briefly about orders, returns and delivery." for i in range(12))
tool = CustomTool(name="lookup", description="Look an order up.", url="https://api.example.com/orders",
                  headers={{"Authorization": "$env:DRIFT_TOKEN"}})
llm = RetellLLM(name="orders").prompt(PROMPT + {tail!r}).tool(tool)
stack = Stack(name="orders").add(Agent(name="Orders", voice="openai-Alloy", engine=llm))
"""


def test_drift_shows_long_prompt_changes_as_a_diff_and_secrets_in_words(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retell_dsl.emulator import Emulator
    from retell_dsl.target import LOCAL_EMULATOR_KEY

    monkeypatch.setenv("DRIFT_TOKEN", "CANARY-drift-token")
    (project / "app.py").write_text(DRIFT_APP.format(tail="\nSay goodbye warmly."))
    assert run("apply", "app.py", "-y").exit_code == 0
    client = Emulator(project / ".retell" / "emulator.sqlite", api_key=LOCAL_EMULATOR_KEY).client()
    state = json.loads((project / ".retell" / "state" / "default.json").read_text())
    llm = client.llm.retrieve(state["resources"]["llm.orders"]["remote_id"])
    assert llm.general_prompt is not None
    client.llm.update(llm.llm_id, general_prompt=llm.general_prompt.replace("goodbye warmly", "goodbye curtly"))
    (project / "app.py").write_text(DRIFT_APP.format(tail="\nSay goodbye kindly."))
    monkeypatch.setenv("DRIFT_TOKEN", "CANARY-rotated")
    shown = run("drift", "app.py", "--detailed-exitcode")
    assert shown.exit_code == 2, shown.output
    assert "CANARY" not in shown.output and "$secret:" not in shown.output
    lines = [line.strip() for line in shown.output.splitlines()]
    assert "remote changed general_prompt:" in lines and "code changed   general_prompt:" in lines
    assert "-Say goodbye warmly." in lines and "+Say goodbye curtly." in lines  # remote: applied → remote
    assert "+Say goodbye kindly." in lines  # code: applied → code
    secret = "general_tools[0].headers.Authorization: (secret: a different value) → (secret from $DRIFT_TOKEN)"
    assert f"code changed   {secret}" in lines


def test_destroy_says_why_a_number_is_kept_and_that_it_still_routes_to_the_deleted_agent(project: Path) -> None:
    name = write_app(project)
    assert run("apply", name, "-y").exit_code == 0
    state = json.loads((project / ".retell" / "state" / "default.json").read_text())["resources"]
    number = state["phone_number.support line"]["remote_id"]
    gone = run("destroy", name, "-y")
    assert gone.exit_code == 0, gone.output
    text = " ".join(gone.output.split())  # the warnings may wrap at 80 columns
    assert "no longer in the code" not in text  # it is in the code: destroy keeps it because it is protected
    assert "phone_number.support line is kept: phone numbers are protected; pass --force to delete it too" in text
    assert (
        f"phone_number.support line ({number}) stays bound to agent.Acme support, which this plan deletes: "
        f"calls to it will fail. Bind it to another agent (retell-dsl numbers update {number} --inbound-agent "
        f"AGENT_ID) or release it (pass --force, or retell-dsl numbers delete {number})"
    ) in text
    rebound = run("numbers", "update", number, "--inbound-agent", "agent_000000000000000000000000")
    assert "No such command" not in rebound.output and "No such option" not in rebound.output


def test_editing_a_published_agent_names_a_command_that_exists_and_opens_the_draft(tmp_path: Path) -> None:
    from tests.cli.toolkit_env import ToolkitCli

    cli = ToolkitCli(tmp_path)
    agent_id = cli.seed()["agent_id"]
    cli.client().agent.publish(agent_id, version=0)  # published, and no draft after it (as apply --publish leaves it)
    error = cli.fails("agents", "update", agent_id, "--name", "Renamed")
    assert "create-agent-version" not in error
    hint = re.search(r"open a new draft to edit with: (retell-dsl agents new-version \S+ --from-version 0)$", error)
    assert hint is not None, error
    opened = cli.ok(*shlex.split(hint.group(1))[1:])
    assert f"Opened version 1 of {agent_id} as a draft, copied from version 0" in opened
    assert cli.json("agents", "update", agent_id, "--name", "Renamed")["version"] == 1
    client = cli.client()
    assert client.agent.retrieve(agent_id, version=0).agent_name != "Renamed"  # the published version is untouched
    latest = cli.json("agents", "new-version", agent_id)  # from the latest version by default
    assert latest["version"] == 2 and latest["agent_name"] == "Renamed"
    assert "version 9 not found" in cli.fails("agents", "new-version", agent_id, "--from-version", "9")


def test_import_refuses_to_adopt_what_another_environment_manages(project: Path) -> None:
    name = write_app(project)
    assert run("apply", name, "--env", "staging", "-y").exit_code == 0
    staging = json.loads((project / ".retell" / "state" / "staging.json").read_text())["resources"]
    agent_id = staging["agent.Acme support"]["remote_id"]
    args = ("import", "--agent", agent_id, "-o", "prod.py", "--env", "production", "--target", "emulator")
    refused = run(*args)
    assert refused.exit_code == 1, refused.output
    text = " ".join(refused.output.split())
    assert f"{agent_id} (environment 'staging' manages it as agent.Acme support)" in text
    assert "pass --no-adopt to only write the code" in text and "Traceback" not in text
    assert not (project / ".retell" / "state" / "production.json").exists()  # nothing adopted, nothing lost
    assert not (project / "prod.py").exists()
    assert run(*args, "--no-adopt").exit_code == 0  # only the code: nothing to clash
    forced = run(*args, "--force")
    assert forced.exit_code == 0, forced.output
    assert "warning: adopting anyway (--force)" in forced.output
    production = json.loads((project / ".retell" / "state" / "production.json").read_text())["resources"]
    assert production["agent.Acme support"]["remote_id"] == agent_id
