"""Importing a chat agent by id: a clear "not supported yet" error naming what to do, not a 404."""

from __future__ import annotations

import pytest
import retell

from retell_dsl import InvalidArgument
from retell_dsl.emulator import Emulator
from retell_dsl.importer import import_agents


def test_importing_a_chat_agent_says_it_is_not_supported_yet_and_what_to_do() -> None:
    client = Emulator().client()
    llm = client.llm.create(general_prompt="Help with orders.")
    chat = client.chat_agent.create(
        agent_name="Orders chat", response_engine={"type": "retell-llm", "llm_id": llm.llm_id}
    )
    with pytest.raises(InvalidArgument) as caught:
        import_agents(client, [chat.agent_id])
    message = str(caught.value)
    assert message.startswith(f"{chat.agent_id} is a chat agent ('Orders chat'); importing chat agents")
    assert "ChatAgent(name='Orders chat', engine=...)" in message


def test_an_unknown_agent_id_is_still_not_found() -> None:
    with pytest.raises(retell.UnprocessableEntityError, match="not found"):
        import_agents(Emulator().client(), ["agent_doesnotexist"])
