"""``agent_override`` on create-web-call, create-phone-call, register-phone-call and batch tasks is applied."""

from __future__ import annotations

import pytest
import retell

from retell_dsl.emulator.domain.conversation import call_snapshot
from tests.emulator.conftest import Api
from tests.emulator.helpers import make_agent, make_llm, make_number

TO = "+12125550123"


def _stored(api: Api, call_id: str) -> dict[str, object]:
    return api.emu.dump()["call"][call_id][-1]


def test_web_call_reports_the_overridden_agent_configuration(api: Api) -> None:
    agent = make_agent(api, data_storage_setting="everything")
    bundle = api.call(
        "call.create_web_call", agent_id=agent.agent_id,
        agent_override={"agent": {"agent_name": "Night desk", "data_storage_setting": "everything_except_pii",
                                  "voice_speed": 1.3, "opt_in_signed_url": True}},
    )  # fmt: skip
    call = api.call("call.retrieve", bundle.call_id)
    assert (call.agent_id, call.agent_version) == (agent.agent_id, 0)
    assert (call.agent_name, call.data_storage_setting, call.opt_in_signed_url) == (
        "Night desk", "everything_except_pii", True,
    )  # fmt: skip
    config = _stored(api, bundle.call_id)["_agent_config"]
    assert isinstance(config, dict) and config["voice_speed"] == 1.3 and config["agent_id"] == agent.agent_id
    assert api.call("agent.retrieve", agent.agent_id).agent_name == "Front desk"  # the agent itself is untouched


def test_engine_overrides_reach_what_the_call_runs_with(api: Api) -> None:
    llm = make_llm(api, begin_message="Hello.")
    agent = make_agent(api, llm_id=llm.llm_id)
    number = make_number(api)
    call = api.call(
        "call.create_phone_call", from_number=number, to_number=TO, override_agent_id=agent.agent_id,
        agent_override={"retell_llm": {"begin_message": "Good evening.", "start_speaker": "user"}},
    )  # fmt: skip
    with api.emu.store.transaction():
        snapshot = call_snapshot(api.emu.state, api.emu.store.get("call", call.call_id) or {})
    assert snapshot.engine is not None
    assert (snapshot.engine["begin_message"], snapshot.engine["start_speaker"]) == ("Good evening.", "user")
    assert snapshot.engine["general_prompt"] == llm.general_prompt
    assert api.call("llm.retrieve", llm.llm_id).begin_message == "Hello."


def test_an_overridden_response_engine_is_used(api: Api) -> None:
    agent = make_agent(api)
    other = make_llm(api, general_prompt="You are the night shift.")
    call = api.call(
        "call.register_phone_call", agent_id=agent.agent_id,
        agent_override={"agent": {"response_engine": {"type": "retell-llm", "llm_id": other.llm_id}}},
    )  # fmt: skip
    with api.emu.store.transaction():
        snapshot = call_snapshot(api.emu.state, api.emu.store.get("call", call.call_id) or {})
    assert snapshot.engine is not None and snapshot.engine["general_prompt"] == "You are the night shift."


def test_batch_tasks_apply_their_overrides(api: Api) -> None:
    agent = make_agent(api)
    number = make_number(api, [(agent.agent_id, 1.0)])
    api.call(
        "batch_call.create_batch_call", from_number=number,
        tasks=[{"to_number": TO, "agent_override": {"agent": {"agent_name": "Campaign voice"}}}],
    )  # fmt: skip
    (call_id,) = api.emu.dump()["call"]
    assert api.call("call.retrieve", call_id).agent_name == "Campaign voice"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"agent": {"voice_speed": 9}}, r"agent_override\.agent: voice_speed must be between 0\.5 and 2, got 9"),
        ({"agent": {"voice_id": "no-such-voice"}}, r"agent_override\.agent: voice_id 'no-such-voice' is not a known"),
        ({"conversation_flow": {"start_speaker": "user"}}, "only applies to agents whose response engine is"),
        ({"retell_llm": {"knowledge_base_ids": ["knowledge_base_x"]}}, "knowledge base knowledge_base_x does not"),
        (
            {"agent": {"response_engine": {"type": "retell-llm", "llm_id": "llm_missing"}}},
            "llm_id llm_missing does not exist",
        ),
    ],
)
def test_invalid_overrides_are_refused_and_store_nothing(api: Api, override: dict[str, object], message: str) -> None:
    agent = make_agent(api)
    before = api.emu.dump()
    with pytest.raises(retell.BadRequestError, match=message):
        api.call("call.create_web_call", agent_id=agent.agent_id, agent_override=override)
    assert api.emu.dump() == before
