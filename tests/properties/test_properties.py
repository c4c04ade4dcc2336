"""Hypothesis properties: determinism, totality of validate, schema acceptance, chain == kwargs."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from retell.types import conversation_flow_create_params

from retell_dsl import (
    Agent,
    BranchNode,
    ConversationFlow,
    ConversationNode,
    EndNode,
    RetellLLM,
    compile,
    to_json,
    validate,
    when,
)
from retell_dsl.compiler.stack import raw_payload
from retell_dsl.wire import check_payload

names = st.text(alphabet="abcdefgh", min_size=1, max_size=3)


@st.composite
def flows(draw: st.DrawFn, *, valid: bool) -> ConversationFlow:
    node_names = draw(st.lists(names, min_size=1, max_size=6, unique=True))
    pool = [*node_names, "end"] if valid else [*node_names, "end", "missing"]
    nodes: list[Any] = []
    for n in node_names:
        kind = draw(st.sampled_from(["talk", "branch", "always"]))
        if kind == "talk":
            node: Any = ConversationNode(name=n, prompt=draw(st.text(max_size=20)) or "p")
            for dest in draw(st.lists(st.sampled_from(pool), max_size=2)):
                node = node.to(dest, when=draw(st.text(min_size=1, max_size=10).filter(str.strip)))
            node = node.otherwise("end" if valid else draw(st.sampled_from(pool)))
        elif kind == "branch":
            node = BranchNode(name=n).to(draw(st.sampled_from(pool)), when=when(n).eq(draw(st.integers())))
            node = node.otherwise("end") if valid or draw(st.booleans()) else node
        else:
            node = ConversationNode(name=n, static_text="ok").always(draw(st.sampled_from(pool)))
        nodes.append(node)
    nodes.append(EndNode(name="end"))
    start = node_names[0] if valid or draw(st.booleans()) else "nowhere"
    defaults = dict.fromkeys(node_names, "0")
    return ConversationFlow(name="f", nodes=tuple(nodes), start_node=start, model="gpt-4.1", default_variables=defaults)


@settings(max_examples=40, deadline=None)
@given(flows(valid=True))
def test_compile_is_deterministic(flow: ConversationFlow) -> None:
    assert to_json(raw_payload(flow)) == to_json(raw_payload(flow))


@settings(max_examples=60, deadline=None)
@given(flows(valid=False))
def test_validate_never_crashes(flow: ConversationFlow) -> None:
    issues = validate(flow)
    assert all(i.code.startswith("RD") for i in issues)


@settings(max_examples=40, deadline=None)
@given(flows(valid=True))
def test_valid_specs_compile_to_payloads_the_sdk_accepts(flow: ConversationFlow) -> None:
    issues = validate(flow)
    assert {i.code for i in issues.errors} <= {"RD105"}  # generated graphs may loop without an exit
    payload = raw_payload(flow)
    assert check_payload(payload, conversation_flow_create_params.ConversationFlowCreateParams) == []
    if not issues.errors:
        assert compile(flow) == payload


floats01 = st.floats(min_value=0, max_value=1, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(
    speed=st.floats(min_value=0.5, max_value=2, allow_nan=False),
    responsiveness=floats01,
    silence=st.integers(min_value=10_000, max_value=600_000),
    keywords=st.lists(names, max_size=3),
    title=st.text(max_size=10),
)
def test_agent_chain_equals_keyword_constructor(
    speed: float, responsiveness: float, silence: int, keywords: list[str], title: str
) -> None:
    llm = RetellLLM(name="l")
    chained = (
        Agent(name="a", voice="v", engine=llm)
        .speech(speed=speed)
        .turn_taking(responsiveness=responsiveness)
        .limits(silence_ms=silence)
        .boost(*keywords)
        .version(title)
    )
    kw = Agent(
        name="a",
        voice="v",
        engine=llm,
        voice_speed=speed,
        responsiveness=responsiveness,
        end_call_after_silence_ms=silence,
        boosted_keywords=tuple(keywords),
        version_title=title,
    )
    assert chained == kw and hash(chained) == hash(kw)
