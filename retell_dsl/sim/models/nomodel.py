"""The model used when none is configured: it never answers, it explains how to configure one.

>>> import asyncio
>>> from retell_dsl.sim.models.interface import Message, ModelContext, ModelRequest
>>> request = ModelRequest(messages=(Message.user("hi"),), context=ModelContext(node_id="n1", node_name="greet"))
>>> try:
...     asyncio.run(NoModel().complete(request))
... except ModelNotConfigured as err:
...     print(err)
node 'greet' (n1): needs a model to write the agent's reply, and none is configured. Fix it in one of three ways:
  1. use an OpenAI-compatible server: set OPENAI_BASE_URL (and OPENAI_API_KEY if it needs one)
     and RETELL_DSL_MODEL, or pass OpenAICompatible(base_url=..., model=...);
  2. pass a ScriptedModel for deterministic tests, e.g. ScriptedModel(Rule(node='greet').say('...'));
  3. change the agent so no model is needed here: static text instead of a prompt, equation
     conditions instead of prompt conditions, tool mocks instead of model-written arguments.
>>> type(default_model({})).__name__, type(default_model({"OPENAI_BASE_URL": "http://127.0.0.1:8000/v1"})).__name__
('NoModel', 'OpenAICompatible')
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from retell_dsl.sim.models.errors import ModelNotConfigured
from retell_dsl.sim.models.interface import Model, ModelReply, ModelRequest
from retell_dsl.sim.models.openai_compatible import BASE_URL_ENV, KEY_ENV, MODEL_ENV, OpenAICompatible

__all__ = ["NoModel", "default_model"]

_PURPOSES = {
    "reply": "to write the agent's reply",
    "prompt_condition": "to choose among prompt-condition edges",
    "tool_arguments": "to write a tool call's arguments",
    "extraction": "to extract dynamic variables",
    "analysis": "for post-call analysis",
    "persona": "to play the simulated caller",
    "judge": "to judge the conversation",
}


class NoModel:
    """A :class:`~retell_dsl.sim.models.Model` raising :class:`ModelNotConfigured`, naming the place and the fixes.

    >>> NoModel()
    NoModel()
    """

    def __repr__(self) -> str:
        return "NoModel()"

    async def complete(self, request: ModelRequest) -> ModelReply:
        """Raise :class:`ModelNotConfigured`; it never invents a reply."""
        ctx = request.context
        if ctx.node_name or ctx.node_id:
            rule = f"Rule(node={ctx.node_name or ctx.node_id!r})"
        elif ctx.state:
            rule = f"Rule(state={ctx.state!r})"
        else:
            rule = f"Rule(purpose={ctx.purpose!r})"
        purpose = _PURPOSES.get(ctx.purpose, "here")
        raise ModelNotConfigured(
            f"needs a model {purpose}, and none is configured. Fix it in one of three ways:\n"
            f"  1. use an OpenAI-compatible server: set {BASE_URL_ENV} (and {KEY_ENV} if it needs one)\n"
            f"     and {MODEL_ENV}, or pass OpenAICompatible(base_url=..., model=...);\n"
            f"  2. pass a ScriptedModel for deterministic tests, e.g. ScriptedModel({rule}.say('...'));\n"
            "  3. change the agent so no model is needed here: static text instead of a prompt, equation\n"
            "     conditions instead of prompt conditions, tool mocks instead of model-written arguments.",
            where=ctx.where,
        )


def default_model(environ: Mapping[str, str] | None = None) -> Model:
    """The model the environment configures: :class:`OpenAICompatible` when ``OPENAI_BASE_URL`` or
    ``OPENAI_API_KEY`` is set, else :class:`NoModel`."""
    env = os.environ if environ is None else environ
    if env.get(BASE_URL_ENV) or env.get(KEY_ENV):
        return OpenAICompatible(environ=env)
    return NoModel()
