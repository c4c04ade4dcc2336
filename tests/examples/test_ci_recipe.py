"""The CI recipe (``examples/ci/retell-agents.yml``) is a valid workflow that runs what the README documents."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]  # pyyaml ships no stubs; only safe_load/safe_dump are used

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "examples" / "ci" / "retell-agents.yml"


def _workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "the workflow is a YAML mapping"
    return data


def _documented() -> list[str]:
    """The pytest commands of the README's CI recipe ("In CI")."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = readme[readme.index("### In CI") :].split("\n\n", 2)[1]
    return re.findall(r"`(python -m pytest [^`]+)`", paragraph)


def _runs(job: dict[str, Any]) -> list[str]:
    return [" ".join(str(step["run"]).split()) for step in job["steps"] if "run" in step]


def test_the_workflow_has_an_offline_job_and_a_live_job_on_main_only() -> None:
    data = _workflow()
    assert data["name"] == "retell-agents"
    assert set(data[True]) == {"push", "pull_request"}  # YAML 1.1 reads the key `on` as True
    emulator, live = data["jobs"]["emulator"], data["jobs"]["live"]
    assert "secrets." not in yaml.safe_dump(emulator) and "env" not in emulator  # offline: no key at all
    assert live["needs"] == "emulator"
    assert live["if"] == "github.ref == 'refs/heads/main' && github.event_name == 'push'"
    assert live["env"] == {"RETELL_API_KEY": "${{ secrets.RETELL_API_KEY }}"}
    for job in (emulator, live):
        assert job["steps"][0]["uses"].startswith("actions/checkout@")
        assert "python -m pip install -e '.[dev]'" in _runs(job)


def test_the_workflow_runs_the_commands_the_readme_documents() -> None:
    jobs = _workflow()["jobs"]
    documented = _documented()
    assert documented == [
        "python -m pytest tests/examples --retell-target emulator --retell-cov --junitxml=reports/agents.xml",
        "python -m pytest tests/examples --retell-target live",
    ]
    assert documented[0] in _runs(jobs["emulator"])
    assert documented[1] in _runs(jobs["live"])


@pytest.mark.parametrize("command", _documented())
def test_each_command_names_real_tests_and_options(command: str, pytestconfig: pytest.Config) -> None:
    words = shlex.split(command)
    assert words[:3] == ["python", "-m", "pytest"]
    assert (ROOT / words[3]).is_dir() and list((ROOT / words[3]).glob("test_*.py"))
    assert words[4] == "--retell-target" and words[5] in ("emulator", "live")
    assert pytestconfig.getoption("--retell-target", default="missing") != "missing"  # the plugin defines it
    for word in words[6:]:  # every other option is one the plugin (or pytest) defines
        assert pytestconfig.getoption(word.split("=", 1)[0], default="missing") != "missing", word
