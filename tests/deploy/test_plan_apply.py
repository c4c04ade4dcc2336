"""Plan and apply against the emulator: convergence, precise diffs, drafts and publishing, deletes,
drift, destroy, saved plans and environments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from examples import clinic_receptionist, outbound_reminders, support_agent
from retell_dsl.deploy import ApplyFailed, Plan, Project, StalePlan
from retell_dsl.deploy.drift import detect_drift
from retell_dsl.deploy.plan import make_plan
from retell_dsl.emulator import Emulator
from tests.deploy.stacks import LONG_PROMPT, support


@pytest.fixture
def emu() -> Emulator:
    return Emulator()


@pytest.fixture
def client(emu: Emulator) -> Any:
    return emu.client()


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path, environment="staging")


def steps(plan: Plan) -> list[tuple[str, str]]:
    return [(s.action, s.address) for s in plan.steps]


@pytest.mark.parametrize("example", [clinic_receptionist, outbound_reminders, support_agent])
def test_apply_then_plan_shows_no_changes(example: Any, project: Project, client: Any) -> None:
    first = project.plan(example.stack, client)
    assert first.steps and all(s.action == "create" for s in first.steps)
    project.apply(first, client)
    again = project.plan(example.stack, client)
    assert again.steps == [] and again.warnings == []
    published = project.plan(example.stack, client, publish=True)
    assert {a for a, _ in steps(published)} == {"publish"}
    project.apply(published, client)
    assert project.plan(example.stack, client, publish=True).steps == []


def test_changing_one_prompt_line_plans_exactly_that_field(project: Project, client: Any) -> None:
    project.apply(project.plan(support(), client), client)
    edited = LONG_PROMPT.replace("under three sentences", "under two sentences")
    plan = project.plan(support(prompt=edited), client)
    assert steps(plan) == [("update", "llm.support")]
    [change] = plan.steps[0].changes
    assert change.path == "general_prompt"
    assert (change.before, change.after) == (LONG_PROMPT, edited)
    project.apply(plan, client)
    llm_id = project.state().get("llm.support").remote_id  # type: ignore[union-attr]
    assert client.llm.retrieve(llm_id).general_prompt == edited
    assert project.plan(support(prompt=edited), client).steps == []


def test_removed_field_is_sent_as_null(project: Project, client: Any) -> None:
    project.apply(project.plan(support(), client), client)
    plan = project.plan(support(begin=None), client)
    assert [(c.path, c.after) for c in plan.steps[0].changes] == [("begin_message", None)]
    project.apply(plan, client)
    llm_id = project.state().get("llm.support").remote_id  # type: ignore[union-attr]
    assert client.llm.retrieve(llm_id).begin_message is None
    assert project.plan(support(begin=None), client).steps == []


def test_published_agent_gets_a_draft_before_its_engine_changes(project: Project, client: Any) -> None:
    project.apply(project.plan(support(), client, publish=True), client)
    plan = project.plan(support(prompt="Be brief."), client, publish=True)
    assert steps(plan) == [("open_draft", "agent.Acme support"), ("update", "llm.support"),
                           ("publish", "agent.Acme support")]  # fmt: skip
    assert "open_draft:agent.Acme support" in plan.steps[1].after
    project.apply(plan, client)
    agent_id = project.state().get("agent.Acme support").remote_id  # type: ignore[union-attr]
    versions = client.agent.list_versions(agent_id, sort_order="ascending").items
    assert [(v.version, v.is_published) for v in versions] == [(0, True), (1, True)]
    live = client.agent.retrieve(agent_id, version="latest_published")
    assert client.llm.retrieve(live.response_engine.llm_id, version=1).general_prompt == "Be brief."
    assert client.llm.retrieve(live.response_engine.llm_id, version=0).general_prompt == LONG_PROMPT


def test_resources_removed_from_code_are_deleted_in_reverse_dependency_order(project: Project, client: Any) -> None:
    project.apply(project.plan(support(with_sales=True), client), client)
    plan = project.plan(support(), client)
    assert steps(plan) == [("delete", "agent.Acme sales"), ("delete", "llm.sales")]
    assert "delete:agent.Acme sales" in plan.steps[1].after
    project.apply(plan, client)
    assert [a.agent_name for a in client.agent.list().items] == ["Acme support"]
    assert project.state().get("llm.sales") is None


def test_protected_kinds_are_kept_unless_forced(project: Project, client: Any) -> None:
    project.apply(project.plan(support(), client), client)
    plan = project.plan(support(with_number=False), client)
    assert steps(plan) == []
    assert any("phone_number.support line is no longer in the code" in w for w in plan.warnings)
    forced = project.plan(support(with_number=False), client, force=True)
    assert steps(forced) == [("delete", "phone_number.support line")]


def test_remote_edit_is_reported_as_drift_and_reverted_by_apply(project: Project, client: Any) -> None:
    project.apply(project.plan(support(), client), client)
    agent_id = project.state().get("agent.Acme support").remote_id  # type: ignore[union-attr]
    client.agent.update(agent_id, voice_id="11labs-Grace")  # someone used the dashboard
    report = {d.address: d for d in detect_drift(project, support(), client)}
    drift = report["agent.Acme support"]
    assert drift.status == "drifted"
    assert [(c.path, c.before, c.after) for c in drift.remote] == [("voice_id", "openai-Alloy", "11labs-Grace")]
    assert drift.code == []
    assert all(not d.drifted for a, d in report.items() if a != "agent.Acme support")
    plan = project.plan(support(), client)
    assert [(c.path, c.before, c.after) for c in plan.steps[0].changes] == [
        ("voice_id", "11labs-Grace", "openai-Alloy")
    ]


def test_code_change_is_reported_as_code_drift(project: Project, client: Any) -> None:
    project.apply(project.plan(support(), client), client)
    report = {d.address: d for d in detect_drift(project, support(voice="cartesia-Cimo"), client)}
    assert [(c.path, c.after) for c in report["agent.Acme support"].code] == [("voice_id", "cartesia-Cimo")]
    assert report["agent.Acme support"].remote == []


def test_object_deleted_remotely_is_created_again(project: Project, client: Any) -> None:
    project.apply(project.plan(support(with_number=False), client), client)
    agent_id = project.state().get("agent.Acme support").remote_id  # type: ignore[union-attr]
    client.agent.delete(agent_id)
    plan = project.plan(support(with_number=False), client)
    assert steps(plan) == [("create", "agent.Acme support")]
    assert "deleted outside retell-dsl" in plan.steps[0].reason
    project.apply(plan, client)
    assert project.plan(support(with_number=False), client).steps == []


def test_knowledge_base_text_change_swaps_the_source(project: Project, client: Any) -> None:
    project.apply(project.plan(support(), client), client)
    plan = project.plan(support(kb_text="Returns within 60 days."), client)
    assert steps(plan) == [("update", "knowledge_base.help-center")]
    project.apply(plan, client)
    kb_id = project.state().get("knowledge_base.help-center").remote_id  # type: ignore[union-attr]
    sources = client.knowledge_base.retrieve(kb_id).knowledge_base_sources or []
    assert sorted(s.type for s in sources) == ["text", "url"]
    assert project.plan(support(kb_text="Returns within 60 days."), client).steps == []


def test_destroy_removes_everything_owned_and_nothing_else(project: Project, client: Any) -> None:
    foreign = client.llm.create(general_prompt="not ours")
    project.apply(project.plan(support(with_sales=True), client), client)
    owned = dict(project.state().items())
    plan = make_plan([], owned, {}, stack="support", environment="staging", target="emulator", force=True)
    project.apply(plan, client)
    assert project.state().addresses() == []
    assert [llm.llm_id for llm in client.llm.list().items] == [foreign.llm_id]
    assert client.agent.list().items == [] and client.phone_number.list().items == []
    assert client.knowledge_base.list() == []


def test_saved_plan_is_refused_when_the_remote_changed(project: Project, client: Any, tmp_path: Path) -> None:
    project.apply(project.plan(support(), client), client)
    saved = tmp_path / "plan.json"
    saved.write_text(project.plan(support(prompt="New."), client).to_json())
    llm_id = project.state().get("llm.support").remote_id  # type: ignore[union-attr]
    client.llm.update(llm_id, general_prompt="someone else's edit")
    with pytest.raises(StalePlan, match=r"llm.support changed since it was made; run plan again"):
        project.apply(Plan.from_json(saved.read_text()), client, saved=True)
    assert client.llm.retrieve(llm_id).general_prompt == "someone else's edit"


def test_fresh_saved_plan_applies(project: Project, client: Any, tmp_path: Path) -> None:
    project.apply(project.plan(support(), client), client)
    text = project.plan(support(prompt="New."), client).to_json()
    project.apply(Plan.from_json(text), client, saved=True)
    assert project.plan(support(prompt="New."), client).steps == []


def test_environments_keep_separate_state(tmp_path: Path, client: Any) -> None:
    staging = Project(tmp_path, environment="staging")
    production = Project(tmp_path, environment="production")
    staging.apply(staging.plan(support(with_number=False), client), client)
    plan = production.plan(support(with_number=False), client)
    assert {a for a, _ in steps(plan)} == {"create"}
    production.apply(plan, client)
    assert len(client.agent.list().items) == 2
    assert staging.state_path != production.state_path


def test_api_refusal_names_the_resource_and_later_steps_wait(project: Project, emu: Emulator, client: Any) -> None:
    # what lint and apply's preflight cannot see: Retell refuses the agent (a bad voice is caught
    # before the first change now, see test_preflight.py)
    emu.faults.add("POST /create-agent", error_rate=1.0, error_statuses=(400,), times=1)
    with pytest.raises(ApplyFailed) as err:
        project.apply(project.plan(support(), client), client)
    message = str(err.value)
    assert "create:agent.Acme support: agent.Acme support: Retell refused the request (400)" in message
    assert "not started because of the failures above: create:phone_number.support line" in message
    assert project.state().get("llm.support") is not None  # what succeeded is recorded
    project.apply(project.plan(support(), client), client)  # fixing the code converges
    assert project.plan(support(), client).steps == []


def test_plan_with_nothing_owned_still_checks_the_key(project: Project) -> None:
    from retell_dsl.deploy import ApiRefused

    emu = Emulator(api_key="key_right")
    wrong = emu.client().with_options(api_key="key_wrong")
    with pytest.raises(ApiRefused, match=r"checking the API key: Retell refused the request \(401\)"):
        project.plan(support(), wrong)


def test_create_only_change_replaces_a_protected_number_only_when_forced(project: Project, client: Any) -> None:
    project.apply(project.plan(support(), client), client)
    old = project.state().get("phone_number.support line").remote_id  # type: ignore[union-attr]
    kept = project.plan(support(area_code=650), client)
    assert kept.steps == []
    assert any("area_code cannot change without replacing it" in w for w in kept.warnings)
    plan = project.plan(support(area_code=650), client, force=True)
    assert steps(plan) == [("replace", "phone_number.support line")]
    assert [(c.path, c.before, c.after) for c in plan.steps[0].changes] == [("area_code", 415, 650)]
    project.apply(plan, client)
    new = project.state().get("phone_number.support line").remote_id  # type: ignore[union-attr]
    assert new != old and new is not None and new.startswith("+1650")
    assert [n.phone_number for n in client.phone_number.list().items] == [new]  # the old one was released
    assert project.plan(support(area_code=650), client).steps == []


def test_replacing_a_knowledge_base_moves_its_dependents_to_the_new_one(project: Project, client: Any) -> None:
    project.apply(project.plan(support(with_number=False), client), client)
    old_kb = project.state().get("knowledge_base.help-center").remote_id  # type: ignore[union-attr]
    plan = project.plan(support(with_number=False, kb_max_chunk=1200), client, force=True)
    assert steps(plan) == [("replace", "knowledge_base.help-center"), ("update", "llm.support")]
    assert "replace:knowledge_base.help-center" in plan.steps[1].after
    project.apply(plan, client)
    new_kb = project.state().get("knowledge_base.help-center").remote_id  # type: ignore[union-attr]
    llm_id = project.state().get("llm.support").remote_id  # type: ignore[union-attr]
    assert new_kb != old_kb
    assert client.llm.retrieve(llm_id).knowledge_base_ids == [new_kb]
    assert [kb.knowledge_base_id for kb in client.knowledge_base.list()] == [new_kb]
    assert project.plan(support(with_number=False, kb_max_chunk=1200), client).steps == []


def test_a_launched_campaign_is_never_relaunched_by_a_change(project: Project, client: Any) -> None:
    from retell_dsl import Stack

    project.apply(project.plan(outbound_reminders.stack, client), client)
    calls_before = len(client.call.list(limit=1000).items)
    assert calls_before >= 1
    changed = outbound_reminders.campaign.call("+12125550999", patient_name="Linus", appointment_time="Wed 9:00")
    stack = Stack(name="reminders").add(changed).expect_call_variables("patient_name", "appointment_time")
    plan = project.plan(stack, client)
    assert plan.steps == []
    assert any("batch_call.tomorrow was launched already" in w for w in plan.warnings)
    assert len(client.call.list(limit=1000).items) == calls_before


def test_flow_change_behind_a_published_agent_converges_in_one_apply(project: Project, client: Any) -> None:
    import dataclasses

    from retell_dsl import Stack

    c = clinic_receptionist
    project.apply(project.plan(c.stack, client, publish=True), client)
    agent = dataclasses.replace(c.agent, engine=c.flow.prompt("You are the receptionist. Be concise."))
    number = dataclasses.replace(c.number, inbound=tuple(dataclasses.replace(b, agent=agent) for b in c.number.inbound))
    stack = Stack(name="clinic").add(number)
    plan = project.plan(stack, client, publish=True)
    assert steps(plan) == [("open_draft", "agent.Bright Smiles receptionist"),
                           ("update", "conversation_flow.receptionist"),
                           ("publish", "agent.Bright Smiles receptionist")]  # fmt: skip
    project.apply(plan, client)
    assert project.plan(stack, client, publish=True).steps == []  # the version title does not churn
    agent_id = project.state().get("agent.Bright Smiles receptionist").remote_id  # type: ignore[union-attr]
    versions = client.agent.list_versions(agent_id, sort_order="ascending").items
    assert [(v.version, v.is_published, v.version_title) for v in versions] == [
        (0, True, "Receptionist v1"),
        (1, True, "Receptionist v1"),
    ]
