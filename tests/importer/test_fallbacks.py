"""The importer falls back to ``extra=`` only for shapes it cannot type, never to hide its own bugs.

A value a builder refuses (``InvalidArgument`` / ``InvalidSpec``) or a shape a converter does not
know is kept as raw JSON in ``extra=``; any other exception is a decompiler bug and must surface.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from retell_dsl import Agent, DtmfOptions, RetellLLM, StringField
from retell_dsl.importer import _resources, _tools, import_from_json
from retell_dsl.importer._resources import decompile_agent
from retell_dsl.importer._tools import decompile_field, decompile_option

ENGINE = RetellLLM(name="desk")
REFS = {"x": ENGINE}
BASE = {"agent_name": "Desk", "voice_id": "11labs-Adrian", "response_engine": {"type": "retell-llm", "llm_id": "x"}}


class DecompilerBug(AttributeError):
    """Stands for a mistake in the decompiler (a typo'd attribute, a wrong call)."""


def _buggy(*_: Any, **__: Any) -> Any:
    raise DecompilerBug("decompiler bug")


def test_a_bug_in_an_agent_option_converter_surfaces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_resources, "DtmfOptions", _buggy)
    with pytest.raises(DecompilerBug):
        decompile_agent({**BASE, "user_dtmf_options": {"digit_limit": 4}}, engine=ENGINE, refs=REFS)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class _BuggyField(StringField):
    def _check(self) -> None:
        raise DecompilerBug("decompiler bug")


def test_a_bug_in_decompile_field_surfaces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(_tools.FIELD_TYPES, "string", _BuggyField)
    with pytest.raises(DecompilerBug):
        decompile_field({"type": "string", "name": "n", "description": "Name"})


def test_a_bug_in_decompile_option_surfaces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_tools, "ColdTransfer", _buggy)
    with pytest.raises(DecompilerBug):
        decompile_option({"type": "cold_transfer"})


def test_values_the_builders_refuse_stay_raw() -> None:
    """An enum field without choices is refused by EnumField (InvalidSpec): kept as JSON, not typed."""
    assert decompile_field({"type": "enum", "name": "e", "description": "E", "choices": []}) is None
    assert decompile_option({"type": "cold_transfer", "cold_transfer_mode": "carrier_pigeon"}) is None
    assert decompile_option({"type": "agentic_warm_transfer", "agentic_transfer_config": ["not", "a", "map"]}) is None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("user_dtmf_options", {"digit_limit": 4, "new_knob": True}),  # a key DtmfOptions lacks
        ("user_dtmf_options", ["not", "a", "map"]),
        ("pronunciation_dictionary", [{"word": "", "phoneme": "x", "alphabet": "ipa"}]),  # refused: empty word
        ("pii_config", {"mode": "post_call", "categories": ["person_name"], "new_knob": 1}),
        ("handbook_config", {"speech_normalization": True, "other": False}),
        ("voicemail_option", "hangup"),
    ],
)
def test_untypable_agent_options_stay_whole_in_extra(key: str, value: Any) -> None:
    agent = decompile_agent({**BASE, key: value}, engine=ENGINE, refs=REFS)
    assert agent.extra[key] == value
    typed = {"user_dtmf_options": "dtmf_options", "pronunciation_dictionary": "pronunciations",
             "pii_config": "pii_categories", "handbook_config": "speech_normalization",
             "voicemail_option": "voicemail"}  # fmt: skip
    assert getattr(agent, typed[key]) == getattr(Agent(name="a", voice="v", engine=ENGINE), typed[key])


def test_null_options_import_as_none() -> None:
    data = {**BASE, "voicemail_option": None, "ivr_option": None, "user_dtmf_options": None}
    agent = decompile_agent(data, engine=ENGINE, refs=REFS)
    assert (agent.voicemail, agent.ivr, agent.dtmf_options, dict(agent.extra)) == (None, None, None, {})


def test_typed_options_are_typed() -> None:
    agent = decompile_agent({**BASE, "user_dtmf_options": {"digit_limit": 4}}, engine=ENGINE, refs=REFS)
    assert agent.dtmf_options == DtmfOptions(digit_limit=4) and not agent.extra
    exported = [{**BASE, "user_dtmf_options": {"digit_limit": 4}}, {"llm_id": "x", "general_prompt": "Hi"}]
    assert "DtmfOptions(digit_limit=4)" in import_from_json(exported).source
