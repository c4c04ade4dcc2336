"""The conversation-engine slot: a configured engine is called with wire JSON and its answers rendered."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
import retell

from retell_dsl.emulator import Emulator
from retell_dsl.emulator.engine_port import AgentSnapshot, CallSession, ChatTurn, ConversationEngine, SimulationResult
from tests.emulator.conftest import Api
from tests.emulator.helpers import call_kw, make_agent, make_chat_agent, make_llm


@dataclass
class FakeEngine:
    """Answers deterministically and records what it was asked."""

    seen: list[tuple[str, Any]] = field(default_factory=list)
    end_after: int | None = None

    def chat_completion(
        self, agent: AgentSnapshot, messages: Sequence[dict[str, Any]], dynamic_variables: Mapping[str, str]
    ) -> ChatTurn:
        self.seen.append(("chat", (agent, list(messages), dict(dynamic_variables))))
        said = messages[-1]["content"]
        ended = self.end_after is not None and len(messages) >= self.end_after
        return ChatTurn(
            messages=[{"role": "agent", "content": f"You said: {said}"}],
            ended=ended,
            collected_dynamic_variables={"last": str(said)} if ended else None,
        )

    def playground_completion(
        self,
        agent: AgentSnapshot,
        messages: Sequence[dict[str, Any]],
        *,
        dynamic_variables: Mapping[str, str],
        current_node_id: str | None,
        component_id: str | None,
        current_state: str | None,
        tool_mocks: Sequence[Mapping[str, Any]],
    ) -> Mapping[str, Any]:
        self.seen.append(("playground", (agent, list(messages), current_state, list(tool_mocks))))
        return {
            "messages": [{"role": "agent", "content": f"{len(messages)} messages so far"}],
            "call_ended": False,
            "current_state": "booking",
            "dynamic_variables": {**dynamic_variables, "seen": "yes"},
        }

    def run_test_case(self, agent: AgentSnapshot, definition: Mapping[str, Any]) -> SimulationResult:
        self.seen.append(("test", (agent, dict(definition))))
        passed = "pass" in str(definition["name"])
        return SimulationResult(
            status="pass" if passed else "fail",
            result_explanation="met every metric" if passed else "did not confirm",
            transcript=[{"role": "user", "content": definition["user_prompt"]}],
        )

    def run_call(self, agent: AgentSnapshot, session: CallSession) -> None:
        self.seen.append(("call", (agent, dict(session.call))))
        session.say("agent", "Hello, front desk.")
        session.advance(1_000)
        session.say("user", "I need a table.", words=[{"word": "I", "start": 1.0, "end": 1.1}])
        ident = session.tool_call("lookup", {"party": 4})
        session.advance(300)
        session.tool_result(ident, '{"free": true}', successful=True)
        session.dtmf("5")
        session.advance(2_000)
        session.end("user_hangup", collected_dynamic_variables={"party": "4"})


@pytest.fixture
def engine(api: Api) -> Iterator[FakeEngine]:
    fake = FakeEngine()
    api.emu.use_engine(fake)
    yield fake
    api.emu.use_engine(None)  # the served emulator is shared by the session


def test_the_fake_implements_the_protocol() -> None:
    assert isinstance(FakeEngine(), ConversationEngine)
    assert Emulator(engine=FakeEngine()).engine is not None


def test_chat_completion_reaches_the_engine_and_its_answer_is_rendered(api: Api, engine: FakeEngine) -> None:
    llm = make_llm(api, general_prompt="Be brief.")
    agent = make_chat_agent(api, llm_id=llm.llm_id)
    chat = api.call("chat.create", agent_id=agent.agent_id, retell_llm_dynamic_variables={"name": "Ann"})
    reply = api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="hi")
    assert [(m.role, m.content) for m in reply.messages] == [("agent", "You said: hi")]
    assert reply.messages[0].message_id and reply.messages[0].created_timestamp == api.emu.clock.now_ms()
    kind, (snapshot, messages, variables) = engine.seen[-1]
    assert kind == "chat"
    assert snapshot.agent["agent_id"] == agent.agent_id and snapshot.engine_type == "retell-llm"
    assert snapshot.engine is not None and snapshot.engine["general_prompt"] == "Be brief."
    assert [(m["role"], m["content"]) for m in messages] == [("user", "hi")]
    assert variables == {"name": "Ann"}
    stored = api.call("chat.retrieve", chat.chat_id)
    assert stored.transcript == "User: hi\nAgent: You said: hi"
    assert stored.message_with_tool_calls is not None and len(stored.message_with_tool_calls) == 2


def test_an_engine_can_end_the_chat(api: Api, engine: FakeEngine) -> None:
    engine.end_after = 3
    chat = api.call("chat.create", agent_id=make_chat_agent(api).agent_id)
    api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="one")
    assert api.call("chat.retrieve", chat.chat_id).chat_status == "ongoing"
    api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="two")
    ended = api.call("chat.retrieve", chat.chat_id)
    assert (ended.chat_status, ended.collected_dynamic_variables) == ("ended", {"last": "two"})
    with pytest.raises(retell.BadRequestError, match="only ongoing chats take messages"):
        api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="three")


def test_playground_completion_reaches_the_engine(api: Api, engine: FakeEngine) -> None:
    agent = make_agent(api)
    mocks = [{"tool_name": "book", "output": '{"ok": true}', "input_match_rule": {"type": "any"}}]
    result = api.call(
        "playground.completion", agent.agent_id, messages=[{"role": "user", "content": "hi"}],
        current_state="greeting", dynamic_variables={"a": "b"}, tool_mocks=mocks, version=0,
    )  # fmt: skip
    assert [m.content for m in result.messages] == ["1 messages so far"]
    assert (result.current_state, result.dynamic_variables) == ("booking", {"a": "b", "seen": "yes"})
    kind, (snapshot, _, state, tool_mocks) = engine.seen[-1]
    assert (kind, snapshot.agent["agent_id"], state) == ("playground", agent.agent_id, "greeting")
    assert tool_mocks[0]["tool_name"] == "book"


def test_batch_tests_run_each_definition_through_the_engine(api: Api, engine: FakeEngine) -> None:
    llm = make_llm(api)
    response_engine = {"type": "retell-llm", "llm_id": llm.llm_id}
    ids = [
        call_kw(api, "tests.create_test_case_definition", name=name, response_engine=response_engine,
                user_prompt=f"caller {i}", metrics=["confirms"]).test_case_definition_id
        for i, name in enumerate(["should pass", "should fail", "also pass"])
    ]  # fmt: skip
    batch = api.call("tests.create_batch_test", response_engine=response_engine, test_case_definition_ids=ids)
    assert (batch.status, batch.pass_count, batch.fail_count, batch.error_count, batch.total_count) == (
        "complete", 2, 1, 0, 3,
    )  # fmt: skip
    assert api.call("tests.get_batch_test", batch.test_case_batch_job_id).to_dict() == batch.to_dict()
    runs = api.call("tests.list_test_runs", batch.test_case_batch_job_id).items
    assert sorted(r.status for r in runs) == ["fail", "pass", "pass"]
    run = api.call("tests.get_test_run", runs[0].test_case_job_id)
    assert run.test_case_definition_snapshot.test_case_definition_id == run.test_case_definition_id
    assert [kind for kind, _ in engine.seen] == ["test", "test", "test"]
    listed = api.call("tests.list_batch_tests", type="retell-llm", llm_id=llm.llm_id)
    assert [b.test_case_batch_job_id for b in listed.items] == [batch.test_case_batch_job_id]


def test_run_call_lets_the_engine_hold_the_call(api: Api, engine: FakeEngine) -> None:
    agent = make_agent(api)
    call_id = api.call("call.create_web_call", agent_id=agent.agent_id, metadata={"m": 1}).call_id
    final = api.emu.run_call(call_id)
    assert final["call_status"] == "ended"
    kind, (snapshot, call) = engine.seen[-1]
    assert (kind, snapshot.agent["agent_id"], call["call_id"], call["metadata"]) == (
        "call",
        agent.agent_id,
        call_id,
        {"m": 1},
    )
    got = api.call("call.retrieve", call_id)
    assert got.transcript == "Agent: Hello, front desk.\nUser: I need a table."
    assert (got.disconnection_reason, got.duration_ms, got.collected_dynamic_variables) == (
        "user_hangup", 3_300, {"party": "4"},
    )  # fmt: skip
    assert got.transcript_with_tool_calls is not None
    assert [item.role for item in got.transcript_with_tool_calls] == [
        "agent", "user", "tool_call_invocation", "tool_call_result", "dtmf",
    ]  # fmt: skip


def test_with_an_engine_unported_endpoints_still_say_what_is_missing(api: Api, engine: FakeEngine) -> None:
    agent = make_agent(api)
    call_id = api.call("call.create_web_call", agent_id=agent.agent_id).call_id
    api.emu.start_call(call_id)
    with pytest.raises(retell.InternalServerError) as err:
        api.call("call.listen_live", call_id)
    assert err.value.status_code == 501
    assert "not part of the ConversationEngine port yet" in str(err.value)


def test_without_an_engine_the_501_says_how_to_configure_one(api: Api) -> None:
    chat = api.call("chat.create", agent_id=make_chat_agent(api).agent_id)
    with pytest.raises(retell.InternalServerError) as err:
        api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="hi")
    assert err.value.status_code == 501
    message = str(err.value)
    assert "no conversation engine is configured" in message
    assert "Emulator(engine=...)" in message and "ConversationEngine" in message
    assert api.call("chat.retrieve", chat.chat_id).message_with_tool_calls == []
    with pytest.raises(RuntimeError, match="no conversation engine is configured"):
        api.emu.run_call(api.call("call.create_web_call", agent_id=make_agent(api).agent_id).call_id)
