"""``retell-dsl demo`` runs the tour on the emulator and shows each step."""

from __future__ import annotations

from typer.testing import CliRunner

from retell_dsl.cli import app


def test_demo_tours_every_step_and_ends_well() -> None:
    result = CliRunner().invoke(app, ["demo"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "target: embedded Retell emulator (in memory)" in out
    for step in ("1. Pick a voice", "2. Create a Retell LLM", "3. Create the voice agent", "4. Buy a phone number",
                 "5. Place calls"):  # fmt: skip
        assert step in out
    assert "11labs-Adrian" in out
    assert "phone_call" in out and "web_call" in out
    assert "Done." in out
