"""Decompile Retell LLMs, agents, knowledge bases and phone numbers into DSL specs.

``refs`` maps remote ids of objects that are part of the import to their specs, so references
between them stay references; any other id stays a plain string (an existing remote object).

>>> llm = decompile_llm({"general_prompt": "Be kind.", "model_config": {"type": "cascading",
...                      "primary": {"model": "gpt-4.1"}}}, name="support", refs={})
>>> llm
RetellLLM(name='support', model='gpt-4.1', general_prompt='Be kind.')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from retell_dsl.builders.agent import Agent, Engine
from retell_dsl.builders.agent_options import DtmfOptions, Ivr, Pronunciation, Voicemail
from retell_dsl.builders.base import UNSET, FrozenMap
from retell_dsl.builders.engine import McpServer
from retell_dsl.builders.kb import KnowledgeBase
from retell_dsl.builders.llm import RetellLLM, State, StateEdge
from retell_dsl.builders.phone import AgentBinding, PhoneNumber, SipTrunk
from retell_dsl.builders.stack import Resource
from retell_dsl.compiler.agent import compile_agent
from retell_dsl.compiler.llm import compile_llm, mcp_server
from retell_dsl.compiler.resources import compile_knowledge_base, compile_phone_number
from retell_dsl.errors import InvalidArgument, InvalidSpec
from retell_dsl.importer._notes import note
from retell_dsl.importer._patch import JSON, copy_same_named, verified
from retell_dsl.importer._tools import decompile_field, decompile_tool
from retell_dsl.wire.upgrades import DEPRECATED_ENGINE_FIELDS

__all__ = [
    "decompile_agent",
    "decompile_knowledge_base",
    "decompile_llm",
    "decompile_phone_number",
    "engine_kwargs",
    "kb_refs",
    "resolve",
]


def kb_refs(ids: list[Any], refs: Mapping[str, Resource]) -> tuple[Any, ...]:
    """Knowledge-base ids as specs (when imported) or plain id strings."""
    return tuple(refs.get(str(i), str(i)) for i in ids)


def _mcps(data: list[Any]) -> tuple[McpServer, ...] | None:
    out = []
    for m in data:
        kw: JSON = {}
        copy_same_named(McpServer, m, {"url"}, kw)
        server = McpServer(name=m.get("name", ""), url=m.get("url", ""), **kw)
        if mcp_server(server) != dict(m):
            return None
        out.append(server)
    return tuple(out)


def engine_kwargs(data: Mapping[str, Any], refs: Mapping[str, Resource], handled: set[str]) -> JSON:
    """Fields shared by Retell LLMs and conversation flows: model, knowledge bases, MCP, variables."""
    kw: JSON = {}
    cfg = data.get("model_config")
    if isinstance(cfg, Mapping):
        primary = cfg.get("primary") or {}
        if cfg.get("type") == "s2s":
            kw["s2s_model"] = primary.get("model", UNSET)
        else:
            kw["model"] = primary.get("model", UNSET)
            kw["model_tier"] = primary.get("tier", UNSET)
            backup = cfg.get("backup", UNSET)
            if isinstance(backup, Mapping):
                kw["backup_model"] = backup.get("model", UNSET)
                if "kick_in_timeout_ms" in backup:
                    kw["backup_kick_in_timeout_ms"] = backup["kick_in_timeout_ms"]
            else:
                kw["backup_model"] = backup
        kw["temperature"] = cfg.get("temperature", UNSET)
        handled.add("model_config")
    if isinstance(data.get("knowledge_base_ids"), list):
        kw["knowledge_bases"] = kb_refs(data["knowledge_base_ids"], refs)
        handled.add("knowledge_base_ids")
    kb = data.get("kb_config")
    if isinstance(kb, Mapping) and kb and not set(kb) - {"top_k", "filter_score"}:
        kw["kb_top_k"] = kb.get("top_k", UNSET)
        kw["kb_filter_score"] = kb.get("filter_score", UNSET)
        handled.add("kb_config")
    dyn = data.get("default_dynamic_variables")
    if isinstance(dyn, Mapping) and dyn:
        kw["default_variables"] = dict(dyn)
        handled.add("default_dynamic_variables")
    if isinstance(data.get("mcps"), list) and data["mcps"] and (servers := _mcps(data["mcps"])) is not None:
        kw["mcps"] = servers
        handled.add("mcps")
    return kw


def _state_edges(raw: Any, where: str) -> tuple[StateEdge, ...] | None:
    """A state's edges; a key the builder does not type stays in that one edge's ``extra=``.

    None (the list stays whole in the state's ``extra=``) only when an edge has no typed form at all:
    not an object, or no string destination / description.
    """
    if not isinstance(raw, list):
        return None
    edges = []
    for i, e in enumerate(raw):
        if not isinstance(e, Mapping):
            return None
        if not isinstance(e.get("destination_state_name"), str) or not isinstance(e.get("description"), str):
            return None
        extra = {k: v for k, v in e.items() if k not in ("destination_state_name", "description", "parameters")}
        if extra:
            note(f"{where} > edges[{i}]: {', '.join(sorted(extra))} kept in the edge's extra=")
        edges.append(StateEdge(to=e["destination_state_name"], description=e["description"],
                               parameters=e.get("parameters", UNSET), extra=FrozenMap(extra)))  # fmt: skip
    return tuple(edges)


def _state(data: Any, where: str) -> State | None:
    """One state; a field it cannot type stays in that state's ``extra=`` (never the whole list)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("name"), str):
        return None
    extra = {k: v for k, v in data.items() if k not in ("name", "state_prompt", "edges", "tools")}
    kw: JSON = {}
    empty: list[str] = []
    if "state_prompt" in data:
        if isinstance(data["state_prompt"], str):
            kw["prompt"] = data["state_prompt"]
        else:
            extra["state_prompt"] = data["state_prompt"]
    if "edges" in data:
        edges = _state_edges(data["edges"], f"{where} > state {data['name']!r}")
        if edges is None:
            extra["edges"] = data["edges"]
        else:
            kw["edges"] = edges
            empty += ["edges"] if not edges else []
    if "tools" in data:
        tools = tuple(decompile_tool(t) for t in data["tools"]) if isinstance(data["tools"], list) else None
        if tools is None or any(isinstance(t, dict) for t in tools):
            extra["tools"] = data["tools"]
        else:
            kw["tools"] = tools
            empty += ["tools"] if not tools else []
    if extra:
        note(f"{where} > state {data['name']!r}: {', '.join(sorted(extra))} kept in the state's extra=")
    return State(name=data["name"], empty_lists=tuple(empty), extra=extra, **kw)  # type: ignore[arg-type]


def decompile_llm(data: Mapping[str, Any], *, name: str, refs: Mapping[str, Resource]) -> RetellLLM:
    """A Retell LLM (create-payload shape) as a :class:`RetellLLM`."""
    # deprecated model fields left after ``modernize`` have no typed form: they stay in extra= only
    handled: set[str] = set(DEPRECATED_ENGINE_FIELDS)
    kw = engine_kwargs(data, refs, handled)
    tools = [decompile_tool(t) for t in data.get("general_tools") or []]
    if tools and not any(isinstance(t, dict) for t in tools):
        kw["tools"] = tuple(tools)
        handled.add("general_tools")
    states = [_state(s, f"Retell LLM {name!r}") for s in data.get("states") or []]
    if states and all(s is not None for s in states):
        kw["states"] = tuple(states)
        handled.add("states")
    copy_same_named(RetellLLM, data, handled, kw)
    spec = RetellLLM(name=name, **{k: v for k, v in kw.items() if v is not UNSET})
    return verified(spec, compile_llm, data, resolve=lambda p: resolve(p, refs))[0]


_AGENT_RENAMES = {
    "agent_name": "name",
    "voice_id": "voice",
    "fallback_voice_ids": "fallback_voices",
    "post_call_analysis_model": "analysis_model",
    "data_storage_setting": "data_storage",
    "data_storage_retention_days": "data_retention_days",
}


def _voicemail(data: Any) -> Voicemail | None:
    if data is None or not isinstance(data, Mapping) or not isinstance(data.get("action") or {}, Mapping):
        return None
    action = data.get("action") or {}
    return Voicemail(action=action.get("type", "hangup"), text=action.get("text", UNSET),
                     detection_prompt=data.get("detection_prompt", UNSET))  # fmt: skip


def _ivr(data: Any) -> Ivr | None:
    if not isinstance(data, Mapping):
        return None
    return Ivr(detection_prompt=data.get("detection_prompt", UNSET))


def _dtmf(data: Any) -> DtmfOptions | None:
    if not isinstance(data, Mapping) or set(data) - {"digit_limit", "termination_key", "timeout_ms"}:
        return None
    return DtmfOptions(**data)


def _pronunciations(data: Any) -> tuple[Pronunciation, ...] | None:
    keys = {"word", "phoneme", "alphabet"}
    if not isinstance(data, list) or not all(isinstance(p, Mapping) and set(p) <= keys for p in data):
        return None
    return tuple(Pronunciation(**p) for p in data)


def _analysis(data: Any) -> tuple[Any, ...] | None:
    if not isinstance(data, list):
        return None
    fields = tuple(decompile_field(f) for f in data)
    return None if None in fields else fields


def _pii(data: Any) -> tuple[str, ...] | None:
    if not isinstance(data, Mapping) or set(data) != {"mode", "categories"} or data["mode"] != "post_call":
        return None
    return tuple(data["categories"]) if isinstance(data["categories"], list) else None


def _handbook(data: Any) -> bool | None:
    if not isinstance(data, Mapping) or set(data) != {"speech_normalization"}:
        return None
    value = data["speech_normalization"]
    return value if isinstance(value, bool) else None


#: wire key → (Agent field, converter). A converter returns None for a shape it cannot type; the
#: builders' own checks (InvalidArgument / InvalidSpec) reject values they cannot hold. Either way
#: the wire value stays in ``extra=``; any other exception is a decompiler bug and propagates.
_AGENT_OPTIONS: tuple[tuple[str, str, Callable[[Any], Any]], ...] = (
    ("voicemail_option", "voicemail", _voicemail),
    ("ivr_option", "ivr", _ivr),
    ("user_dtmf_options", "dtmf_options", _dtmf),
    ("pronunciation_dictionary", "pronunciations", _pronunciations),
    ("post_call_analysis_data", "analysis_fields", _analysis),
    ("pii_config", "pii_categories", _pii),
    ("handbook_config", "speech_normalization", _handbook),
)
_NULLABLE = {"voicemail_option", "ivr_option", "user_dtmf_options"}


def _agent_options(data: Mapping[str, Any], kw: JSON, handled: set[str]) -> None:
    for key, field, convert in _AGENT_OPTIONS:
        if key not in data:
            continue
        if data[key] is None and key in _NULLABLE:
            kw[field] = None
            handled.add(key)
            continue
        try:
            value = convert(data[key])
        except (InvalidArgument, InvalidSpec):
            continue
        if value is None:
            continue
        kw[field] = value
        handled.add(key)


def decompile_agent(data: Mapping[str, Any], *, engine: Engine, refs: Mapping[str, Resource]) -> Agent:
    """An agent (create-payload shape) as an :class:`Agent` bound to ``engine``."""
    kw: JSON = {}
    handled = {"response_engine"}
    for key, field in _AGENT_RENAMES.items():
        if key in data:
            kw[field] = tuple(data[key]) if isinstance(data[key], list) else data[key]
            handled.add(key)
    _agent_options(data, kw, handled)
    copy_same_named(Agent, data, handled, kw)
    if isinstance(data.get("language"), list):
        kw["language"] = tuple(data["language"])
    kw.setdefault("name", str(data.get("agent_id", "agent")))
    kw.setdefault("voice", "")
    engine_ref = data.get("response_engine") or {}
    version = engine_ref.get("version") if isinstance(engine_ref, Mapping) else None
    if isinstance(version, int) and not isinstance(version, bool):
        kw["engine_version"] = version
    spec = Agent(engine=engine, **kw)
    return verified(spec, compile_agent, data, resolve=lambda p: resolve(p, refs))[0]


def resolve(payload: Any, refs: Mapping[str, Resource]) -> Any:
    """Resolve ``$ref:`` markers of imported specs back to their remote ids."""
    from retell_dsl.builders.stack import Ref
    from retell_dsl.compiler import resolve_refs

    return resolve_refs(payload, {Ref.to(spec).address: rid for rid, spec in refs.items()})


def decompile_knowledge_base(data: Mapping[str, Any]) -> KnowledgeBase:
    """A knowledge base (payload shape: name, urls, chunking, auto refresh) as a :class:`KnowledgeBase`."""
    kw: JSON = {}
    handled = {"knowledge_base_name", "knowledge_base_urls"}
    copy_same_named(KnowledgeBase, data, handled, kw)
    spec = KnowledgeBase(name=data["knowledge_base_name"], urls=tuple(data.get("knowledge_base_urls") or ()), **kw)
    return verified(spec, compile_knowledge_base, data)[0]


def decompile_phone_number(data: Mapping[str, Any], *, name: str, refs: Mapping[str, Resource]) -> PhoneNumber:
    """A phone number (payload shape) as a :class:`PhoneNumber` bound to imported agents."""
    kw: JSON = {"number": data.get("phone_number", UNSET)}
    handled = {"phone_number"}
    for key, field in (("inbound_agents", "inbound"), ("outbound_agents", "outbound")):
        items = data.get(key)
        if isinstance(items, list) and all(set(b) <= {"agent_id", "weight", "agent_version"} for b in items):
            kw[field] = tuple(
                AgentBinding(agent=refs.get(b["agent_id"], b["agent_id"]),
                             weight=b.get("weight", 1.0), version=b.get("agent_version", UNSET))
                for b in items
            )  # fmt: skip
            handled.add(key)
    for key, field in (("allowed_inbound_country_list", "allowed_inbound_countries"),
                       ("allowed_outbound_country_list", "allowed_outbound_countries")):  # fmt: skip
        if isinstance(data.get(key), list):
            kw[field] = tuple(data[key])
            handled.add(key)
    if "termination_uri" in data:
        trunk_keys = {"termination_uri", "sip_trunk_auth_username", "transport", "codecs"}
        kw["sip_trunk"] = SipTrunk(
            termination_uri=data["termination_uri"],
            username=data.get("sip_trunk_auth_username", UNSET),
            transport=data.get("transport", UNSET),
            codecs=tuple(data["codecs"]) if isinstance(data.get("codecs"), list) else UNSET,
        )
        handled |= trunk_keys
    copy_same_named(PhoneNumber, data, handled, kw)
    spec = PhoneNumber(name=name, **kw)
    return verified(spec, compile_phone_number, data, resolve=lambda p: resolve(p, refs))[0]
