"""Phone calls with simulated phone users: the directory, dialing, inbound calls and transfers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.emulator.call_fakes import TRANSFER_NUMBER, ScriptEngine, script
from tests.emulator.conftest import Api
from tests.emulator.helpers import make_agent, make_number, raw_request

ANN = "+14155550111"
CALLER = script({"say": "Yes, I am free."}, {"hang_up": True})


@pytest.fixture
def engine(api: Api) -> Iterator[ScriptEngine]:
    fake = ScriptEngine()
    api.emu.use_engine(fake)
    yield fake
    api.emu.wait_idle(10)
    api.emu.use_engine(None)


def test_the_phone_user_directory_over_the_extension_routes(api: Api) -> None:
    path = f"/_emulator/phone-users/{ANN}"
    assert raw_request(api, "GET", path).status_code == 404
    put = raw_request(api, "PUT", path, json=CALLER)
    assert (put.status_code, put.json()) == (200, {"phone_number": ANN, "caller": CALLER})
    assert raw_request(api, "GET", path).json() == {"phone_number": ANN, "caller": CALLER}
    assert api.emu.phone_users == {ANN: CALLER}
    persona = {"type": "persona", "user_prompt": "You are Bob, in a hurry."}
    api.emu.add_phone_user("+14155550112", persona)
    listed = raw_request(api, "GET", "/_emulator/phone-users").json()["items"]
    assert [(u["phone_number"], u["caller"]) for u in listed] == [(ANN, CALLER), ("+14155550112", persona)]
    bad = raw_request(api, "PUT", path, json={"type": "persona", "user_prompt": ""})
    assert bad.status_code == 400 and "caller.user_prompt must be a non-empty string" in bad.json()["message"]
    not_e164 = raw_request(api, "PUT", "/_emulator/phone-users/4155550111", json=CALLER)
    assert not_e164.status_code == 400 and "E.164" in not_e164.json()["message"]
    assert api.emu.phone_users[ANN] == CALLER  # the refused update changed nothing
    assert raw_request(api, "DELETE", path).status_code == 204
    assert raw_request(api, "DELETE", path).status_code == 404
    api.emu.remove_phone_user("+14155550112")
    assert api.emu.phone_users == {}


def test_a_call_to_a_listed_number_runs_its_conversation(api: Api, engine: ScriptEngine) -> None:
    agent = make_agent(api)
    number = make_number(api, [(agent.agent_id, 1.0)])
    api.emu.add_phone_user(ANN, CALLER)
    created = api.call(
        "call.create_phone_call", from_number=number, to_number=ANN, retell_llm_dynamic_variables={"name": "Ann"}
    )
    assert created.call_status == "registered" and created.direction == "outbound"
    api.emu.wait_idle(10)
    got = api.call("call.retrieve", created.call_id)
    assert (got.call_status, got.disconnection_reason) == ("ended", "user_hangup")
    assert got.transcript == (
        "Agent: Hello Ann, this is Front desk.\nUser: Yes, I am free.\nAgent: You said: Yes, I am free."
    )
    assert engine.seen == [(created.call_id, CALLER)]


def test_an_unlisted_number_does_not_answer(api: Api, engine: ScriptEngine) -> None:
    agent = make_agent(api)
    number = make_number(api, [(agent.agent_id, 1.0)])
    created = api.call("call.create_phone_call", from_number=number, to_number="+14155550199")
    got = api.call("call.retrieve", created.call_id)
    assert (got.call_status, got.disconnection_reason) == ("not_connected", "dial_no_answer")
    assert got.start_timestamp is None and engine.seen == []


def test_an_inbound_call_from_a_listed_caller_reaches_the_inbound_agent(api: Api, engine: ScriptEngine) -> None:
    outbound, inbound = make_agent(api), make_agent(api, agent_name="Reception")
    number = make_number(api, [(outbound.agent_id, 1.0)])
    api.call("phone_number.update", number, inbound_agents=[{"agent_id": inbound.agent_id, "weight": 1.0}])
    unlisted = raw_request(api, "POST", "/_emulator/inbound-calls", json={"from_number": ANN, "to_number": number})
    assert unlisted.status_code == 400 and "not a listed phone user" in unlisted.json()["message"]
    api.emu.add_phone_user(ANN, CALLER)
    response = raw_request(api, "POST", "/_emulator/inbound-calls", json={"from_number": ANN, "to_number": number})
    assert response.status_code == 201 and response.json()["call_status"] == "ongoing"
    api.emu.wait_idle(10)
    got = api.call("call.retrieve", response.json()["call_id"])
    assert (got.direction, got.from_number, got.to_number, got.agent_id) == ("inbound", ANN, number, inbound.agent_id)
    assert got.call_status == "ended" and (got.transcript or "").startswith("Agent: Hello there, this is Reception.")
    missing = raw_request(api, "POST", "/_emulator/inbound-calls", json={"from_number": ANN})
    assert missing.status_code == 400 and "to_number: missing required field" in missing.json()["message"]


def test_inbound_calls_need_an_engine_and_an_inbound_agent(api: Api) -> None:
    agent = make_agent(api)
    number = make_number(api, [(agent.agent_id, 1.0)])
    api.emu.add_phone_user(ANN, CALLER)
    no_engine = raw_request(api, "POST", "/_emulator/inbound-calls", json={"from_number": ANN, "to_number": number})
    assert no_engine.status_code == 501 and "no conversation engine is configured" in no_engine.json()["message"]
    api.emu.use_engine(ScriptEngine())
    try:
        unbound = raw_request(api, "POST", "/_emulator/inbound-calls", json={"from_number": ANN, "to_number": number})
        assert unbound.status_code == 400 and "has no inbound agent" in unbound.json()["message"]
    finally:
        api.emu.use_engine(None)
    assert api.call("call.list").items == []


def test_a_transfer_ends_the_call_with_its_destination(api: Api, engine: ScriptEngine) -> None:
    agent = make_agent(api)
    number = make_number(api, [(agent.agent_id, 1.0)])
    api.emu.add_phone_user(ANN, script({"say": "Please transfer me."}))
    created = api.call("call.create_phone_call", from_number=number, to_number=ANN)
    api.emu.wait_idle(10)
    got = api.call("call.retrieve", created.call_id)
    assert (got.call_status, got.disconnection_reason, got.transfer_destination) == (
        "ended",
        "call_transfer",
        TRANSFER_NUMBER,
    )
    assert got.transcript_with_tool_calls is not None
    assert [i.role for i in got.transcript_with_tool_calls][-1] == "tool_call_invocation"


def test_an_engine_may_name_the_transfer_destination_when_it_ends_the_call(api: Api) -> None:
    from retell_dsl.emulator.calls_session import StoreCallSession

    agent = make_agent(api)
    call_id = api.call("call.create_web_call", agent_id=agent.agent_id).call_id
    api.emu.start_call(call_id)
    StoreCallSession(api.emu.state, call_id).end("call_transfer", transfer_destination="sip:desk@example.com")
    assert api.call("call.retrieve", call_id).transfer_destination == "sip:desk@example.com"
