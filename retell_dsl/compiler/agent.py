"""Compile agents: response engine reference, voice, call handling, analysis, privacy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from retell_dsl.builders.agent import Agent
from retell_dsl.builders.base import UNSET
from retell_dsl.builders.chat_agent import ChatAgent
from retell_dsl.builders.engine import CustomLLM, ExistingEngine
from retell_dsl.builders.llm import RetellLLM
from retell_dsl.compiler._emit import merge_extra, put, put_all, ref_or_id
from retell_dsl.compiler.tools import compile_data_field
from retell_dsl.compiler.values import JSON, text

__all__ = ["agent_body", "compile_agent", "finish_agent_body", "response_engine"]

_SAME_NAME = (
    "voice_model",
    "voice_speed",
    "voice_temperature",
    "volume",
    "ambient_sound",
    "ambient_sound_volume",
    "language",
    "stt_mode",
    "vocab_specialization",
    "boosted_keywords",
    "denoising_mode",
    "begin_message_delay_ms",
    "responsiveness",
    "interruption_sensitivity",
    "enable_dynamic_responsiveness",
    "enable_backchannel",
    "backchannel_frequency",
    "backchannel_words",
    "reminder_trigger_ms",
    "reminder_max_count",
    "end_call_after_silence_ms",
    "max_call_duration_ms",
    "ring_duration_ms",
    "allow_user_dtmf",
    "allow_dtmf_interruption",
    "webhook_url",
    "webhook_events",
    "webhook_timeout_ms",
    "opt_in_signed_url",
    "timezone",
    "version_title",
    "version_description",
)
_RENAMED = (
    ("fallback_voices", "fallback_voice_ids"),
    ("analysis_model", "post_call_analysis_model"),
    ("data_storage", "data_storage_setting"),
    ("data_retention_days", "data_storage_retention_days"),
)


def response_engine(agent: Agent | ChatAgent) -> JSON:
    """``response_engine``: a ``$ref:`` to the LLM/flow spec, or the custom LLM URL."""
    engine = agent.engine
    if isinstance(engine, CustomLLM):
        return {"type": "custom-llm", "llm_websocket_url": engine.url}
    if isinstance(engine, ExistingEngine):  # outside the stack: its remote id as is
        key = "llm_id" if engine.kind == "retell-llm" else "conversation_flow_id"
        existing: JSON = {"type": engine.kind, key: engine.id}
        put(existing, "version", agent.engine_version)
        return existing
    if isinstance(engine, RetellLLM):
        out: JSON = {"type": "retell-llm", "llm_id": ref_or_id(engine)}
    else:
        out = {"type": "conversation-flow", "conversation_flow_id": ref_or_id(engine)}
    put(out, "version", agent.engine_version)
    return out


def agent_body(
    agent: Agent | ChatAgent,
    same_name: tuple[str, ...],
    renamed: tuple[tuple[str, str], ...],
    **first: Any,
) -> JSON:
    """The head of an agent's body: ``agent_name``, ``first`` (the voice's ``voice_id``),
    ``response_engine``, then the set fields of ``same_name`` and of ``renamed`` (field, wire key)."""
    out: JSON = {"agent_name": agent.name, **first, "response_engine": response_engine(agent)}
    put_all(out, agent, same_name)
    for field_name, wire_name in renamed:
        put(out, wire_name, getattr(agent, field_name))
    return out


def finish_agent_body(
    out: JSON, agent: Agent | ChatAgent, analysis_key: str, analysis: Callable[[Any], JSON] = compile_data_field
) -> JSON:
    """The tail of an agent's body: its analysis fields under ``analysis_key``, ``pii_config``, then ``extra=``."""
    if agent.analysis_fields:
        out[analysis_key] = [analysis(f) for f in agent.analysis_fields]
    if agent.pii_categories is not UNSET:
        out["pii_config"] = {"mode": "post_call", "categories": list(agent.pii_categories)}
    return merge_extra(out, agent.extra)


def compile_agent(agent: Agent) -> JSON:
    """The ``create-agent`` body (``AgentCreateParams``)."""
    out = agent_body(agent, _SAME_NAME, _RENAMED, voice_id=agent.voice)
    if agent.pronunciations:
        out["pronunciation_dictionary"] = [
            {"word": p.word, "alphabet": p.alphabet, "phoneme": p.phoneme} for p in agent.pronunciations
        ]
    if agent.speech_normalization is not UNSET:
        out["handbook_config"] = {"speech_normalization": agent.speech_normalization}
    vm = agent.voicemail
    if vm is None:
        out["voicemail_option"] = None
    elif vm is not UNSET:
        action: JSON = {"type": vm.action}
        if vm.text is not UNSET:
            action["text"] = text(vm.text)
        option: JSON = {"action": action}
        put(option, "detection_prompt", vm.detection_prompt)
        out["voicemail_option"] = option
    if agent.ivr is None:
        out["ivr_option"] = None
    elif agent.ivr is not UNSET:
        ivr: JSON = {"action": {"type": "hangup"}}
        put(ivr, "detection_prompt", agent.ivr.detection_prompt)
        out["ivr_option"] = ivr
    if agent.dtmf_options is None:
        out["user_dtmf_options"] = None
    elif agent.dtmf_options is not UNSET:
        dtmf: JSON = {}
        put_all(dtmf, agent.dtmf_options, ("digit_limit", "termination_key", "timeout_ms"))
        out["user_dtmf_options"] = dtmf
    return finish_agent_body(out, agent, "post_call_analysis_data")
