"""Run one apply in its own process, for the crash test: python -m tests.deploy.crash_driver ROOT VARIANT CONC.

Uses a file-backed emulator in ROOT with injected latency so that a SIGKILL can land anywhere in
the apply. Prints START right before applying and DONE after.
"""

from __future__ import annotations

import sys
from pathlib import Path

from retell_dsl.deploy import Project
from retell_dsl.emulator import Emulator
from tests.deploy.stacks import support

VARIANTS = {
    "initial": lambda: support(with_sales=True),
    "changed": lambda: support(prompt="Changed prompt.", kb_text="Returns in 60 days.", with_sales=False),
}


def main() -> None:
    root, variant, concurrency = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    emu = Emulator(root / "emulator.sqlite", api_key="key_crash")
    emu.faults.add("*", latency_ms=25)
    client = emu.client()
    project = Project(root, environment="crash", concurrency=concurrency)
    plan = project.plan(VARIANTS[variant](), client)
    print("START", flush=True)
    project.apply(plan, client)
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
