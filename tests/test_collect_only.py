"""``pytest --collect-only`` over tests with snapshots succeeds and advises nothing destructive."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_collect_only_does_not_report_snapshots_unused() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/compiler/test_examples_snapshots.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "unused" not in result.stdout
    assert "--snapshot-update" not in result.stdout
