"""Latency percentiles, token usage and cost from the price table: exact figures."""

from __future__ import annotations

import math

import pytest
from retell.types.web_call_response import CallCost, Latency, LlmTokenUsage

from retell_dsl.sim.events import Ended, Event, ModelUsed, Utterance
from retell_dsl.sim.outputs import (
    DEFAULT_PRICES,
    PriceTable,
    call_cost,
    chat_cost,
    e2e_latencies,
    latency,
    latency_stats,
    llm_token_usage,
    percentile,
)
from tests.sim.test_outputs_shapes import strict_validate


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([5], 99, 5.0),
        ([100, 200, 300, 400], 0, 100.0),
        ([100, 200, 300, 400], 50, 250.0),
        ([100, 200, 300, 400], 90, 370.0),
        ([100, 200, 300, 400], 95, 385.0),
        ([100, 200, 300, 400], 99, 397.0),
        ([400, 100, 300, 200], 100, 400.0),
        (list(range(1, 11)), 95, 9.55),
    ],
)
def test_percentiles_interpolate_linearly(values: list[int], p: float, expected: float) -> None:
    assert percentile(values, p) == expected


def test_percentile_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
    with pytest.raises(ValueError, match=r"within 0\.\.100"):
        percentile([1], 101)


def _turns(gaps: list[int]) -> list[Event]:
    """User then agent turns; each user utterance lasts 1000 ms and the agent answers after ``gap``."""
    log: list[Event] = []
    clock = 0
    for gap in gaps:
        log.append(Utterance(at_ms=clock, role="user", content="question", duration_ms=1000))
        log.append(ModelUsed(at_ms=clock + 1000, purpose="reply", latency_ms=gap // 2, prompt_tokens=gap))
        clock += 1000 + gap
        log.append(Utterance(at_ms=clock, role="agent", content="answer", duration_ms=500))
        clock += 2000
    return log


def test_latency_stats_are_exact() -> None:
    log = _turns([800, 1200, 600, 1000, 2000])
    assert e2e_latencies(log) == [800, 1200, 600, 1000, 2000]
    stats = latency(log)
    assert stats["e2e"] == {
        "min": 600,
        "max": 2000,
        "num": 5,
        "p50": 1000.0,
        "p90": 1680.0,
        "p95": 1840.0,
        "p99": 1968.0,
        "values": [800, 1200, 600, 1000, 2000],
    }
    assert stats["llm"]["values"] == [400, 600, 300, 500, 1000]
    assert stats["llm"]["p50"] == 500.0
    assert "knowledge_base" not in stats
    strict_validate(Latency, stats)


def test_e2e_counts_only_user_to_agent_turns_and_never_goes_negative() -> None:
    log = [
        Utterance(at_ms=0, role="agent", content="Hello"),
        Utterance(at_ms=100, role="agent", content="there"),
        Utterance(at_ms=1000, role="user", content="one two three four five", duration_ms=3000),
        Utterance(at_ms=2000, role="agent", content="interrupting"),  # started before the user finished
        Utterance(at_ms=5000, role="user", content="ok"),  # no duration: modelled as 400 ms
        Utterance(at_ms=6000, role="agent", content="fine"),
    ]
    assert e2e_latencies(log) == [0, 600]


def test_knowledge_base_latency_comes_from_the_samples_given() -> None:
    assert latency([], knowledge_base_ms=[30, 50, 70])["knowledge_base"] == latency_stats([30, 50, 70])


def test_token_usage_counts_the_agents_model_calls_only() -> None:
    log = [
        ModelUsed(at_ms=0, purpose="reply", prompt_tokens=100, completion_tokens=20),
        ModelUsed(at_ms=1, purpose="extraction", prompt_tokens=50, completion_tokens=5),
        ModelUsed(at_ms=2, purpose="persona", prompt_tokens=999, completion_tokens=9),
        ModelUsed(at_ms=3, purpose="analysis", prompt_tokens=999, completion_tokens=9),
        ModelUsed(at_ms=4, purpose="tool_arguments", prompt_tokens=70, completion_tokens=0),
    ]
    usage = llm_token_usage(log)
    assert usage == {"average": 81.667, "num_requests": 3, "values": [120, 55, 70]}
    strict_validate(LlmTokenUsage, usage)


CALL_90S: list[Event] = [Utterance(at_ms=0, role="agent", content="Hi"), Ended(at_ms=90_000, reason="user_hangup")]


@pytest.mark.parametrize(
    ("model", "call_type", "products"),
    [
        ("gpt-4.1", "web_call", [("voice_engine", 10.5, 7 / 60), ("llm:gpt-4.1", 6.75, 4.5 / 60)]),
        (
            "gpt-4o-mini",
            "phone_call",
            [("voice_engine", 10.5, 7 / 60), ("llm:gpt-4o-mini", 0.9, 0.6 / 60), ("telephony", 2.25, 1.5 / 60)],
        ),
        ("unlisted-model", "web_call", [("voice_engine", 10.5, 7 / 60), ("llm:unlisted-model", 6.75, 4.5 / 60)]),
        (None, "web_call", [("voice_engine", 10.5, 7 / 60), ("llm:default", 6.75, 4.5 / 60)]),
    ],
)
def test_call_cost_follows_the_table(
    model: str | None, call_type: str, products: list[tuple[str, float, float]]
) -> None:
    cost = call_cost(CALL_90S, llm_model=model, call_type="phone_call" if call_type == "phone_call" else "web_call")
    assert cost is not None
    assert [(p["product"], p["cost"]) for p in cost["product_costs"]] == [(n, c) for n, c, _ in products]
    assert [p["unit_price"] for p in cost["product_costs"]] == [round(u, 6) for _, _, u in products]
    assert cost["combined_cost"] == round(sum(c for _, c, _ in products), 6)
    assert cost["total_duration_seconds"] == 90
    assert math.isclose(cost["total_duration_unit_price"], sum(u for _, _, u in products), abs_tol=1e-5)
    strict_validate(CallCost, cost)


def test_billing_exceptions_apply() -> None:
    short = [Utterance(at_ms=0, role="agent", content="Hi"), Ended(at_ms=6_000, reason="user_hangup")]
    plain = call_cost(short, llm_model="gpt-4.1")
    opening = call_cost(short, llm_model="gpt-4.1", dynamic_opening=True)
    assert plain is not None and opening is not None
    assert (plain["total_duration_seconds"], opening["total_duration_seconds"]) == (6, 10)
    assert opening["product_costs"][0]["cost"] == round(10 * 7 / 60, 6)
    long_prompt = [*CALL_90S[:1], ModelUsed(at_ms=1, purpose="reply", prompt_tokens=4_200), CALL_90S[1]]
    scaled = call_cost(long_prompt, llm_model="gpt-4.1")
    assert scaled is not None
    # 90 s x 4200 / 3500 = 108 s of LLM; the voice engine stays at 90 s
    assert [p["cost"] for p in scaled["product_costs"]] == [10.5, round(108 * 4.5 / 60, 6)]


def test_custom_price_table() -> None:
    table = PriceTable(voice_engine_per_minute=6.0, llm_per_minute_by_model={"mine": 3.0})
    cost = call_cost(CALL_90S, llm_model="mine", prices=table)
    assert cost is not None and cost["combined_cost"] == 9.0 + 4.5
    assert DEFAULT_PRICES.llm_per_minute("mine") == DEFAULT_PRICES.default_llm_per_minute


def test_chat_cost_is_per_agent_message() -> None:
    log = [
        Utterance(at_ms=0, role="user", content="hi"),
        Utterance(at_ms=1, role="agent", content="hello"),
        Utterance(at_ms=2, role="agent", content="how can I help?"),
    ]
    assert chat_cost(log, llm_model="gpt-4o-mini") == {
        "product_costs": [{"product": "llm:gpt-4o-mini", "cost": 0.2, "unit_price": 0.1}],
        "combined_cost": 0.2,
    }
