"""Property: whatever valid stack is applied, planning it again has nothing to do (convergence),
and applying a second generated stack over the first converges too (updates, deletes)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from retell_dsl import Agent, ConversationFlow, RetellLLM, Stack, validate
from retell_dsl.deploy import Project
from retell_dsl.emulator import Emulator
from tests.properties.test_properties import flows

VOICES = ("11labs-Adrian", "openai-Alloy", "cartesia-Cimo")


@st.composite
def stacks(draw: st.DrawFn) -> Stack:
    flow: ConversationFlow = draw(flows(valid=True))
    llm = RetellLLM(name="llm", model="gpt-4.1").prompt(draw(st.text(min_size=1, max_size=40)))
    stack = Stack(name="generated").add(Agent(name="flow agent", voice=draw(st.sampled_from(VOICES)), engine=flow))
    if draw(st.booleans()):
        stack = stack.add(Agent(name="llm agent", voice=draw(st.sampled_from(VOICES)), engine=llm))
    return stack


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=stacks(), second=stacks(), publish=st.booleans())
def test_apply_then_plan_has_nothing_to_do(first: Stack, second: Stack, publish: bool) -> None:
    assume(not validate(first).errors and not validate(second).errors)  # loops without an exit are lint errors
    client = Emulator().client()
    project = Project(Path(tempfile.mkdtemp()), environment="prop")
    for stack in (first, second):
        project.apply(project.plan(stack, client, publish=publish), client)
        again = project.plan(stack, client, publish=publish)
        assert again.steps == [], [(s.action, s.address, [c.path for c in s.changes]) for s in again.steps]
