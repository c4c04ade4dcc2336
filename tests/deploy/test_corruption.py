"""Unreadable state, journal or plan files: one clear error naming the file and how to recover,
no traceback, and nothing changed remotely — for plan, drift, apply and destroy alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from retell_dsl.cli import app
from retell_dsl.emulator import Emulator
from retell_dsl.target import LOCAL_EMULATOR_KEY

APP = """
from tests.deploy.stacks import support
stack = support()
"""
STATE = ".retell/state/default.json"
JOURNAL = ".retell/state/default.journal"
GOOD_LINE = '{"op":"meta","key":"note","value":1}\n'
#: (name, file, content, what the message says)
CORRUPTIONS: list[tuple[str, str, bytes, str]] = [
    ("state: invalid JSON", STATE, b'{"format": 1, "resources": {', "is not valid JSON"),
    ("state: a list", STATE, b"[]", "is not a retell-dsl state file"),
    ("state: resources is a list", STATE, b'{"format": 1, "environment": "default", "resources": []}', "resources"),
    ("state: a record without kind", STATE,
     b'{"format": 1, "environment": "default", "resources": {"llm.x": {"remote_id": "l"}}}', "resources.llm.x.kind"),
    ("state: an unknown kind", STATE,
     b'{"format": 1, "environment": "default", "resources": {"llm.x": {"kind": "gadget"}}}', "resources.llm.x.kind"),
    ("state: a wrong-typed id", STATE,
     b'{"format": 1, "environment": "default", "resources": {"llm.x": {"kind": "llm", "remote_id": 5}}}', "remote_id"),
    ("state: a newer format", STATE, b'{"version": 2, "environment": "default", "resources": {}}',
     "written by a newer retell-dsl (format 2"),
    ("state: invalid UTF-8", STATE, b'{"format": 1, "environment": "\xff\xfe"}', "is not UTF-8 text"),
    ("journal: a line without op", JOURNAL, b'{"address": "llm.x", "value": {"kind": "llm"}}\n', "op: Field required"),
    ("journal: a put without kind", JOURNAL, b'{"op": "put", "address": "llm.x", "value": {}}\n', "kind"),
    ("journal: invalid UTF-8", JOURNAL, b'{"op": "forget", "address": "\xff"}\n', "is not UTF-8 text"),
    ("journal: garbage before a good line", JOURNAL, b"{not json\n" + GOOD_LINE.encode(), "line 1"),
    ("journal: a JSON list", JOURNAL, b"[1, 2]\n", "unreadable record"),
]  # fmt: skip
COMMANDS = [
    ["plan", "app.py"],
    ["drift", "app.py"],
    ["apply", "app.py", "-y"],
    ["destroy", "app.py", "-y", "--force"],
]


@pytest.fixture
def deployed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("RETELL_API_KEY", "RETELL_DSL_EMULATOR_DB", "RETELL_DSL_TARGET"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "app.py").write_text(APP)
    assert run("apply", "app.py", "-y").exit_code == 0
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def remote(root: Path) -> dict[str, set[str]]:
    emu = Emulator(root / ".retell" / "emulator.sqlite", api_key=LOCAL_EMULATOR_KEY)
    try:
        return {kind: set(objects) for kind, objects in emu.dump().items()}
    finally:
        emu.close()


def _check_refused(root: Path, args: list[str], file: str, says: str) -> None:
    before = remote(root)
    result = run(*args, "--env", "default")
    assert result.exit_code == 1, (args, result.output)
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert "error: " in result.output and file in result.output.replace("\n", ""), result.output
    assert says in result.output.replace("\n", ""), result.output
    assert remote(root) == before  # nothing changed remotely


@pytest.mark.parametrize(("case", "file", "content", "says"), CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_corrupted_state_or_journal_is_one_clear_error_for_every_command(
    deployed: Path, case: str, file: str, content: bytes, says: str
) -> None:
    (deployed / file).write_bytes(content)
    for args in COMMANDS:
        _check_refused(deployed, args, file, says)
    recovery = "upgrade retell-dsl" if "newer" in says else "retell-dsl import"  # how to recover
    assert recovery in run("plan", "app.py").output.replace("\n", "")


def test_a_torn_last_journal_line_is_a_crash_leftover_and_tolerated(deployed: Path) -> None:
    (deployed / JOURNAL).write_text(GOOD_LINE + '{"op":"put","address":"llm.x","val')  # killed mid-write
    result = run("plan", "app.py", "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    (deployed / "app.py").write_text(APP.replace("support()", "support(prompt='Changed.')"))
    assert run("apply", "app.py", "-y").exit_code == 0
    assert not (deployed / JOURNAL).exists()  # the lock holder folded it
    assert run("plan", "app.py", "--detailed-exitcode").exit_code == 0


SAVED: list[tuple[str, bytes, str]] = [
    ("invalid JSON", b'{"version": 1, "steps": [', "is not valid JSON"),
    ("a list", b"[]", "is not a retell-dsl plan"),
    ("no steps", b'{"version": 1, "stack": "s", "environment": "default", "target": "emulator"}', "steps"),
    ("a bad step", b'{"version": 1, "stack": "s", "environment": "default", "target": "emulator", "steps": [{}]}',
     "unreadable step"),
    ("a newer format", b'{"version": 9, "stack": "s", "environment": "default", "target": "emulator", "steps": []}',
     "newer retell-dsl"),
    ("invalid UTF-8", b'{"version": 1, "stack": "\xff"}', "is not UTF-8 text"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "content", "says"), SAVED, ids=[c[0] for c in SAVED])
def test_corrupted_saved_plan_is_refused(deployed: Path, case: str, content: bytes, says: str) -> None:
    (deployed / "plan.json").write_bytes(content)
    _check_refused(deployed, ["apply", "app.py", "plan.json", "-y"], "plan.json", says)
    assert "retell-dsl plan APP --out PLAN" in run("apply", "app.py", "plan.json", "-y").output.replace("\n", "")


def test_additive_fields_are_accepted_and_kept(deployed: Path) -> None:
    import json

    state = json.loads((deployed / STATE).read_text())
    state["added_later"] = {"x": 1}
    state["resources"]["llm.support"]["added_later"] = True
    (deployed / STATE).write_text(json.dumps(state))
    assert run("plan", "app.py", "--detailed-exitcode").exit_code == 0
    (deployed / "app.py").write_text(APP.replace("support()", "support(prompt='Changed.')"))
    assert run("apply", "app.py", "-y").exit_code == 0
    kept = json.loads((deployed / STATE).read_text())
    assert kept["added_later"] == {"x": 1} and kept["resources"]["llm.support"]["added_later"] is True
