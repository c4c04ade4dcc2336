"""Shared fixtures of the sim tests: ``openai_server`` (a real chat-completions server) and ``tool_server``.

Each lives in its own module; importing the fixture functions here registers them for tests/sim/.
"""

from __future__ import annotations

from tests.sim.openai_fixtures import openai_server
from tests.sim.tool_fixtures import tool_server

__all__ = ["openai_server", "tool_server"]
