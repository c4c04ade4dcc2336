"""Persona tests as Retell simulation tests: definitions upserted by name, one batch run, bounded polling.

A :class:`Scenario` is one test-case definition (the simulated user's persona and goal, the
metrics that judge the conversation). :func:`run_simulation` upserts each scenario's definition
by name on the engine under test (pinned to its version), starts one batch test of them, polls
it with backoff until it completes or the wait bound passes, and returns one
:class:`SimulationRun` per scenario: Retell's status and ``result_explanation`` and the
transcript as a :class:`~retell_dsl.conversations.CallResult`, so the usual assertions apply.

The same code runs on the emulator (whose engine runs and judges the conversations) and on Retell.

>>> Scenario("polite refund", user_prompt="You want a refund.", metrics=("The agent offers a refund",)).name
'polite refund'
>>> Backoff(first_s=1, factor=2, max_s=5).delays(4)
[1.0, 2.0, 4.0, 5.0]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from retell_dsl.conversations.result import CallResult, events_of
from retell_dsl.errors import ConfigurationError

if TYPE_CHECKING:
    from retell import Retell

__all__ = ["Backoff", "Scenario", "SimulationRun", "engine_of_agent", "run_simulation", "upsert_definitions"]

JSON = dict[str, Any]
_ENGINE_IDS = {"retell-llm": "llm_id", "conversation-flow": "conversation_flow_id"}
_ENGINE_PATHS = {"retell-llm": "/get-retell-llm/{}", "conversation-flow": "/get-conversation-flow/{}"}
_FINISHED = frozenset({"pass", "fail", "error"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Backoff:
    """Polling delays: ``first_s``, then times ``factor`` each poll, at most ``max_s``."""

    first_s: float = 1.0
    factor: float = 1.6
    max_s: float = 15.0

    def delays(self, count: int | None = None) -> list[float]:
        """The first ``count`` delays (for people and tests)."""
        it = self._iter()
        return [next(it) for _ in range(count or 0)]

    def _iter(self) -> Iterator[float]:
        delay = float(self.first_s)
        while True:
            yield min(delay, float(self.max_s))
            delay *= self.factor


@dataclass(frozen=True, slots=True)
class Scenario:
    """One simulation test case: a persona (``user_prompt``) and the ``metrics`` its conversation must meet."""

    name: str
    user_prompt: str
    metrics: Sequence[str]
    dynamic_variables: Mapping[str, str] = field(default_factory=dict)
    #: The simulated user's model (Retell's default when unset).
    llm_model: str | None = None
    #: Retell tool mocks: ``{"tool_name", "input_match_rule": {"type": "any"}, "output": "<JSON text>"}``.
    tool_mocks: Sequence[Mapping[str, Any]] = ()

    def __post_init__(self) -> None:
        if not self.name.strip() or not self.user_prompt.strip():
            raise ConfigurationError("a simulation scenario needs a name and a user_prompt (the caller's persona)")
        if isinstance(self.metrics, str) or not self.metrics:
            raise ConfigurationError(f"scenario {self.name!r}: metrics is a list of success criteria, e.g. ['...']")

    def payload(self, engine: Mapping[str, Any], prefix: str) -> JSON:
        """The test-case definition's body for ``engine``, named ``prefix + name``."""
        body: JSON = {
            "name": prefix + self.name, "user_prompt": self.user_prompt, "metrics": list(self.metrics),
            "response_engine": dict(engine), "dynamic_variables": dict(self.dynamic_variables),
            "tool_mocks": [dict(m) for m in self.tool_mocks],
        }  # fmt: skip
        if self.llm_model:
            body["llm_model"] = self.llm_model
        return body


@dataclass(frozen=True, slots=True)
class SimulationRun:
    """One scenario's run: ``status`` is Retell's (``pass``/``fail``/``error``), or ``timeout`` if the wait ran out."""

    scenario: str
    status: str
    explanation: str
    result: CallResult
    definition_id: str
    run_id: str | None = None

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def describe(self) -> str:
        """The verdict, Retell's explanation and the transcript, for a failure message."""
        head = f"simulation {self.scenario!r}: {self.status}" + (f" ({self.run_id})" if self.run_id else "")
        return f"{head}\n  why: {self.explanation or '(no explanation given)'}\ntranscript:\n{self.result.render()}"


def _get(client: Retell, path: str, query: Mapping[str, Any] | None = None) -> Any:
    options: Any = {"params": dict(query)} if query else {}
    return client.get(path, cast_to=object, options=options)


def engine_of_agent(client: Retell, agent_id: str, version: int | None = None, *, chat: bool = True) -> JSON:
    """The response engine of ``agent_id`` (at ``version``) with the engine's version pinned.

    Custom-LLM engines raise :class:`ConfigurationError`: Retell's simulation tests do not run them.
    """
    noun = "chat-agent" if chat else "agent"
    agent = _get(client, f"/get-{noun}/{agent_id}", {"version": version} if version is not None else None)
    engine = dict(agent.get("response_engine") or {})
    kind = engine.get("type")
    if kind not in _ENGINE_IDS:
        raise ConfigurationError(f"agent {agent_id} runs a {kind!r} engine: simulation tests need a Retell LLM or flow")
    ident = str(engine[_ENGINE_IDS[kind]])
    if engine.get("version") is None:
        engine["version"] = _get(client, _ENGINE_PATHS[kind].format(ident)).get("version", 0)
    return {"type": kind, _ENGINE_IDS[kind]: ident, "version": engine["version"]}


def _pages(client: Retell, path: str, query: Mapping[str, Any] | None = None) -> Iterator[JSON]:
    key: str | None = None
    while True:
        page = _get(client, path, {**(query or {}), "limit": 1000, **({"pagination_key": key} if key else {})})
        yield from page.get("items") or []
        if not page.get("has_more") or not page.get("pagination_key"):
            return
        key = page["pagination_key"]


def upsert_definitions(
    client: Retell, engine: Mapping[str, Any], scenarios: Sequence[Scenario], *, prefix: str = ""
) -> dict[str, str]:
    """Create or update each scenario's definition, found by name on ``engine``; returns name → definition id."""
    kind = str(engine["type"])
    query = {"type": kind, _ENGINE_IDS[kind]: engine[_ENGINE_IDS[kind]]}
    listed = _pages(client, "/v2/list-test-case-definitions", query)
    existing = {str(d.get("name")): str(d["test_case_definition_id"]) for d in listed}
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ConfigurationError(f"simulation scenarios need distinct names, got {names}")
    out: dict[str, str] = {}
    for scenario in scenarios:
        body = scenario.payload(engine, prefix)
        ident = existing.get(body["name"])
        if ident is None:
            made = client.post("/create-test-case-definition", cast_to=object, body=body)
            ident = str(made["test_case_definition_id"])  # type: ignore[index]
        else:
            client.put(f"/update-test-case-definition/{ident}", cast_to=object, body=body)
        out[scenario.name] = ident
    return out


def run_simulation(
    client: Retell,
    engine: Mapping[str, Any],
    scenarios: Sequence[Scenario],
    *,
    prefix: str = "",
    timeout_s: float = 900.0,
    backoff: Backoff | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> list[SimulationRun]:
    """Upsert ``scenarios`` on ``engine``, run them as one batch test and wait for it, at most ``timeout_s`` seconds.

    Runs still unfinished at the bound come back with status ``timeout`` (Retell keeps running them).
    """
    if not scenarios:
        raise ConfigurationError("run_simulation needs at least one Scenario")
    ids = upsert_definitions(client, engine, scenarios, prefix=prefix)
    body = {"response_engine": dict(engine), "test_case_definition_ids": list(ids.values())}
    batch = client.post("/create-batch-test", cast_to=object, body=body)
    batch_id = str(batch["test_case_batch_job_id"])  # type: ignore[index]
    deadline = clock() + timeout_s
    delays = (backoff or Backoff())._iter()
    while batch.get("status") != "complete":  # type: ignore[attr-defined]
        left = deadline - clock()
        if left <= 0:
            break
        sleep(min(next(delays), left))
        batch = _get(client, f"/get-batch-test/{batch_id}")
    runs = {str(r.get("test_case_definition_id")): r for r in _pages(client, f"/v2/list-test-runs/{batch_id}")}
    return [_run_of(name, ident, runs.get(ident), timeout_s) for name, ident in ids.items()]


def _run_of(name: str, definition_id: str, run: Mapping[str, Any] | None, timeout_s: float) -> SimulationRun:
    run = run or {}
    status = str(run.get("status") or "pending")
    explanation = str(run.get("result_explanation") or "")
    if status not in _FINISHED:
        explanation = f"the run was still {status} after the {timeout_s:g} s wait (Retell keeps running it)"
        status = "timeout"
    transcript = run.get("transcript_snapshot") or []
    messages = transcript if isinstance(transcript, list) else _snapshot_messages(transcript)
    run_id = str(run["test_case_job_id"]) if run.get("test_case_job_id") else None
    result = CallResult(
        id=run_id or definition_id, kind="chat", agent_id=None, status=status, events=events_of(messages),
        end_reason=None, transcript="",
    )  # fmt: skip
    return SimulationRun(name, status, explanation, result, definition_id, run_id)


def _snapshot_messages(snapshot: Any) -> list[Any]:
    """The messages of a playground snapshot object (Retell documents no shape: the known keys are tried)."""
    if isinstance(snapshot, Mapping):
        for key in ("messages", "message_with_tool_calls", "transcript"):
            if isinstance(snapshot.get(key), list):
                return list(snapshot[key])
    return []
