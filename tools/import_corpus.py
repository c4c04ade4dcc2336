"""Run real agent exports through import → compile → apply (emulator) → plan, and say how far each got.

    python3 tools/import_corpus.py DIR_OR_FILE [...]

For every ``*.json`` export it prints one line: the stage it reached (``import``, ``compile``,
``apply``, ``plan clean``) or the stage that failed with the first line of the reason, and the
import's notes (upgrades made, shapes kept in ``extra=``). The exit status is 1 when any file did
not reach "plan clean". The same pipeline is :func:`run_pipeline`, which the corpus tests use.
"""

from __future__ import annotations

import builtins
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["STAGES", "Outcome", "main", "run_pipeline"]

STAGES = ("import", "compile", "apply", "plan clean")


@dataclass
class Outcome:
    """How far one export got: ``reached`` is the last stage passed (None: not even import)."""

    name: str
    reached: str | None = None
    failed: str | None = None
    reason: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.reached == STAGES[-1]

    def line(self) -> str:
        if self.ok:
            head = "ok      plan clean"
        else:
            head = f"FAILED  at {self.failed} (reached: {self.reached or 'nothing'}): {self.reason}"
        notes = f"  [{len(self.notes)} import notes]" if self.notes else ""
        return f"{self.name}: {head}{notes}"


def _first_line(exc: BaseException) -> str:
    """The exception's first line, and for a multi-line report (lint, apply) its first detail too."""
    text = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    head = f"{type(exc).__name__}: {' | '.join(text[:2])}"
    return head if len(head) <= 400 else head[:397] + "..."


def run_pipeline(data: Any, *, name: str = "export", workdir: Path | None = None, emulator: Any = None) -> Outcome:
    """Import ``data`` (a parsed export), compile it, apply it to an in-process emulator, plan again.

    ``emulator`` is the :class:`~retell_dsl.emulator.Emulator` to apply to (a fresh one by default).
    """
    from retell_dsl import Stack, compile
    from retell_dsl.deploy import Project
    from retell_dsl.emulator import Emulator
    from retell_dsl.importer import import_from_json

    out = Outcome(name)
    stage = "import"
    try:
        imported = import_from_json(data, stack_name="corpus", origin=name)
        out.notes = list(getattr(imported, "notes", ()))
        out.reached = stage = "compile"
        namespace: dict[str, Any] = {}
        exec(builtins.compile(imported.source, f"<{name}>", "exec"), namespace)
        stack = namespace["stack"]
        assert isinstance(stack, Stack)
        compile(stack)
        out.reached = stage = "apply"
        emu = emulator if emulator is not None else Emulator()
        client = emu.client()
        with tempfile.TemporaryDirectory() as tmp:
            project = Project(workdir or Path(tmp), environment="corpus")
            project.apply(project.plan(stack, client), client)
            out.reached = stage = "plan clean"
            again = project.plan(stack, client)
            if again.steps:
                raise AssertionError(f"plan after apply still has {[(s.action, s.address) for s in again.steps]}")
        out.reached = "plan clean"
    except Exception as exc:  # a report of every failure, whatever it is
        out.failed, out.reason = stage, _first_line(exc)
        out.reached = STAGES[STAGES.index(stage) - 1] if stage != "import" else None
    return out


def _files(args: list[str]) -> list[Path]:
    files: list[Path] = []
    for arg in args:
        p = Path(arg)
        files += sorted(p.glob("*.json")) if p.is_dir() else [p]
    return files


def main(argv: list[str] | None = None) -> int:
    """Print one line per export; 0 when every one planned clean."""
    import logging

    logging.getLogger("retell_dsl.emulator").setLevel(logging.ERROR)  # tolerated fields are in the notes
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(__doc__)
        return 2
    outcomes = []
    for path in _files(args):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            outcomes.append(Outcome(path.name, failed="read", reason=_first_line(exc)))
            print(outcomes[-1].line())
            continue
        outcomes.append(run_pipeline(data, name=path.name))
        print(outcomes[-1].line())
        for note in outcomes[-1].notes:
            print(f"    note: {note}")
    counts = {s: sum(1 for o in outcomes if o.reached and STAGES.index(o.reached) >= i) for i, s in enumerate(STAGES)}
    print(f"{len(outcomes)} files: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
