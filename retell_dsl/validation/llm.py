"""Rules of Retell LLMs: states (RD101-RD106) and tool names (RD201/RD202)."""

from __future__ import annotations

from retell_dsl.builders.base import UNSET
from retell_dsl.builders.llm import RetellLLM
from retell_dsl.validation._collect import TOOL_NAME, Collector, near_hint
from retell_dsl.validation.flow import check_mcp_tools, check_tool_names
from retell_dsl.validation.issues import path

_MCP_HINT = "add it with RetellLLM.mcp(McpServer(...))"

__all__ = ["check_llm"]


def check_llm(c: Collector, llm: RetellLLM) -> None:
    """States, starting state, edges, reachability, and tool names per state."""
    where = f"llm '{llm.name}'"
    check_tool_names(c, llm.tools, where)
    general = [t.name for t in llm.tools]
    mcps = {m.name for m in llm.mcps}
    states: dict[str, object] = {}
    for state in llm.states:
        here = path(where, f"state '{state.name}'")
        if not TOOL_NAME.match(state.name):
            c.add(
                "RD202",
                here,
                f"state name {state.name!r} is not allowed",
                at=state,
                hint="use 1-64 characters from A-Z a-z 0-9 _ -",
            )
        if state.name in states:
            c.add("RD101", here, f"two states are named {state.name!r}", at=state, hint="rename one of them")
        states[state.name] = state
    for state in llm.states:
        here = path(where, f"state '{state.name}'")
        edge_tools = [f"transition_to_{e.to}" for e in state.edges]
        check_tool_names(c, state.tools, here, reserved=[*general, *edge_tools])
        for i, edge in enumerate(state.edges):
            if edge.to not in states:
                c.add(
                    "RD102",
                    path(here, f"edge[{i}]"),
                    f"edge points to unknown state {edge.to!r}",
                    at=edge,
                    hint=near_hint(edge.to, states, "edges name their destination state"),
                )
        check_mcp_tools(c, (*llm.tools, *state.tools), here, mcps, hint=_MCP_HINT)
    if not llm.states:
        check_mcp_tools(c, llm.tools, where, mcps, hint=_MCP_HINT)
        if llm.starting_state is not UNSET:
            c.add(
                "RD106",
                where,
                f"starting_state {llm.starting_state!r} is set but the LLM has no states",
                at=llm,
                hint="add states, or drop starting_state",
            )
        return
    if llm.starting_state is UNSET:
        c.add(
            "RD106",
            where,
            "the LLM has states but no starting state",
            at=llm,
            hint=f"call .start_at({llm.states[0].name!r})",
        )
        return
    if llm.starting_state not in states:
        c.add(
            "RD106",
            where,
            f"starting state {llm.starting_state!r} does not exist",
            at=llm,
            hint=near_hint(llm.starting_state, states, "name an existing state"),
        )
        return
    seen: set[str] = set()
    todo = [llm.starting_state]
    by_name = {s.name: s for s in llm.states}
    while todo:
        name = todo.pop()
        if name in seen or name not in by_name:
            continue
        seen.add(name)
        todo.extend(e.to for e in by_name[name].edges)
    for state in llm.states:
        if state.name not in seen:
            c.add(
                "RD103",
                path(where, f"state '{state.name}'"),
                "no edge leads to this state",
                at=state,
                hint="add an edge to it from a reachable state, or remove it",
            )
