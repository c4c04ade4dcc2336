"""Phone, batch and inbound calls through the driver (no pytest plugin): results, restored callers, bounds, live."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from retell_dsl.conversations import CallTimedOut, Dial, ScriptedModel, batch_call, inbound_call, phone_call
from retell_dsl.errors import ConfigurationError
from retell_dsl.target import resolve_target
from tests.conversations.stacks import RULES, Shop, deploy_shop

GIVES_A17 = {"type": "script", "steps": [{"say": "It's A17", "after": "order number?"}]}


@pytest.fixture
def shop(tmp_path: Path) -> Shop:
    shop = deploy_shop(tmp_path)
    shop.switch.current = ScriptedModel(*RULES)
    shop.mocks.add("lookup_order", {"status": "shipped"})
    return shop


def _number(shop: Shop) -> str:
    agent = shop.ids["agent.shop line"]
    bought = shop.client.phone_number.create(
        area_code=415,
        inbound_agents=[{"agent_id": agent, "weight": 1}],
        outbound_agents=[{"agent_id": agent, "weight": 1}],
    )
    return str(bought.phone_number)


def test_a_phone_call_is_answered_by_its_caller_and_the_directory_is_restored(shop: Shop) -> None:
    emulator, line = shop.target.emulator, _number(shop)
    emulator.add_phone_user("+14155550111", {"type": "script", "steps": [{"say": "Hello?"}]})
    result = phone_call(emulator, from_number=line, to_number="+14155550111", caller=GIVES_A17,
                        dynamic_variables={"name": "Ann"})  # fmt: skip
    assert (result.kind, result.status, result.end_reason) == ("call", "ended", "agent_hangup")
    assert (
        result.path == ["greet", "look up", "bye"] and result.messages[0].text == "Hi Ann! What is your order number?"
    )
    assert emulator.phone_users == {"+14155550111": {"type": "script", "steps": [{"say": "Hello?"}]}}
    phone_call(shop.target, from_number=line, to_number="+14155550112", caller=GIVES_A17)
    assert "+14155550112" not in emulator.phone_users  # listed for the call only


def test_an_inbound_call_and_a_batch(shop: Shop) -> None:
    line = _number(shop)
    rang = inbound_call(shop.target, from_number="+14155550150", to_number=line, caller=GIVES_A17)
    assert rang.path == ["greet", "look up", "bye"]
    batch = batch_call(shop.target, from_number=line, tasks=[
        Dial("+14155550161", GIVES_A17, {"name": "Ada"}), {"to_number": "+14155550162"},
    ])  # fmt: skip
    assert [r.status for r in batch] == ["ended", "not_connected"] and len(batch) == 2
    assert batch.to("+14155550161").messages[0].text == "Hi Ada! What is your order number?"
    with pytest.raises(KeyError, match="not \\+1999"):
        batch.to("+1999")


def test_a_batch_held_by_its_calling_window_times_out_saying_why(shop: Shop) -> None:
    today = dt.datetime.now(ZoneInfo("America/Los_Angeles")).strftime("%A")
    other = "Monday" if today != "Monday" else "Tuesday"
    window = {"windows": [{"start": 0, "end": 1440}], "day": [other], "timezone": "America/Los_Angeles"}
    with pytest.raises(CallTimedOut, match=r"still registered after timeout_s=1.*call_time_window"):
        batch_call(shop.target, from_number=_number(shop), tasks=[Dial("+14155550171", GIVES_A17)],
                   call_time_window=window, timeout_s=1)  # fmt: skip


def test_bad_input_is_a_clear_configuration_error(shop: Shop) -> None:
    line = _number(shop)
    with pytest.raises(ConfigurationError, match="each task of a batch must call a different number"):
        batch_call(shop.target, from_number=line, tasks=[Dial("+14155550181"), Dial("+14155550181")])
    with pytest.raises(ConfigurationError, match="at least one task"):
        batch_call(shop.target, from_number=line, tasks=[])
    with pytest.raises(ConfigurationError, match="version= pins a version of agent_id="):
        phone_call(shop.target, from_number=line, to_number="+14155550182", caller=None, version=1)
    with pytest.raises(ConfigurationError, match=r"the inbound call from .* was refused"):
        inbound_call(shop.target, from_number="+14155550183", to_number="+14155550999", caller=GIVES_A17)
    with pytest.raises(ConfigurationError, match="pass the Target"):
        phone_call(object(), from_number=line, to_number="+14155550184", caller=None)


def test_live_targets_need_the_opt_in_and_take_no_simulated_caller() -> None:
    live = resolve_target("live", environ={"RETELL_API_KEY": "key_not_real"})
    with pytest.raises(ConfigurationError, match="RETELL_ALLOW_PHONE_CALLS=1") as refused:
        phone_call(live, from_number="+14155550100", to_number="+14155550101", caller=None)
    assert "key_not_real" not in str(refused.value)
    with pytest.raises(ConfigurationError, match="pass caller=None"):
        batch_call(live, from_number="+14155550100", tasks=[Dial("+14155550101", GIVES_A17)], allow_live=True)
