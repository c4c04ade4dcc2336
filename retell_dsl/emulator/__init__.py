"""An embedded emulator of the Retell REST API, faithful enough for the official SDK.

In process it hands out real ``retell`` clients over an httpx ``MockTransport``;
``retell-dsl emulator`` serves the same core over HTTP with uvicorn. Conversations (chat
completions, playground turns, batch tests, calls) need a :class:`ConversationEngine`,
plugged in with ``Emulator(engine=...)``; the emulator never imports one.
"""

from __future__ import annotations

from retell_dsl.emulator.clock import Clock, IdFactory, ManualClock, SystemClock
from retell_dsl.emulator.emulator import DEFAULT_BASE_URL, Emulator, generate_api_key
from retell_dsl.emulator.engine_port import AgentSnapshot, CallSession, ChatTurn, ConversationEngine, SimulationResult
from retell_dsl.emulator.faults import Faults
from retell_dsl.emulator.messages import EmuRequest, EmuResponse

__all__ = [
    "DEFAULT_BASE_URL",
    "AgentSnapshot",
    "CallSession",
    "ChatTurn",
    "Clock",
    "ConversationEngine",
    "EmuRequest",
    "EmuResponse",
    "Emulator",
    "Faults",
    "IdFactory",
    "ManualClock",
    "SimulationResult",
    "SystemClock",
    "generate_api_key",
]
