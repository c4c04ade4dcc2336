"""Run toolkit commands with typer's CliRunner against an emulator database in a temp dir."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retell import Retell
from typer.testing import CliRunner, Result

from retell_dsl.cli import app
from retell_dsl.emulator import Emulator
from retell_dsl.target import LOCAL_EMULATOR_KEY
from tests.toolkit.scenario import Seeded, seed

__all__ = ["ToolkitCli"]


@dataclass
class ToolkitCli:
    """The ``retell-dsl`` app bound (by environment) to ``tmp_path/emulator.sqlite``."""

    tmp_path: Path

    @property
    def db(self) -> Path:
        return self.tmp_path / "emulator.sqlite"

    def env(self) -> dict[str, str | None]:
        # RETELL_DSL_ENGINE=off: these tests drive calls by hand (start_call/end_call), so the CLI's
        # emulator must not hold (or fail to dial) them with the local conversation engine
        return {"RETELL_DSL_EMULATOR_DB": str(self.db), "RETELL_API_KEY": None, "RETELL_DSL_TARGET": None,
                "RETELL_DSL_ENGINE": "off", "COLUMNS": "200"}  # fmt: skip

    def client(self) -> Retell:
        """A plain SDK client on the same emulator database, to seed and check state."""
        return Emulator(str(self.db), api_key=LOCAL_EMULATOR_KEY).client()

    def seed(self) -> Seeded:
        return seed(self.client(), self.tmp_path)

    def run(self, *args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(app, list(args), env=self.env(), input=input)

    def ok(self, *args: str) -> str:
        """Run a command that must succeed; its stdout."""
        result = self.run(*args)
        assert result.exit_code == 0, result.output
        assert f"target: embedded Retell emulator (at {self.db})" in result.stderr
        return result.stdout

    def json(self, *args: str) -> Any:
        """Run a command with ``--json``; stdout must be pure JSON."""
        return json.loads(self.ok(*args, "--json"))

    def fails(self, *args: str, input: str | None = None) -> str:
        """Run a command that must fail with exit 1 and a one-line error (no traceback); the error line."""
        result = self.run(*args, input=input)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        # a confirmation prompt may precede the error on its line (the answer is not echoed)
        errors = [line[line.index("error: ") :] for line in result.stderr.splitlines() if "error: " in line]
        assert len(errors) == 1, result.stderr
        return errors[0]
