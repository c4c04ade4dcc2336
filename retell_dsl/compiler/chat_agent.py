"""Compile chat agents: response engine reference, chat endings, post-chat analysis, privacy."""

from __future__ import annotations

from retell_dsl.builders.chat_agent import ChatAgent
from retell_dsl.builders.fields import SystemPreset
from retell_dsl.compiler.agent import agent_body, finish_agent_body
from retell_dsl.compiler.tools import compile_data_field
from retell_dsl.compiler.values import JSON

__all__ = ["CHAT_PRESETS", "compile_chat_agent"]

CHAT_PRESETS = {"call_summary": "chat_summary", "call_successful": "chat_successful"}
"""Post-call presets and the post-chat presets they stand for (``user_sentiment`` is both)."""

_SAME_NAME = (
    "language",
    "timezone",
    "end_chat_after_silence_ms",
    "auto_close_message",
    "webhook_url",
    "webhook_events",
    "webhook_timeout_ms",
    "opt_in_signed_url",
    "signed_url_expiration_ms",
    "version_title",
)
_RENAMED = (
    ("analysis_model", "post_chat_analysis_model"),
    ("data_storage", "data_storage_setting"),
    ("data_retention_days", "data_storage_retention_days"),
)


def _analysis_field(f: object) -> JSON:
    out = compile_data_field(f)
    if isinstance(f, SystemPreset):
        out["name"] = CHAT_PRESETS.get(f.name, f.name)
    return out


def compile_chat_agent(agent: ChatAgent) -> JSON:
    """The ``create-chat-agent`` body (``ChatAgentCreateParams``).

    >>> from retell_dsl.builders.llm import RetellLLM
    >>> compile_chat_agent(ChatAgent(name="Chat", engine=RetellLLM(name="desk"), engine_version=2))
    {'agent_name': 'Chat', 'response_engine': {'type': 'retell-llm', 'llm_id': '$ref:llm.desk', 'version': 2}}
    """
    out = agent_body(agent, _SAME_NAME, _RENAMED)
    return finish_agent_body(out, agent, "post_chat_analysis_data", _analysis_field)
