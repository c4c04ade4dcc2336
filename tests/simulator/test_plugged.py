"""The local engine is plugged into the default emulator target, and CLI start-up does not import it."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from retell_dsl.simulator import LocalEngine
from retell_dsl.target import resolve_target
from tests.simulator.agents import POINTS_FLOW, bare


def test_the_default_emulator_target_holds_chats_with_the_local_engine() -> None:
    target = resolve_target("emulator", emulator_db=":memory:", environ={})
    assert isinstance(target.emulator.engine, LocalEngine)
    client = target.client(_strict_response_validation=True)
    flow = client.conversation_flow.create(**POINTS_FLOW)
    engine: Any = {"type": "conversation-flow", "conversation_flow_id": flow.conversation_flow_id}
    agent = client.chat_agent.create(response_engine=engine)
    chat = client.chat.create(agent_id=agent.agent_id, retell_llm_dynamic_variables={"name": "Ann", "tier": "basic"})
    turn = client.chat.create_chat_completion(chat_id=chat.chat_id, content="No thanks")
    assert bare(turn.messages)[-1] == {"role": "agent", "content": "Goodbye, Ann!"}


def test_importing_the_cli_does_not_import_the_engine() -> None:
    code = "import sys, retell_dsl.cli, retell_dsl.target; print('retell_dsl.simulator' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "False"
