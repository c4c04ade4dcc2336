"""Language models for the engine: the :class:`Model` interface, an OpenAI-compatible provider, a scripted model.

The engine builds a :class:`ModelRequest` (OpenAI-shaped messages, tool schemas, where it is)
and awaits :meth:`Model.complete`. :func:`default_model` picks :class:`OpenAICompatible` from
the environment, else :class:`NoModel`, which explains how to configure one. Every failure is a
:class:`ModelError` carrying the Retell ``disconnection_reason`` the conversation ends with.

>>> import asyncio
>>> model = ScriptedModel(Rule(state="intro").say("Hi, how can I help?"))
>>> request = ModelRequest(messages=(Message.user("hello"),), context=ModelContext(state="intro"))
>>> asyncio.run(model.complete(request)).text
'Hi, how can I help?'
"""

from __future__ import annotations

from retell_dsl.sim.models.errors import (
    InvalidModelReply,
    ModelError,
    ModelNotConfigured,
    ProviderFailed,
    ProviderUnavailable,
    ScriptMismatch,
)
from retell_dsl.sim.models.interface import (
    EdgeTarget,
    Message,
    Model,
    ModelContext,
    ModelReply,
    ModelRequest,
    Purpose,
    Role,
    ToolCall,
    ToolSchema,
    Usage,
    validate_reply,
)
from retell_dsl.sim.models.nomodel import NoModel, default_model
from retell_dsl.sim.models.openai_compatible import OpenAICompatible
from retell_dsl.sim.models.scripted import Rule, ScriptedModel, ScriptIncomplete
from retell_dsl.sim.models.transitions import FlowEdge, chosen_target, flow_edge_tools, state_edge_tool

__all__ = [
    "EdgeTarget",
    "FlowEdge",
    "InvalidModelReply",
    "Message",
    "Model",
    "ModelContext",
    "ModelError",
    "ModelNotConfigured",
    "ModelReply",
    "ModelRequest",
    "NoModel",
    "OpenAICompatible",
    "ProviderFailed",
    "ProviderUnavailable",
    "Purpose",
    "Role",
    "Rule",
    "ScriptIncomplete",
    "ScriptMismatch",
    "ScriptedModel",
    "ToolCall",
    "ToolSchema",
    "Usage",
    "chosen_target",
    "default_model",
    "flow_edge_tools",
    "state_edge_tool",
    "validate_reply",
]
