"""``apply`` checks what it can before its first change: a bad voice stops it with nothing created."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from retell_dsl import Agent, ConversationFlow, ConversationNode, EndNode, RetellLLM, Stack, ValidationFailed
from retell_dsl.compiler import compile_stack_unchecked
from retell_dsl.deploy import Project
from retell_dsl.emulator import Emulator
from retell_dsl.errors import PreflightFailed


def objects(emu: Emulator) -> int:
    return sum(len(ids) for ids in emu.dump().values())


def three_resources(voice: str, other_voice: str = "openai-Alloy") -> Stack:
    llm = RetellLLM(name="desk", general_prompt="Be kind.")
    flow = (
        ConversationFlow(name="intake", start_speaker="agent")
        .node(ConversationNode(name="hi", prompt="Greet").always("bye"))
        .node(EndNode(name="bye"))
        .start_at("hi")
    )
    return Stack(name="s").add(
        llm,
        flow,
        Agent(name="front", voice=other_voice, engine=flow),
        Agent(name="desk", voice=voice, engine=llm),
    )


@pytest.fixture
def emu() -> Emulator:
    return Emulator()


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path, environment="staging")


def test_lint_stops_a_misspelt_voice_before_the_plan(emu: Emulator, project: Project) -> None:
    client = emu.client()
    with pytest.raises(ValidationFailed, match="did you mean '11labs-Marissa'"):
        project.plan(three_resources("11labs-Marisa"), client)
    assert objects(emu) == 0


def test_apply_refuses_a_voice_the_target_lacks_before_any_change(emu: Emulator, project: Project) -> None:
    client = emu.client()
    # a plan made without lint (as a saved or hand-made plan can be): apply's preflight still stops it
    plan = project.plan(compile_stack_unchecked(three_resources("11labs-Marisa", "Nobody")), client)
    assert [s.action for s in plan.steps] == ["create"] * 4
    before = objects(emu)
    with pytest.raises(PreflightFailed) as info:
        project.apply(plan, client)
    assert info.value.problems == [
        "agent.desk voice_id: '11labs-Marisa' is not a voice of the target; did you mean '11labs-Marissa'?",
        "agent.front voice_id: 'Nobody' is not a voice of the target (see `retell-dsl voices list`)",
    ]
    assert objects(emu) == before == 0
    assert project.state().addresses() == []  # nothing recorded either


def test_a_typo_in_a_cloned_voice_passes_lint_with_a_warning_and_is_stopped_by_apply(
    emu: Emulator, project: Project
) -> None:
    client: Any = emu.client()
    cloned = client.voice.add_resource(provider_voice_id="abc123", voice_name="Narrator").voice_id
    typo = cloned.replace("abc123", "abc124")
    plan = project.plan(three_resources(typo), client)  # lint: RD411 warning only
    before = objects(emu)
    with pytest.raises(PreflightFailed, match=f"did you mean {cloned!r}"):
        project.apply(plan, client)
    assert objects(emu) == before
    project.apply(project.plan(three_resources(cloned), client), client)
    assert objects(emu) > before


def test_an_unlisted_provider_voice_passes_on_the_emulator_but_not_on_a_strict_target(
    emu: Emulator, tmp_path: Path
) -> None:
    client = emu.client()
    stack = three_resources("11labs-Zanzibar")
    live_like = Project(tmp_path, environment="strict", target="live")
    with pytest.raises(PreflightFailed, match="'11labs-Zanzibar' is not a voice of the target"):
        live_like.apply(live_like.plan(stack, client), client)
    assert objects(emu) == 0
    emulated = Project(tmp_path, environment="emulated")
    emulated.apply(emulated.plan(stack, client), client)
    assert objects(emu) > 0
