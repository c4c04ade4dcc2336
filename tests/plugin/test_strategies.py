"""Property tests over generated callers with the plugin's fixtures, and ``st.from_type`` through the entry point."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import find
from hypothesis import strategies as st

from pytest_retell import E164, CallerScript, DtmfDigits
from pytest_retell._hypothesis import _hypothesis_setup_hook

ROOT = Path(__file__).resolve().parents[2]

PROPERTIES = """
from hypothesis import given, settings
from pytest_retell import Rule, ScriptedModel, callers
from retell_dsl import Agent, Stack

from test_shop import flow, stack

VOICE = Stack(name="shop voice").add(Agent(name="shop line", voice="11labs-Adrian", engine=flow))

ORDERS = ["A17", "B2", "Z9"]
CALLERS = callers(turns=["My order is {order}"], slots={"order": ORDERS})


def script():
    rules = [Rule(node="greet", purpose="prompt_condition").transition("look up")]
    rules += [Rule(node="look up", purpose="tool_arguments", user=o).call("lookup_order", {"order": o}) for o in ORDERS]
    return ScriptedModel(*rules)


@settings(max_examples=8, deadline=None)
@given(caller=CALLERS)
def test_every_order_is_looked_up(retell_examples, caller):
    deployed = retell_examples.deploy(stack)
    mocks = {"lookup_order": {"status": "shipped"}}
    with retell_examples.chat(deployed, "shop chat", model=script(), mocks=mocks) as chat:
        result = caller.play(chat)
    order = next(o for o in ORDERS if o in caller.utterances[0])
    result.expect.called("lookup_order", times=1)
    assert result.tool_calls[0].args == {"order": order}
    assert result.path == ["greet", "look up", "bye"]


@settings(max_examples=20, deadline=None)
@given(caller=CALLERS)
def test_a_property_that_fails_for_one_order(retell_examples, caller):
    deployed = retell_examples.deploy(stack)
    with retell_examples.chat(deployed, "shop chat", model=script(), mocks={"lookup_order": {"status": "x"}}) as chat:
        result = caller.play(chat)
    assert result.tool_calls[0].args != {"order": "B2"}


@settings(max_examples=5, deadline=None)
@given(caller=CALLERS)
def test_every_web_call_is_looked_up_too(retell_examples, caller):
    deployed = retell_examples.deploy(VOICE)
    mocks = {"lookup_order": {"status": "shipped"}}
    result = retell_examples.web_call(deployed, "shop line", caller=caller, model=script(), mocks=mocks)
    assert result.kind == "call" and result.path == ["greet", "look up", "bye"]
    result.expect.ended_by("agent_hangup")


@given(caller=CALLERS)
def test_function_scoped_fixtures_trip_the_health_check(retell_deploy, retell_chat, caller):
    retell_chat(retell_deploy(stack), "shop chat")
"""


def test_property_tests_run_per_example_conversations_without_the_health_check(shop: pytest.Pytester) -> None:
    shop.makepyfile(test_props=PROPERTIES)
    result = shop.runpytest("test_props.py")
    result.assert_outcomes(passed=2, failed=2)
    out = result.stdout.str()
    failed = "".join(line for line in out.splitlines() if line.startswith("FAILED"))
    assert "test_every_order_is_looked_up" not in failed and "test_every_web_call" not in failed
    result.stdout.fnmatch_lines(
        [
            # "Falsifying example:" up to Hypothesis 6.16x, "Failing test case:" after
            "*: test_a_property_that_fails_for_one_order(",
            "*    retell_examples=RetellExamples(target='emulator'),",
            "*    caller=CallerScript(say('My order is B2')),",
            "*FailedHealthCheck: *test_function_scoped_fixtures_trip_the_health_check' uses a function-scoped "
            "fixture 'retell_*'.",
        ]
    )
    assert "INTERNALERROR" not in out
    assert "retell_examples' uses a function-scoped" not in out


# ----------------------------------------------------------------------------------------- st.from_type


def _entry() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    entry: dict[str, str] = project["entry-points"]["hypothesis"]
    return entry


def test_pyproject_declares_the_hypothesis_entry_point() -> None:
    assert _entry() == {"retell-dsl": "pytest_retell._hypothesis:_hypothesis_setup_hook"}


def test_the_hook_registers_the_types_for_from_type() -> None:
    _hypothesis_setup_hook()
    assert find(st.from_type(E164), lambda v: v.startswith("+44")) == "+447700900000"
    assert isinstance(find(st.from_type(DtmfDigits), lambda v: "#" in v), DtmfDigits)
    caller = find(st.from_type(CallerScript), lambda c: len(c.steps) > 1)
    assert isinstance(caller, CallerScript) and dict(caller)["type"] == "script"


def test_hypothesis_runs_the_hook_through_an_installed_entry_point(tmp_path: Path) -> None:
    """The entry point exactly as pyproject declares it, installed as a distribution's metadata."""
    dist = tmp_path / "retell_dsl_hook-0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: retell-dsl-hook\nVersion: 0\n", encoding="utf-8")
    lines = "".join(f"{name} = {value}\n" for name, value in _entry().items())
    (dist / "entry_points.txt").write_text(f"[hypothesis]\n{lines}", encoding="utf-8")
    code = (
        "from hypothesis import find, strategies as st\n"
        "from pytest_retell import E164, CallerScript\n"
        "print(find(st.from_type(E164), lambda v: v.startswith('+61')))\n"
        "print(type(find(st.from_type(CallerScript), lambda c: True)).__name__)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_NO_PLUGINS"}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300, check=False, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["+61491570000", "CallerScript"]


def test_the_hook_module_loads_no_sdk() -> None:
    """Hypothesis imports it in every session of an environment with retell-dsl installed: it must stay light.

    Importing the strategies before Hypothesis works too: the entry point does not re-enter them.
    """
    code = (
        "import sys, pytest_retell.strategies, hypothesis.strategies as st\n"
        "assert not st.from_type(pytest_retell.strategies.E164).is_empty\n"
        "heavy = ('retell', 'httpx', 'pydantic', 'pytest', 'syrupy')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]"


def test_property_examples_count_in_coverage(shop: pytest.Pytester) -> None:
    """Each generated example's conversation counts in ``--retell-cov``, not one per test (8 + 5 examples)."""
    import re

    shop.makepyfile(test_props=PROPERTIES)
    result = shop.runpytest("test_props.py", "-k", "every_order or every_web_call", "--retell-cov", "-p", "no:randomly")
    result.assert_outcomes(passed=2, deselected=2)
    result.stdout.fnmatch_lines(["*retell coverage: 2 agents, * conversations*", "shop chat *100.0%", "shop line *"])
    found = re.search(r"retell coverage: 2 agents, (\d+) conversations", result.stdout.str())
    assert found is not None and int(found.group(1)) > 2, found  # Hypothesis may stop early, never at one each
