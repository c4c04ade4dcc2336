"""Crash safety: SIGKILL apply at every remote call (and once at random moments), run it again;
always exactly the desired resources.

The deterministic part forks a child per kill point that applies with the gateway's test hook set
(``RETELL_DSL_TEST_KILL_BEFORE``/``_AFTER=N``: the child kills itself just before sending, or just
after receiving, its Nth request — before the journal recorded the outcome). A second child then
finishes the apply, and the test checks: every desired address is recorded once, the emulator
holds exactly those objects (no duplicates, no orphans), and a new plan has nothing to do.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import traceback
from itertools import count
from pathlib import Path

import pytest

from retell_dsl.checked import compile
from retell_dsl.deploy import Project
from retell_dsl.deploy.gateway import KILL_AFTER_ENV, KILL_BEFORE_ENV
from retell_dsl.emulator import Emulator
from tests.deploy.crash_driver import VARIANTS

ROOT = Path(__file__).resolve().parents[2]
KEY = "key_crash"


def _child(root: Path, variant: str, env: dict[str, str]) -> None:
    os.environ.update(env)
    try:
        emu = Emulator(root / "emulator.sqlite", api_key=KEY)
        client = emu.client()
        project = Project(root, environment="crash", concurrency=1)
        project.apply(project.plan(VARIANTS[variant](), client), client)
    except BaseException:
        traceback.print_exc()
        os._exit(3)
    os._exit(0)


def _forked(root: Path, variant: str, env: dict[str, str]) -> str:
    """Apply ``variant`` in a forked child: "killed" (by the hook) or "finished"."""
    root.mkdir(parents=True, exist_ok=True)
    proc = multiprocessing.get_context("fork").Process(target=_child, args=(root, variant, env))
    proc.start()
    proc.join(60)
    if proc.exitcode is None:
        proc.kill()
        pytest.fail("the apply did not finish within 60 s")
    if proc.exitcode == -signal.SIGKILL:
        return "killed"
    assert proc.exitcode == 0, f"the apply failed (exit {proc.exitcode}); its traceback is on stderr"
    return "finished"


def _check_converged(root: Path, variant: str) -> None:
    emu = Emulator(root / "emulator.sqlite", api_key=KEY)
    try:
        client = emu.client()
        project = Project(root, environment="crash")
        desired = compile(VARIANTS[variant]())
        state = dict(project.state().items())
        assert sorted(state) == sorted(r.address for r in desired.resources)
        assert all(o.status == "applied" and o.remote_id for o in state.values())
        dump = emu.dump()
        for kind in ("llm", "agent", "knowledge_base", "phone_number"):
            remote = set(dump.get(kind, {}))
            owned = {o.remote_id for o in state.values() if o.kind == kind and o.remote_id}
            assert remote == owned, f"{kind}: remote {sorted(remote)} vs state {sorted(owned)}"
        assert project.plan(VARIANTS[variant](), client).steps == []
    finally:
        emu.close()


@pytest.mark.slow
@pytest.mark.parametrize("hook", [KILL_AFTER_ENV, KILL_BEFORE_ENV])
def test_kill_at_every_remote_call_then_rerun_converges(tmp_path: Path, hook: str) -> None:
    base = tmp_path / "base"
    assert _forked(base, "initial", {}) == "finished"
    kills = 0
    for variant, start in (("initial", None), ("changed", base)):
        for n in count(1):
            root = tmp_path / f"{variant}-{n}"
            if start is not None:
                shutil.copytree(start, root)
            if _forked(root, variant, {hook: str(n)}) == "finished":
                break  # n is past the last request: every point was covered
            kills += 1
            assert _forked(root, variant, {}) == "finished"
            _check_converged(root, variant)
    assert kills >= 20  # initial creation and the change set both make many requests


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


@pytest.mark.slow
def test_kill_nine_at_random_moments_then_rerun_converges(tmp_path: Path) -> None:
    """One seeded random-timing variant, concurrent, with injected latency (see crash_driver)."""
    rng = random.Random(2)
    kills = 0
    for variant, span in (("initial", 0.35), ("changed", 0.25)):
        if _run(tmp_path, variant, 4, kill_after=rng.uniform(0.0, span)) == "killed":
            kills += 1
        _run(tmp_path, variant, 4, kill_after=None)
        _check_converged(tmp_path, variant)
    assert kills == 2  # both runs were really interrupted
