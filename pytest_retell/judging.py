"""LLM judging in tests, opt-in and labelled: the ``retell_judge`` fixture and the verdicts summary.

Options (each with an ini twin, the flag wins):

- ``--retell-judge-model NAME`` / ``retell_judge_model``: the judge model on the
  OpenAI-compatible server ``OPENAI_BASE_URL`` (else ``RETELL_DSL_JUDGE_MODEL``). Without one,
  a test that judges fails, saying what to set; nothing is ever judged implicitly.
- ``--retell-judge-confirm N`` / ``retell_judge_confirm``: how many times a failing answer is
  re-asked before the verdict fails (default 1; the verdict fails only when every answer fails,
  see :mod:`retell_dsl.conversations.judge`).

``retell_judge.check(result, "criterion")`` fails the test when the criterion is unmet;
``retell_judge.verdict(...)`` returns the :class:`~retell_dsl.conversations.Verdict` without
failing. Every verdict is a JUnit property (``retell_judge_verdict``) and is listed, labelled
LLM-judged, in the terminal summary. A test may set ``retell_judge.model`` (e.g. a
``ScriptedModel``) to judge without a configured model.

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from retell_dsl.conversations import Judge, Model, Subject, Verdict

__all__ = ["PROPERTY", "TestJudge", "pytest_addoption", "pytest_configure", "retell_judge"]

#: The user property (and JUnit property) of each verdict.
PROPERTY = "retell_judge_verdict"
_SETTING = "--retell-judge-model NAME (or retell_judge_model = NAME in the ini file)"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("retell", "Retell agents (retell-dsl)")
    group.addoption(
        "--retell-judge-model", default=None, metavar="NAME",
        help="OpenAI-compatible model (on OPENAI_BASE_URL) that retell_judge asks; judging is opt-in",
    )  # fmt: skip
    group.addoption(
        "--retell-judge-confirm", type=int, default=None, metavar="N",
        help="re-ask a failing judge answer up to N times; it fails only if every answer fails (default 1)",
    )  # fmt: skip
    parser.addini("retell_judge_model", "default --retell-judge-model", default="")
    parser.addini("retell_judge_confirm", "default --retell-judge-confirm", default="1")


def _confirm(config: pytest.Config) -> int:
    value = config.getoption("--retell-judge-confirm")
    raw = str(config.getini("retell_judge_confirm")).strip() if value is None else str(value)
    try:
        confirm = int(raw)
    except ValueError:
        confirm = -1
    if confirm < 0:
        raise pytest.UsageError(f"--retell-judge-confirm / retell_judge_confirm must be an integer >= 0, got {raw!r}")
    return confirm


def pytest_configure(config: pytest.Config) -> None:
    _confirm(config)
    config.pluginmanager.register(_Verdicts(), "retell-judge-verdicts")


class TestJudge:
    """The ``retell_judge`` fixture's object: a :class:`~retell_dsl.conversations.Judge` bound to one test.

    Its model is resolved on first use (``model`` set by the test, else the configured judge
    model), so only a test that judges needs one.
    """

    __test__ = False  # not a test class, despite the name

    def __init__(self, item: pytest.Item, name: str | None, confirm: int) -> None:
        self.item = item
        self.configured = name
        self.confirm = confirm
        self.model: Model | None = None
        self._judge: Judge | None = None

    def __repr__(self) -> str:
        return f"retell_judge(model {self.configured or self.model!r}, confirm={self.confirm})"

    @property
    def verdicts(self) -> list[Verdict]:
        return [] if self._judge is None else list(self._judge.verdicts)

    def _get(self) -> Judge:
        __tracebackhide__ = True
        from retell_dsl.conversations import Judge, judge_model
        from retell_dsl.errors import ConfigurationError

        if self._judge is not None and (self.model is None or self._judge.model is self.model):
            return self._judge
        if self.model is not None:
            self._judge = Judge(self.model, confirm=self.confirm, on_verdict=self._record)
            return self._judge
        try:
            model = judge_model(self.configured, setting=_SETTING)
        except ConfigurationError as exc:
            problem = f"retell_judge: {exc}"
        else:
            self._judge = Judge(model, confirm=self.confirm, on_verdict=self._record, owns_model=True)
            return self._judge
        pytest.fail(problem, pytrace=False)

    def _record(self, verdict: Verdict) -> None:
        self.item.user_properties.append((PROPERTY, verdict.describe()))

    def verdict(self, subject: Subject, criterion: str) -> Verdict:
        """The LLM-judged verdict on ``subject`` (a ``CallResult``, ``Turn``, ``Event`` or an agent utterance)."""
        __tracebackhide__ = True
        from pytest_retell.repeat import NONDETERMINISTIC
        from retell_dsl.conversations import ModelError, ScriptedModel

        judge = self._get()
        if not isinstance(judge.model, ScriptedModel):  # even if it fails: a repeat must not take it as fixed
            self.item.stash.setdefault(NONDETERMINISTIC, []).append(f"an LLM judge (model {judge.name})")
        try:
            return judge.verdict(subject, criterion)
        except ModelError as exc:
            problem = f"retell_judge: the judge model {judge.name} failed: {exc}"
        pytest.fail(problem, pytrace=False)

    def check(self, subject: Subject, criterion: str) -> Verdict:
        """Like :meth:`verdict`, and fail the test (labelled LLM-judged, with the transcript) when it fails."""
        __tracebackhide__ = True
        from retell_dsl.conversations import JudgeFailed

        return JudgeFailed.unless_passed(self.verdict(subject, criterion), subject)


@pytest.fixture
def retell_judge(request: pytest.FixtureRequest, pytestconfig: pytest.Config) -> TestJudge:
    """An LLM judge for this test: ``retell_judge.check(result, "The agent confirms the booking")``.

    Opt-in: it asks ``--retell-judge-model`` (see :mod:`pytest_retell.judging`); each verdict is
    listed, labelled LLM-judged, in the terminal summary.
    """
    from pytest_retell.plugin import option

    return TestJudge(request.node, option(pytestconfig, "judge_model") or None, _confirm(pytestconfig))


class _Verdicts:
    """Lists every verdict, from the final reports' user properties (so also from xdist workers)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str]] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "teardown":
            self.rows += [(report.nodeid, str(v)) for k, v in report.user_properties if k == PROPERTY]

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.rows:
            return
        tr = terminalreporter
        tr.section("retell judge verdicts (LLM-judged)")
        for nodeid, text in self.rows:
            tr.write_line(f"{nodeid}: {text}")
        failed = sum("LLM-judged FAIL" in text for _, text in self.rows)
        tr.write_line(f"{len(self.rows)} LLM-judged verdict(s): {len(self.rows) - failed} passed, {failed} failed")
