"""Rules the Retell API enforces beyond the JSON schema (retell-api.md §3, §4, §6, §12.12).

Each function returns a list of problem strings (empty when fine), so a handler can
report every problem of a request in one 400.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from retell_dsl.emulator.domain.tolerance import tolerated
from retell_dsl.emulator.domain.versions import MAX_VERSION
from retell_dsl.emulator.state import State
from retell_dsl.wire.flow import ONLY_EDGE_SLOTS, node_edges, sentinel_for
from retell_dsl.wire.names import E164, TOOL_NAME

__all__ = [
    "AGENT_RANGES",
    "E164",
    "check_flow",
    "check_llm",
    "check_ranges",
    "check_weights",
    "require_knowledge_bases",
]


#: Numeric limits of agent fields: name → (minimum, maximum); ``None`` means unbounded.
AGENT_RANGES: dict[str, tuple[float | None, float | None]] = {
    "voice_speed": (0.5, 2),
    "voice_temperature": (0, 2),
    "volume": (0, 2),
    "ambient_sound_volume": (0, 2),
    "interruption_sensitivity": (0, 1),
    "responsiveness": (0, 1),
    "backchannel_frequency": (0, 1),
    "denoising_enhancement_level": (0, 1),
    "begin_message_delay_ms": (0, 5000),
    "end_call_after_silence_ms": (10_000, None),
    "max_call_duration_ms": (60_000, 7_200_000),
    "ring_duration_ms": (5_000, 300_000),
    "data_storage_retention_days": (1, 730),
    "reminder_max_count": (0, None),
    "reminder_trigger_ms": (0, None),
    "end_chat_after_silence_ms": (120_000, None),
}


def _num(value: float | None) -> str:
    """``7200000`` rather than ``7.2e+06``; ``0.5`` stays ``0.5``."""
    return str(int(value)) if value is not None and float(value).is_integer() else str(value)


def check_ranges(doc: Mapping[str, Any], ranges: Mapping[str, tuple[float | None, float | None]]) -> list[str]:
    problems = []
    for field, (lo, hi) in ranges.items():
        value = doc.get(field)
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            if lo is not None and hi is not None:
                bounds = f"between {_num(lo)} and {_num(hi)}"
            else:
                bounds = f"at least {_num(lo)}" if lo is not None else f"at most {_num(hi)}"
            problems.append(f"{field} must be {bounds}, got {_num(value)}")
    return problems


def check_weights(field: str, bindings: object, state: State) -> list[str]:
    """Weighted agent bindings: each agent (and pinned version) exists and weights sum to 1."""
    if not isinstance(bindings, list) or not bindings:
        return []
    problems = []
    total = 0.0
    for i, item in enumerate(bindings):
        agent_id = item.get("agent_id")
        weight = item.get("weight", 0)
        total += float(weight)
        if not 0 < float(weight) <= 1:
            problems.append(f"{field}[{i}].weight must be in (0, 1], got {weight}")
        version = item.get("agent_version")
        if version is not None and not (isinstance(version, int) and 0 <= version <= MAX_VERSION):
            problems.append(f"{field}[{i}].agent_version must be between 0 and {MAX_VERSION}, got {version}")
        elif state.store.get("agent", str(agent_id)) is None:
            problems.append(f"{field}[{i}].agent_id {agent_id} does not exist")
        elif version is not None and state.store.get("agent", str(agent_id), version) is None:
            problems.append(f"{field}[{i}].agent_version {version} of agent {agent_id} does not exist")
    if abs(total - 1.0) > 1e-6:
        problems.append(f"{field}: weights must sum to 1, got {total:g}")
    return problems


def require_knowledge_bases(state: State, ids: object) -> list[str]:
    if not isinstance(ids, list):
        return []
    return [
        f"knowledge_base_ids[{i}]: knowledge base {kb} does not exist"
        for i, kb in enumerate(ids)
        if state.store.get("knowledge_base", str(kb)) is None
    ]


def _tool_names(tools: object, where: str) -> Iterable[tuple[str, str]]:
    for i, tool in enumerate(tools if isinstance(tools, list) else []):
        if isinstance(tool, Mapping) and isinstance(tool.get("name"), str):
            yield f"{where}[{i}].name", tool["name"]


def check_llm(doc: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    general = list(_tool_names(doc.get("general_tools"), "general_tools"))
    states = doc.get("states") or []
    names = [s.get("name") for s in states]
    for path, name in general:
        if not TOOL_NAME.match(name):
            problems.append(f"{path} {name!r} must match [A-Za-z0-9_-] and be at most 64 characters")
    seen: set[str] = set()
    for i, name in enumerate(names):
        if not isinstance(name, str) or not TOOL_NAME.match(name):
            problems.append(f"states[{i}].name {name!r} must match [A-Za-z0-9_-] and be at most 64 characters")
        elif name in seen:
            problems.append(f"states[{i}].name {name!r} is used by another state")
        seen.add(str(name))
    if states:
        start = doc.get("starting_state")
        if not start:
            problems.append("starting_state is required when states are given")
        elif start not in seen:
            problems.append(f"starting_state {start!r} is not one of the states")
    elif doc.get("starting_state"):
        problems.append(f"starting_state {doc['starting_state']!r} is set but there are no states")
    problems.extend(_clashes(general))
    for i, st in enumerate(states):
        own = list(_tool_names(st.get("tools"), f"states[{i}].tools"))
        problems.extend(
            f"{path} {name!r} must match [A-Za-z0-9_-] and be at most 64 characters"
            for path, name in own
            if not TOOL_NAME.match(name)
        )
        for j, edge in enumerate(st.get("edges") or []):
            dest = edge.get("destination_state_name")
            if dest not in seen:
                problems.append(f"states[{i}].edges[{j}].destination_state_name {dest!r} is not a state")
            own.append((f"states[{i}].edges[{j}]", f"transition_to_{dest}"))
        # General-only clashes were reported above; here only those a state adds.
        problems.extend(c for c in _clashes(general + own) if c.startswith("states"))
    return problems


def _clashes(named: list[tuple[str, str]]) -> list[str]:
    """Names used twice in one scope, reported at the later use."""
    first: dict[str, str] = {}
    out = []
    for path, name in named:
        if name in first:
            out.append(f"{path} {name!r} clashes with {first[name]} (tool names must be unique)")
        else:
            first[name] = path
    return out


def check_flow(state: State, doc: Mapping[str, Any], *, nodes_key: str = "nodes") -> list[str]:
    problems: list[str] = []
    nodes = doc.get(nodes_key) or []
    ids: set[str] = set()
    for i, node in enumerate(nodes):
        ident = node.get("id")
        if ident in ids:
            problems.append(f"{nodes_key}[{i}].id {ident!r} is used by another node")
        ids.add(ident)
    start = doc.get("start_node_id")
    if start is not None and start not in ids:
        problems.append(f"start_node_id {start!r} is not a node id")
    tool_ids = {t.get("tool_id") for t in doc.get("tools") or [] if t.get("tool_id")}
    tool_ids |= {t.get("name") for t in doc.get("tools") or []}
    for i, node in enumerate(nodes):
        where = f"{nodes_key}[{i}] ({node.get('id')})"
        ntype = node.get("type")
        for slot in node_edges(node):
            edge, key = slot.edge, slot.path
            dest = edge.get("destination_node_id")
            if dest is not None and dest not in ids:
                problems.append(f"{where}.{key}.destination_node_id {dest!r} is not a node id")
            expected = sentinel_for(ntype, slot.slot)
            cond = edge.get("transition_condition") or {}
            if expected and slot.slot != "else_edge" and cond.get("prompt") != expected:
                if isinstance(cond, Mapping) and cond.get("type") == "prompt" and isinstance(cond.get("prompt"), str):
                    # retell-sdk types a special edge's condition as any prompt condition, and Retell takes
                    # the edge by its slot: kept, with a warning (the literal is what the dashboard writes)
                    tolerated([f"{where}.{key}: prompt condition {cond['prompt'][:40]!r} (Retell writes {expected!r})"])
                else:
                    problems.append(f"{where}.{key} must have the prompt condition {expected!r}")
        # tool_id "": a draft Retell stores (no tool chosen yet); the node fails only when reached
        draft = node.get("tool_id") == ""
        if (
            ntype == "function"
            and node.get("tool_type") == "local"
            and not draft
            and node.get("tool_id") not in tool_ids
        ):
            problems.append(f"{where}.tool_id {node.get('tool_id')!r} is not one of the flow's tools")
        shared = ntype == "component" and node.get("component_type") == "shared"
        if shared and state.store.get("component", str(node.get("component_id"))) is None:
            problems.append(f"{where}.component_id {node.get('component_id')!r} does not exist")
        for key in ONLY_EDGE_SLOTS:
            if node.get(key) and (node.get("edges") or node.get("else_edge")):
                # Retell stores such nodes (dashboard exports carry them) and takes the special edge
                tolerated([f"{where}.{key} is not the node's only outgoing edge (the others are never taken)"])
        problems.extend(f"{where}.{p}" for p in require_knowledge_bases(state, node.get("knowledge_base_ids")))
    return problems
