"""Names agree across constructors, fluent calls and sibling builders, or are documented.

The Agent's docstring carries the table of fluent keywords that differ from their field (and the
Retell field each becomes); these tests hold the table to the code, row by row.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest

from retell_dsl import (
    UNSET,
    Agent,
    ConversationFlow,
    CustomTool,
    DtmfOptions,
    EndNode,
    RetellLLM,
    SMSNode,
    Stack,
    StringField,
    compile,
)
from retell_dsl.builders.tools.calls import SendSMS

_ROW = re.compile(r"^\s*``(\w+)\((\*?\w+)(=?)\)``\s+``(\w+)``\s+``([\w.]+)``\s*$")
TABLE = [m.groups() for line in (Agent.__doc__ or "").splitlines() if (m := _ROW.match(line))]

#: a valid value for each field named in the table
SAMPLES: dict[str, Any] = {
    "voice": "openai-Alloy",
    "voice_model": "eleven_flash_v2",
    "fallback_voices": ("openai-Nova",),
    "voice_speed": 1.1,
    "voice_temperature": 0.5,
    "begin_message_delay_ms": 500,
    "enable_backchannel": True,
    "ambient_sound": "coffee-shop",
    "ambient_sound_volume": 0.5,
    "end_call_after_silence_ms": 20_000,
    "max_call_duration_ms": 600_000,
    "ring_duration_ms": 30_000,
    "allow_user_dtmf": True,
    "allow_dtmf_interruption": False,
    "dtmf_options": DtmfOptions(digit_limit=4),
    "webhook_url": "https://hooks.example.com/r",
    "webhook_events": ("call_ended",),
    "webhook_timeout_ms": 5000,
    "analysis_fields": (StringField(name="reason", description="Why they called"),),
    "analysis_model": "gpt-4.1",
    "data_storage": "everything_except_pii",
    "data_retention_days": 30,
    "pii_categories": ("person_name",),
    "opt_in_signed_url": True,
    "version_title": "v2",
    "version_description": "Second",
    "language": ("en-US", "es-ES"),
    "engine_version": 3,
}


def _agent() -> Agent:
    return Agent(name="Desk", voice="11labs-Adrian", engine=RetellLLM(name="desk", model="gpt-4.1"))


def _call(agent: Agent, method: str, keyword: str, positional: bool, value: Any) -> Agent:
    fn = getattr(agent, method)
    if keyword.startswith("*"):
        result: Agent = fn(*value)
    elif positional:
        result = fn(value)
    else:
        result = fn(**{keyword: value})
    return result


def test_the_table_is_found_and_covers_every_renaming_fluent_keyword() -> None:
    assert len(TABLE) >= 25
    documented = {(method, keyword.lstrip("*")) for method, keyword, *_ in TABLE}
    fields = set(Agent.__dataclass_fields__)
    # every fluent keyword of Agent whose name is not itself a field is documented
    undocumented = set()
    for name, fn in inspect.getmembers(Agent, inspect.isfunction):
        if name.startswith("_") or name in ("with_extra", "boost", "pronounce", "normalize", "on_voicemail", "on_ivr"):
            continue
        for param in list(inspect.signature(fn).parameters.values())[1:]:
            if param.name not in fields and (name, param.name) not in documented:
                undocumented.add(f"{name}({param.name})")
    assert undocumented == set()


@pytest.mark.parametrize(("method", "keyword", "equals", "field", "retell"), TABLE, ids=[r[0] + r[1] for r in TABLE])
def test_each_documented_keyword_sets_its_field_and_retell_field(
    method: str, keyword: str, equals: str, field: str, retell: str
) -> None:
    value = SAMPLES[field]
    positional = not equals and not keyword.startswith("*")
    if method == "ambient" and keyword == "volume":
        agent = _agent().ambient("coffee-shop", volume=value)
    elif method == "version" and keyword == "description":
        agent = _agent().version("v2", description=value)
    elif method == "use_engine":
        agent = _agent().use_engine(RetellLLM(name="desk", model="gpt-4.1"), version=value)
    elif method == "webhook" and equals:
        agent = _agent().webhook("https://hooks.example.com/r", **{keyword: value})
    else:
        agent = _call(_agent(), method, keyword, positional, value)
    assert getattr(agent, field) == value
    assert getattr(_agent(), field) in (UNSET, (), "11labs-Adrian")  # the call changed it
    payload = compile(Stack(name="s").add(agent))["agent.Desk"].payload
    head, _, tail = retell.partition(".")
    assert head in payload, retell
    if tail:
        assert tail in payload[head]


def test_sms_node_says_static_text_like_its_siblings() -> None:
    assert "static_text" in SMSNode.__dataclass_fields__ and "text" not in SMSNode.__dataclass_fields__
    assert "static_text" in EndNode.__dataclass_fields__
    node = SMSNode(name="sms", static_text="See you!")
    assert node.static_text == "See you!"
    with pytest.raises(TypeError, match="unexpected keyword argument 'text'"):
        SMSNode(name="sms", text="See you!")  # type: ignore[call-arg]
    # the tool keeps its documented text= (Retell's sms_content)
    assert SendSMS(name="s", text="Hi").text == "Hi"
    assert "SMSNode" in (SendSMS.__doc__ or "") and "SendSMS" in (SMSNode.__doc__ or "")


def test_both_engines_replace_their_tools_with_with_tools() -> None:
    a = CustomTool(name="a", url="https://x.example/a")
    b = CustomTool(name="b", url="https://x.example/b")
    flow = ConversationFlow(name="f").tool(a).with_tools(b)
    llm = RetellLLM(name="l").tool(a).with_tools(b)
    assert flow.tools == (b,) and llm.tools == (b,)
    common = {"prompt", "tool", "with_tools", "start_at", "use_model", "knowledge", "defaults", "mcp", "with_extra"}
    for engine in (ConversationFlow, RetellLLM):
        assert common <= {n for n in dir(engine) if not n.startswith("_")}, engine
