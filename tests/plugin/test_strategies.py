"""Property tests over generated callers with the plugin's fixtures, and ``st.from_type`` through the entry point."""

from __future__ import annotations

import pytest

PROPERTIES = """
from hypothesis import given, settings
from pytest_retell import Rule, ScriptedModel, callers

from test_shop import stack

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
    with retell_examples.chat(deployed, "shop chat", model=script(), mocks={"lookup_order": {"status": "shipped"}}) as chat:
        result = caller.play(chat)
    order = next(o for o in ORDERS if o in caller.utterances[0])
    result.expect.called("lookup_order", times=1)
    assert result.tool_calls[0].args == {"order": order}
    assert result.path == ["greet", "look up", "bye"]


@settings(max_examples=20, deadline=None)
@given(caller=CALLERS)
def test_a_property_that_fails_for_one_order(retell_examples, caller):
    deployed = retell_examples.deploy(stack)
    with retell_examples.chat(deployed, "shop chat", model=script(), mocks={"lookup_order": {"status": "lost"}}) as chat:
        result = caller.play(chat)
    assert result.tool_calls[0].args != {"order": "B2"}


@given(caller=CALLERS)
def test_function_scoped_fixtures_trip_the_health_check(retell_deploy, retell_chat, caller):
    retell_chat(retell_deploy(stack), "shop chat")
"""


def test_explore(shop: pytest.Pytester) -> None:
    shop.makepyfile(test_props=PROPERTIES)
    r = shop.runpytest("test_props.py")
    print(r.stdout.str())
    assert 0
