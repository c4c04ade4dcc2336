"""LLM judging of what an agent said, opt-in: a criterion in, an immutable :class:`Verdict` out.

A :class:`Judge` asks its model (the emulator's simulation-test grader,
:func:`retell_dsl.simulator.judge.verdict`: one temperature-0 call forced to ``record_verdict``)
whether a subject meets a criterion. The subject is a whole :class:`CallResult` (its messages and
tool calls), one :class:`Turn`, one :class:`Event`, or a string (judged as one agent utterance).

**Confirm on fail.** A failing answer is re-asked up to ``confirm`` more times (default 1); the
verdict fails only when every answer fails, and stops asking at the first pass. A judge that
fails a good conversation by chance then rarely breaks a build, while a criterion that is really
unmet fails every time (``Verdict.answers`` keeps every answer). ``confirm=0`` takes the first
answer as it is.

Judging is never implicit: a judge needs a model, from :func:`judge_model` (``--retell-judge-model``
in the plugin, ``--model`` in ``retell-dsl judge calibrate``) or passed in, e.g. a
``ScriptedModel`` in tests.

>>> from retell_dsl.sim.models import Rule, ScriptedModel
>>> curt = Rule(purpose="judge", times=1).call("record_verdict", {"pass": False, "explanation": "Curt."})
>>> model = ScriptedModel(curt, Rule(purpose="judge").call("record_verdict", {"pass": True, "explanation": "Polite."}))
>>> verdict = Judge(model, name="scripted").verdict("Thanks for calling, have a nice day!", "The agent is polite")
>>> verdict.passed, verdict.reason, [ok for ok, _ in verdict.answers]
(True, 'Polite.', [False, True])
>>> verdict.describe()
'LLM-judged PASS (model scripted, 2 answers): The agent is polite -- Polite.'
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from retell_dsl.conversations.driver import Turn
from retell_dsl.conversations.result import CallResult, Event
from retell_dsl.errors import ConfigurationError, InvalidArgument, RetellDSLError
from retell_dsl.sim.models import Model, OpenAICompatible
from retell_dsl.simulator.judge import verdict as _grade

__all__ = [
    "JUDGE_MODEL_ENV",
    "Judge",
    "JudgeFailed",
    "Subject",
    "Verdict",
    "judge_model",
    "judge_transcript",
]

#: The environment variable naming the judge model when no option does.
JUDGE_MODEL_ENV = "RETELL_DSL_JUDGE_MODEL"

Subject = CallResult | Turn | Event | str
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """One judged criterion: ``passed`` and the judge's ``reason``, by ``model``, on ``subject``.

    ``answers`` are every ``(passed, reason)`` the judge gave, in order (more than one when a
    failing answer was re-asked). ``bool(verdict)`` is ``passed``.
    """

    passed: bool
    reason: str
    model: str
    criterion: str
    subject: str
    answers: tuple[tuple[bool, str], ...] = ()

    def __bool__(self) -> bool:
        return self.passed

    def describe(self) -> str:
        """One line, labelled as LLM-judged."""
        asked = f", {len(self.answers)} answers" if len(self.answers) > 1 else ""
        word = "PASS" if self.passed else "FAIL"
        return f"LLM-judged {word} (model {self.model}{asked}): {self.criterion} -- {self.reason}"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (reports, xdist)."""
        return {
            "passed": self.passed, "reason": self.reason, "model": self.model, "criterion": self.criterion,
            "subject": self.subject, "answers": [list(a) for a in self.answers],
        }  # fmt: skip


class JudgeFailed(RetellDSLError, AssertionError):
    """A judged criterion was not met (an ``AssertionError``, so a test fails rather than errors)."""

    def __init__(self, verdict: Verdict, transcript: str = "") -> None:
        self.verdict = verdict
        shown = f"\ntranscript:\n{transcript}" if transcript else ""
        confirmed = f", confirmed by all {len(verdict.answers)} answers" if len(verdict.answers) > 1 else ""
        super().__init__(
            f"LLM-judged (model {verdict.model}): the criterion was not met{confirmed}\n"
            f"  criterion: {verdict.criterion}\n  reason: {verdict.reason}\n  judged: {verdict.subject}{shown}"
        )

    @classmethod
    def unless_passed(cls, verdict: Verdict, subject: Subject) -> Verdict:
        """``verdict`` when it passed; else raise, showing ``subject``'s transcript."""
        __tracebackhide__ = True
        if not verdict.passed:
            shown = subject.render() if isinstance(subject, CallResult) else judge_transcript(subject)
            raise cls(verdict, shown)
        return verdict


def judge_transcript(subject: Subject) -> str:
    """The text the judge reads: ``Agent:`` / ``User:`` lines and tool calls, one a line.

    >>> judge_transcript("We open at nine.")
    'Agent: We open at nine.'
    >>> from retell_dsl.conversations.result import events_of
    >>> result = CallResult(id="chat_1", kind="chat", agent_id="a", status="ended", events=events_of([
    ...     {"role": "user", "content": "When do you open?"},
    ...     {"role": "tool_call_invocation", "tool_call_id": "1", "name": "hours", "arguments": "{}"},
    ...     {"role": "tool_call_result", "tool_call_id": "1", "content": "9-17"},
    ...     {"role": "agent", "content": "At nine."}]))
    >>> print(judge_transcript(result))
    User: When do you open?
    [the agent called tool hours({}) -> 9-17]
    Agent: At nine.
    """
    if isinstance(subject, str):
        return f"Agent: {subject}"
    events = (subject,) if isinstance(subject, Event) else subject.events
    lines = []
    for e in events:
        if e.kind == "message":
            lines.append(f"{e.role.capitalize()}: {e.text}")
        elif e.kind == "tool_call":
            lines.append(f"[the agent called {e.describe()}]")
    return "\n".join(lines)


def _label(subject: Subject) -> str:
    if isinstance(subject, CallResult):
        return f"{subject.kind} {subject.id}"
    if isinstance(subject, Turn):
        return "one turn"
    if isinstance(subject, Event):
        return f"event {subject.index}"
    return "an agent utterance"


def _run(make: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
    """Run a coroutine to its end from sync code (in a worker thread when a loop already runs here)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="retell-judge") as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


class Judge:
    """Judges subjects against criteria with ``model`` (see the module docs for confirm-on-fail).

    ``name`` is the model's name in verdicts (default: the provider's model name, else the class
    name); ``timeout_s`` bounds each answer; ``on_verdict`` sees every verdict (the plugin lists
    them); ``owns_model``: close the model's HTTP client after each sync call.
    """

    def __init__(
        self,
        model: Model,
        *,
        name: str | None = None,
        confirm: int = 1,
        timeout_s: float = 120.0,
        on_verdict: Callable[[Verdict], None] | None = None,
        owns_model: bool = False,
    ) -> None:
        if not isinstance(confirm, int) or isinstance(confirm, bool) or confirm < 0:
            raise InvalidArgument(
                f"Judge(confirm=...) is how many times a failing answer is re-asked: >= 0, got {confirm!r}"
            )
        if not timeout_s > 0:
            raise InvalidArgument(f"Judge(timeout_s=...) must be positive, got {timeout_s!r}")
        self.model = model
        self.name = name or getattr(model, "model", None) or type(model).__name__
        self.confirm = confirm
        self.timeout_s = timeout_s
        self.on_verdict = on_verdict
        self.owns_model = owns_model
        self.verdicts: list[Verdict] = []

    def __repr__(self) -> str:
        return f"Judge(model {self.name!r}, confirm={self.confirm})"

    async def averdict(self, subject: Subject, criterion: str) -> Verdict:
        """The verdict on ``subject`` (awaitable)."""
        if not isinstance(criterion, str) or not criterion.strip():
            raise InvalidArgument(f"a judge needs a criterion: a non-empty string, got {criterion!r}")
        if not isinstance(subject, (CallResult, Turn, Event, str)):
            raise InvalidArgument(
                f"a judge judges a CallResult, a Turn, an Event or a string, got {type(subject).__name__}"
            )
        transcript = judge_transcript(subject)
        answers: list[tuple[bool, str]] = []
        for _ in range(1 + self.confirm):
            answer = await _grade(self.model, transcript, [criterion], timeout_s=self.timeout_s)
            answers.append(answer)
            if answer[0]:
                break
        passed, reason = answers[-1]
        verdict = Verdict(passed=passed, reason=reason, model=self.name, criterion=criterion, subject=_label(subject),
                          answers=tuple(answers))  # fmt: skip
        self.verdicts.append(verdict)
        if self.on_verdict is not None:
            self.on_verdict(verdict)
        return verdict

    def verdict(self, subject: Subject, criterion: str) -> Verdict:
        """The verdict on ``subject``; it does not raise when the criterion is unmet (see :meth:`check`)."""

        async def session() -> Verdict:
            try:
                return await self.averdict(subject, criterion)
            finally:
                if self.owns_model and isinstance(self.model, OpenAICompatible):
                    await self.model.aclose()

        return _run(session)

    def check(self, subject: Subject, criterion: str) -> Verdict:
        """The verdict on ``subject``; raise :class:`JudgeFailed` (with the transcript) when it fails."""
        __tracebackhide__ = True
        return JudgeFailed.unless_passed(self.verdict(subject, criterion), subject)


def judge_model(
    name: str | None = None, environ: Mapping[str, str] | None = None, *, setting: str = "--retell-judge-model NAME"
) -> OpenAICompatible:
    """The judge model ``name`` (else ``RETELL_DSL_JUDGE_MODEL``) on the server ``OPENAI_BASE_URL``.

    ``setting`` names the option that sets it, for the error when nothing does.

    >>> judge_model("qwen2.5", {"OPENAI_BASE_URL": "http://127.0.0.1:8080/v1"})
    OpenAICompatible(base_url='http://127.0.0.1:8080/v1', model='qwen2.5')
    >>> judge_model(None, {})
    Traceback (most recent call last):
    ...
    retell_dsl.ConfigurationError: no judge model is configured: set --retell-judge-model NAME ...
    """
    env = os.environ if environ is None else environ
    chosen = name or env.get(JUDGE_MODEL_ENV) or None
    server = "OPENAI_BASE_URL (an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1) or OPENAI_API_KEY"
    if chosen is None:
        raise ConfigurationError(
            f"no judge model is configured: set {setting} (or {JUDGE_MODEL_ENV}=NAME in the environment), "
            f"and {server}; LLM judging is opt-in, so nothing is judged without it"
        )
    if not (env.get("OPENAI_BASE_URL") or env.get("OPENAI_API_KEY")):
        raise ConfigurationError(f"the judge model {chosen!r} needs {server} in the environment")
    return OpenAICompatible(model=chosen, environ=env)
