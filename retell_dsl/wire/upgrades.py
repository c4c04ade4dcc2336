"""Retell's deprecations and renames, in one place: older wire shapes become the current ones.

:func:`upgrade` takes a payload as Retell stored or exported it (possibly months old) and returns
the current shape *where the meaning is certain*, listing each change; where it is not, the value
is kept as written and a warning says what Retell now expects. The importer prints both and the
generated source carries them as comments. Sources: retell-sdk's history and retell-api.md §0.

Certain (changed): the model fields below, and a phone number's scalar agent bindings:

=====================================  =========================================================
deprecated field (phone number)        imported as
=====================================  =========================================================
``inbound_agent_id`` (+ ``_version``)  ``inbound_agents: [{agent_id, weight: 1, agent_version}]``
``outbound_agent_id`` (+ ``_version``) ``outbound_agents: [{agent_id, weight: 1, agent_version}]``
=====================================  =========================================================

One agent with the whole weight is what the scalar field meant. When the weighted list is already
set (Retell wrote both during the deprecation window), the list wins and the scalars are dropped:
the 6.x API has no scalar fields, so they could not be sent anyway. ``null`` scalars are dropped.

Kept as written, with a warning (the current form would change the meaning or is unknown):

=====================================  =========================================================
older shape                            what Retell now expects
=====================================  =========================================================
agent ``opt_out_sensitive_data_storage``  ``data_storage_setting``
agent ``language: "multi"``            a list of locales
LLM tools ``check_availability_cal``,  ``integration_app`` tools (Cal.com tools were removed)
``book_appointment_cal``
flow ``tools`` of type ``transfer_call``  flow tools are ``custom`` / ``integration_app``;
/ ``end_call``                         transfers and hang-ups are nodes
=====================================  =========================================================

Model fields:

Retell still returns, and dashboard exports still carry, model settings in their pre-6.x fields.
The import keeps their meaning in the current ``model_config`` form, so the generated code compiles
to exactly the payload the import recorded, and no setting is carried twice (once typed, once in
``extra=``):

=====================================  =========================================================
deprecated field (LLM, flow)           imported as
=====================================  =========================================================
``model``                              ``model_config`` ``{"type": "cascading", "primary": {"model"}}``
``s2s_model``                          ``model_config`` ``{"type": "s2s", "primary": {"model"}}``
``model_temperature``                  ``model_config.temperature``
``model_high_priority: true``          ``model_config.primary.tier = "fast"``
``model_ultrafast: true``              ``model_config.primary.tier = "ultrafast"``
``model_choice`` (flow)                ``model_config`` (its ``model``, ``high_priority``, ``ultrafast``)
``model_choice`` (flow node)           the node's ``model_config.primary.model``
=====================================  =========================================================

Retell ignores the deprecated fields when ``model_config`` is present, and so does the import (they
are dropped). ``model_high_priority: false`` and ``model_ultrafast: false`` mean the standard tier,
which is the default, and are dropped too. A deprecated value that has no current form (a tier
without a model, an unknown ``model_choice`` shape; an agent's ``opt_out_sensitive_data_storage``,
which the 6.x API no longer has) is left as it is, so the importer carries it in ``extra=`` only,
and nothing is lost.

>>> modernize("llm", {"model": "gpt-4o", "model_temperature": 0.2, "general_prompt": "Hi"})
{'general_prompt': 'Hi', 'model_config': {'type': 'cascading', 'primary': {'model': 'gpt-4o'}, 'temperature': 0.2}}
>>> modernize("llm", {"model": "gpt-4o", "model_config": {"type": "cascading", "primary": {"model": "gpt-4.1"}}})
{'model_config': {'type': 'cascading', 'primary': {'model': 'gpt-4.1'}}}
>>> up = upgrade("agent", {"voice_id": "v", "opt_out_sensitive_data_storage": True})
>>> up.changes, up.warnings
((), ('opt_out_sensitive_data_storage: kept as written; Retell now expects data_storage_setting',))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["DEPRECATED_ENGINE_FIELDS", "Upgraded", "modernize", "upgrade"]

DEPRECATED_ENGINE_FIELDS = (
    "model",
    "s2s_model",
    "model_temperature",
    "model_high_priority",
    "model_ultrafast",
    "model_choice",
)

JSON = dict[str, Any]

#: Removed LLM tool types → what Retell expects now.
_REMOVED_TOOL_TYPES = {
    "check_availability_cal": "integration_app tools (Cal.com tools were removed)",
    "book_appointment_cal": "integration_app tools (Cal.com tools were removed)",
}
#: Tool types a conversation flow's ``tools`` list no longer takes.
_NOT_FLOW_TOOL_TYPES = {
    "transfer_call": "flow tools of type custom or integration_app (a transfer is a TransferNode)",
    "end_call": "flow tools of type custom or integration_app (a hang-up is an EndNode)",
}


@dataclass(frozen=True)
class Upgraded:
    """A payload in its current shape, what was changed, and what was kept although outdated."""

    payload: JSON
    changes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def upgrade(kind: str, payload: Mapping[str, Any]) -> Upgraded:
    """``payload`` (an ``agent``, ``llm``, ``conversation_flow`` or ``phone_number``) upgraded where certain.

    >>> up = upgrade("phone_number", {"phone_number": "+14155550100", "inbound_agent_id": "agent_1"})
    >>> up.payload["inbound_agents"], up.changes
    ([{'agent_id': 'agent_1', 'weight': 1.0}], ('inbound_agent_id: became inbound_agents (weight 1.0)',))
    """
    if kind == "phone_number":
        phone, notes = _phone(payload)
        return Upgraded(phone, tuple(notes))
    out = modernize(kind, payload)
    changes = _model_changes(kind, payload, out)
    warnings: list[str] = []
    if kind == "agent":
        if "opt_out_sensitive_data_storage" in out:
            warnings.append("opt_out_sensitive_data_storage: kept as written; Retell now expects data_storage_setting")
        if out.get("language") == "multi":
            warnings.append('language "multi": kept as written; Retell now expects a list of locales')
    tool_lists: list[tuple[str, Any]] = []
    if kind == "llm":
        tool_lists.append(("general_tools", out.get("general_tools")))
        for i, st in enumerate(out.get("states") or []):
            if isinstance(st, Mapping):
                tool_lists.append((f"states[{i}].tools", st.get("tools")))
        for where, tools in tool_lists:
            for j, t in enumerate(tools if isinstance(tools, list) else []):
                if isinstance(t, Mapping) and t.get("type") in _REMOVED_TOOL_TYPES:
                    warnings.append(f"{where}[{j}] of type {t['type']!r}: kept as written; Retell now expects "
                                    f"{_REMOVED_TOOL_TYPES[t['type']]}")  # fmt: skip
    if kind == "conversation_flow":
        flow_tools = out.get("tools")
        for j, t in enumerate(flow_tools if isinstance(flow_tools, list) else []):
            if isinstance(t, Mapping) and t.get("type") in _NOT_FLOW_TOOL_TYPES:
                warnings.append(f"tools[{j}] of type {t['type']!r}: kept as written; Retell now expects "
                                f"{_NOT_FLOW_TOOL_TYPES[t['type']]}")  # fmt: skip
    return Upgraded(out, tuple(changes), tuple(warnings))


def _model_changes(kind: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """One line per deprecated model field turned into (or dropped next to) ``model_config``."""
    if kind not in ("llm", "conversation_flow"):
        return []
    gone = [k for k in DEPRECATED_ENGINE_FIELDS if k in before and k not in after]
    out: list[str] = []
    if gone:
        how = (
            "dropped (model_config is set, Retell ignores them)" if "model_config" in before else "became model_config"
        )
        out.append(f"{', '.join(gone)}: {how} = {after.get('model_config')!r}" if "model_config" not in before
                   else f"{', '.join(gone)}: {how}")  # fmt: skip
    kept = [k for k in DEPRECATED_ENGINE_FIELDS if k in after]
    if kept:
        out.append(f"{', '.join(kept)}: no certain current form; kept as written (Retell now expects model_config)")
    nodes = [n for n in before.get("nodes") or [] if isinstance(n, Mapping) and "model_choice" in n]
    if nodes:
        out.append(f"model_choice of {len(nodes)} node(s): became the node's model_config where it translates")
    return out


def modernize(kind: str, payload: Mapping[str, Any]) -> JSON:
    """``payload`` (a Retell LLM or conversation flow) with deprecated model fields in current form."""
    if kind not in ("llm", "conversation_flow"):
        return dict(payload)
    out = _engine(payload)
    if kind == "conversation_flow":
        _nodes_of(out)
        if isinstance(out.get("components"), list):
            out["components"] = [_nodes_of(dict(c)) if isinstance(c, Mapping) else c for c in out["components"]]
    return out


def _nodes_of(container: JSON) -> JSON:
    """``container`` (a flow or a component) with its nodes' ``model_choice`` in current form."""
    if isinstance(container.get("nodes"), list):
        container["nodes"] = [_node(n) if isinstance(n, Mapping) else n for n in container["nodes"]]
    return container


def _engine(data: Mapping[str, Any]) -> JSON:
    present = [k for k in DEPRECATED_ENGINE_FIELDS if k in data]
    if not present:
        return dict(data)
    out = {k: v for k, v in data.items() if k not in DEPRECATED_ENGINE_FIELDS}
    if "model_config" in data:
        return out  # Retell ignores the deprecated fields then
    settings = _settings(data)
    if settings is None:
        return dict(data)  # no current form: keep it all (the importer carries it in extra=)
    kind, model, tier, temperature = settings
    cfg: JSON = {"type": kind}
    if model is not None:
        primary: JSON = {"model": model}
        if tier is not None:
            primary["tier"] = tier
        cfg["primary"] = primary
    if temperature is not None:
        cfg["temperature"] = temperature
    if len(cfg) > 1:
        out["model_config"] = cfg
    return out


def _settings(data: Mapping[str, Any]) -> tuple[str, str | None, str | None, Any] | None:
    """``(type, model, tier, temperature)`` of the deprecated fields, or None if they do not translate."""
    model, s2s, temperature = data.get("model"), data.get("s2s_model"), data.get("model_temperature")
    fast, ultrafast = data.get("model_high_priority"), data.get("model_ultrafast")
    choice = data.get("model_choice")
    if isinstance(choice, Mapping):
        if set(choice) - {"type", "model", "high_priority", "ultrafast"} or not isinstance(choice.get("model"), str):
            return None
        if model is not None or s2s is not None:
            return None
        if choice.get("type") == "s2s":
            s2s = choice["model"]
        elif choice.get("type", "cascading") == "cascading":
            model = choice["model"]
        else:
            return None
        fast = choice.get("high_priority", fast)
        ultrafast = choice.get("ultrafast", ultrafast)
    elif choice is not None:
        return None
    if not all(v is None or isinstance(v, bool) for v in (fast, ultrafast)):
        return None
    if temperature is not None and (isinstance(temperature, bool) or not isinstance(temperature, int | float)):
        return None
    tier = "ultrafast" if ultrafast else "fast" if fast else None
    if s2s is not None:
        if not isinstance(s2s, str) or model is not None or tier is not None:
            return None
        return "s2s", s2s, None, temperature
    if model is not None and not isinstance(model, str):
        return None
    if tier is not None and model is None:
        return None  # Retell keeps a tier only next to a model
    return "cascading", model, tier, temperature


def _node(data: Mapping[str, Any]) -> JSON:
    choice = data.get("model_choice")
    if choice is None:
        return dict(data)
    out = {k: v for k, v in data.items() if k != "model_choice"}
    if "model_config" in data:
        return out
    if (
        isinstance(choice, Mapping)
        and set(choice) <= {"type", "model"}
        and choice.get("type", "cascading") == "cascading"
        and isinstance(choice.get("model"), str)
    ):
        out["model_config"] = {"primary": {"model": choice["model"]}}
        return out
    return dict(data)


def _phone(data: Mapping[str, Any]) -> tuple[JSON, list[str]]:
    """A phone number with its scalar agent bindings as weighted lists (see the module docstring)."""
    out = dict(data)
    notes: list[str] = []
    for direction in ("inbound", "outbound"):
        id_key, version_key, list_key = f"{direction}_agent_id", f"{direction}_agent_version", f"{direction}_agents"
        if id_key not in out and version_key not in out:
            continue
        agent, version = out.pop(id_key, None), out.pop(version_key, None)
        if agent is None:
            if version is not None:
                notes.append(f"{version_key}: dropped (no {id_key} next to it)")
            continue
        if out.get(list_key):
            notes.append(f"{id_key}: dropped ({list_key} is set, and Retell's 6.x API has only the list)")
            continue
        binding: JSON = {"agent_id": agent, "weight": 1.0}
        if version is not None:
            binding["agent_version"] = version
        out[list_key] = [binding]
        notes.append(f"{id_key}{' and ' + version_key if version is not None else ''}: became {list_key} (weight 1.0)")
    return out, notes
