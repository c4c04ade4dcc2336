"""Terminal output at 80 columns and when piped: ids stay whole, other cells shorten, versions show."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from retell_dsl.cli import app
from retell_dsl.cli.toolkit._render import fit_widths
from tests.cli.toolkit_env import ToolkitCli


@pytest.fixture
def narrow(tmp_path: Path) -> ToolkitCli:
    class Narrow(ToolkitCli):
        def env(self) -> dict[str, str | None]:
            return {**super().env(), "COLUMNS": "80"}

    return Narrow(tmp_path)


def _table_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("│")]


def test_agents_list_keeps_ids_whole_at_80_columns_and_shows_version_published_voice(narrow: ToolkitCli) -> None:
    ids = narrow.seed()
    client = narrow.client()
    client.agent.update(ids["agent_id"], agent_name="A receptionist with a rather long descriptive name")
    client.agent.publish(ids["agent_id"], version=0)
    out = narrow.ok("agents", "list")
    lines = _table_lines(out)
    assert len(lines) == 1  # one agent, one line: nothing wrapped
    row = lines[0]
    assert ids["agent_id"] in row
    assert "A receptionist with a rather long descriptive name" not in row  # shortened ...
    assert "…" in row  # ... with an ellipsis
    cells = [c.strip() for c in row.strip("│").split("│")]
    assert cells[2:4] == ["0", "yes"]  # the latest version, published
    assert cells[4].startswith("11labs")
    assert all(len(line) <= 80 for line in out.splitlines())


def test_numbers_list_keeps_numbers_and_agent_ids_whole(narrow: ToolkitCli) -> None:
    ids = narrow.seed()
    out = narrow.ok("numbers", "list")
    (row,) = _table_lines(out)
    assert ids["number"] in row and ids["agent_id"] in row
    assert all(len(line) <= 80 for line in out.splitlines())


def test_fit_widths_shrinks_the_widest_free_column_first() -> None:
    assert fit_widths([32, 40, 10], [True, False, False], 60) == [32, 18, 10]
    assert fit_widths([32, 40, 10], [True, False, False], 30) == [32, 4, 4]  # floor reached: caller drops columns
    assert fit_widths([5, 5], [False, False], 80) == [5, 5]


def test_version_flag() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("retell-dsl ")
    assert result.stdout.split()[1][0].isdigit()


def test_help_prose_rewraps_to_the_terminal_instead_of_breaking_where_the_source_did() -> None:
    wide = CliRunner().invoke(app, ["plan", "--help"], env={"COLUMNS": "200"}).stdout
    assert any("Long prompts show as unified diffs." in line for line in wide.splitlines())
    narrow = CliRunner().invoke(app, ["plan", "--help"], env={"COLUMNS": "80"}).stdout
    assert all(len(line) <= 80 for line in narrow.splitlines())
    assert "retell-dsl plan app.py --env staging --out plan.json" in narrow  # example lines stay whole
