"""What each of the 38 operations must have done, read back through the plain SDK.

``EFFECTS[name](client, seeded, result)`` runs after ``invoke(name, client, ARGS[name](seeded))``
returned ``result``: reads must return the seeded objects, writes must be visible on a fresh read
(the fields written, nothing else lost) and deleted objects must be gone (get fails, lists omit them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from retell import NotFoundError, Retell, UnprocessableEntityError

from tests.toolkit.scenario import FLOW_NODES, Seeded

__all__ = ["EFFECTS", "assert_gone"]

Effect = Callable[[Retell, Seeded, Any], None]


def assert_gone(fetch: Callable[[], object], what: str) -> None:
    """``fetch`` fails the way the API answers for an unknown id ("... <what> not found")."""
    with pytest.raises((NotFoundError, UnprocessableEntityError), match=re.escape(f"{what} not found")):
        fetch()


def _ids(items: Any, key: str) -> list[str]:
    rows = items["items"] if isinstance(items, dict) else items
    return [row[key] for row in rows]


def _voices(c: Retell, s: Seeded, r: Any) -> None:
    assert _ids(r, "voice_id") == [v.voice_id for v in c.voice.list()]
    assert "11labs-Adrian" in _ids(r, "voice_id")


def _voice(c: Retell, s: Seeded, r: Any) -> None:
    assert r["voice_id"] == "11labs-Adrian" and r["voice_name"] == c.voice.retrieve("11labs-Adrian").voice_name


def _agent(c: Retell, s: Seeded, r: Any) -> None:
    assert r["agent_id"] == s["agent_id"] and r["voice_id"] == "11labs-Adrian"
    assert r["response_engine"] == {"type": "retell-llm", "llm_id": s["llm_id"]}


def _agents(c: Retell, s: Seeded, r: Any) -> None:
    (listed,) = r["items"]  # a summary per agent
    assert (listed["agent_id"], listed["channel"]) == (s["agent_id"], "voice")
    assert r["has_more"] is False


def _llm(c: Retell, s: Seeded, r: Any) -> None:
    assert (r["llm_id"], r["general_prompt"]) == (s["llm_id"], "You help callers.")


def _flow(c: Retell, s: Seeded, r: Any) -> None:
    assert r["conversation_flow_id"] == s["flow_id"] and [n["id"] for n in r["nodes"]] == ["start"]


def _calls(c: Retell, s: Seeded, r: Any) -> None:
    assert _ids(r, "call_id") == [s["call_id"]]  # filtered by the seeded agent


def _call(c: Retell, s: Seeded, r: Any) -> None:
    assert (r["call_id"], r["from_number"], r["to_number"]) == (s["call_id"], s["number"], "+14155550123")
    assert r["call_type"] == "phone_call"


def _number(c: Retell, s: Seeded, r: Any) -> None:
    assert r["phone_number"] == s["number"] and r["outbound_agents"][0]["agent_id"] == s["agent_id"]


def _kb(c: Retell, s: Seeded, r: Any) -> None:
    assert (r["knowledge_base_id"], r["knowledge_base_name"]) == (s["kb_id"], "faq")
    assert _ids(r["knowledge_base_sources"], "source_id") == [s["source_id"]]


def _concurrency(c: Retell, s: Seeded, r: Any) -> None:
    limit = c.concurrency.retrieve().concurrency_limit
    assert limit is not None and r["concurrency_limit"] == limit >= 1


def _create_agent(c: Retell, s: Seeded, r: Any) -> None:
    agent = c.agent.retrieve(r["agent_id"])
    assert (agent.agent_name, agent.voice_id, agent.version, agent.is_published) == (
        "Flow agent",
        "11labs-Adrian",
        0,
        False,
    )
    assert agent.response_engine.to_dict() == {"type": "conversation-flow", "conversation_flow_id": s["flow_id"]}
    assert r["agent_id"] in _ids(c.agent.list().to_dict(), "agent_id")


def _update_agent(c: Retell, s: Seeded, r: Any) -> None:
    agent = c.agent.retrieve(s["agent_id"])
    assert (agent.agent_name, agent.voice_id) == ("Renamed", "11labs-Adrian")  # the rest stays
    assert agent.response_engine.to_dict()["llm_id"] == s["llm_id"]


def _publish_agent(c: Retell, s: Seeded, r: Any) -> None:
    assert (r["published_version"], r["draft_version"], r["was_already_published"]) == (0, 1, False)
    published = c.agent.retrieve(s["agent_id"], version=0)
    assert (published.is_published, published.version_title) == (True, "first")
    draft = c.agent.retrieve(s["agent_id"])
    assert (draft.version, draft.is_published) == (1, False)


def _create_llm(c: Retell, s: Seeded, r: Any) -> None:
    llm = c.llm.retrieve(r["llm_id"])
    assert (llm.general_prompt, llm.begin_message) == ("Be brief.", "Hi")


def _update_llm(c: Retell, s: Seeded, r: Any) -> None:
    llm = c.llm.retrieve(s["llm_id"])
    assert (llm.begin_message, llm.general_prompt) == ("Hello there", "You help callers.")


def _create_flow(c: Retell, s: Seeded, r: Any) -> None:
    flow = c.conversation_flow.retrieve(r["conversation_flow_id"])
    assert flow.start_speaker == "user"
    assert [n.to_dict(exclude_unset=True) for n in flow.nodes or []] == FLOW_NODES


def _update_flow(c: Retell, s: Seeded, r: Any) -> None:
    flow = c.conversation_flow.retrieve(s["flow_id"])
    assert (flow.global_prompt, flow.start_speaker) == ("Be kind.", "agent")
    assert [n.id for n in flow.nodes or []] == ["start"]


def _phone_call(c: Retell, s: Seeded, r: Any) -> None:
    call = c.call.retrieve(r["call_id"]).to_dict()
    assert (call["call_type"], call["from_number"], call["to_number"]) == ("phone_call", s["number"], "+14155550124")
    assert call["agent_id"] == s["agent_id"]  # the number's outbound agent


def _batch_call(c: Retell, s: Seeded, r: Any) -> None:
    assert (r["from_number"], r["total_task_count"]) == (s["number"], 1)
    placed = [call.to_dict() for call in c.call.list().items]
    assert [x["from_number"] for x in placed if x.get("to_number") == "+14155550125"] == [s["number"]]


def _update_call(c: Retell, s: Seeded, r: Any) -> None:
    call = c.call.retrieve(s["call_id"]).to_dict()
    assert call["metadata"] == {"crm": "42"} and call["to_number"] == "+14155550123"


def _create_number(c: Retell, s: Seeded, r: Any) -> None:
    number = c.phone_number.retrieve(r["phone_number"])
    assert number.phone_number.startswith("+1212") and number.area_code == 212
    assert [a.agent_id for a in number.inbound_agents or []] == [s["agent_id"]]


def _update_number(c: Retell, s: Seeded, r: Any) -> None:
    number = c.phone_number.retrieve(s["number"])
    assert number.nickname == "main line"
    assert [a.agent_id for a in number.outbound_agents or []] == [s["agent_id"]]  # the rest stays


def _create_kb(c: Retell, s: Seeded, r: Any) -> None:
    kb = c.knowledge_base.retrieve(r["knowledge_base_id"])
    assert kb.knowledge_base_name == "docs"
    assert r["knowledge_base_id"] in [k.knowledge_base_id for k in c.knowledge_base.list()]


def _add_kb_sources(c: Retell, s: Seeded, r: Any) -> None:
    sources = [x.to_dict() for x in c.knowledge_base.retrieve(s["kb_id"]).knowledge_base_sources or []]
    assert [x["source_id"] for x in sources if x["type"] == "text"] == [s["source_id"]]  # kept
    assert [x.get("url") for x in sources if x["type"] == "url"] == ["https://example.com/prices"]


def _web_call(c: Retell, s: Seeded, r: Any) -> None:
    assert r["access_token"]
    call = c.call.retrieve(r["call_id"]).to_dict()
    assert (call["call_type"], call["agent_id"]) == ("web_call", s["agent_id"])
    assert call["retell_llm_dynamic_variables"] == {"name": "Ada"}


def _import_number(c: Retell, s: Seeded, r: Any) -> None:
    number = c.phone_number.retrieve("+14155559999")
    assert number.phone_number_type == "custom" and number.sip_outbound_trunk_config is not None
    assert number.sip_outbound_trunk_config.termination_uri == "acme.pstn.twilio.com"


def _agent_gone(c: Retell, s: Seeded, r: Any) -> None:
    assert r == {"deleted": True, "agent_id": s["agent_id"]}
    assert_gone(lambda: c.agent.retrieve(s["agent_id"]), f"agent {s['agent_id']}")
    assert s["agent_id"] not in [a.agent_id for a in c.agent.list().items]


def _llm_gone(c: Retell, s: Seeded, r: Any) -> None:
    assert_gone(lambda: c.llm.retrieve(s["llm_id"]), f"llm {s['llm_id']}")
    assert s["llm_id"] not in [x.llm_id for x in c.llm.list().items]


def _flow_gone(c: Retell, s: Seeded, r: Any) -> None:
    assert_gone(lambda: c.conversation_flow.retrieve(s["flow_id"]), f"conversation flow {s['flow_id']}")
    assert s["flow_id"] not in [f.conversation_flow_id for f in c.conversation_flow.list().items]


def _call_gone(c: Retell, s: Seeded, r: Any) -> None:
    assert_gone(lambda: c.call.retrieve(s["call_id"]), f"call {s['call_id']}")
    assert s["call_id"] not in [x.to_dict()["call_id"] for x in c.call.list().items]


def _number_gone(c: Retell, s: Seeded, r: Any) -> None:
    assert_gone(lambda: c.phone_number.retrieve(s["number"]), f"phone number {s['number']}")
    assert s["number"] not in [n.phone_number for n in c.phone_number.list().items]


def _source_gone(c: Retell, s: Seeded, r: Any) -> None:
    kb = c.knowledge_base.retrieve(s["kb_id"])
    assert s["source_id"] not in [x.to_dict()["source_id"] for x in kb.knowledge_base_sources or []]
    assert kb.knowledge_base_name == "faq"  # the knowledge base itself stays


def _kb_gone(c: Retell, s: Seeded, r: Any) -> None:
    assert_gone(lambda: c.knowledge_base.retrieve(s["kb_id"]), f"knowledge base {s['kb_id']}")
    assert s["kb_id"] not in [k.knowledge_base_id for k in c.knowledge_base.list()]


EFFECTS: dict[str, Effect] = {
    "list_voices": _voices,
    "get_voice": _voice,
    "list_agents": _agents,
    "get_agent": _agent,
    "list_llms": lambda c, s, r: _llm(c, s, next(x for x in r["items"] if x["llm_id"] == s["llm_id"])),
    "get_llm": _llm,
    "list_conversation_flows": lambda c, s, r: _flow(c, s, next(iter(r["items"]))),
    "get_conversation_flow": _flow,
    "list_calls": _calls,
    "get_call": _call,
    "list_phone_numbers": lambda c, s, r: _number(c, s, next(iter(r["items"]))),
    "get_phone_number": _number,
    "list_knowledge_bases": lambda c, s, r: _kb(c, s, next(iter(r))),
    "get_knowledge_base": _kb,
    "get_concurrency": _concurrency,
    "create_agent": _create_agent,
    "update_agent": _update_agent,
    "publish_agent": _publish_agent,
    "create_llm": _create_llm,
    "update_llm": _update_llm,
    "create_conversation_flow": _create_flow,
    "update_conversation_flow": _update_flow,
    "create_phone_call": _phone_call,
    "create_batch_call": _batch_call,
    "update_call": _update_call,
    "create_phone_number": _create_number,
    "update_phone_number": _update_number,
    "create_knowledge_base": _create_kb,
    "add_knowledge_base_sources": _add_kb_sources,
    "create_web_call": _web_call,
    "import_phone_number": _import_number,
    "delete_agent": _agent_gone,
    "delete_llm": _llm_gone,
    "delete_conversation_flow": _flow_gone,
    "delete_call": _call_gone,
    "delete_phone_number": _number_gone,
    "delete_knowledge_base_source": _source_gone,
    "delete_knowledge_base": _kb_gone,
}
