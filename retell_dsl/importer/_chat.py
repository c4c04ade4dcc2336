"""Decompile chat agents into :class:`~retell_dsl.builders.chat_agent.ChatAgent` specs.

Like voice agents, the spec is compiled again and compared with the wire object; whatever the
builder cannot reproduce stays in ``extra=``, so the round trip is exact.

>>> from retell_dsl.builders.llm import RetellLLM
>>> llm = RetellLLM(name="orders")
>>> data = {"agent_name": "Orders chat", "auto_close_message": "Bye!",
...         "post_chat_analysis_data": [{"type": "system-presets", "name": "chat_summary"}]}
>>> chat = decompile_chat_agent(data, engine=llm, refs={"llm_1": llm})
>>> chat.name, chat.auto_close_message, chat.analysis_fields
('Orders chat', 'Bye!', (SystemPreset(name='call_summary'),))
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retell_dsl.builders.chat_agent import ChatAgent, ChatEngine
from retell_dsl.builders.stack import Resource
from retell_dsl.compiler.chat_agent import CHAT_PRESETS, compile_chat_agent
from retell_dsl.errors import InvalidArgument, InvalidSpec
from retell_dsl.importer._patch import JSON, copy_same_named, verified
from retell_dsl.importer._resources import resolve
from retell_dsl.importer._tools import decompile_field

__all__ = ["decompile_chat_agent"]

_RENAMES = {
    "agent_name": "name",
    "post_chat_analysis_model": "analysis_model",
    "data_storage_setting": "data_storage",
    "data_storage_retention_days": "data_retention_days",
}
_CALL_PRESETS = {chat: call for call, chat in CHAT_PRESETS.items()}


def _analysis(data: Any) -> tuple[Any, ...] | None:
    if not isinstance(data, list) or not all(isinstance(f, Mapping) for f in data):
        return None
    fields = []
    for f in data:
        wire = dict(f)
        if wire.get("type") == "system-presets":
            wire["name"] = _CALL_PRESETS.get(wire.get("name"), wire.get("name"))  # type: ignore[arg-type]
        field = decompile_field(wire)
        if field is None:
            return None
        fields.append(field)
    return tuple(fields)


def _pii(data: Any) -> tuple[str, ...] | None:
    if not isinstance(data, Mapping) or set(data) != {"mode", "categories"} or data["mode"] != "post_call":
        return None
    return tuple(data["categories"]) if isinstance(data["categories"], list) else None


def decompile_chat_agent(data: Mapping[str, Any], *, engine: ChatEngine, refs: Mapping[str, Resource]) -> ChatAgent:
    """A chat agent (create-payload shape) as a :class:`ChatAgent` bound to ``engine``."""
    kw: JSON = {}
    handled = {"response_engine"}
    for key, field in _RENAMES.items():
        if key in data:
            kw[field] = data[key]
            handled.add(key)
    if (fields := _analysis(data.get("post_chat_analysis_data"))) is not None:
        kw["analysis_fields"] = fields
        handled.add("post_chat_analysis_data")
    if (pii := _pii(data.get("pii_config"))) is not None:
        kw["pii_categories"] = pii
        handled.add("pii_config")
    copy_same_named(ChatAgent, data, handled, kw)
    kw.setdefault("name", str(data.get("agent_id", "chat agent")))
    engine_ref = data.get("response_engine") or {}
    version = engine_ref.get("version") if isinstance(engine_ref, Mapping) else None
    if isinstance(version, int) and not isinstance(version, bool):
        kw["engine_version"] = version
    try:
        spec = ChatAgent(engine=engine, **kw)
    except (InvalidArgument, InvalidSpec):  # a value the builder refuses: keep every field raw
        spec = ChatAgent(engine=engine, name=kw["name"] if isinstance(kw["name"], str) else "chat agent")
    return verified(spec, compile_chat_agent, data, resolve=lambda p: resolve(p, refs))[0]
