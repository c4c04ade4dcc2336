"""Repeat-N through ``pytester``: pass rates, flaky tests, fresh fixtures, deterministic conversations, JUnit."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

import retell_dsl.conversations  # noqa: F401  (imported once, so in-process pytester runs do not import it again)

FLAKY = """
import pytest

RUNS = []

@pytest.mark.retell_repeat(n=5, pass_rate={rate})
def test_sometimes():
    RUNS.append(1)
    assert len(RUNS) % 2 == 1, f"run {{len(RUNS)}} is even"
"""

ALWAYS = """
import pytest

@pytest.mark.retell_repeat(n=4)
def test_always(tmp_path):
    assert not list(tmp_path.iterdir())  # fresh each run
    (tmp_path / "written").write_text("x")

@pytest.mark.retell_repeat(n=3, pass_rate=0.5)
def test_never():
    assert False, "the agent never says hello"
"""

FIXTURES = """
import pytest

SETUPS = {"module": 0, "function": 0}

@pytest.fixture(scope="module")
def per_module():
    SETUPS["module"] += 1
    return SETUPS

@pytest.fixture
def fresh():
    SETUPS["function"] += 1
    box = []
    yield box
    box.append("torn down")

@pytest.mark.retell_repeat(n=3)
def test_fresh_each_run(per_module, fresh):
    assert fresh == []  # a new list each run, not the last run's
    fresh.append("used")

def test_after(per_module):
    assert SETUPS == {"module": 1, "function": 3}
"""


def test_a_flaky_test_meeting_its_pass_rate_passes_and_is_listed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_flaky=FLAKY.format(rate=0.6))
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "test_flaky.py::test_sometimes PASSED*",
            "*= retell repeat: pass rates =*",
            "test_flaky.py::test_sometimes: 3/5 passed (60%, 95% CI 23%-88%), required >= 60%: flaky",
            "flaky tests (1):",
            "  test_flaky.py::test_sometimes",
        ]
    )


def test_a_pass_rate_below_the_requirement_fails_showing_a_failing_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_flaky=FLAKY.format(rate=0.8))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*retell_repeat: 3/5 passed (60%, 95% CI 23%-88%), required >= 80%: flaky",
            "run 2 of 5 failed",
            "*AssertionError: run 2 is even",
            "*- retell repeat -*",
            "3/5 passed*",
            "FAILED test_flaky.py::test_sometimes*",
        ]
    )


def test_stable_pass_and_stable_fail_are_classified(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_always=ALWAYS)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "test_always.py::test_always: 4/4 passed (100%, 95% CI 51%-100%), required >= 100%: stable-pass",
            "test_always.py::test_never: 0/3 passed (0%, 95% CI 0%-56%), required >= 50%: stable-fail",
        ]
    )
    assert "flaky tests" not in result.stdout.str()


def test_each_run_gets_fresh_function_fixtures_and_keeps_module_ones(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_fixtures=FIXTURES)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_the_option_and_ini_repeat_tests_that_use_a_retell_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_opt="""
        RUNS = []

        def test_uses_retell(retell_target):
            RUNS.append(1)
            assert len(RUNS) != 2

        def test_plain():
            RUNS.append(1)
        """
    )
    pytester.makeini("[pytest]\nretell_repeat = 3\nretell_pass_rate = 0.6\n")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["test_opt.py::test_uses_retell: 2/3 passed (67%, *), required >= 60%: flaky"])
    assert "test_plain:" not in result.stdout.str()  # no retell fixture: runs once, as usual
    flag = pytester.runpytest("-p", "no:randomly", "--retell-repeat", "2", "--retell-pass-rate", "1")
    flag.assert_outcomes(failed=1, passed=1)  # the flags win over the ini file


def test_a_deterministic_conversation_runs_once_and_junit_gets_rates_and_transcripts(shop: pytest.Pytester) -> None:
    shop.makepyfile(test_flaky=FLAKY.format(rate=0.6))
    xml = shop.path / "report.xml"
    result = shop.runpytest(f"--junitxml={xml}", "--retell-repeat", "3", "-p", "no:randomly")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "test_flaky.py::test_sometimes: 3/5 passed*: flaky",  # the marker's n wins over the option
            "test_shop.py::test_order_status: 1/1 passed (100%, *), required >= 100%: stable-pass "
            "(deterministic conversation (every model scripted or none): ran once, not 3 times)",
        ]
    )
    cases = {c.get("name"): c for c in ET.parse(xml).getroot().iter("testcase")}
    flaky = {p.get("name"): p.get("value") for p in cases["test_sometimes"].iter("property")}
    assert flaky["retell_pass_rate"] == "3/5"
    assert flaky["retell_repeat_class"] == "flaky"
    shop_props = {p.get("name") or "": p.get("value") or "" for p in cases["test_order_status"].iter("property")}
    assert shop_props["retell_pass_rate"] == "1/1"
    assert "ran once, not 3 times" in shop_props["retell_repeat_note"]
    (transcript,) = [v for k, v in shop_props.items() if k.startswith("retell_transcript[chat_")]
    assert "2 user: It's A17  [node: greet]" in transcript
    assert "tool lookup_order" in transcript


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("n=0", "retell_repeat(n=...) must be an integer of at least 1, got 0"),
        ("n=3, pass_rate=2", "retell_repeat(pass_rate=...) must be a number between 0 and 1, got 2"),
        ("3", "retell_repeat takes only the keywords n= and pass_rate=, got (3,) {}"),
    ],
)
def test_a_bad_marker_fails_the_test_saying_why(pytester: pytest.Pytester, marker: str, message: str) -> None:
    pytester.makepyfile(f"import pytest\n\n@pytest.mark.retell_repeat({marker})\ndef test_x():\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*{message}*"])
    assert "INTERNALERROR" not in result.stdout.str()


def test_bad_options_are_usage_errors(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x():\n    pass\n")
    assert pytester.runpytest("--retell-repeat", "0").ret == pytest.ExitCode.USAGE_ERROR
    assert pytester.runpytest("--retell-pass-rate", "1.5").ret == pytest.ExitCode.USAGE_ERROR
    pytester.makeini("[pytest]\nretell_repeat = many\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*retell_repeat = 'many' in the ini file is not a int*"])


def test_repeats_work_under_xdist(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(test_flaky=FLAKY.format(rate=0.6), test_always=ALWAYS)
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines_random(
        [
            "test_flaky.py::test_sometimes: 3/5 passed*: flaky",
            "test_always.py::test_always: 4/4 passed*: stable-pass",
            "test_always.py::test_never: 0/3 passed*: stable-fail",
            "  test_flaky.py::test_sometimes",
        ]
    )
