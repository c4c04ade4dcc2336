"""Messages built from schema problems stay short: the first 20, each cut to 200 characters, then a count."""

from __future__ import annotations

import time

from retell.types import llm_create_params

from retell_dsl.wire.schema import MAX_PROBLEM_CHARS, check_payload, summarize_problems


def test_a_short_list_is_joined_unchanged() -> None:
    assert summarize_problems(["a: x", "b: y"]) == "a: x; b: y"
    assert summarize_problems([]) == ""


def test_a_long_list_shows_twenty_then_counts_the_rest() -> None:
    message = summarize_problems(f"k{i}: unknown field" for i in range(10_000))
    assert message.startswith("k0: unknown field; k1: unknown field;")
    assert "k19: unknown field (and 9980 more)" in message
    assert "k20:" not in message
    assert len(message) < 1000


def test_each_problem_is_cut_to_a_readable_length() -> None:
    message = summarize_problems(["x" * 1_000_000 + ": unknown field"])
    assert len(message) == MAX_PROBLEM_CHARS
    assert message.endswith("...")


def test_only_the_first_unknown_keys_get_a_did_you_mean_hint() -> None:
    payload = {"general_promt": "p", **{f"general_promt{i}": 1 for i in range(100_000)}}
    started = time.monotonic()
    issues = check_payload(payload, llm_create_params.LlmCreateParams)
    assert time.monotonic() - started < 10
    assert str(issues[0]) == "general_promt: unknown field (did you mean 'general_prompt'?)"
    assert str(issues[-1]) == "general_promt99999: unknown field"
    assert len(issues) == 100_001
