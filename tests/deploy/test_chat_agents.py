"""Chat agents and shared components on the emulator: create, converge, update, publish, drift, destroy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from retell_dsl import (
    ChatAgent,
    ComponentNode,
    ConversationFlow,
    ConversationNode,
    EndNode,
    RetellLLM,
    SharedComponent,
    Stack,
)
from retell_dsl.deploy import Plan, Project
from retell_dsl.deploy.drift import detect_drift
from retell_dsl.emulator import Emulator


@pytest.fixture
def client() -> Any:
    return Emulator().client()


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path, environment="staging")


def steps(plan: Plan) -> list[tuple[str, str]]:
    return [(s.action, s.address) for s in plan.steps]


def chat_stack(*, prompt: str = "Help with orders.", close: str = "Bye!", title: str = "v1") -> Stack:
    llm = RetellLLM(name="orders", model="gpt-4.1", general_prompt=prompt)
    chat = ChatAgent(name="Orders chat", engine=llm).endings(silence_ms=600_000, auto_close_message=close)
    return Stack(name="chat").add(chat.version(title))


def component_stack(*, question: str = "Ask for the insurer.") -> Stack:
    insurance = (
        SharedComponent(name="insurance")
        .node(ConversationNode(name="ask", prompt=question).always("done"))
        .node(EndNode(name="done"))
        .start_at("ask")
    )
    flow = (
        ConversationFlow(name="intake", model="gpt-4.1")
        .node(ComponentNode(name="insurance", component=insurance).otherwise("bye"))
        .node(EndNode(name="bye"))
        .start_at("insurance")
    )
    return Stack(name="intake").add(ChatAgent(name="Intake chat", engine=flow))


def remote_id(project: Project, address: str) -> str:
    owned = project.state().get(address)
    assert owned is not None and owned.remote_id is not None
    return owned.remote_id


def test_chat_agent_applies_converges_and_updates_one_field(project: Project, client: Any) -> None:
    first = project.plan(chat_stack(), client)
    assert steps(first) == [("create", "llm.orders"), ("create", "chat_agent.Orders chat")]
    project.apply(first, client)
    assert project.plan(chat_stack(), client).steps == []
    agent_id = remote_id(project, "chat_agent.Orders chat")
    remote = client.chat_agent.retrieve(agent_id)
    assert remote.response_engine.llm_id == remote_id(project, "llm.orders")
    assert (remote.agent_name, remote.auto_close_message) == ("Orders chat", "Bye!")
    plan = project.plan(chat_stack(close="Closing the chat."), client)
    assert steps(plan) == [("update", "chat_agent.Orders chat")]
    assert [(c.path, c.before, c.after) for c in plan.steps[0].changes] == [
        ("auto_close_message", "Bye!", "Closing the chat.")
    ]
    project.apply(plan, client)
    assert client.chat_agent.retrieve(agent_id).auto_close_message == "Closing the chat."
    assert project.plan(chat_stack(close="Closing the chat."), client).steps == []


def test_publishing_a_chat_agent_and_editing_it_opens_a_draft(project: Project, client: Any) -> None:
    project.apply(project.plan(chat_stack(), client, publish=True), client)
    agent_id = remote_id(project, "chat_agent.Orders chat")
    live = client.chat_agent.retrieve(agent_id, version="latest_published")
    assert (live.version, live.is_published, live.version_title) == (0, True, "v1")
    assert project.plan(chat_stack(), client, publish=True).steps == []
    plan = project.plan(chat_stack(prompt="Be brief.", title="v2"), client, publish=True)
    assert steps(plan) == [("open_draft", "chat_agent.Orders chat"), ("update", "llm.orders"),
                           ("publish", "chat_agent.Orders chat")]  # fmt: skip
    project.apply(plan, client)
    versions = client.chat_agent.retrieve(agent_id, version="latest_published")
    assert (versions.version, versions.version_title) == (1, "v2")
    engine = versions.response_engine
    assert client.llm.retrieve(engine.llm_id, version=engine.version).general_prompt == "Be brief."
    assert project.plan(chat_stack(prompt="Be brief.", title="v2"), client, publish=True).steps == []


def test_editing_a_published_chat_agent_writes_a_new_draft_and_keeps_the_live_version(
    project: Project, client: Any
) -> None:
    project.apply(project.plan(chat_stack(), client, publish=True), client)
    agent_id = remote_id(project, "chat_agent.Orders chat")
    plan = project.plan(chat_stack(close="See you!"), client)
    assert steps(plan) == [("open_draft", "chat_agent.Orders chat"), ("update", "chat_agent.Orders chat")]
    project.apply(plan, client)
    assert client.chat_agent.retrieve(agent_id, version="latest_published").auto_close_message == "Bye!"
    draft = client.chat_agent.retrieve(agent_id)
    assert (draft.version, draft.is_published, draft.auto_close_message) == (1, False, "See you!")
    assert project.plan(chat_stack(close="See you!"), client).steps == []
    publish = project.plan(chat_stack(close="See you!"), client, publish=True)
    assert steps(publish) == [("publish", "chat_agent.Orders chat")]
    project.apply(publish, client)
    assert client.chat_agent.retrieve(agent_id, version="latest_published").version == 1


def test_chat_agent_pinned_engine_version_is_sent(project: Project, client: Any) -> None:
    llm = RetellLLM(name="orders", model="gpt-4.1", general_prompt="Hi.")
    stack = Stack(name="chat").add(ChatAgent(name="Pinned", engine=llm).use_engine(llm, version=0))
    project.apply(project.plan(stack, client), client)
    remote = client.chat_agent.retrieve(remote_id(project, "chat_agent.Pinned"))
    assert remote.response_engine.version == 0
    assert project.plan(stack, client).steps == []


def test_remote_edit_of_a_chat_agent_is_drift(project: Project, client: Any) -> None:
    project.apply(project.plan(chat_stack(), client), client)
    agent_id = remote_id(project, "chat_agent.Orders chat")
    client.chat_agent.update(agent_id, auto_close_message="Edited in the dashboard")
    report = {d.address: d for d in detect_drift(project, chat_stack(), client)}
    drift = report["chat_agent.Orders chat"]
    assert drift.status == "drifted"
    assert [(c.path, c.after) for c in drift.remote] == [("auto_close_message", "Edited in the dashboard")]


def test_flow_using_a_shared_component_is_created_after_it_and_points_at_its_id(project: Project, client: Any) -> None:
    plan = project.plan(component_stack(), client)
    assert steps(plan) == [("create", "component.insurance"), ("create", "conversation_flow.intake"),
                           ("create", "chat_agent.Intake chat")]  # fmt: skip
    assert "create:component.insurance" in plan.steps[1].after
    project.apply(plan, client)
    component_id = remote_id(project, "component.insurance")
    flow = client.conversation_flow.retrieve(remote_id(project, "conversation_flow.intake"))
    [node] = [n for n in flow.nodes if n.type == "component"]
    assert (node.component_id, node.component_type) == (component_id, "shared")
    assert client.conversation_flow_component.retrieve(component_id).name == "insurance"
    assert project.plan(component_stack(), client).steps == []


def test_changing_a_shared_component_updates_it_in_place(project: Project, client: Any) -> None:
    project.apply(project.plan(component_stack(), client), client)
    component_id = remote_id(project, "component.insurance")
    plan = project.plan(component_stack(question="Which insurer covers you?"), client)
    assert steps(plan) == [("update", "component.insurance")]
    project.apply(plan, client)
    remote = client.conversation_flow_component.retrieve(component_id)
    assert remote.nodes[0].instruction.text == "Which insurer covers you?"
    assert remote_id(project, "component.insurance") == component_id
    assert project.plan(component_stack(question="Which insurer covers you?"), client).steps == []


def test_destroy_removes_chat_agents_components_and_flows(project: Project, client: Any) -> None:
    foreign = client.conversation_flow_component.create(name="not ours", nodes=[])
    project.apply(project.plan(component_stack(), client, publish=True), client)
    plan = project.destroy_plan("intake")
    order = [s.address for s in plan.steps]
    assert [s.action for s in plan.steps] == ["delete"] * 3
    assert order == ["chat_agent.Intake chat", "conversation_flow.intake", "component.insurance"]
    project.apply(plan, client)
    assert project.state().addresses() == []
    assert client.agent.list().items == [] and client.conversation_flow.list().items == []
    remaining = client.conversation_flow_component.list().items
    assert [c.conversation_flow_component_id for c in remaining] == [foreign.conversation_flow_component_id]
