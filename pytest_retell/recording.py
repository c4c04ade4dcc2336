"""Record and replay (``--retell-record`` / ``--retell-replay``): live sessions as vcrpy cassettes.

``--retell-record`` saves every HTTP exchange a test makes through httpx (the Retell SDK's
requests, and the OpenAI-compatible model provider's) as a cassette next to the test file:
``<test dir>/cassettes/<test module>/<test name>.yaml``. The cassette covers the test's setup,
call and teardown, so session fixtures set up by the first test (deploys) and torn down after
the last one (live teardown) land in those tests' cassettes.

``--retell-replay`` runs the same tests offline from the cassettes: the target behaves like the
live target pointed at a fake base URL (``https://retell.replay.invalid``, a fake key), each
recorded request is answered once, in order, and a request the cassette does not hold fails the
test with one message naming it (``POST /create-chat``) and the cassette.

What makes replay deterministic:

- Base URLs are recorded as aliases (``https://retell.replay.invalid``, ``https://model.replay.invalid/v1``),
  so a recording against any host (the real API, a served emulator on a random port) replays anywhere.
- The run id of the session (``RETELL_RUN_ID``, the prefix the live target puts in the names
  it creates) is saved in every cassette; replay sets the same run id, so run-scoped names (and
  the request bodies carrying them) are the ones recorded. Cassettes recorded in different runs
  do not replay together (a clear usage error says so: re-record them together).
- Requests match on method, URL and JSON body; tests replay in the order they were recorded
  (a deploy happens in the first test needing it, so replay the same selection you recorded).

Scrubbed at record time (see :mod:`pytest_retell.scrubbing`): credentials in headers, the keys
of the environment, key-like values and secret-named JSON fields, and volatile headers.
Record/replay uses ``vcrpy`` (a dependency of retell-dsl) and does not run under xdist.

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "MODEL_ALIAS",
    "REPLAY_KEY",
    "RETELL_ALIAS",
    "RUN_ID_ENV",
    "cassette_path",
    "pytest_addoption",
    "pytest_collection_finish",
    "pytest_configure",
    "pytest_runtest_makereport",
    "pytest_runtest_protocol",
    "pytest_unconfigure",
]

#: The run id of a live session: the live target puts it in the names it creates; replay sets it.
#: The variable the live target reads its run id from (``retell_dsl.deploy.RUN_ID_ENV``; kept a literal so
#: this module stays light).
RUN_ID_ENV = "RETELL_RUN_ID"
RETELL_ALIAS = "https://retell.replay.invalid"
MODEL_ALIAS = "https://model.replay.invalid/v1"
#: The key a replayed live target sends (to a host that does not exist): not a secret.
REPLAY_KEY = "replay-not-a-key"
CASSETTE_DIR = "cassettes"
_RECORDER = pytest.StashKey["Recorder"]()
_META_RUN, _META_TARGET, _META_MODEL = "retell_run_id", "retell_target", "retell_model_provider"


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--retell-record`` and ``--retell-replay``."""
    group = parser.getgroup("retell", "Retell agents (retell-dsl)")
    group.addoption(
        "--retell-record", action="store_true", default=False,
        help="save each test's HTTP exchanges (Retell, model provider) as cassettes next to the tests",
    )  # fmt: skip
    group.addoption(
        "--retell-replay", action="store_true", default=False,
        help="run the tests offline from their cassettes; a request not recorded fails the test",
    )  # fmt: skip


def cassette_path(item: pytest.Item) -> Path:
    """``<test dir>/cassettes/<module>/<test name>.yaml`` (classes joined with ``.``, odd characters as ``_``).

    >>> from types import SimpleNamespace
    >>> cassette_path(SimpleNamespace(path=Path("/t/test_a.py"), nodeid="test_a.py::T::test_b[x y]")).as_posix()
    '/t/cassettes/test_a/T.test_b_x_y_.yaml'
    """
    name = ".".join(item.nodeid.split("::")[1:]) or item.path.stem
    return item.path.parent / CASSETTE_DIR / item.path.stem / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}.yaml"


@dataclass
class Recorder:
    """The session's record/replay state: its mode, the base-URL aliases, the open cassette."""

    mode: str  # "record" or "replay"
    env: pytest.MonkeyPatch
    run_id: str = ""
    target: str = "emulator"
    bases: list[tuple[str, str]] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    cassette: Any = None
    shown: int = 0  # misses of the open cassette already reported

    def open(self, path: Path) -> Any:
        """A cassette for one test: empty to record into, or the recorded one (write-protected)."""
        from vcr.record_mode import RecordMode

        from pytest_retell.scrubbing import make_cassette

        if self.mode == "record":
            path.unlink(missing_ok=True)
            return make_cassette(path, RecordMode.ALL, self.bases, self.secrets, load=False)
        return make_cassette(path, RecordMode.NONE, self.bases, self.secrets, load=True)


def pytest_configure(config: pytest.Config) -> None:
    """Set the mode up: check the options, pick the run id, point the replayed target at the aliases."""
    record, replay = config.getoption("--retell-record"), config.getoption("--retell-replay")
    if not (record or replay):
        return
    if record and replay:
        raise pytest.UsageError("--retell-record and --retell-replay exclude each other: pick one")
    if getattr(config.option, "numprocesses", None) or hasattr(config, "workerinput"):
        raise pytest.UsageError("--retell-record/--retell-replay need one process: drop -n (pytest-xdist)")
    try:
        import vcr  # noqa: F401  (only checked here)
    except ImportError:
        raise pytest.UsageError(
            "--retell-record/--retell-replay need vcrpy, a dependency of retell-dsl: pip install vcrpy"
        ) from None
    recorder = Recorder("record" if record else "replay", pytest.MonkeyPatch())
    config.stash[_RECORDER] = recorder
    target = config.getoption("--retell-target") or config.getini("retell_target")
    if record:
        from retell_dsl.target import LIVE_BASE_URL

        recorder.target = target
        recorder.run_id = os.environ.get(RUN_ID_ENV) or uuid.uuid4().hex[:8]
        recorder.env.setenv(RUN_ID_ENV, recorder.run_id)
        model_base = os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
        recorder.bases = [(os.environ.get("RETELL_BASE_URL") or LIVE_BASE_URL, RETELL_ALIAS), (model_base, MODEL_ALIAS)]
        names = ("RETELL_API_KEY", "OPENAI_API_KEY", "RETELL_EMULATOR_API_KEY")
        recorder.secrets = [v for n in names if len(v := os.environ.get(n, "")) >= 4]
    else:
        recorder.bases = [(RETELL_ALIAS, RETELL_ALIAS), (MODEL_ALIAS, MODEL_ALIAS)]
        base = os.environ.get("OPENAI_BASE_URL")
        if base and base.rstrip("/") != MODEL_ALIAS:
            recorder.bases.append((base, MODEL_ALIAS))
        _replay_run_early(config, recorder)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Give the environment back."""
    recorder = config.stash.get(_RECORDER, None)
    if recorder is not None:
        recorder.env.undo()


def _metadata(path: Path) -> dict[str, str]:
    """The ``metadata`` of a cassette (read from its text: no need to parse the interactions)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise pytest.UsageError(f"--retell-replay: cannot read the cassette {path}: {exc}") from None
    block = re.search(r"^metadata:\n((?:[ ]+.*\n?)*)", text, re.MULTILINE)
    found = re.findall(r"^[ ]+(retell_\w+): *['\"]?([^'\"\n]*)", block.group(1) if block else "", re.MULTILINE)
    return dict(found)


def _cassettes_under(config: pytest.Config) -> list[Path]:
    """The cassettes under the paths pytest was given (its rootdir without any)."""
    roots = {Path(str(a).split("::")[0]) for a in config.args} or {config.rootpath}
    found: set[Path] = set()
    for root in roots:
        base = root if root.is_dir() else root.parent
        found.update(base.glob(f"**/{CASSETTE_DIR}/*/*.yaml"))
    return sorted(found)


def _set_run(recorder: Recorder, run_id: str) -> None:
    recorder.run_id = run_id
    recorder.env.setenv(RUN_ID_ENV, run_id)


def _replay_run_early(config: pytest.Config, recorder: Recorder) -> None:
    """Set the run id before collection when every cassette under the given paths shares one.

    Test modules may build run-scoped names at import; when the cassettes hold several runs the
    collected tests' one is set after collection (and a mix among them is an error).
    """
    runs = {_metadata(p).get(_META_RUN, "") for p in _cassettes_under(config)} - {""}
    if len(runs) == 1:
        _set_run(recorder, runs.pop())


def pytest_collection_finish(session: pytest.Session) -> None:
    """Replay: take the run id and target the collected tests' cassettes were recorded with."""
    recorder = session.config.stash.get(_RECORDER, None)
    if recorder is None or recorder.mode != "replay":
        return
    runs: dict[str, list[str]] = {}
    targets: set[str] = set()
    model = False
    for item in session.items:
        if (path := cassette_path(item)).is_file():
            meta = _metadata(path)
            runs.setdefault(meta.get(_META_RUN, ""), []).append(item.nodeid)
            targets.add(meta.get(_META_TARGET, "live"))
            model = model or meta.get(_META_MODEL) == "true"
    if len(runs) > 1:
        listed = "; ".join(f"run {run or '?'}: {', '.join(ids[:3])}" for run, ids in sorted(runs.items()))
        raise pytest.UsageError(
            f"--retell-replay: these cassettes were recorded in different runs ({listed}); "
            "a session replays one run: re-record them together with --retell-record"
        )
    if len(targets) > 1:
        raise pytest.UsageError(f"--retell-replay: cassettes recorded on different targets {sorted(targets)}")
    given = session.config.getoption("--retell-target")
    recorder.target = targets.pop() if targets else (given or "live")
    if given and given != recorder.target:
        raise pytest.UsageError(
            f"--retell-replay: the cassettes were recorded with --retell-target {recorder.target}, not {given}"
        )
    session.config.option.retell_target = recorder.target
    if (run := next(iter(runs), "")) and run != recorder.run_id:
        _set_run(recorder, run)
    elif not recorder.run_id:
        _set_run(recorder, uuid.uuid4().hex[:8])
    if recorder.target == "live":
        recorder.env.setenv("RETELL_API_KEY", REPLAY_KEY)
        recorder.env.setenv("RETELL_BASE_URL", RETELL_ALIAS)
    if model and not os.environ.get("OPENAI_BASE_URL"):
        recorder.env.setenv("OPENAI_BASE_URL", MODEL_ALIAS)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
    """Hold the test's cassette open over its setup, call and teardown; save it after (record)."""
    recorder = item.config.stash.get(_RECORDER, None)
    if recorder is None:
        return (yield)
    with _cassette(recorder, cassette_path(item)):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Replay: a phase that made a request the cassette does not hold fails, naming the request."""
    report: pytest.TestReport = yield
    recorder = item.config.stash.get(_RECORDER, None)
    if recorder is None or recorder.cassette is None or len(recorder.cassette.misses) <= recorder.shown:
        return report
    misses = recorder.cassette.misses[recorder.shown :]
    recorder.shown = len(recorder.cassette.misses)
    report.outcome = "failed"
    report.longrepr = _miss_message(recorder.cassette, misses, call.excinfo)
    return report


def _miss_message(cassette: Any, misses: list[str], excinfo: Any) -> str:
    first = misses[0]
    others = sorted(set(misses) - {first})
    path = Path(cassette.path)
    held = f"{len(cassette)} recorded, {cassette.play_count} played" if path.is_file() else "it does not exist"
    lines = [
        f"retell replay: the test made a request its cassette does not hold: {first}",
        f"  cassette: {path} ({held})",
    ]
    if others:
        lines.append(f"  also not held: {', '.join(others)}")
    if excinfo is not None:
        lines.append(f"  the test then failed with {excinfo.typename}: {str(excinfo.value).splitlines()[0][:200]}")
    lines.append("  re-record it with --retell-record (against the live target) if the test changed on purpose")
    return "\n".join(lines)


class _Open:
    """The context of one test's cassette (patches httpx while open)."""

    def __init__(self, recorder: Recorder, path: Path) -> None:
        self.recorder, self.path = recorder, path

    def __enter__(self) -> Any:
        import contextlib

        from vcr.patch import CassettePatcherBuilder

        cassette = self.recorder.open(self.path)
        self.stack = contextlib.ExitStack()
        for patcher in CassettePatcherBuilder(cassette).build():
            self.stack.enter_context(patcher)
        self.recorder.cassette, self.recorder.shown = cassette, 0
        return cassette

    def __exit__(self, *exc: object) -> None:
        cassette, self.recorder.cassette = self.recorder.cassette, None
        self.stack.close()
        if self.recorder.mode == "record" and len(cassette):
            cassette._metadata.update(  # saved beside the interactions (vcrpy's cassette metadata)
                {_META_RUN: self.recorder.run_id, _META_TARGET: self.recorder.target, _META_MODEL: cassette.model_used}
            )
            self.path.parent.mkdir(parents=True, exist_ok=True)
            cassette._save(force=True)


def _cassette(recorder: Recorder, path: Path) -> _Open:
    return _Open(recorder, path)
