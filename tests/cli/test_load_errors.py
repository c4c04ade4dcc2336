# ruff: noqa: RUF001
"""A stack file with a builder mistake: every stack command prints one line ``file:line: ...``, exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from retell_dsl.cli import app

MISSPELT = """\
from retell_dsl import ConversationFlow, ConversationNode, EndNode, Stack

flow = ConversationFlow(name="f").node(
    ConversationNode(name="greet", promt="Say hi").always("bye"),
).node(EndNode(name="bye")).start_at("greet")
stack = Stack(name="s").add(flow)
"""

BAD_VALUES = """\
from retell_dsl import Agent, RetellLLM, Stack


def stack(env: str) -> Stack:
    llm = RetellLLM(name="desk").prompt("Hi")
    llm = llm.begin("Hello", speaker="agnt")
    return Stack(name="s").add(Agent(name="a", voice="11labs-Marisa", engine=llm).languages("en-us"))
"""

BAD_TIER = """\
from retell_dsl import RetellLLM, Stack

stack = Stack(name="s").add(RetellLLM(name="desk", model_tier="fsat"))
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("RETELL_API_KEY", "RETELL_DSL_EMULATOR_DB", "RETELL_DSL_TARGET"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.mark.parametrize("command", ["lint", "compile", "plan", "graph", "apply"])
def test_a_misspelt_keyword_is_one_line_with_the_users_line(project: Path, command: str) -> None:
    (project / "app.py").write_text(MISSPELT)
    result = CliRunner().invoke(app, [command, "app.py"], env={"COLUMNS": "150"})
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if not line.startswith("target:")]
    assert lines == [
        "app.py:4: RD705 ConversationNode 'greet' got an unexpected keyword argument 'promt' (did you mean 'prompt'?)"
    ]
    assert not (project / ".retell" / "state").exists()  # nothing was applied


def test_a_bad_value_that_makes_the_spec_unusable_is_one_line_with_did_you_mean(project: Path) -> None:
    (project / "app.py").write_text(BAD_TIER)
    result = CliRunner().invoke(app, ["compile", "app.py"], env={"COLUMNS": "150"})
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "app.py:3: RD703 RetellLLM 'desk' model_tier must be one of 'standard', 'fast', 'ultrafast'; got 'fsat'"
        " (did you mean 'fast'?)"
    ]


def test_lint_lists_every_value_mistake_of_a_stack_function_at_once(project: Path) -> None:
    (project / "app.py").write_text(BAD_VALUES)
    result = CliRunner().invoke(app, ["lint", "app.py"], env={"COLUMNS": "150"})
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "app.py:7: error RD412 agent 'a' › language: language 'en-us' is not a locale Retell knows",
        "    fix: did you mean 'en-US'? (retell_dsl.validation.languages() lists every locale)",
        "app.py:7: error RD410 agent 'a' › voice: voice '11labs-Marisa' is not a Retell voice",
        "    fix: did you mean '11labs-Marissa'?",
        "app.py:6: error RD406 llm 'desk' › start_speaker: start_speaker is 'agnt'; it must be one of 'user', 'agent'",
        "    fix: did you mean 'agent'?",
        "3 errors, 0 warnings",
    ]
