"""Judging a simulated test conversation: all of a test case's ``metrics`` in one model call.

The judge model is asked once (``purpose="judge"``, ``temperature=0``) with the transcript and
the numbered metrics, and must call ``record_verdict`` with ``{"pass": bool, "explanation": str}``
(the tool is forced). One unmet metric fails the run, as on Retell. A reply without the call,
or with the wrong types, is a :class:`~retell_dsl.sim.models.InvalidModelReply`.

>>> import asyncio
>>> from retell_dsl.sim.models import Rule, ScriptedModel
>>> judge = ScriptedModel(Rule(purpose="judge").call(VERDICT_TOOL.name, {"pass": True, "explanation": "Booked."}))
>>> asyncio.run(verdict(judge, "User: a table\\nAgent: Booked.\\n", ["The agent books a table"]))
(True, 'Booked.')
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from retell_dsl.sim.models import (
    InvalidModelReply,
    Message,
    Model,
    ModelContext,
    ModelRequest,
    ProviderUnavailable,
    ToolSchema,
    validate_reply,
)

__all__ = ["VERDICT_TOOL", "verdict"]

VERDICT_TOOL = ToolSchema(
    "record_verdict",
    "Record whether the conversation met every success criterion, and why.",
    {
        "type": "object",
        "properties": {
            "pass": {"type": "boolean", "description": "True only when every criterion is met."},
            "explanation": {"type": "string", "description": "Why, criterion by criterion, in a few sentences."},
        },
        "required": ["pass", "explanation"],
    },
)

_SYSTEM = (
    "You grade a conversation between an AI agent and a simulated user against success criteria. "
    "The run passes only if every criterion is met. Call record_verdict once with your verdict."
)


async def verdict(
    model: Model, transcript: str, metrics: Sequence[str], *, llm_model: str | None = None, timeout_s: float = 120.0
) -> tuple[bool, str]:
    """``(passed, explanation)`` for ``transcript`` judged against every metric together."""
    criteria = "\n".join(f"{i}. {m}" for i, m in enumerate(metrics, 1)) or "(no criteria: the run passes)"
    request = ModelRequest(
        messages=(
            Message.system(_SYSTEM),
            Message.user(f"Success criteria:\n{criteria}\n\nTranscript:\n{transcript}"),
        ),
        tools=(VERDICT_TOOL,),
        tool_choice=VERDICT_TOOL.name,
        temperature=0,
        retell_model=llm_model,
        context=ModelContext(purpose="judge"),
    )
    try:
        reply = await asyncio.wait_for(model.complete(request), timeout_s)
    except TimeoutError:
        raise ProviderUnavailable(f"the judge model did not answer within {timeout_s:g} s", where="the judge") from None
    reply = validate_reply(request, reply)
    call = next((c for c in reply.tool_calls if c.name == VERDICT_TOOL.name), None)
    if call is None:
        raise InvalidModelReply(f"the judge did not call {VERDICT_TOOL.name}", where="the judge")
    passed, explanation = call.arguments.get("pass"), call.arguments.get("explanation")
    if not isinstance(passed, bool) or not isinstance(explanation, str):
        raise InvalidModelReply(
            f"{VERDICT_TOOL.name} needs a boolean 'pass' and a string 'explanation', got {dict(call.arguments)!r}",
            where="the judge",
        )
    return passed, explanation
