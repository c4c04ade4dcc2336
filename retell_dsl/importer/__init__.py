"""Import existing Retell agents as DSL source code, with what the CLI needs to adopt them.

``import_agents(client, ids)`` reads agents (voice or chat), their Retell LLM or conversation flow, the knowledge
bases those use and the phone numbers bound to them; ``import_from_json(data)`` reads the
dashboard's agent export or plain API objects. Both return :class:`Imported`: the generated module
and, per address, the remote id and payload, so ``adopt(state)`` can record them as owned.

Every setting imports in one form: older shapes become current where the meaning is certain
(deprecated model fields become ``model_config``; see ``retell_dsl.wire.upgrades``), and a wire
value the builders cannot type is carried in ``extra=`` of the smallest spec holding it (one
edge, one state, one node), never both typed and in ``extra=``. ``Imported.notes`` lists the
upgrades made and the outdated shapes kept; the generated module carries them as comments.

>>> imported = import_from_json({"llm_id": "llm_1", "general_prompt": "Be kind.", "version": 0})
>>> "llm_1_llm = RetellLLM(name=\\"llm_1\\", general_prompt=\\"Be kind.\\")" in imported.source
True
>>> [(r.address, r.remote_id, r.payload) for r in imported.resources]
[('llm.llm_1', 'llm_1', {'general_prompt': 'Be kind.'})]
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from retell_dsl.errors import InvalidArgument
from retell_dsl.importer._build import Fetched, agent_key, build_specs
from retell_dsl.importer._codegen import generate, identifier
from retell_dsl.importer._secrets import extract_secrets
from retell_dsl.importer._sources import engine_of, kb_payload, kind_of_json, phone_payload, strip

if TYPE_CHECKING:
    from retell import Retell

    from retell_dsl.deploy.state import StateFile

__all__ = ["Imported", "ImportedResource", "identifier", "import_agents", "import_from_json"]


@dataclass(frozen=True)
class ImportedResource:
    """One imported object: its address in the generated stack, remote id (None if unknown), payload."""

    address: str
    kind: str
    remote_id: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class Imported:
    """The generated module source and the objects it corresponds to."""

    source: str
    resources: tuple[ImportedResource, ...]
    #: Secret values found (tool/MCP headers, SIP passwords), by the ``$env:`` variable now standing for
    #: each in ``source`` and the payloads. Kept only in memory: ``adopt`` records keyed digests.
    secrets: dict[str, str] = field(default_factory=dict, repr=False)
    #: What the import changed (upgrades of older shapes) or kept although Retell now expects another
    #: shape, and which engines stayed outside references: one line each, also in ``source`` as comments.
    notes: tuple[str, ...] = ()

    def adopt(self, state: StateFile) -> list[str]:
        """Record every object with a known remote id in ``state``; returns the adopted addresses."""
        from retell_dsl.deploy.secrets import Secrets

        sealer = Secrets(state.secret_key(create=bool(self.secrets)), self.secrets)
        adopted = []
        for r in self.resources:
            if r.remote_id is not None:
                state.record(r.address, kind=r.kind, remote_id=r.remote_id, payload=sealer.seal(r.payload))
                adopted.append(r.address)
        return adopted


def _finish(fetched: Fetched, *, stack_name: str, origin: str, notes: list[str] | None = None) -> Imported:
    fetched = copy.deepcopy(fetched)  # secrets are replaced in place: never in the caller's data
    payloads = [*fetched.kbs.values(), *(p for _, p in fetched.engines.values()), *fetched.agents.values()]
    secrets = extract_secrets([*payloads, *fetched.numbers.values()])
    notes = list(notes or [])
    built = build_specs(fetched, notes)
    specs = [(a, s, rid) for a, s, rid, _ in built]
    source = generate(specs, stack_name=stack_name, origin=origin, call_variables=_call_variables(built), notes=notes)
    resources = tuple(ImportedResource(a, a.split(".", 1)[0], rid, p) for a, _, rid, p in built)
    return Imported(source, resources, secrets, tuple(notes))


def _call_variables(built: list[tuple[str, Any, str | None, dict[str, Any]]]) -> list[str]:
    """Runtime variables the imported objects use but never provide (supplied per call)."""
    import re

    from retell_dsl.builders.stack import Stack
    from retell_dsl.validation import validate

    issues = validate(Stack(name="imported", resources=tuple(s for _, s, _, _ in built)))
    found = {m for i in issues.errors if i.code == "RD301" for m in re.findall(r"\{\{\s*([^{}\s]+)\s*\}\}", i.message)}
    return sorted(found)


def _get(client: Retell, path: str) -> dict[str, Any]:
    result: Any = client.get(path, cast_to=object)
    if not isinstance(result, dict):
        raise InvalidArgument(f"GET {path} did not return a JSON object")
    return result


def _get_agent(client: Retell, aid: str) -> tuple[str, dict[str, Any]]:
    """``("agent" | "chat_agent", object)``: a voice agent, else a chat agent (Retell answers 422 for unknown ids)."""
    import retell

    missing = (retell.NotFoundError, retell.UnprocessableEntityError)
    try:
        return "agent", _get(client, f"/get-agent/{aid}")
    except missing as voice_error:
        try:
            return "chat_agent", _get(client, f"/get-chat-agent/{aid}")
        except missing:
            raise voice_error from None


def _phone_numbers(client: Retell) -> list[dict[str, Any]]:
    """Every phone number of the account (``/v2/list-phone-numbers``, all pages)."""
    out: list[dict[str, Any]] = []
    key: str | None = None
    while True:
        query = "?limit=1000" + (f"&pagination_key={key}" if key else "")
        page: Any = client.get(f"/v2/list-phone-numbers{query}", cast_to=object)
        items = page if isinstance(page, list) else (page or {}).get("items") or (page or {}).get("data") or []
        out += items
        key = None if isinstance(page, list) else (page or {}).get("pagination_key")
        if not key or not items:
            return out


def import_agents(client: Retell, agent_ids: Sequence[str], *, stack_name: str = "imported") -> Imported:
    """Read agents (latest versions) and everything they use through ``client``; generate source."""
    f = Fetched({}, {}, {}, {}, {})
    notes: list[str] = []
    for aid in agent_ids:
        kind, agent = _get_agent(client, aid)
        f.agents[aid] = strip(kind, agent, notes)
        if kind == "chat_agent":
            f.chat.add(aid)
        engine = engine_of(agent)
        f.agent_engines[aid] = engine[1] if engine else None
        if engine and engine[1] not in f.engines:
            noun = "retell-llm" if engine[0] == "llm" else "conversation-flow"
            version = (agent.get("response_engine") or {}).get("version")
            query = f"?version={version}" if isinstance(version, int) else ""
            f.engines[engine[1]] = (engine[0], strip(engine[0], _get(client, f"/get-{noun}/{engine[1]}{query}"), notes))
    for _, payload in f.engines.values():
        kb_ids = list(payload.get("knowledge_base_ids") or [])
        kb_ids += [k for n in payload.get("nodes") or [] for k in n.get("knowledge_base_ids") or []]
        for kid in kb_ids:
            if kid not in f.kbs and (kb := kb_payload(_get(client, f"/get-knowledge-base/{kid}"))) is not None:
                f.kbs[kid] = kb
    for number in _phone_numbers(client):
        current = phone_payload(number)  # scalar bindings of older numbers as weighted lists
        bound = {b.get("agent_id") for key in ("inbound_agents", "outbound_agents") for b in current.get(key) or []}
        if bound & set(agent_ids):
            f.numbers[str(number["phone_number"])] = phone_payload(number, notes)
    return _finish(f, stack_name=stack_name, origin=f"agents {', '.join(agent_ids)}", notes=notes)


#: What belongs in an agent's ``response_engine`` (everything else there was meant for the agent).
_RESPONSE_ENGINE_KEYS = frozenset({"type", "llm_id", "conversation_flow_id", "version", "llm_websocket_url"})


def _lift_misplaced_engine(item: Mapping[str, Any], notes: list[str]) -> Mapping[str, Any]:
    """An agent whose engine JSON (and agent fields) were written inside ``response_engine``, set straight.

    Seen in a public template: ``response_engine`` held ``conversationFlow`` and ``voice_id``,
    ``language``, ... with an empty ``conversation_flow_id``. The engine moves beside the agent
    (as in the dashboard's export), the agent's fields up to the agent (unless it has them).
    """
    engine = item.get("response_engine")
    if not isinstance(engine, Mapping):
        return item
    nested = {k: dict(engine[k]) for k in ("conversationFlow", "retellLlmData") if isinstance(engine.get(k), Mapping)}
    if not nested:
        return item
    lifted = {k: v for k, v in item.items() if k != "response_engine"}
    kept = {k: v for k, v in engine.items() if k in _RESPONSE_ENGINE_KEYS and v not in ("", None)}
    moved = [k for k in engine if k not in _RESPONSE_ENGINE_KEYS and k not in nested]
    for body in nested.values():
        if "tools" in moved and "tools" not in body:
            body["tools"] = engine["tools"]  # an agent has no tools: they were the engine's
            moved.remove("tools")
    lifted.update(nested)
    for key in moved:
        lifted.setdefault(key, engine[key])
    lifted["response_engine"] = kept
    name = item.get("agent_name") or item.get("agent_id") or "?"
    notes.append(
        f"agent {name!r}: its engine JSON was inside response_engine; moved beside the agent"
        + (f", with {', '.join(moved)} moved up to the agent" if moved else "")
    )
    return lifted


def import_from_json(data: Any, *, stack_name: str = "imported", origin: str = "exported JSON") -> Imported:
    """Import the dashboard's agent export, or plain agent / LLM / flow JSON (one or a list)."""
    items = data if isinstance(data, list) else [data]
    f = Fetched({}, {}, {}, {}, {})
    notes: list[str] = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise InvalidArgument(f"expected JSON objects, got {type(item).__name__}")
        item = _lift_misplaced_engine(item, notes)
        nested = [(k, v) for k, v in (("llm", item.get("retellLlmData")), ("conversation_flow",
                  item.get("conversationFlow"))) if isinstance(v, Mapping)]  # fmt: skip
        if nested:
            kind, engine = nested[0]
            eid = str(engine.get("llm_id" if kind == "llm" else "conversation_flow_id") or f"#engine-{i}")
            f.engines[eid] = (kind, strip(kind, engine, notes))
            agent = {k: v for k, v in item.items() if k not in ("retellLlmData", "conversationFlow")}
            key = agent_key(agent, i)
            f.agents[key] = strip("agent", agent, notes)
            f.agent_engines[key] = eid
            continue
        kind = kind_of_json(item)
        if kind == "agent":
            key = agent_key(item, i)
            f.agents[key] = strip("agent", item, notes)
            engine_ref = engine_of(item)
            f.agent_engines[key] = engine_ref[1] if engine_ref else None
        else:
            id_key = "llm_id" if kind == "llm" else "conversation_flow_id"
            f.engines[str(item.get(id_key) or f"#engine-{i}")] = (kind, strip(kind, item, notes))
    for aid, engine_id in list(f.agent_engines.items()):
        if engine_id is not None and engine_id not in f.engines:
            f.agent_engines[aid] = None
    return _finish(f, stack_name=stack_name, origin=origin, notes=notes)
