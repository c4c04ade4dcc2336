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

BAD_VALUE = """\
from retell_dsl import RetellLLM, Stack


def stack(env: str) -> Stack:
    llm = RetellLLM(name="desk").prompt("Hi")
    return Stack(name="s").add(llm.greeting(speaker="agnt"))
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
        "app.py:4: RD705 ConversationNode() got an unexpected keyword argument 'promt' (did you mean 'prompt'?)"
    ]
    assert not (project / ".retell" / "state").exists()  # nothing was applied


def test_a_bad_value_in_a_stack_function_names_the_line_of_the_fluent_call(project: Path) -> None:
    (project / "app.py").write_text(BAD_VALUE)
    result = CliRunner().invoke(app, ["lint", "app.py"], env={"COLUMNS": "150"})
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "app.py:6: RD703 RetellLLM 'desk' start_speaker must be one of 'user', 'agent'; got 'agnt'"
        " (did you mean 'agent'?)"
    ]
