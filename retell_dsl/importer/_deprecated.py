"""How deprecated Retell fields import: into the one current form the compiler writes.

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
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["DEPRECATED_ENGINE_FIELDS", "modernize"]

DEPRECATED_ENGINE_FIELDS = (
    "model",
    "s2s_model",
    "model_temperature",
    "model_high_priority",
    "model_ultrafast",
    "model_choice",
)

JSON = dict[str, Any]


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
