"""A seeded emulator and valid arguments for each of the 38 toolkit operations (shared by the MCP tests)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from retell import Retell

__all__ = ["ARGS", "Seeded", "seed"]

FLOW_NODES: list[dict[str, Any]] = [
    {"id": "start", "type": "conversation", "instruction": {"type": "prompt", "text": "Greet the caller."}},
]


class Seeded(dict[str, str]):
    """Ids of objects created in the emulator: llm_id, flow_id, agent_id, number, call_id, kb_id, source_id."""


def seed(client: Retell, tmp: Path) -> Seeded:
    """Create one of everything the operations need, through the plain SDK."""
    ids = Seeded()
    llm = client.llm.create(general_prompt="You help callers.")
    ids["llm_id"] = llm.llm_id
    flow = client.conversation_flow.create(nodes=FLOW_NODES, start_speaker="agent")  # type: ignore[arg-type]
    ids["flow_id"] = flow.conversation_flow_id
    agent = client.agent.create(voice_id="11labs-Adrian", response_engine={"type": "retell-llm", "llm_id": llm.llm_id})
    ids["agent_id"] = agent.agent_id
    number = client.phone_number.create(area_code=415, outbound_agents=[{"agent_id": agent.agent_id, "weight": 1}])
    ids["number"] = number.phone_number
    call = client.call.create_phone_call(from_number=number.phone_number, to_number="+14155550123")
    ids["call_id"] = call.call_id
    kb = client.knowledge_base.create(
        knowledge_base_name="faq", knowledge_base_texts=[{"title": "Hours", "text": "9 to 5"}]
    )
    ids["kb_id"] = kb.knowledge_base_id
    kb = client.knowledge_base.retrieve(kb.knowledge_base_id)
    sources = kb.knowledge_base_sources or []
    ids["source_id"] = sources[0].source_id if sources else "source_missing"
    doc = tmp / "menu.txt"
    doc.write_text("Pizza: 10 dollars", encoding="utf-8")
    ids["doc"] = str(doc)
    return ids


Args = Callable[[Seeded], dict[str, Any]]

#: Valid arguments of every operation, given the seeded ids.
ARGS: dict[str, Args] = {
    "list_voices": lambda s: {},
    "get_voice": lambda s: {"voice_id": "11labs-Adrian"},
    "list_agents": lambda s: {"limit": 10},
    "get_agent": lambda s: {"agent_id": s["agent_id"]},
    "list_llms": lambda s: {},
    "get_llm": lambda s: {"llm_id": s["llm_id"]},
    "list_conversation_flows": lambda s: {"sort_order": "ascending"},
    "get_conversation_flow": lambda s: {"conversation_flow_id": s["flow_id"]},
    "list_calls": lambda s: {"filter_criteria": {"agent": [{"agent_id": s["agent_id"]}]}, "limit": 5},
    "get_call": lambda s: {"call_id": s["call_id"]},
    "list_phone_numbers": lambda s: {},
    "get_phone_number": lambda s: {"phone_number": s["number"]},
    "list_knowledge_bases": lambda s: {},
    "get_knowledge_base": lambda s: {"knowledge_base_id": s["kb_id"]},
    "get_concurrency": lambda s: {},
    "create_agent": lambda s: {
        "voice_id": "11labs-Adrian",
        "response_engine": {"type": "conversation-flow", "conversation_flow_id": s["flow_id"]},
        "agent_name": "Flow agent",
    },
    "update_agent": lambda s: {"agent_id": s["agent_id"], "agent_name": "Renamed"},
    "publish_agent": lambda s: {"agent_id": s["agent_id"], "version_title": "first"},
    "create_llm": lambda s: {"general_prompt": "Be brief.", "begin_message": "Hi"},
    "update_llm": lambda s: {"llm_id": s["llm_id"], "begin_message": "Hello there"},
    "create_conversation_flow": lambda s: {"nodes": FLOW_NODES, "start_speaker": "user"},
    "update_conversation_flow": lambda s: {"conversation_flow_id": s["flow_id"], "global_prompt": "Be kind."},
    "create_phone_call": lambda s: {"from_number": s["number"], "to_number": "+14155550124"},
    "create_batch_call": lambda s: {"from_number": s["number"], "tasks": [{"to_number": "+14155550125"}]},
    "update_call": lambda s: {"call_id": s["call_id"], "metadata": {"crm": "42"}},
    "create_phone_number": lambda s: {"area_code": 212, "inbound_agents": [{"agent_id": s["agent_id"], "weight": 1}]},
    "update_phone_number": lambda s: {"phone_number": s["number"], "nickname": "main line"},
    "create_knowledge_base": lambda s: {"knowledge_base_name": "docs", "knowledge_base_files": [s["doc"]]},
    "add_knowledge_base_sources": lambda s: {
        "knowledge_base_id": s["kb_id"],
        "knowledge_base_urls": ["https://example.com/prices"],
    },
    "create_web_call": lambda s: {"agent_id": s["agent_id"], "retell_llm_dynamic_variables": {"name": "Ada"}},
    "import_phone_number": lambda s: {"phone_number": "+14155559999", "termination_uri": "acme.pstn.twilio.com"},
    "delete_agent": lambda s: {"agent_id": s["agent_id"]},
    "delete_llm": lambda s: {"llm_id": s["llm_id"], "force_delete": True},
    "delete_conversation_flow": lambda s: {"conversation_flow_id": s["flow_id"]},
    "delete_call": lambda s: {"call_id": s["call_id"]},
    "delete_phone_number": lambda s: {"phone_number": s["number"]},
    "delete_knowledge_base_source": lambda s: {"knowledge_base_id": s["kb_id"], "source_id": s["source_id"]},
    "delete_knowledge_base": lambda s: {"knowledge_base_id": s["kb_id"]},
}
