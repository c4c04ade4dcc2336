"""The same code against the real Retell API (needs RETELL_API_KEY; skipped without it).

These create only free objects (an LLM and an agent, never phone numbers or calls) with unique
names, and delete everything they created, even when an assertion fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from retell_dsl import Agent, RetellLLM, Stack
from retell_dsl.deploy import Project
from retell_dsl.deploy.plan import make_plan
from retell_dsl.target import resolve_target
from retell_dsl.toolkit import invoke

pytestmark = pytest.mark.retell_live


@pytest.fixture
def client() -> Any:
    return resolve_target("live").client(max_retries=3)


def test_voices_and_concurrency(client: Any) -> None:
    voices = invoke("list_voices", client, {})
    items = voices["items"] if isinstance(voices, dict) else voices
    assert any(v["voice_id"].startswith(("11labs-", "openai-", "cartesia-", "retell-")) for v in items)
    concurrency = invoke("get_concurrency", client, {})
    assert concurrency["concurrency_limit"] >= 1


def test_unknown_agent_is_a_clean_error(client: Any) -> None:
    with pytest.raises(Exception, match=r"4\d\d"):
        invoke("get_agent", client, {"agent_id": "agent_" + "0" * 26})


@pytest.fixture
def project(tmp_path: Path, client: Any) -> Iterator[Project]:
    project = Project(tmp_path, environment="live-test", target="live")
    yield project
    owned = dict(project.state().items())
    if owned:  # clean up whatever the test left
        plan = make_plan([], owned, {}, stack="live", environment="live-test", target="live", force=True)
        project.apply(plan, client)


def test_plan_apply_converge_and_destroy_on_the_real_api(project: Project, client: Any) -> None:
    tag = uuid.uuid4().hex[:8]
    llm = RetellLLM(name=f"live-{tag}", model="gpt-4.1").prompt("You are a test agent. Say goodbye.")
    stack = Stack(name=f"live-{tag}").add(Agent(name=f"retell-dsl live test {tag}", voice="11labs-Adrian", engine=llm))
    project.apply(project.plan(stack, client), client)
    assert project.plan(stack, client).steps == []
    edited = Stack(name=f"live-{tag}").add(
        Agent(name=f"retell-dsl live test {tag}", voice="11labs-Adrian", engine=llm.prompt("Say hello."))
    )
    plan = project.plan(edited, client)
    assert [(s.action, s.address) for s in plan.steps] == [("update", f"llm.live-{tag}")]
    project.apply(plan, client)
    assert project.plan(edited, client).steps == []
