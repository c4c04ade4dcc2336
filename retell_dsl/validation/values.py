"""Value rules: E.164 numbers (RD401), ranges (RD402), chunk sizes (RD403), weights (RD404),
name lengths (RD405) and prompt size (RD501)."""

from __future__ import annotations

import math
from collections.abc import Iterator

from retell_dsl.builders.agent import Agent
from retell_dsl.builders.base import UNSET, Spec
from retell_dsl.builders.batch import BatchCall
from retell_dsl.builders.flow import ConversationFlow, Node, SMSNode, TransferNode
from retell_dsl.builders.kb import KnowledgeBase
from retell_dsl.builders.llm import RetellLLM
from retell_dsl.builders.phone import AgentBinding, PhoneNumber
from retell_dsl.builders.prompt import Prompt, Var
from retell_dsl.builders.tools import CustomTool, SendSMS, Tool, TransferCall
from retell_dsl.validation._collect import Collector
from retell_dsl.validation.issues import path
from retell_dsl.wire.names import E164

__all__ = ["PROMPT_BUDGET", "check_values"]

PROMPT_BUDGET = 32_000
"""Prompts longer than this many characters get an RD501 warning (latency and cost grow with size)."""


AGENT_RANGES: tuple[tuple[str, float, float, str], ...] = (
    ("voice_speed", 0.5, 2, ""),
    ("voice_temperature", 0, 2, ""),
    ("volume", 0, 2, ""),
    ("ambient_sound_volume", 0, 2, ""),
    ("responsiveness", 0, 1, ""),
    ("interruption_sensitivity", 0, 1, ""),
    ("backchannel_frequency", 0, 1, ""),
    ("begin_message_delay_ms", 0, 5000, ""),
    ("end_call_after_silence_ms", 10_000, math.inf, "Retell needs at least 10000 ms (10 s)"),
    ("max_call_duration_ms", 60_000, 7_200_000, "between 1 minute (60000) and 2 hours (7200000)"),
    ("ring_duration_ms", 5_000, 300_000, ""),
    ("data_retention_days", 1, 730, ""),
)


def _range(  # noqa: PLR0917
    c: Collector,
    where: str,
    at: Spec,
    name: str,
    value: object,
    lo: float,
    hi: float,
    note: str,
    *,
    code: str = "RD402",
) -> None:
    """``code`` (RD402) unless ``value`` is unset, not a number, or between ``lo`` and ``hi``; ``note`` is the hint."""
    if value is UNSET or value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return
    if not lo <= value <= hi:
        bounds = f"at least {lo:g}" if hi == math.inf else f"between {lo:g} and {hi:g}"
        c.add(
            code,
            path(where, name),
            f"{name} is {value!r}; it must be {bounds}",
            at=at,
            hint=note or f"use a value {bounds}",
        )


def check_number(c: Collector, where: str, at: Spec, number: object, what: str) -> None:
    """RD401 for one number (variables ``{{x}}`` are skipped: they are checked at call time)."""
    if not isinstance(number, str) or "{{" in number:
        return
    if not E164.match(number):
        c.add(
            "RD401",
            where,
            f"{what} {number!r} is not an E.164 phone number",
            at=at,
            hint="write it as + country code + number, digits only, e.g. '+14155550100'",
        )


def _tool_values(c: Collector, where: str, tools: tuple[Tool, ...]) -> None:
    for tool in tools:
        here = path(where, f"tool '{tool.name}'")
        if isinstance(tool, TransferCall) and not tool.ignore_e164_validation and isinstance(tool.destination, str):
            check_number(c, here, tool, tool.destination, "transfer destination")
        if isinstance(tool, SendSMS) and isinstance(tool.to_number, str) and not tool.ignore_e164_validation:
            check_number(c, here, tool, tool.to_number, "SMS destination")
        if isinstance(tool, CustomTool):
            _range(c, here, tool, "timeout_ms", tool.timeout_ms, 1000, 600_000, "")
            _range(c, here, tool, "max_retry", tool.max_retry, 0, 5, "")


def _prompt(c: Collector, where: str, at: Spec, value: object, budget: int) -> None:
    if isinstance(value, Prompt | Var):
        value = str(value)
    if isinstance(value, str) and len(value) > budget:
        c.add(
            "RD501",
            where,
            f"prompt is {len(value):,} characters, over the budget of {budget:,}",
            at=at,
            hint="shorten it, move reference material into a knowledge base, or split it into states/nodes",
        )


def _nodes(c: Collector, where: str, nodes: tuple[Node, ...], budget: int) -> None:
    for node in nodes:
        here = path(where, f"node '{node.name}'")
        _prompt(c, here, node, getattr(node, "prompt", None), budget)
        if isinstance(node, TransferNode) and isinstance(node.destination, str) and not node.ignore_e164_validation:
            check_number(c, here, node, node.destination, "transfer destination")
        if isinstance(node, SMSNode) and isinstance(node.to_number, str) and not node.ignore_e164_validation:
            check_number(c, here, node, node.to_number, "SMS destination")
        _tool_values(c, here, getattr(node, "tools", ()))


def _weights(c: Collector, where: str, at: Spec, bindings: tuple[AgentBinding, ...], label: str) -> None:
    if not bindings:
        return
    total = sum(b.weight for b in bindings)
    if any(b.weight <= 0 or b.weight > 1 for b in bindings) or not math.isclose(total, 1.0, abs_tol=1e-9):
        weights = ", ".join(f"{b.weight:g}" for b in bindings)
        c.add(
            "RD404",
            path(where, label),
            f"{label} weights are {weights} (sum {total:g}); they must sum to 1",
            at=at,
            hint="give each agent a share in (0, 1] so that the shares add up to 1",
        )


def check_values(c: Collector, resource: Spec, budget: int = PROMPT_BUDGET) -> None:
    """Every value rule for one resource."""
    if isinstance(resource, Agent):
        where = f"agent '{resource.name}'"
        for name, lo, hi, note in AGENT_RANGES:
            _range(c, where, resource, name, getattr(resource, name), lo, hi, note)
    elif isinstance(resource, RetellLLM):
        where = f"llm '{resource.name}'"
        _prompt(c, path(where, "general_prompt"), resource, resource.general_prompt, budget)
        _tool_values(c, where, resource.tools)
        for s in resource.states:
            here = path(where, f"state '{s.name}'")
            _prompt(c, here, s, s.prompt, budget)
            _tool_values(c, here, s.tools)
    elif isinstance(resource, ConversationFlow):
        where = f"flow '{resource.name}'"
        _prompt(c, path(where, "global_prompt"), resource, resource.global_prompt, budget)
        _nodes(c, where, resource.nodes, budget)
        for comp in resource.components:
            _nodes(c, path(where, f"component '{comp.name}'"), comp.nodes, budget)
    elif isinstance(resource, KnowledgeBase):
        _kb(c, resource)
    elif isinstance(resource, PhoneNumber):
        where = f"phone_number '{resource.name}'"
        if not resource.ignore_e164_validation:
            check_number(c, where, resource, resource.number, "number")
        check_number(c, path(where, "fallback_number"), resource, resource.fallback_number, "fallback number")
        _weights(c, where, resource, resource.inbound, "inbound")
        _weights(c, where, resource, resource.outbound, "outbound")
        if resource.area_code is not UNSET and not 200 <= resource.area_code <= 999:
            c.add(
                "RD402",
                path(where, "area_code"),
                f"area_code {resource.area_code} is not a 3-digit area code",
                at=resource,
                hint="use a US/CA area code such as 415",
            )
    elif isinstance(resource, BatchCall):
        _batch(c, resource)


def _kb(c: Collector, kb: KnowledgeBase) -> None:
    where = f"knowledge_base '{kb.name}'"
    if len(kb.name) >= 40:
        c.add(
            "RD405",
            where,
            f"knowledge base name is {len(kb.name)} characters; Retell allows under 40",
            at=kb,
            hint="shorten the name",
        )
    hi, lo = kb.max_chunk_size, kb.min_chunk_size
    _range(c, where, kb, "max_chunk_size", hi, 600, 6000, "the default is 2000", code="RD403")
    _range(c, where, kb, "min_chunk_size", lo, 200, 2000, "the default is 400", code="RD403")
    top = 2000 if hi is UNSET else hi
    # a value that is not a number is the schema check's to report
    if isinstance(lo, int) and isinstance(top, int) and not isinstance(lo, bool) and lo >= top:
        c.add(
            "RD403",
            path(where, "min_chunk_size"),
            f"min_chunk_size {lo} must be smaller than max_chunk_size {top}",
            at=kb,
            hint="lower min_chunk_size or raise max_chunk_size",
        )


def _batch(c: Collector, batch: BatchCall) -> None:
    where = f"batch_call '{batch.name}'"
    if isinstance(batch.from_number, str):
        check_number(c, path(where, "from_number"), batch, batch.from_number, "from number")
    for i, task in enumerate(batch.tasks):
        if not task.ignore_e164_validation:
            check_number(c, path(where, f"task[{i}]"), task, task.to_number, "to number")
    if batch.window is not UNSET:
        for i, (start, end) in enumerate(batch.window.windows):
            if not (0 <= start < end <= 1440):
                c.add(
                    "RD402",
                    path(where, f"window[{i}]"),
                    f"window ({start}, {end}) must satisfy 0 <= start < end <= 1440 (minutes from midnight)",
                    at=batch.window,
                    hint="windows cannot cross midnight: split them in two",
                )


def iter_tools(resource: Spec) -> Iterator[Tool]:
    """Every tool in an engine (used by variable rules)."""
    if isinstance(resource, RetellLLM):
        yield from resource.tools
        for s in resource.states:
            yield from s.tools
    elif isinstance(resource, ConversationFlow):
        yield from resource.tools
        for comp in resource.components:
            yield from comp.tools
        for n in (*resource.nodes, *(n for comp in resource.components for n in comp.nodes)):
            yield from getattr(n, "tools", ())
