"""The conversation engine's interpreters: a :class:`Session` runs a Retell LLM or a conversation flow.

>>> llm = {"general_prompt": "Be brief.", "begin_message": "Hi {{name}}, this is {{clinic}}.",
...        "default_dynamic_variables": {"clinic": "Bright Smiles"}}
>>> with Session.sync(agent={}, engine=llm, variables={"name": "Ada"}, clock=ManualClock()) as s:
...     s.start()[0].content
'Hi Ada, this is Bright Smiles.'
"""

from __future__ import annotations

from retell_dsl.sim.runtime.builtins import BUILTIN_TYPES
from retell_dsl.sim.runtime.config import CallFacts, Clock, Limits, ManualClock, StartAt, SystemClock, WarmTransfer
from retell_dsl.sim.runtime.core import AgentEngine, Resolver
from retell_dsl.sim.runtime.session import Session
from retell_dsl.sim.runtime.sync import Synchronous
from retell_dsl.sim.runtime.transfer_agent import Decision, TransferAgent, TransferRequest

__all__ = [
    "BUILTIN_TYPES",
    "AgentEngine",
    "CallFacts",
    "Clock",
    "Decision",
    "Limits",
    "ManualClock",
    "Resolver",
    "Session",
    "StartAt",
    "Synchronous",
    "SystemClock",
    "TransferAgent",
    "TransferRequest",
    "WarmTransfer",
]
