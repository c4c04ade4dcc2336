"""The one "did you mean" implementation every layer uses (retell_dsl.wire.hints)."""

from __future__ import annotations

from retell_dsl.wire.hints import closest, did_you_mean


def test_case_is_significant_unless_ignore_case_is_asked_for() -> None:
    assert closest("Agnt", ["user", "agent"], cutoff=0.9) == ()
    assert closest("  Agnt ", ["user", "agent"], cutoff=0.85, ignore_case=True) == ("agent",)


def test_ignore_case_returns_the_candidate_as_written() -> None:
    assert closest("prompt", ["Prompt", "name"], ignore_case=True) == ("Prompt",)
    assert did_you_mean("PROMT", ["Prompt"], ignore_case=True) == "did you mean 'Prompt'?"


def test_only_strings_are_compared_or_suggested() -> None:
    assert closest(3, ["3", "4"]) == ()
    assert closest("ab", [1, "abc", None]) == ("abc",)
    assert did_you_mean(None, ["none"]) == ""


def test_n_and_cutoff_bound_the_matches() -> None:
    assert closest("abcd", ["abxx", "abcx", "abcd"], n=2) == ("abcd", "abcx")
    assert closest("abcd", ["abxy"], cutoff=0.6) == ()
    assert closest("abcd", ["abxy"], cutoff=0.5) == ("abxy",)


def test_an_alias_wins_over_the_closest_candidate() -> None:
    assert did_you_mean(" Send ", ["GET", "PUT"], aliases={"send": "POST"}) == "did you mean 'POST'?"
    assert did_you_mean("PUTT", ["GET", "PUT"], aliases={"send": "POST"}) == "did you mean 'PUT'?"
