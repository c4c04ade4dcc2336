"""Turn fetched remote objects (payload shape) into specs in dependency order, then into source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from retell_dsl.builders.engine import CustomLLM, ExistingEngine
from retell_dsl.builders.stack import Ref, Resource
from retell_dsl.errors import InvalidArgument
from retell_dsl.importer._chat import decompile_chat_agent
from retell_dsl.importer._flow import decompile_flow
from retell_dsl.importer._notes import note
from retell_dsl.importer._resources import (
    decompile_agent,
    decompile_knowledge_base,
    decompile_llm,
    decompile_phone_number,
)
from retell_dsl.importer._sources import engine_of

__all__ = ["Fetched", "build_specs"]


@dataclass
class Fetched:
    """Remote objects in payload shape, keyed by remote id (or a generated key when they have none)."""

    kbs: dict[str, dict[str, Any]]
    engines: dict[str, tuple[str, dict[str, Any]]]  # id → (kind, payload)
    agents: dict[str, dict[str, Any]]
    agent_engines: dict[str, str | None]  # agent id → engine key
    numbers: dict[str, dict[str, Any]]
    #: Keys of ``agents`` that are chat agents.
    chat: set[str] = field(default_factory=set)


def _unique(name: str, taken: set[str]) -> str:
    out, i = name, 2
    while out in taken:
        out, i = f"{name} ({i})", i + 1
    taken.add(out)
    return out


def build_specs(f: Fetched, notes: list[str] | None = None) -> list[tuple[str, Resource, str | None, dict[str, Any]]]:
    """``(address, spec, remote id, payload)`` for every imported object, dependencies first.

    ``notes`` collects what the decompilers kept in ``extra=`` and why (each names its path).
    """
    from retell_dsl.importer._notes import collecting

    with collecting(notes if notes is not None else []):
        return _build_specs(f)


def _build_specs(f: Fetched) -> list[tuple[str, Resource, str | None, dict[str, Any]]]:
    out: list[tuple[str, Resource, str | None, dict[str, Any]]] = []
    refs: dict[str, Resource] = {}
    names: dict[str, set[str]] = {}

    def add(kind: str, key: str, spec: Resource, payload: dict[str, Any], remote: bool) -> None:
        refs[key] = spec
        out.append((Ref.to(spec).address, spec, key if remote else None, payload))

    for key, payload in f.kbs.items():
        spec = decompile_knowledge_base(payload)
        names.setdefault("knowledge_base", set()).add(spec.name)
        add("knowledge_base", key, spec, payload, True)
    engine_names = {ek: str(a.get("agent_name") or aid) for aid, a in f.agents.items() if (ek := f.agent_engines[aid])}
    for key, (kind, payload) in f.engines.items():
        name = _unique(engine_names.get(key, key), names.setdefault(kind, set()))
        engine: Resource = (
            decompile_llm(payload, name=name, refs=refs)
            if kind == "llm"
            else decompile_flow(payload, name=name, refs=refs)
        )
        add(kind, key, engine, payload, not key.startswith("#"))
    for key, payload in f.agents.items():
        ek = f.agent_engines[key]
        if ek is not None:
            eng = refs[ek]
        elif (payload.get("response_engine") or {}).get("type") == "custom-llm":
            eng = CustomLLM(url=payload["response_engine"]["llm_websocket_url"])  # type: ignore[assignment]
        elif (ref := engine_of(payload)) is not None:
            ekind: Literal["retell-llm", "conversation-flow"] = "retell-llm" if ref[0] == "llm" else "conversation-flow"
            eng = ExistingEngine(kind=ekind, id=ref[1])  # type: ignore[assignment]
            note(f"agent {payload.get('agent_name') or key!r}: its {ekind} {ref[1]} is not in the import; kept"
                 " as an outside reference (ExistingEngine): it must exist where the stack is applied")  # fmt: skip
        else:
            raise InvalidArgument(
                f"agent {payload.get('agent_name') or key!r} has no response engine;"
                " include its Retell LLM or conversation flow JSON"
            )
        agent_payload = dict(payload)
        if ek is not None and ek.startswith("#"):  # the export carried no engine id: bind to the nested engine
            agent_payload.pop("response_engine", None)
        kind = "chat_agent" if key in f.chat else "agent"
        agent: Resource = (
            decompile_chat_agent(agent_payload, engine=eng, refs=refs)  # type: ignore[arg-type]
            if key in f.chat
            else decompile_agent(agent_payload, engine=eng, refs=refs)  # type: ignore[arg-type]
        )
        if agent.name in names.setdefault(kind, set()):
            raise InvalidArgument(f"two imported agents are named {agent.name!r}; rename one first")
        names[kind].add(agent.name)
        add(kind, key, agent, payload, not key.startswith("#"))
    for key, payload in f.numbers.items():
        name = _unique(str(payload.get("nickname") or key), names.setdefault("phone_number", set()))
        add("phone_number", key, decompile_phone_number(payload, name=name, refs=refs), payload, True)
    return out


def agent_key(data: Mapping[str, Any], index: int) -> str:
    """The remote id of an agent, or a placeholder key when the export has none."""
    return str(data.get("agent_id") or f"#agent-{index}")


__all__ += ["agent_key", "engine_of"]
