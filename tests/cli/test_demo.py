"""``retell-dsl demo`` deploys the clinic example to the emulator; a second run has nothing to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retell_dsl.cli import app


def test_demo_deploys_then_finds_nothing_to_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RETELL_API_KEY", raising=False)
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()
    first = runner.invoke(app, ["demo"], env={"COLUMNS": "120"})
    assert first.exit_code == 0, first.output
    for expected in (
        "target: embedded Retell emulator (at .retell/emulator.sqlite)",
        "1. Lint clinic_receptionist.py",
        "flowchart",  # the Mermaid graph
        "+ conversation_flow.receptionist  (create)",
        "» publish agent.Bright Smiles receptionist",
        "Plan: 3 to create, 1 to publish.",
        "✓ create phone_number.main line",
        "v0 (published)",
        "A web call to the agent: call_",
        "6. The web call, joined by a scripted caller",
        "ended because  error_llm_websocket_open",  # no model is configured in tests ...
        "note: node 'greet' (greet): needs a model to write the agent's reply",  # ... and it says so
    ):
        assert expected in first.output
    state = json.loads((tmp_path / ".retell" / "state" / "demo.json").read_text())
    assert sorted(state["resources"]) == [
        "agent.Bright Smiles receptionist",
        "conversation_flow.receptionist",
        "phone_number.main line",
    ]

    second = runner.invoke(app, ["demo"], env={"COLUMNS": "120"})
    assert second.exit_code == 0, second.output
    assert "No changes. Everything matches the code." in second.output
    assert "Nothing to apply" in second.output
