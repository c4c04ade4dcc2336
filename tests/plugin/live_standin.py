"""The served emulator standing in for live Retell: the live code paths of the plugin run over real HTTP.

:func:`standin` serves an emulator (with a local engine) on a free loopback port; :func:`live_env`
is the environment a live session needs to use it (``RETELL_BASE_URL`` + a key). ``HELLO`` is a
test file whose stack needs no model (static text), so its conversations are deterministic.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from retell_dsl.emulator import Emulator
from retell_dsl.emulator.serve import ServedEmulator, serve_in_thread
from retell_dsl.sim.models import Model, NoModel
from retell_dsl.simulator import LocalEngine

__all__ = ["HELLO", "KEY", "ROOT", "live_env", "remaining", "standin"]

ROOT = Path(__file__).resolve().parents[2]
#: The stand-in's key: a test checks it never appears in any output.
KEY = "key_standin_5ecretvalue_0f_the_run"

HELLO = """
from retell_dsl import Agent, ChatAgent, ConversationFlow, ConversationNode, EndNode, Stack

flow = (
    ConversationFlow(name="hello", start_speaker="agent", model="gpt-4.1")
    .start_at("greet")
    .node(ConversationNode(name="greet", static_text="Hi! Anything else?").otherwise("bye"))
    .node(EndNode(name="bye", static_text="Bye!"))
)
stack = Stack(name="hello").add(
    ChatAgent(name="hello chat", engine=flow), Agent(name="hello voice", engine=flow, voice="11labs-Adrian")
)
"""


@contextmanager
def standin(model: Model | None = None) -> Iterator[ServedEmulator]:
    """An emulator served over HTTP (its engine on ``model``, default none), stopped afterwards."""
    emulator = Emulator(":memory:", api_key=KEY, engine=LocalEngine(model=model or NoModel()))
    server = serve_in_thread(emulator)
    try:
        yield server
    finally:
        server.stop()
        emulator.close()


def live_env(server: ServedEmulator, key: str = KEY) -> dict[str, str]:
    """The environment of a live session against ``server`` (this worktree first on the path)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RETELL_", "OPENAI_"))}
    env.update(RETELL_BASE_URL=server.base_url, RETELL_API_KEY=key, PYTHONPATH=str(ROOT))
    return env


def remaining(server: ServedEmulator) -> dict[str, list[Any]]:
    """What the stand-in holds: agents (names), LLMs, flows, knowledge bases (ids)."""
    client = server.client()
    return {
        "agents": [a.agent_name for a in client.agent.list().items],
        "llms": [x.llm_id for x in client.llm.list().items],
        "flows": [f.conversation_flow_id for f in client.conversation_flow.list().items],
        "knowledge_bases": [k.knowledge_base_id for k in client.knowledge_base.list()],
    }
