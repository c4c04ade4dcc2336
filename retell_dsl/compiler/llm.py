"""Compile Retell LLMs: model_config, prompts, tools, states, knowledge bases, MCP servers."""

from __future__ import annotations

from retell_dsl.builders.engine import EngineSugar, McpServer
from retell_dsl.builders.llm import RetellLLM, State
from retell_dsl.compiler._emit import kb_config, merge_extra, model_config, put, put_all, ref_or_id
from retell_dsl.compiler.tools import compile_tool
from retell_dsl.compiler.values import JSON

__all__ = ["compile_llm", "mcp_server", "put_engine_knowledge"]


def mcp_server(server: McpServer) -> JSON:
    """An entry of ``mcps``."""
    out: JSON = {"name": server.name, "url": server.url}
    put_all(out, server, ("headers", "query_params", "timeout_ms"))
    return out


def _state(state: State) -> JSON:
    out: JSON = {"name": state.name}
    put(out, "state_prompt", state.prompt)
    if state.edges or "edges" in state.empty_lists:
        edges = []
        for e in state.edges:
            edge: JSON = {"destination_state_name": e.to}
            put(edge, "description", e.description)
            put(edge, "parameters", e.parameters)
            edges.append(merge_extra(edge, e.extra))
        out["edges"] = edges
    if state.tools or "tools" in state.empty_lists:
        out["tools"] = [compile_tool(t) for t in state.tools]
    return merge_extra(out, state.extra)


def put_engine_knowledge(out: JSON, engine: EngineSugar) -> None:
    """What an LLM and a flow send alike: ``knowledge_base_ids``, ``kb_config``,
    ``default_dynamic_variables`` and ``mcps`` (each only when set)."""
    if engine.knowledge_bases:
        out["knowledge_base_ids"] = [ref_or_id(kb) for kb in engine.knowledge_bases]
    kb = kb_config(engine.kb_top_k, engine.kb_filter_score)
    if kb is not None:
        out["kb_config"] = kb
    if engine.default_variables:
        out["default_dynamic_variables"] = dict(engine.default_variables)
    if engine.mcps:
        out["mcps"] = [mcp_server(m) for m in engine.mcps]


def compile_llm(llm: RetellLLM) -> JSON:
    """The ``create-retell-llm`` body (``LlmCreateParams``)."""
    out: JSON = {}
    cfg = model_config(
        model=llm.model,
        s2s_model=llm.s2s_model,
        temperature=llm.temperature,
        tier=llm.model_tier,
        backup=llm.backup_model,
        backup_timeout_ms=llm.backup_kick_in_timeout_ms,
    )
    if cfg is not None:
        out["model_config"] = cfg
    put_all(out, llm, ("general_prompt", "begin_message", "start_speaker", "begin_after_user_silence_ms"))
    if llm.tools:
        out["general_tools"] = [compile_tool(t) for t in llm.tools]
    if llm.states:
        out["states"] = [_state(s) for s in llm.states]
    put(out, "starting_state", llm.starting_state)
    put_engine_knowledge(out, llm)
    put(out, "tool_call_strict_mode", llm.tool_call_strict_mode)
    return merge_extra(out, llm.extra)
