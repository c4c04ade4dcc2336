"""Deterministic agents (wire JSON) for the local-engine tests, and small request helpers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.emulator.conftest import Api


def static(text: str) -> dict[str, str]:
    return {"type": "static_text", "text": text}


def eq(left: str, op: str, right: str | None = None) -> dict[str, Any]:
    comparison = {"left": left, "operator": op} | ({"right": right} if right is not None else {})
    return {"type": "equation", "operator": "&&", "equations": [comparison]}


def edge(eid: str, dest: str, condition: dict[str, Any] | str) -> dict[str, Any]:
    cond = {"type": "prompt", "prompt": condition} if isinstance(condition, str) else condition
    return {"id": eid, "destination_node_id": dest, "transition_condition": cond}


POINTS_TOOL = {
    "type": "custom",
    "tool_id": "t_points",
    "name": "lookup_points",
    "description": "Look up the customer's loyalty points",
    "url": "https://crm.invalid/points",
    "parameters": {"type": "object", "properties": {"customer": {"type": "string", "const": "{{name}}"}}},
    "response_variables": {"points": "$.points"},
}

#: Static text, equation edges and a function node calling ``lookup_points``: no model needed.
POINTS_FLOW: dict[str, Any] = {
    "start_speaker": "agent",
    "start_node_id": "greet",
    "model_choice": {"type": "cascading", "model": "gpt-4.1"},
    "tools": [POINTS_TOOL],
    "nodes": [
        {
            "id": "greet",
            "name": "Greet",
            "type": "conversation",
            "instruction": static("Hi {{name}}! Shall I check your points?"),
            "edges": [edge("greet.gold", "lookup", eq("{{tier}}", "==", "gold"))],
            "else_edge": edge("greet.else", "bye", "Else"),
        },
        {
            "id": "lookup",
            "name": "Lookup",
            "type": "function",
            "tool_type": "local",
            "tool_id": "t_points",
            "wait_for_result": True,
            "speak_during_execution": False,
            "edges": [edge("lookup.rich", "tell", eq("{{points}}", ">", "100"))],
            "else_edge": edge("lookup.else", "bye", "Else"),
        },
        {
            "id": "tell",
            "name": "Tell",
            "type": "conversation",
            "instruction": static("You have {{points}} points."),
            "else_edge": edge("tell.else", "bye", "Else"),
        },
        {"id": "bye", "name": "Bye", "type": "end", "instruction": static("Goodbye, {{name}}!")},
    ],
}


def points_handler(arguments: Mapping[str, object], call: Mapping[str, object]) -> dict[str, Any]:
    """The in-process answer of ``lookup_points`` (the CRM is not reachable in tests)."""
    return {"points": 250, "for": arguments.get("customer")}


def flow_chat_agent(api: Api) -> Any:
    flow = api.call("conversation_flow.create", **POINTS_FLOW)
    engine = {"type": "conversation-flow", "conversation_flow_id": flow.conversation_flow_id}
    return api.call("chat_agent.create", response_engine=engine, agent_name="Points desk")


def bare(messages: Any) -> list[dict[str, Any]]:
    """SDK messages as dicts without the emulator's ids and timestamps."""
    out = []
    for m in messages:
        d = m.model_dump(exclude_none=True)
        d.pop("message_id", None)
        d.pop("created_timestamp", None)
        out.append(d)
    return out


def moved(former: tuple[str, str], new: tuple[str, str]) -> dict[str, Any]:
    return {
        "role": "node_transition",
        "former_node_id": former[0],
        "former_node_name": former[1],
        "new_node_id": new[0],
        "new_node_name": new[1],
        "transition_type": "normal",
    }


def agent(text: str) -> dict[str, str]:
    return {"role": "agent", "content": text}


def user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}
