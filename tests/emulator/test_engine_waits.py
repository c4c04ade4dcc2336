"""While the engine answers a request, the rest of the emulator goes on (no lock is held across it).

A chat completion used to wait for the engine inside the request's store transaction,
while the calls that engine was holding waited for the same lock to record their
transcripts: the emulator froze (seen in CI, when a campaign's calls ran during a chat).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import pytest
import retell

from retell_dsl.emulator.engine_port import AgentSnapshot, ChatTurn
from retell_dsl.emulator.store import Store
from tests.emulator.conftest import Api
from tests.emulator.helpers import make_chat_agent, make_llm
from tests.emulator.test_engine_slot import FakeEngine


class StoreWritingEngine(FakeEngine):
    """Answers a chat only once another thread has written to the emulator (as a held call does)."""

    def __init__(self, api: Api) -> None:
        super().__init__()
        self.api = api
        self.written: list[str] = []
        self.during: Callable[[], None] | None = None

    def chat_completion(
        self, agent: AgentSnapshot, messages: Sequence[dict[str, Any]], dynamic_variables: Mapping[str, str]
    ) -> ChatTurn:
        def write() -> None:
            self.api.emu.state.store.counter("from-another-thread")
            self.written.append("written")

        other = threading.Thread(target=write)
        other.start()
        other.join(timeout=10)
        if other.is_alive():
            raise AssertionError("another thread could not write to the store while the engine answered")
        if self.during is not None:
            self.during()
        return super().chat_completion(agent, messages, dynamic_variables)


@pytest.fixture
def writing(api: Api) -> Iterator[StoreWritingEngine]:
    fake = StoreWritingEngine(api)
    api.emu.use_engine(fake)
    yield fake
    api.emu.use_engine(None)


def _chat(api: Api) -> Any:
    agent = make_chat_agent(api, llm_id=make_llm(api).llm_id)
    return api.call("chat.create", agent_id=agent.agent_id)


def test_the_store_is_free_while_the_engine_answers_a_chat(api: Api, writing: StoreWritingEngine) -> None:
    chat = _chat(api)
    reply = api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="hi")
    assert [m.content for m in reply.messages] == ["You said: hi"]
    assert writing.written == ["written"]
    assert api.call("chat.retrieve", chat.chat_id).transcript == "User: hi\nAgent: You said: hi"


def test_a_chat_ended_while_the_engine_answered_is_a_conflict_and_keeps_its_history(
    api: Api, writing: StoreWritingEngine
) -> None:
    chat = _chat(api)
    api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="first")
    ended: list[BaseException | None] = []

    def end_meanwhile() -> None:
        def end() -> None:
            try:
                api.emu.client().chat.end(chat.chat_id)
                ended.append(None)
            except BaseException as exc:
                ended.append(exc)

        other = threading.Thread(target=end)
        other.start()
        other.join(timeout=10)

    writing.during = end_meanwhile
    with pytest.raises(retell.ConflictError, match="changed while the agent was answering"):
        api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="second")
    assert ended == [None]
    stored = api.call("chat.retrieve", chat.chat_id)
    assert (stored.chat_status, stored.transcript) == ("ended", "User: first\nAgent: You said: first")


def test_released_commits_what_came_before_and_begins_again_after() -> None:
    store = Store()
    seen: list[Any] = []
    with store.transaction():
        store.meta_set("before", 1)
        with store.released():
            reader = threading.Thread(target=lambda: seen.append(store.meta_get("before")))
            reader.start()
            reader.join(timeout=10)
        store.meta_set("after", 2)
    assert seen == [1]
    assert (store.meta_get("before"), store.meta_get("after")) == (1, 2)


def test_released_outside_a_transaction_does_nothing() -> None:
    store = Store()
    with store.released():
        store.meta_set("k", "v")
    assert store.meta_get("k") == "v"


def test_a_failure_after_released_rolls_back_only_what_followed() -> None:
    store = Store()
    with pytest.raises(RuntimeError), store.transaction():
        store.meta_set("kept", 1)
        with store.released():
            pass
        store.meta_set("lost", 2)
        raise RuntimeError("the handler failed after the engine answered")
    assert (store.meta_get("kept"), store.meta_get("lost")) == (1, None)
