"""The built wheel is usable without a checkout: ``retell-dsl demo`` finds the example shipped inside it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = "retell_dsl/_examples/clinic_receptionist.py"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this checkout, built as ``pip wheel`` builds it."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        timeout=300,
        capture_output=True,
    )
    (built,) = out.glob("retell_dsl-*.whl")
    return built


def test_wheel_ships_the_demo_example(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert SHIPPED in names
        assert archive.read(SHIPPED) == (ROOT / "examples" / "clinic_receptionist.py").read_bytes()
    assert not any(name.startswith("examples/") for name in names)  # no stray top-level package


def test_demo_runs_from_the_unpacked_wheel(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    work = tmp_path / "empty"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RETELL_API_KEY", "RETELL_DSL_", "RETELL_BASE"))}
    env |= {"PYTHONPATH": str(site), "COLUMNS": "200"}  # the unpacked wheel, not this checkout
    outputs = []
    for _ in range(2):
        run = subprocess.run(
            [sys.executable, "-m", "retell_dsl", "demo"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        outputs.append(run.stdout)
    assert str(site / SHIPPED) in outputs[0]  # the shipped copy, not a checkout's examples/
    assert "Plan: 3 to create, 1 to publish." in outputs[0]
    assert "No changes. Everything matches the code." in outputs[1]
