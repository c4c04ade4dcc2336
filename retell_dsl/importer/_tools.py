"""Wire tools, transfer settings, data fields and conditions back into DSL specs.

>>> tool = decompile_tool({"type": "end_call", "name": "end_call", "description": "Hang up."})
>>> tool
EndCall(name='end_call', description='Hang up.')
>>> decompile_condition({"type": "equation", "operator": "&&",
...                      "equations": [{"left": "{{date}}", "operator": "exists"}]})
Comparison(left='{{date}}', operator='exists')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retell_dsl.builders.base import UNSET, Unset
from retell_dsl.builders.conditions import Comparison, Condition, Equation
from retell_dsl.builders.fields import BooleanField, EnumField, NumberField, StringField, SystemPreset
from retell_dsl.builders.tools import (
    AgenticWarmTransfer,
    AgentSwap,
    BridgeTransfer,
    CancelTransfer,
    CodeTool,
    ColdTransfer,
    CustomTool,
    EndCall,
    ExtractVariables,
    Handoff,
    Inferred,
    IntegrationAppTool,
    McpTool,
    PressDigit,
    SendSMS,
    Tool,
    TransferCall,
    WarmTransfer,
)
from retell_dsl.builders.tools.transfer import Destination, TransferOption
from retell_dsl.compiler.tools import compile_data_field, compile_tool, destination, transfer_option
from retell_dsl.errors import InvalidArgument, InvalidSpec
from retell_dsl.importer._patch import JSON, copy_same_named, verified

__all__ = [
    "decompile_condition",
    "decompile_destination",
    "decompile_field",
    "decompile_option",
    "decompile_sms_target",
    "decompile_tool",
]

TOOL_TYPES: dict[str, type[Tool]] = {
    cls.TYPE: cls
    for cls in (AgentSwap, BridgeTransfer, CancelTransfer, CodeTool, CustomTool, EndCall, ExtractVariables,
                IntegrationAppTool, McpTool, PressDigit, SendSMS, TransferCall)
}  # fmt: skip
FIELD_TYPES: dict[str, type[Any]] = {
    "string": StringField,
    "enum": EnumField,
    "boolean": BooleanField,
    "number": NumberField,
    "system-presets": SystemPreset,
}


def decompile_condition(cond: Mapping[str, Any]) -> Condition | None:
    """A ``transition_condition`` as a prompt string or an equation; None if not expressible."""
    if cond.get("type") == "prompt" and isinstance(cond.get("prompt"), str) and set(cond) == {"type", "prompt"}:
        return str(cond["prompt"])
    if cond.get("type") != "equation" or set(cond) - {"type", "operator", "equations"}:
        return None
    comparisons = []
    for eq in cond.get("equations") or []:
        if not isinstance(eq, Mapping) or set(eq) - {"left", "operator", "right"} or "left" not in eq:
            return None
        if "right" in eq and not isinstance(eq["right"], str):
            return None
        comparisons.append(Comparison(left=eq["left"], operator=eq.get("operator", ""), right=eq.get("right")))
    operator = cond.get("operator", "&&")
    if len(comparisons) == 1 and operator == "&&":
        return comparisons[0]
    return Equation(operator=operator, comparisons=tuple(comparisons))


def decompile_field(data: Any) -> Any:
    """An extraction variable / analysis field; raw JSON when the DSL cannot reproduce it."""
    if not isinstance(data, Mapping):
        return None
    cls = FIELD_TYPES.get(str(data.get("type")))
    if cls is None or "name" not in data:
        return None
    kwargs: JSON = {"name": data["name"]}
    if cls is not SystemPreset:
        kwargs["description"] = data.get("description", "")
    copy_same_named(cls, data, {"type", "name"}, kwargs)
    try:
        spec = cls(**kwargs)
    except (InvalidArgument, InvalidSpec):  # a value the builder refuses: the caller keeps the raw JSON
        return None
    return spec if compile_data_field(spec) == dict(data) else None


def decompile_destination(data: Mapping[str, Any]) -> tuple[Destination, str | Unset] | None:
    """``transfer_destination`` → (destination, extension)."""
    if data.get("type") == "inferred" and set(data) == {"type", "prompt"}:
        return Inferred(prompt=data["prompt"]), UNSET
    if data.get("type") == "predefined" and isinstance(data.get("number"), str):
        extension = data.get("extension", UNSET)
        out = (str(data["number"]), extension)
        return out if destination(out[0], extension) == dict(data) else None
    return None


def _handoff(data: Any) -> Handoff | Unset | None:
    if data is None:
        return UNSET
    if isinstance(data, Mapping) and data.get("type") == "prompt" and "prompt" in data:
        return Handoff.prompt(data["prompt"])
    if isinstance(data, Mapping) and data.get("type") == "static_message" and "message" in data:
        return Handoff.message(data["message"])
    return None


def decompile_option(data: Mapping[str, Any]) -> TransferOption | None:
    """``transfer_option`` → ColdTransfer / WarmTransfer / AgenticWarmTransfer (None if not exact)."""
    kind = data.get("type")
    option: TransferOption
    config = data.get("agentic_transfer_config") or {}
    if not isinstance(config, Mapping) or not isinstance(config.get("transfer_agent") or {}, Mapping):
        return None
    try:
        if kind == "cold_transfer":
            option = ColdTransfer(
                mode=data.get("cold_transfer_mode", UNSET),
                show_transferee_as_caller=data.get("show_transferee_as_caller", UNSET),
                ring_duration_ms=data.get("transfer_ring_duration_ms", UNSET),
            )
        elif kind == "warm_transfer":
            kw: JSON = {}
            copy_same_named(WarmTransfer, data, {"type"}, kw)
            ivr = data.get("ivr_option")
            if isinstance(ivr, Mapping) and ivr.get("type") == "prompt":
                kw["ivr_prompt"] = ivr.get("prompt")
            for key, field in (
                ("private_handoff_option", "private_handoff"),
                ("public_handoff_option", "public_handoff"),
            ):
                h = _handoff(data.get(key))
                if h is None:
                    return None
                kw[field] = h
            kw["ring_duration_ms"] = data.get("transfer_ring_duration_ms", UNSET)
            option = WarmTransfer(**kw)
        elif kind == "agentic_warm_transfer":
            agent = config.get("transfer_agent") or {}
            h = _handoff(data.get("public_handoff_option"))
            if h is None:
                return None
            kw = {}
            copy_same_named(AgenticWarmTransfer, data, {"type", "ring_duration_ms"}, kw)
            option = AgenticWarmTransfer(
                **kw,
                transfer_agent=agent.get("agent_id", UNSET),
                transfer_agent_version=agent.get("agent_version", UNSET),
                action_on_timeout=config.get("action_on_timeout", UNSET),
                timeout_ms=config.get("transfer_timeout_ms", UNSET),
                public_handoff=h,
                ring_duration_ms=data.get("transfer_ring_duration_ms", UNSET),
            )
        else:
            return None
    except (InvalidArgument, InvalidSpec):  # a value the builders refuse: keep the raw JSON
        return None
    return option if transfer_option(option) == dict(data) else None


_RENAMED = {"execution_message_description": "execution_message", "app_tool_template_name": "template", "mcp_id": "mcp"}


def _sms(data: Mapping[str, Any], kwargs: JSON, handled: set[str]) -> None:
    content = data.get("sms_content")
    if isinstance(content, Mapping):
        for kind, key, field in (("predefined", "text", "text"), ("inferred", "prompt", "prompt"),
                                 ("template", "template", "template")):  # fmt: skip
            if content.get("type") == kind and set(content) == {"type", key}:
                kwargs[field] = content[key]
                handled.add("sms_content")
    decompile_sms_target(data, kwargs, handled)


def decompile_sms_target(data: Mapping[str, Any], kwargs: JSON, handled: set[str]) -> None:
    """``sms_destination`` (a fixed number; the caller is the default) and ``sms_sender`` of an SMS
    tool or node, as ``to_number``, ``ignore_e164_validation`` and ``sender``."""
    dest = data.get("sms_destination")
    if isinstance(dest, Mapping) and dest.get("type") == "phone_number" and "phone_number" in dest:
        kwargs["to_number"] = dest["phone_number"]
        kwargs["ignore_e164_validation"] = dest.get("ignore_e164_validation", UNSET)
        handled.add("sms_destination")
    sender = data.get("sms_sender")
    if isinstance(sender, Mapping) and set(sender) == {"type"}:
        kwargs["sender"] = sender["type"]
        handled.add("sms_sender")


def decompile_tool(data: Mapping[str, Any]) -> Tool | JSON:
    """Any LLM/flow tool as its DSL spec (``extra`` carries what the builders cannot express)."""
    cls = TOOL_TYPES.get(str(data.get("type")))
    if cls is None or not isinstance(data.get("name"), str):
        return dict(data)
    kwargs: JSON = {"name": data["name"]}
    handled = {"type", "name"}
    for key, field in _RENAMED.items():
        if key in data and (cls is not McpTool or key != "app_tool_template_name"):
            kwargs[field] = data[key]
            handled.add(key)
    if cls in (TransferCall,):
        dest = decompile_destination(data.get("transfer_destination") or {})
        option = decompile_option(data.get("transfer_option") or {})
        kwargs["destination"], kwargs["extension"] = dest if dest else ("+10000000000", UNSET)
        kwargs["option"] = option or ColdTransfer()
        handled |= {k for k, ok in (("transfer_destination", dest), ("transfer_option", option)) if ok}
    elif cls is AgentSwap:
        kwargs["agent"] = str(data.get("agent_id", ""))
        handled.add("agent_id")
    elif cls is SendSMS:
        _sms(data, kwargs, handled)
        if not any(k in kwargs for k in ("text", "prompt", "template")):
            kwargs["text"] = ""
    elif cls is ExtractVariables:
        fields = [decompile_field(v) for v in data.get("variables") or []]
        if all(f is not None for f in fields):
            kwargs["variables"] = tuple(fields)
            handled.add("variables")
        kwargs.setdefault("description", data.get("description", ""))
    elif cls is IntegrationAppTool:
        sel = data.get("output_selection")
        if sel == {"mode": "all"}:
            kwargs["output_fields"] = None
            handled.add("output_selection")
        elif isinstance(sel, Mapping) and sel.get("mode") == "subset" and set(sel) == {"mode", "fields"}:
            kwargs["output_fields"] = tuple(sel["fields"])
            handled.add("output_selection")
        for key in ("app_id", "provider"):
            kwargs.setdefault(key, data.get(key, "?"))
        kwargs.setdefault("template", "?")
    elif cls is McpTool:
        kwargs.setdefault("description", data.get("description", ""))
    elif cls in (CustomTool, CodeTool):
        kwargs.setdefault((cls is CustomTool and "url") or "code", data.get("url" if cls is CustomTool else "code", ""))
    copy_same_named(cls, data, handled, kwargs, deep=frozenset({"parameters", "input_schema"}))
    if cls is CustomTool and isinstance(kwargs.get("parameters"), tuple):
        kwargs.pop("parameters")
    spec = cls(**kwargs)
    spec, _ = verified(spec, compile_tool, data)
    return spec
