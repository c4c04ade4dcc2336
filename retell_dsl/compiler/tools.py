"""Compile tools, transfer destinations/options and data fields to their wire objects."""

from __future__ import annotations

from typing import Any

from retell_dsl.builders.base import UNSET, Unset
from retell_dsl.builders.fields import EnumField, StringField
from retell_dsl.builders.prompt import Prompt, Var
from retell_dsl.builders.tools import (
    AgenticWarmTransfer,
    AgentSwap,
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
    SpeakingTool,
    Tool,
    TransferCall,
    WarmTransfer,
)
from retell_dsl.builders.tools.transfer import Destination, TransferOption
from retell_dsl.compiler._emit import merge_extra, put, put_all, ref_or_id
from retell_dsl.compiler.values import JSON, text
from retell_dsl.wire.ids import tool_id

__all__ = [
    "AGENT_SWAP_SETTINGS",
    "compile_data_field",
    "compile_flow_tool",
    "compile_tool",
    "destination",
    "transfer_option",
]


def compile_data_field(f: Any) -> JSON:
    """An extraction variable or a post-call analysis field."""
    out: JSON = {"type": f.TYPE, "name": f.name}
    put(out, "description", f.description)
    if isinstance(f, StringField):
        put(out, "examples", f.examples)
    if isinstance(f, EnumField):
        put(out, "choices", f.choices)
    put(out, "required", f.required)
    put(out, "conditional_prompt", f.conditional_prompt)
    return out


def destination(dest: Destination, extension: str | Unset = UNSET) -> JSON:
    """``transfer_destination``."""
    if isinstance(dest, Inferred):
        return {"type": "inferred", "prompt": text(dest.prompt)}
    out: JSON = {"type": "predefined", "number": dest.ref if isinstance(dest, Var) else dest}
    put(out, "extension", extension)
    return out


def _handoff(h: Handoff) -> JSON:
    key = "prompt" if h.kind == "prompt" else "message"
    return {"type": h.kind, key: text(h.text)}


def transfer_option(option: TransferOption) -> JSON:
    """``transfer_option``."""
    if isinstance(option, ColdTransfer):
        out: JSON = {"type": "cold_transfer"}
        put(out, "cold_transfer_mode", option.mode)
        put(out, "show_transferee_as_caller", option.show_transferee_as_caller)
        put(out, "transfer_ring_duration_ms", option.ring_duration_ms)
        return out
    if isinstance(option, WarmTransfer):
        out = {"type": "warm_transfer"}
        put_all(
            out,
            option,
            (
                "agent_detection_timeout_ms",
                "on_hold_music",
                "custom_on_hold_music_asset_id",
                "enable_bridge_audio_cue",
                "opt_out_human_detection",
                "show_transferee_as_caller",
            ),
        )
        if option.ivr_prompt is not UNSET:
            out["ivr_option"] = {"type": "prompt", "prompt": text(option.ivr_prompt)}
        if option.private_handoff is not UNSET:
            out["private_handoff_option"] = _handoff(option.private_handoff)
        if option.public_handoff is not UNSET:
            out["public_handoff_option"] = _handoff(option.public_handoff)
        put(out, "transfer_ring_duration_ms", option.ring_duration_ms)
        return out
    assert isinstance(option, AgenticWarmTransfer)
    config: JSON = {}
    if option.transfer_agent is not UNSET:
        agent: JSON = {"agent_id": ref_or_id(option.transfer_agent)}
        put(agent, "agent_version", option.transfer_agent_version)
        config["transfer_agent"] = agent
    put(config, "action_on_timeout", option.action_on_timeout)
    put(config, "transfer_timeout_ms", option.timeout_ms)
    out = {"type": "agentic_warm_transfer", "agentic_transfer_config": config}
    put_all(
        out,
        option,
        ("on_hold_music", "custom_on_hold_music_asset_id", "enable_bridge_audio_cue", "show_transferee_as_caller"),
    )
    if option.public_handoff is not UNSET:
        out["public_handoff_option"] = _handoff(option.public_handoff)
    put(out, "transfer_ring_duration_ms", option.ring_duration_ms)
    return out


def _sms_content(text_: str | Prompt | Unset, prompt: str | Prompt | Unset, template: str | Unset) -> JSON:
    if text_ is not UNSET:
        return {"type": "predefined", "text": text(text_)}
    if prompt is not UNSET:
        return {"type": "inferred", "prompt": text(prompt)}
    return {"type": "template", "template": template}


def sms_destination(to_number: str | Var | Unset, ignore: bool | Unset) -> JSON:
    """``sms_destination``: the caller, or a fixed number."""
    if to_number is UNSET:
        return {"type": "customer_number"}
    out: JSON = {"type": "phone_number", "phone_number": text(to_number)}
    put(out, "ignore_e164_validation", ignore)
    return out


AGENT_SWAP_SETTINGS = (
    "agent_version",
    "post_call_analysis_setting",
    "webhook_setting",
    "keep_current_voice",
    "keep_current_language",
    "use_swap_agent_max_duration",
)
"""The settings of an agent swap that an AgentSwap tool and an AgentSwapNode send under their own name."""

_EXTRA_FIELDS: dict[type, tuple[str, ...]] = {
    EndCall: ("custom_sip_headers",),
    TransferCall: ("custom_sip_headers", "ignore_e164_validation"),
    AgentSwap: AGENT_SWAP_SETTINGS,
    PressDigit: ("delay_ms",),
    SendSMS: ("speak_after_execution",),
    CustomTool: (
        "url",
        "method",
        "headers",
        "query_params",
        "parameters",
        "parameter_type",
        "args_at_root",
        "response_variables",
        "timeout_ms",
        "max_retry",
        "speak_after_execution",
        "enable_typing_sound",
    ),
    CodeTool: ("code", "response_variables", "timeout_ms", "speak_after_execution", "enable_typing_sound"),
    ExtractVariables: ("enable_typing_sound",),
    McpTool: ("input_schema", "response_variables", "speak_after_execution", "enable_typing_sound"),
    IntegrationAppTool: (
        "app_id",
        "provider",
        "parameters",
        "response_variables",
        "speak_after_execution",
        "enable_typing_sound",
    ),
}


def compile_tool(tool: Tool) -> JSON:
    """Any LLM tool (``general_tools``, state tools, subagent node tools)."""
    out: JSON = {"type": tool.TYPE, "name": tool.name}
    put(out, "description", tool.description)
    if isinstance(tool, SpeakingTool):
        put(out, "speak_during_execution", tool.speak_during_execution)
        put(out, "execution_message_description", tool.execution_message)
        put(out, "execution_message_type", tool.execution_message_type)
    put_all(out, tool, _EXTRA_FIELDS.get(type(tool), ()))
    if isinstance(tool, TransferCall):
        out["transfer_destination"] = destination(tool.destination, tool.extension)
        out["transfer_option"] = transfer_option(tool.option)
    elif isinstance(tool, AgentSwap):
        out["agent_id"] = ref_or_id(tool.agent)
    elif isinstance(tool, SendSMS):
        out["sms_content"] = _sms_content(tool.text, tool.prompt, tool.template)
        if tool.to_number is not UNSET:
            out["sms_destination"] = sms_destination(tool.to_number, tool.ignore_e164_validation)
        if tool.sender is not UNSET:
            out["sms_sender"] = {"type": tool.sender}
    elif isinstance(tool, ExtractVariables):
        out["variables"] = [compile_data_field(v) for v in tool.variables]
    elif isinstance(tool, McpTool):
        put(out, "mcp_id", tool.mcp)
    elif isinstance(tool, IntegrationAppTool):
        out["app_tool_template_name"] = tool.template
        if tool.output_fields is None:
            out["output_selection"] = {"mode": "all"}
        elif tool.output_fields is not UNSET:
            out["output_selection"] = {"mode": "subset", "fields": list(tool.output_fields)}
    return merge_extra(out, tool.extra)


def compile_flow_tool(tool: CustomTool | IntegrationAppTool) -> JSON:
    """A flow/component tool: as an LLM tool plus a stable ``tool_id`` derived from its name."""
    out = compile_tool(tool)
    out.setdefault("tool_id", tool_id(tool.name))
    return out
