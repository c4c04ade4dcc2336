"""A call's ``latency`` and ``llm_token_usage``, from the log's turns and ``ModelUsed`` events.

**Latency model.** Each metric is ``{min, max, num, p50, p90, p95, p99, values}`` in ms; a
metric with no sample is left out (Retell omits what a call did not use).

* ``e2e`` (Retell: "from user stops talking to agent start talking", tracked at every turn
  change): for each user utterance directly followed by an agent utterance, the agent
  utterance's ``at_ms`` minus the end of the user's (its ``at_ms`` + ``duration_ms``, or the
  speaking-rate model's duration when the event has none), never below 0.
* ``llm``: the ``latency_ms`` of every ``ModelUsed`` with ``purpose="reply"`` (the calls that
  write what the agent says).
* ``knowledge_base``: the ``latency_ms`` of every ``KnowledgeRetrieved`` (one per user turn
  that retrieved chunks), followed by any ``knowledge_base_ms`` samples the caller passes.

**Percentiles** use linear interpolation between the closest ranks (rank ``p / 100 * (n - 1)`` of
the sorted values, NumPy's default), rounded to 3 decimals.

**Token usage** counts every model call made for the agent (purposes ``reply``,
``prompt_condition``, ``tool_arguments``, ``extraction``; not the analysis, persona or judge):
``values`` are prompt + completion tokens per request, ``average`` their mean. ``None`` when no
such call was made (Retell: "not populated if … no LLM call is made").

>>> from retell_dsl.sim.events import ModelUsed, Utterance
>>> log = [Utterance(at_ms=0, role="user", content="Hi", duration_ms=500),
...        ModelUsed(at_ms=500, purpose="reply", latency_ms=300, prompt_tokens=90, completion_tokens=10),
...        Utterance(at_ms=1300, role="agent", content="Hello!")]
>>> latency(log)["e2e"]
{'min': 800, 'max': 800, 'num': 1, 'p50': 800.0, 'p90': 800.0, 'p95': 800.0, 'p99': 800.0, 'values': [800]}
>>> llm_token_usage(log)
{'average': 100.0, 'num_requests': 1, 'values': [100]}
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from retell_dsl.sim.events import Event, KnowledgeRetrieved, ModelUsed, Utterance
from retell_dsl.sim.outputs.speech import DEFAULT_RATE, SpeakingRate, speech_duration_ms

__all__ = ["AGENT_PURPOSES", "e2e_latencies", "latency", "latency_stats", "llm_token_usage", "percentile"]

#: The model calls made for the agent itself (counted in ``llm_token_usage``).
AGENT_PURPOSES = frozenset({"reply", "prompt_condition", "tool_arguments", "extraction"})


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile of ``values`` by linear interpolation (``values`` not empty).

    >>> percentile([100, 200, 300, 400], 50), percentile([100, 200, 300, 400], 90)
    (250.0, 370.0)
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be within 0..100, got {p}")
    ordered = sorted(values)
    rank = p / 100 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    value = ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
    return round(float(value), 3)


def latency_stats(values: Sequence[float]) -> dict[str, Any]:
    """One latency metric from its samples (in the order they happened).

    >>> latency_stats([300, 100])["p50"]
    200.0
    """
    return {
        "min": min(values),
        "max": max(values),
        "num": len(values),
        "p50": percentile(values, 50),
        "p90": percentile(values, 90),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "values": list(values),
    }


def e2e_latencies(events: Iterable[Event], rate: SpeakingRate = DEFAULT_RATE) -> list[int]:
    """The turn gaps: user stops talking → agent starts talking, in ms.

    >>> from retell_dsl.sim.events import Utterance
    >>> e2e_latencies([Utterance(at_ms=0, role="user", content="Yes."),
    ...                Utterance(at_ms=1000, role="agent", content="Ok")])
    [600]
    """
    spoken = [e for e in events if isinstance(e, Utterance) and e.content.strip()]
    gaps: list[int] = []
    for before, after in itertools.pairwise(spoken):
        if before.role == "user" and after.role == "agent":
            length = before.duration_ms or speech_duration_ms(before.content, rate)
            gaps.append(max(0, after.at_ms - (before.at_ms + length)))
    return gaps


def latency(
    events: Iterable[Event],
    *,
    knowledge_base_ms: Sequence[float] = (),
    rate: SpeakingRate = DEFAULT_RATE,
) -> dict[str, Any]:
    """The call's ``latency`` object (``{}`` when nothing was measured).

    >>> from retell_dsl.sim.events import KnowledgeRetrieved
    >>> log = [KnowledgeRetrieved(at_ms=0, query="q", latency_ms=40)]
    >>> latency(log, knowledge_base_ms=[60])["knowledge_base"]["p50"]
    50.0
    """
    log = tuple(events)
    out: dict[str, Any] = {}
    e2e = e2e_latencies(log, rate)
    if e2e:
        out["e2e"] = latency_stats(e2e)
    llm = [e.latency_ms for e in log if isinstance(e, ModelUsed) and e.purpose == "reply"]
    if llm:
        out["llm"] = latency_stats(llm)
    kb = [e.latency_ms for e in log if isinstance(e, KnowledgeRetrieved)] + list(knowledge_base_ms)
    if kb:
        out["knowledge_base"] = latency_stats(kb)
    return out


def llm_token_usage(events: Iterable[Event]) -> dict[str, Any] | None:
    """The call's ``llm_token_usage`` (``None`` when the agent made no model call).

    >>> llm_token_usage([]) is None
    True
    """
    values = [
        e.prompt_tokens + e.completion_tokens
        for e in events
        if isinstance(e, ModelUsed) and e.purpose in AGENT_PURPOSES
    ]
    if not values:
        return None
    return {"average": round(sum(values) / len(values), 3), "num_requests": len(values), "values": values}
