"""Repeat a test N times and require a pass rate: ``@pytest.mark.retell_repeat(n=5, pass_rate=0.8)``.

Options (each with an ini twin; the marker's arguments win): ``--retell-repeat N`` /
``retell_repeat`` repeats every test that uses a ``retell_*`` fixture (and sets the ``n`` of a
marker without one); ``--retell-pass-rate R`` / ``retell_pass_rate`` is the required fraction
(default 1.0: every run must pass).

The test reports ``passes/N`` with a 95% Wilson interval and a class (``stable-pass``,
``flaky``, ``stable-fail``: :class:`~retell_dsl.conversations.PassRate`); it fails when the
observed rate is below the requirement, showing the first failing run. A run passes when its
setup, call and teardown all pass; a skipped run (after the first) is left out of the count. The
terminal summary lists every repeated test and the flaky ones; the final report carries the
figures as ``user_properties`` (JUnit XML properties ``retell_pass_rate`` …).

**Deterministic conversations run once.** After the first run, when the test held its
conversations on the emulator's engine and every model in play was a ``ScriptedModel`` or none
(the engine's model, which also plays persona callers, and any judge model), repeating cannot
change the outcome: the test runs once and the output says so.

Implementation: one item runs N times inside ``pytest_runtest_protocol`` (as
pytest-rerunfailures does): each run is a full ``runtestprotocol`` with fresh function-scoped
fixtures (the item is torn down to its parent between runs; module and session fixtures such as
the session's emulator are kept), and per-run state (the item's stash entries, user properties
and report sections) is reset. The item stays one test, so fixtures, ``-x``, JUnit XML and
pytest-xdist (which sends each item to one worker and the reports with their user properties to
the controller) all see one outcome per test, and no repeated item can run before the first run
has told whether the conversation is deterministic. Generating N items instead would split the
outcome over N reports and over workers.

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import pytest
from _pytest.runner import runtestprotocol

__all__ = [
    "MARKER",
    "NONDETERMINISTIC",
    "pytest_addoption",
    "pytest_configure",
    "pytest_runtest_protocol",
    "pytest_runtest_setup",
]

MARKER = "retell_repeat"
#: Why a run was not deterministic (e.g. a judge on a real model): appended to by other modules.
NONDETERMINISTIC = pytest.StashKey[list[str]]()
_BAD_MARKER = pytest.StashKey[str]()
_PROPS = ("retell_pass_rate", "retell_pass_rate_detail", "retell_repeat_class", "retell_repeat_note")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("retell", "Retell agents (retell-dsl)")
    group.addoption(
        "--retell-repeat", type=int, default=None, metavar="N",
        help="run every test using a retell fixture N times (a retell_repeat marker's n wins)",
    )  # fmt: skip
    group.addoption(
        "--retell-pass-rate", type=float, default=None, metavar="R",
        help="the fraction of repeated runs that must pass (default 1.0; a marker's pass_rate wins)",
    )  # fmt: skip
    parser.addini("retell_repeat", "default --retell-repeat", default="1")
    parser.addini("retell_pass_rate", "default --retell-pass-rate", default="1.0")


def _option(config: pytest.Config, name: str, kind: type[int] | type[float]) -> int | float:
    value = config.getoption(f"--retell-{name.replace('_', '-')}")
    if value is not None:
        return cast("int | float", value)
    raw = str(config.getini(f"retell_{name}")).strip()
    try:
        return kind(raw)
    except ValueError:
        raise pytest.UsageError(f"retell_{name} = {raw!r} in the ini file is not a {kind.__name__}") from None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(n=5, pass_rate=0.8): run the test n times and require that fraction of passes (retell-dsl)",
    )
    repeat, rate = _option(config, "repeat", int), _option(config, "pass_rate", float)
    if repeat < 1:
        raise pytest.UsageError(f"--retell-repeat / retell_repeat must be at least 1, got {repeat}")
    if not 0.0 <= rate <= 1.0:
        raise pytest.UsageError(f"--retell-pass-rate / retell_pass_rate must be between 0 and 1, got {rate}")
    config.pluginmanager.register(_Summary(), "retell-repeat-summary")


def _settings(item: pytest.Item) -> tuple[int, float] | str:
    """``(n, pass_rate)`` for the item, or what is wrong with its marker."""
    config = item.config
    n, rate = int(_option(config, "repeat", int)), float(_option(config, "pass_rate", float))
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        uses_retell = any(name.startswith("retell_") for name in getattr(item, "fixturenames", ()))
        return (n, rate) if uses_retell else (1, rate)
    if marker.args or set(marker.kwargs) - {"n", "pass_rate"}:
        return f"{MARKER} takes only the keywords n= and pass_rate=, got {marker.args!r} {marker.kwargs!r}"
    n, rate = marker.kwargs.get("n", n), marker.kwargs.get("pass_rate", rate)
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        return f"{MARKER}(n=...) must be an integer of at least 1, got {n!r}"
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        return f"{MARKER}(pass_rate=...) must be a number between 0 and 1, got {rate!r}"
    return n, float(rate)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A bad ``retell_repeat`` marker fails the test at setup, saying what is wrong."""
    if (problem := item.stash.get(_BAD_MARKER, None)) is not None:
        pytest.fail(problem, pytrace=False)


def _deterministic(item: pytest.Item) -> str | None:
    """Why the run just made cannot vary (every model scripted or none), or ``None``."""
    from pytest_retell import plugin

    if item.stash.get(NONDETERMINISTIC, []):
        return None
    switch = item.stash.get(plugin._SWITCH, None)
    if switch is None:  # no conversation on the emulator's engine (a plain test, or live Retell)
        return None
    from retell_dsl.conversations import NoModel, ScriptedModel

    model = switch.current or switch.fallback
    if not isinstance(model, (ScriptedModel, NoModel)):
        return None
    return "deterministic conversation (every model scripted or none)"


def _reset(item: pytest.Item, keys: frozenset[Any], properties: list[tuple[str, object]]) -> None:
    """Forget what the last run left on the item, so the next one starts fresh."""
    storage = getattr(item.stash, "_storage", None)
    if isinstance(storage, dict):
        for key in [k for k in storage if k not in keys]:
            del storage[key]
    item.user_properties[:] = properties
    if isinstance(getattr(item, "_report_sections", None), list):
        item._report_sections.clear()


def _run_passed(reports: Sequence[pytest.TestReport]) -> bool | None:
    """A run's outcome: passed, failed, or ``None`` when it was skipped."""
    if any(r.failed for r in reports):
        return False
    if any(r.skipped for r in reports):
        return None
    return True


def _failure_text(reports: Sequence[pytest.TestReport]) -> str:
    failed = next(r for r in reports if r.failed)
    where = "" if failed.when == "call" else f" (at {failed.when})"
    return f"{where}\n{failed.longreprtext}"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
    """Run a repeated item N times (see the module docs); other items run as usual."""
    settings = _settings(item)
    if isinstance(settings, str):
        item.stash[_BAD_MARKER] = settings
        return None
    n, required = settings
    if n == 1:
        return None
    from retell_dsl.conversations import PassRate

    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    keys = frozenset(getattr(item.stash, "_storage", {}))
    base = list(item.user_properties)
    runs: list[list[pytest.TestReport]] = []
    judged: list[list[tuple[str, object]]] = []
    note = ""
    for index in range(n):
        _reset(item, keys, base)
        reports = runtestprotocol(item, log=False, nextitem=cast("pytest.Item", item.parent))
        runs.append(reports)
        props = item.user_properties[len(base) :]
        judged.append([(k, v) for k, v in props if k == "retell_judge_verdict"])
        outcome = _run_passed(reports)
        if index == 0 and (outcome is None or reports[0].failed):
            break  # skipped, or its setup failed: report it as it is
        if index == 0 and (why := _deterministic(item)):
            note = f"{why}: ran once, not {n} times"
            break
        if item.session.shouldstop or item.session.shouldfail:
            break
    final_props = list(item.user_properties)
    closing = _teardown_rest(item, nextitem)
    first = runs[0]
    if len(runs) == 1 and not note:
        last = first[-1] if first[-1].failed or closing is None else closing
        for report in [*first[:-1], last]:
            item.ihook.pytest_runtest_logreport(report=report)
        item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
        return True
    outcomes = [_run_passed(r) for r in runs]
    many = len(runs) > 1
    verdicts = [(k, f"run {i}/{len(runs)}: {v}" if many else v) for i, run in enumerate(judged, 1) for k, v in run]
    counted = [o for o in outcomes if o is not None]
    rate = PassRate(passes=sum(counted), runs=max(1, len(counted)), required=required)
    failing = next((i for i, o in enumerate(outcomes) if o is False), None)
    representative = runs[failing] if failing is not None else runs[-1]
    ok = rate.ok
    summary = rate.describe() + (f"; {note}" if note else "")
    properties = [
        *[p for p in final_props if p[0] != "retell_judge_verdict"],
        *verdicts,
        ("retell_pass_rate", f"{rate.passes}/{rate.runs}"),
        ("retell_pass_rate_detail", rate.describe()),
        ("retell_repeat_class", rate.classification),
    ]
    if note:
        properties.append(("retell_repeat_note", note))
    longrepr = None
    if not ok:
        shown = "" if failing is None else f"\nrun {failing + 1} of {len(runs)} failed{_failure_text(runs[failing])}"
        longrepr = f"{MARKER}: {summary}{shown}"
    template = next((r for r in representative if r.when == "call"), first[0])
    call = pytest.TestReport(
        item.nodeid, item.location, template.keywords, "passed" if ok else "failed", longrepr, "call",
        sections=[*template.sections, ("retell repeat", summary)],
        duration=sum(r.duration for run in runs for r in run), start=first[0].start, stop=runs[-1][-1].stop,
        user_properties=properties,
    )  # fmt: skip
    teardown = closing or runs[-1][-1]
    if teardown.failed and closing is None:  # the last run's teardown failure is counted in the rate
        teardown = pytest.TestReport(
            item.nodeid, item.location, teardown.keywords, "passed", None, "teardown",
            duration=teardown.duration, start=teardown.start, stop=teardown.stop,
        )  # fmt: skip
    teardown.user_properties = properties
    for report in (first[0], call, teardown):
        item.ihook.pytest_runtest_logreport(report=report)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True


def _teardown_rest(item: pytest.Item, nextitem: pytest.Item | None) -> pytest.TestReport | None:
    """Tear down what ``nextitem`` does not share (module, session...); a report only if that failed."""
    setupstate = item.session._setupstate
    call = pytest.CallInfo.from_call(lambda: setupstate.teardown_exact(nextitem), when="teardown")
    if call.excinfo is None:
        return None
    report: pytest.TestReport = item.ihook.pytest_runtest_makereport(item=item, call=call)
    return report


class _Summary:
    """Collects the repeated tests' figures from their final reports (on the xdist controller too:
    they travel as user properties) and prints them."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, dict[str, str]]] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "teardown" and (props := {k: str(v) for k, v in report.user_properties if k in _PROPS}):
            self.rows.append((report.nodeid, props))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.rows:
            return
        tr = terminalreporter
        tr.section("retell repeat: pass rates")
        for nodeid, props in self.rows:
            note = f" ({props['retell_repeat_note']})" if "retell_repeat_note" in props else ""
            tr.write_line(f"{nodeid}: {props.get('retell_pass_rate_detail', '?')}{note}")
        flaky = [nodeid for nodeid, props in self.rows if props.get("retell_repeat_class") == "flaky"]
        if flaky:
            tr.write_line(f"flaky tests ({len(flaky)}):")
            for nodeid in flaky:
                tr.write_line(f"  {nodeid}")
