"""Crash safety: SIGKILL apply at random points, run it again; always exactly the desired resources.

Each scenario kills the apply several times at random moments (after it printed START), then
lets a final run finish, and checks: every desired address is recorded once, the emulator holds
exactly those objects (no duplicates, no orphans), and a new plan has nothing to do.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retell_dsl.checked import compile
from retell_dsl.deploy import Project
from retell_dsl.emulator import Emulator
from tests.deploy.crash_driver import VARIANTS

ROOT = Path(__file__).resolve().parents[2]


def _run(root: Path, variant: str, concurrency: int, kill_after: float | None) -> str:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.deploy.crash_driver", str(root), variant, str(concurrency)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()  # START (blocks until the plan is made)
    if kill_after is not None and line.strip() == "START":
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return "killed" if proc.returncode == -signal.SIGKILL else "finished"
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return line + out


def _check_converged(root: Path, variant: str) -> None:
    emu = Emulator(root / "emulator.sqlite", api_key="key_crash")
    client = emu.client()
    project = Project(root, environment="crash")
    desired = compile(VARIANTS[variant]())
    state = dict(project.state().items())
    assert sorted(state) == sorted(r.address for r in desired.resources)
    assert all(o.status == "applied" and o.remote_id for o in state.values())
    dump = emu.dump()
    for kind, store_kind in (("llm", "llm"), ("agent", "agent"), ("knowledge_base", "knowledge_base"),
                             ("phone_number", "phone_number")):  # fmt: skip
        remote = set(dump.get(store_kind, {}))
        owned = {o.remote_id for o in state.values() if o.kind == kind and o.remote_id}
        assert remote == owned, f"{kind}: remote {sorted(remote)} vs state {sorted(owned)}"
    assert project.plan(VARIANTS[variant](), client).steps == []
    emu.close()


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "concurrency"), [(1, 1), (2, 4), (3, 1)])
def test_kill_nine_anywhere_then_rerun_converges(tmp_path: Path, seed: int, concurrency: int) -> None:
    rng = random.Random(seed)
    kills = 0
    # Initial creation, interrupted 4 times at random moments.
    for _ in range(4):
        if _run(tmp_path, "initial", concurrency, kill_after=rng.uniform(0.0, 0.35)) == "killed":
            kills += 1
    _run(tmp_path, "initial", concurrency, kill_after=None)
    _check_converged(tmp_path, "initial")
    # A change set (update + source swap + deletes), interrupted 4 more times.
    for _ in range(4):
        if _run(tmp_path, "changed", concurrency, kill_after=rng.uniform(0.0, 0.25)) == "killed":
            kills += 1
    _run(tmp_path, "changed", concurrency, kill_after=None)
    _check_converged(tmp_path, "changed")
    assert kills >= 6  # most runs were really interrupted
