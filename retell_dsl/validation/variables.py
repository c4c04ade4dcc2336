"""RD301: every runtime ``{{variable}}`` an engine uses must be provided somewhere.

Provided means: a default (``default_variables``), set during the call (extraction tools/nodes,
state-edge parameters, tool ``response_variables``), declared as a call-time variable on the Stack
(``expect_call_variables``) or given by a batch call's tasks, or one of Retell's system variables.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from retell_dsl.builders.base import UNSET, Spec
from retell_dsl.builders.flow import CodeNode, ConversationFlow, ExtractNode, MCPNode, Node
from retell_dsl.builders.llm import RetellLLM
from retell_dsl.builders.tools import ExtractVariables
from retell_dsl.compiler.flow import compile_node
from retell_dsl.compiler.tools import compile_tool
from retell_dsl.compiler.values import JSON, text
from retell_dsl.validation._collect import Collector, near_hint
from retell_dsl.validation.issues import path
from retell_dsl.validation.values import iter_tools
from retell_dsl.wire.variables import variable_names

__all__ = ["SYSTEM_VARIABLES", "check_variables", "provided_by"]

SYSTEM_VARIABLES = frozenset(
    {
        "current_time",
        "current_calendar",
        "session_type",
        "session_duration",
        "call_id",
        "user_number",
        "agent_number",
        "direction",
        "current_agent_state",
        "current_node",
    }
)
_SYSTEM_PREFIXES = ("current_time_", "current_calendar_")


def _is_system(name: str) -> bool:
    return name in SYSTEM_VARIABLES or name.startswith(_SYSTEM_PREFIXES)


def provided_by(engine: RetellLLM | ConversationFlow) -> set[str]:
    """Variables an engine provides itself (defaults and everything set during a call)."""
    names = set(engine.default_variables)
    for tool in iter_tools(engine):
        if isinstance(tool, ExtractVariables):
            names.update(v.name for v in tool.variables)
        rv = getattr(tool, "response_variables", UNSET)
        if rv is not UNSET:
            names.update(rv)
    if isinstance(engine, RetellLLM):
        for state in engine.states:
            for edge in state.edges:
                if edge.parameters is not UNSET:
                    names.update(edge.parameters.get("properties", {}))
    else:
        nodes: list[Node] = [*engine.nodes, *(n for c in engine.components for n in c.nodes)]
        for node in nodes:
            if isinstance(node, ExtractNode):
                names.update(node.provides)
            if isinstance(node, CodeNode | MCPNode):
                names.update(node.provides)
    return names


def _parts(engine: RetellLLM | ConversationFlow) -> Iterator[tuple[str, Spec, str]]:
    """(path, spec, text) for every part of an engine that may use variables."""
    if isinstance(engine, RetellLLM):
        where = f"llm '{engine.name}'"
        for label, value in (("general_prompt", engine.general_prompt), ("begin_message", engine.begin_message)):
            if value is not UNSET and value is not None:
                yield path(where, label), engine, text(value)
        for tool in engine.tools:
            yield path(where, f"tool '{tool.name}'"), tool, _dump(compile_tool(tool))
        for state in engine.states:
            here = path(where, f"state '{state.name}'")
            if state.prompt is not UNSET:
                yield here, state, text(state.prompt)
            for tool in state.tools:
                yield path(here, f"tool '{tool.name}'"), tool, _dump(compile_tool(tool))
        return
    where = f"flow '{engine.name}'"
    if engine.global_prompt is not UNSET:
        yield path(where, "global_prompt"), engine, text(engine.global_prompt)
    for node in engine.nodes:
        yield path(where, f"node '{node.name}'"), node, _dump(compile_node(node))
    for comp in engine.components:
        for node in comp.nodes:
            yield path(where, f"component '{comp.name}'", f"node '{node.name}'"), node, _dump(compile_node(node))


def _dump(payload: JSON) -> str:
    return json.dumps(payload, ensure_ascii=False)


def check_variables(c: Collector, engine: RetellLLM | ConversationFlow, call_variables: Iterable[str]) -> None:
    """Report each used-but-unprovided runtime variable once per place it is used."""
    known = provided_by(engine) | set(call_variables)
    for where, at, content in _parts(engine):
        for name in variable_names(content):
            if name in known or _is_system(name):
                continue
            c.add(
                "RD301",
                where,
                f"runtime variable {{{{{name}}}}} is used but never provided",
                at=at,
                hint=near_hint(
                    name,
                    known,
                    f"add .defaults({name}=...), extract it in the flow, or declare it with"
                    f" Stack.expect_call_variables({name!r})",
                ),
            )
