"""Importing chat agents by id: DSL source that compiles back to the same objects, adopted into state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import retell

from retell_dsl.deploy import Project
from retell_dsl.deploy.app import load_attribute
from retell_dsl.deploy.state import StateFile
from retell_dsl.emulator import Emulator
from retell_dsl.importer import import_agents


@pytest.fixture
def client() -> Any:
    return Emulator().client()


def _chat_agent(client: Any) -> Any:
    llm = client.llm.create(general_prompt="Help with orders.", model_config={"type": "cascading",
                            "primary": {"model": "gpt-4.1"}})  # fmt: skip
    return client.chat_agent.create(
        agent_name="Orders chat",
        response_engine={"type": "retell-llm", "llm_id": llm.llm_id},
        auto_close_message="Bye!",
        end_chat_after_silence_ms=600_000,
        post_chat_analysis_data=[{"type": "system-presets", "name": "chat_summary"},
                                 {"type": "boolean", "name": "resolved", "description": "Resolved?"}],
        data_storage_setting="everything_except_pii",
        contact_memory_config={"enable_read": True},
    )  # fmt: skip


def test_an_imported_chat_agent_is_source_that_plans_no_changes_once_adopted(
    client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = _chat_agent(client)
    imported = import_agents(client, [chat.agent_id], stack_name="chat")
    assert "ChatAgent(" in imported.source and 'SystemPreset(name="call_summary")' in imported.source
    kinds = {r.address: (r.kind, r.remote_id) for r in imported.resources}
    assert kinds["chat_agent.Orders chat"] == ("chat_agent", chat.agent_id)
    (tmp_path / "app.py").write_text(imported.source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    stack = load_attribute("app:stack")
    project = Project(tmp_path, environment="staging")
    with project.lock():
        state = StateFile.load(project.state_path, environment="staging", writable=True)
        assert imported.adopt(state) == [r.address for r in imported.resources]
    plan = project.plan(stack, client)
    assert plan.steps == [], [(s.action, s.address, [c.path for c in s.changes]) for s in plan.steps]


def test_an_unknown_agent_id_is_still_not_found(client: Any) -> None:
    with pytest.raises(retell.UnprocessableEntityError, match="agent_doesnotexist"):
        import_agents(client, ["agent_doesnotexist"])
