"""Agents and their versions through the official SDK: create, get, update, list, publish, versions, delete."""

from __future__ import annotations

import pytest
import retell

from tests.emulator.conftest import Api
from tests.emulator.helpers import make_agent, make_llm


def test_create_starts_as_unpublished_version_zero(api: Api) -> None:
    agent = make_agent(api)
    assert agent.agent_id.startswith("agent_")
    assert (agent.version, agent.is_published, agent.base_version) == (0, False, None)
    got = api.call("agent.retrieve", agent.agent_id)
    assert got.agent_name == "Front desk"
    assert got.voice_id == "11labs-Adrian"


def test_update_is_partial_and_keeps_other_fields(api: Api) -> None:
    agent = make_agent(api, language="en-GB")
    updated = api.call("agent.update", agent.agent_id, agent_name="Night desk")
    assert updated.agent_name == "Night desk"
    assert updated.language == "en-GB"
    assert updated.voice_id == "11labs-Adrian"


def test_published_version_is_immutable_and_new_draft_is_editable(api: Api) -> None:
    agent = make_agent(api)
    api.call("agent.publish", agent.agent_id, version=0, version_title="launch")
    with pytest.raises(retell.BadRequestError, match="is published and cannot be changed"):
        api.call("agent.update", agent.agent_id, agent_name="nope")
    draft = api.call("agent.create_version", agent.agent_id, base_version=0)
    assert (draft.version, draft.base_version, draft.is_published) == (1, 0, False)
    assert api.call("agent.update", agent.agent_id, agent_name="v1").version == 1
    v0 = api.call("agent.retrieve", agent.agent_id, version=0)
    assert (v0.agent_name, v0.is_published, v0.version_title) == ("Front desk", True, "launch")
    assert api.call("agent.retrieve", agent.agent_id, version="latest_published").version == 0
    assert api.call("agent.retrieve", agent.agent_id, version="latest").agent_name == "v1"


def test_publish_also_publishes_the_engine_and_branching_opens_an_engine_draft(api: Api) -> None:
    llm = make_llm(api)
    agent = make_agent(api, llm_id=llm.llm_id)
    api.call("agent.publish", agent.agent_id, version=0)
    assert api.call("llm.retrieve", llm.llm_id).is_published is True
    with pytest.raises(retell.BadRequestError, match="is published"):
        api.call("llm.update", llm.llm_id, general_prompt="changed")
    api.call("agent.create_version", agent.agent_id, base_version=0)
    draft_llm = api.call("llm.retrieve", llm.llm_id)
    assert (draft_llm.version, draft_llm.is_published) == (1, False)
    assert api.call("llm.update", llm.llm_id, general_prompt="changed").general_prompt == "changed"
    assert api.call("llm.retrieve", llm.llm_id, version=0).general_prompt == "You are a helpful receptionist."


def test_pinned_engine_version_is_repinned_to_the_new_engine_draft(api: Api) -> None:
    llm = make_llm(api)
    agent = make_agent(api, response_engine={"type": "retell-llm", "llm_id": llm.llm_id, "version": 0})
    api.call("agent.publish", agent.agent_id, version=0)
    draft = api.call("agent.create_version", agent.agent_id, base_version=0)
    assert draft.response_engine.version == 1


def test_legacy_publish_publishes_latest_and_opens_next_draft(api: Api) -> None:
    agent = make_agent(api)
    api.call("post", f"/publish-agent/{agent.agent_id}", cast_to=type(None))
    versions = api.call("agent.list_versions", agent.agent_id, sort_order="ascending").items
    assert [(v.version, v.is_published, v.base_version) for v in versions] == [(0, True, None), (1, False, 0)]
    assert api.call("agent.update", agent.agent_id, agent_name="edit").version == 1


def test_list_versions_paginates(api: Api) -> None:
    agent = make_agent(api)
    for _ in range(4):
        api.call("agent.create_version", agent.agent_id, base_version=0)
    first = api.call("agent.list_versions", agent.agent_id, limit=2)
    assert [v.version for v in first.items] == [4, 3]
    assert first.has_more
    rest = api.call("agent.list_versions", agent.agent_id, limit=10, pagination_key=first.pagination_key)
    assert [v.version for v in rest.items] == [2, 1, 0]
    assert not rest.has_more and rest.pagination_key is None


def test_delete_version_then_agent(api: Api) -> None:
    agent = make_agent(api)
    api.call("agent.create_version", agent.agent_id, base_version=0)
    api.call("agent.delete_version", agent.agent_id, version=1)
    with pytest.raises(retell.NotFoundError):
        api.call("agent.retrieve", agent.agent_id, version=1)
    with pytest.raises(retell.BadRequestError, match="only version"):
        api.call("agent.delete_version", agent.agent_id, version=0)
    api.call("agent.delete", agent.agent_id)
    with pytest.raises(retell.UnprocessableEntityError, match="Cannot find requested asset"):
        api.call("agent.retrieve", agent.agent_id)


def test_list_agents_pages_and_filters(api: Api) -> None:
    llm = make_llm(api)
    ids = [make_agent(api, llm_id=llm.llm_id, agent_name=f"Desk {i}").agent_id for i in range(5)]
    seen: list[str] = []
    key = None
    while True:
        kwargs = {"limit": 2, "sort_order": "ascending"}
        page = api.call("agent.list", **kwargs, **({"pagination_key": key} if key else {}))
        seen += [a.agent_id for a in page.items]
        if not page.has_more:
            break
        key = page.pagination_key
    assert seen == ids
    found = api.call("agent.list", filter_criteria={"query": "desk 3"}).items
    assert [a.agent_name for a in found] == ["Desk 3"]
    chat = api.call("agent.list", filter_criteria={"channel": {"op": "eq", "type": "string", "value": "chat"}})
    assert chat.items == []


def test_tags_resolve_versions(api: Api) -> None:
    agent = make_agent(api)
    api.call("agent.create_version", agent.agent_id, base_version=0)
    api.emu.assign_tag(agent.agent_id, "prod", 0)
    assert api.call("agent.retrieve", agent.agent_id, version="prod").version == 0
    assert api.call("agent.retrieve", agent.agent_id, version="unassigned-tag").version == 1
    summary = api.call("agent.list").items[0]
    assert summary.tags is not None and summary.tags["prod"].version == 0


def test_bad_references_are_all_reported_in_one_400(api: Api) -> None:
    with pytest.raises(retell.BadRequestError) as err:
        api.call(
            "agent.create",
            response_engine={"type": "retell-llm", "llm_id": "llm_missing"},
            voice_id="nobody",
            max_call_duration_ms=10,
        )
    message = str(err.value)
    assert "max_call_duration_ms must be between 60000 and 7200000, got 10" in message
    assert "llm_id llm_missing does not exist" in message
    assert "voice_id 'nobody' is not a known voice" in message
    assert api.emu.dump().get("agent") is None


def test_chat_agents_share_versions_but_not_voice_endpoints(api: Api) -> None:
    llm = make_llm(api)
    chat = api.call("chat_agent.create", response_engine={"type": "retell-llm", "llm_id": llm.llm_id})
    assert api.call("chat_agent.retrieve", chat.agent_id).agent_id == chat.agent_id
    with pytest.raises(retell.UnprocessableEntityError):
        api.call("agent.retrieve", chat.agent_id)
    listed = api.call("agent.list", filter_criteria={"channel": {"op": "eq", "type": "string", "value": "chat"}})
    assert [a.channel for a in listed.items] == ["chat"]


def test_community_voices_can_be_added_and_used(api: Api) -> None:
    voice = api.call("voice.add_resource", provider_voice_id="abc123", voice_name="Narrator")
    assert voice.voice_id == "custom_voice_11labs_abc123"
    assert api.call("voice.retrieve", voice.voice_id).voice_name == "Narrator"
    assert voice.voice_id in {v.voice_id for v in api.call("voice.list")}
    assert make_agent(api, voice_id=voice.voice_id).voice_id == voice.voice_id
    with pytest.raises(retell.BadRequestError, match="already added"):
        api.call("voice.add_resource", provider_voice_id="abc123", voice_name="Again")
    with pytest.raises(retell.UnprocessableEntityError):
        api.call("voice.retrieve", "11labs-Nobody")


def test_api_key_info(api: Api) -> None:
    info = api.call("identity.retrieve")
    assert info.org_id.startswith("org_") and info.api_key_name == "emulator"
