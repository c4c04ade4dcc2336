"""Compile knowledge bases, phone numbers (buy or import) and batch calls."""

from __future__ import annotations

from retell_dsl.builders._base import UNSET
from retell_dsl.builders.batch import BatchCall, CallTask
from retell_dsl.builders.kb import KnowledgeBase
from retell_dsl.builders.phone import AgentBinding, PhoneNumber
from retell_dsl.compiler._emit import merge_extra, put, put_all, ref_or_id
from retell_dsl.compiler.values import JSON

__all__ = ["ENV_PREFIX", "compile_batch_call", "compile_knowledge_base", "compile_phone_number"]

ENV_PREFIX = "$env:"
"""Secrets are never compiled in: ``"$env:NAME"`` tells the deploy layer to read ``NAME``."""


def compile_knowledge_base(kb: KnowledgeBase) -> JSON:
    """The ``create-knowledge-base`` fields (files are listed separately, see ``CompiledResource``)."""
    out: JSON = {"knowledge_base_name": kb.name}
    if kb.texts:
        out["knowledge_base_texts"] = [{"title": t.title, "text": t.text} for t in kb.texts]
    if kb.urls:
        out["knowledge_base_urls"] = list(kb.urls)
    put_all(out, kb, ("enable_auto_refresh", "max_chunk_size", "min_chunk_size"))
    return merge_extra(out, kb.extra)


def _binding(b: AgentBinding) -> JSON:
    out: JSON = {"agent_id": ref_or_id(b.agent), "weight": b.weight}
    put(out, "agent_version", b.version)
    return out


def compile_phone_number(number: PhoneNumber) -> JSON:
    """``create-phone-number`` (buy) or, with a SIP trunk, ``import-phone-number`` body."""
    out: JSON = {}
    put(out, "phone_number", number.number)
    if number.sip_trunk is UNSET:
        put_all(out, number, ("area_code", "country_code", "toll_free"))
        put(out, "number_provider", number.provider)
    else:
        trunk = number.sip_trunk
        out["termination_uri"] = trunk.termination_uri
        put(out, "sip_trunk_auth_username", trunk.username)
        if trunk.password_env is not UNSET:
            out["sip_trunk_auth_password"] = ENV_PREFIX + trunk.password_env
        put_all(out, trunk, ("transport", "codecs"))
        put(out, "ignore_e164_validation", number.ignore_e164_validation)
    put_all(out, number, ("nickname", "inbound_webhook_url", "fallback_number"))
    if number.inbound:
        out["inbound_agents"] = [_binding(b) for b in number.inbound]
    if number.outbound:
        out["outbound_agents"] = [_binding(b) for b in number.outbound]
    put(out, "allowed_inbound_country_list", number.allowed_inbound_countries)
    put(out, "allowed_outbound_country_list", number.allowed_outbound_countries)
    return merge_extra(out, number.extra)


def _task(task: CallTask) -> JSON:
    out: JSON = {"to_number": task.to_number}
    if task.variables:
        out["retell_llm_dynamic_variables"] = dict(task.variables)
    put(out, "metadata", task.metadata)
    if task.agent is not UNSET:
        out["override_agent_id"] = ref_or_id(task.agent)
    put(out, "override_agent_version", task.agent_version)
    put(out, "ignore_e164_validation", task.ignore_e164_validation)
    return merge_extra(out, task.extra)


def from_number(batch: BatchCall) -> str:
    """The batch's from-number: a literal, the spec's number, or a ``$ref:`` to a bought number."""
    source = batch.from_number
    if isinstance(source, str):
        return source
    if source.number is not UNSET:
        return source.number
    return ref_or_id(source)


def compile_batch_call(batch: BatchCall) -> JSON:
    """The ``create-batch-call`` body."""
    out: JSON = {"name": batch.name, "from_number": from_number(batch), "tasks": [_task(t) for t in batch.tasks]}
    put(out, "trigger_timestamp", batch.trigger_timestamp)
    if batch.window is not UNSET:
        window: JSON = {"windows": [{"start": s, "end": e} for s, e in batch.window.windows]}
        put(window, "day", batch.window.days)
        put(window, "timezone", batch.window.timezone)
        out["call_time_window"] = window
    put(out, "reserved_concurrency", batch.reserved_concurrency)
    return merge_extra(out, batch.extra)
