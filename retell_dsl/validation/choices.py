"""RD406: a field set to a value outside its closed list, reported with "did you mean".

These values used to be refused while the builder was constructed, which stopped the import of
the user's file at the first one. Building keeps the value; lint lists every such mistake at
once, each at the line that built the spec.

>>> from retell_dsl import RetellLLM, validate
>>> issue = validate(RetellLLM(name="x", start_speaker="agnt")).errors[0]
>>> issue.code, issue.message, issue.hint
('RD406', "start_speaker is 'agnt'; it must be one of 'user', 'agent'", "did you mean 'agent'?")
"""

from __future__ import annotations

from collections.abc import Iterator

from retell_dsl.builders.agent import DATA_STORAGE, Agent
from retell_dsl.builders.base import UNSET, Spec
from retell_dsl.builders.engine import SPEAKERS
from retell_dsl.builders.flow import ConversationFlow
from retell_dsl.builders.llm import RetellLLM
from retell_dsl.builders.stack import Resource, kind_of
from retell_dsl.builders.tools import CustomTool
from retell_dsl.builders.tools.functions import HTTP_METHODS, METHOD_WORDS
from retell_dsl.validation._collect import Collector
from retell_dsl.validation.issues import path
from retell_dsl.validation.values import iter_tools
from retell_dsl.wire.hints import did_you_mean

__all__ = ["check_choices"]

#: (spec type, field, allowed values, the payload key it compiles to, words meant as a value)
CHOICES: tuple[tuple[type, str, tuple[str, ...], str, dict[str, str]], ...] = (
    (RetellLLM, "start_speaker", SPEAKERS, "start_speaker", {}),
    (ConversationFlow, "start_speaker", SPEAKERS, "start_speaker", {}),
    (Agent, "data_storage", DATA_STORAGE, "data_storage_setting", {}),
    (CustomTool, "method", HTTP_METHODS, "method", METHOD_WORDS),
)


def _specs(resource: Resource) -> Iterator[tuple[str, Spec]]:
    yield "", resource
    for tool in iter_tools(resource):
        yield f"tool '{tool.name}'", tool


def check_choices(c: Collector, resource: Resource) -> set[tuple[str, object]]:
    """Report RD406 for ``resource`` and its tools; return ``(payload key, value)`` of each (so the
    schema's RD001 for the same value can be left out)."""
    label_of = {RetellLLM: "llm", ConversationFlow: "flow", Agent: "agent"}  # as the other rules name them
    where = f"{label_of.get(type(resource)) or kind_of(resource)} '{resource.name}'"
    reported: set[tuple[str, object]] = set()
    for label, spec in _specs(resource):
        for kind, name, allowed, key, words in CHOICES:
            value = getattr(spec, name, UNSET) if isinstance(spec, kind) else UNSET
            if value is UNSET or value in allowed:
                continue
            choices = ", ".join(repr(a) for a in allowed)
            c.add(
                "RD406",
                path(where, label, name),
                f"{name} is {value!r}; it must be one of {choices}",
                at=spec,
                hint=did_you_mean(value, allowed, aliases=words, ignore_case=True) or f"use one of {choices}",
            )
            reported.add((key, value))
    return reported
