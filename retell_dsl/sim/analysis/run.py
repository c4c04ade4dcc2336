"""Run a post-call or post-chat analysis: one forced ``record_analysis`` call, then checks.

The model gets a system prompt, the transcript as the user message, and the single
``record_analysis`` tool (``tool_choice`` forces it, ``temperature=0``, ``purpose="analysis"``,
``retell_model`` = the agent's ``post_call_analysis_model`` / ``post_chat_analysis_model``).
Its answer is checked field by field (:func:`coerce`): a value of the wrong type that has an
obvious reading (``"true"``, ``"4"``, an enum choice in another case) is converted; anything
else is dropped and reported in :attr:`AnalysisResult.issues`. Per Retell, a required field that
was not extracted marks the conversation unsuccessful (``call_successful`` / ``chat_successful``
false).

The model call is bounded by ``timeout_s`` (120 s by default).

Not analysed: a call that never connected (no utterance, or a dial failure) gets
``{"in_voicemail": False}`` only — the SDK makes every analysis field optional, and Retell
documents that nothing is extracted then; a chat without messages gets ``None``. Neither asks a
model. When the model fails (none configured, provider down, unusable reply) the result carries
:attr:`AnalysisResult.error` naming the fields that need a model, and no analysis: nothing is
invented.

>>> import asyncio
>>> from retell_dsl.sim.models import Rule, ScriptedModel
>>> model = ScriptedModel(Rule(purpose="analysis").call("record_analysis", {
...     "call_summary": "The user booked a table.", "call_successful": True, "user_sentiment": "Positive"}))
>>> result = asyncio.run(analyze_call(None, "Agent: Hi\\nUser: A table please\\n", model))
>>> result.analysis
{'call_summary': 'The user booked a table.', 'call_successful': True, 'user_sentiment': 'Positive', \
'in_voicemail': False, 'custom_analysis_data': {}}
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.analysis.fields import AnalysisField, AnalysisKind, analysis_fields
from retell_dsl.sim.analysis.schema import TOOL_NAME, analysis_tool
from retell_dsl.sim.events import Event
from retell_dsl.sim.models import (
    Message,
    Model,
    ModelContext,
    ModelError,
    ModelRequest,
    ProviderUnavailable,
    Usage,
    validate_reply,
)
from retell_dsl.sim.outputs import chat_transcript, disconnection_reason, is_connected, transcript

__all__ = ["AnalysisResult", "analyze_call", "analyze_call_events", "analyze_chat", "analyze_chat_events", "coerce"]

_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


@dataclass(frozen=True, slots=True, kw_only=True)
class AnalysisResult:
    """The analysis (``call_analysis`` / ``chat_analysis`` shape), or why there is none.

    ``issues`` lists every value that was converted, dropped or missing; ``request`` is what the
    model was asked (``None`` when no model was needed).
    """

    analysis: dict[str, Any] | None
    error: str | None = None
    needs_model: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    usage: Usage | None = None
    request: ModelRequest | None = None

    @property
    def ok(self) -> bool:
        """True unless the model failed."""
        return self.error is None


def coerce(field: AnalysisField, value: Any) -> tuple[bool, Any, str | None]:
    """``(extracted, value, issue)`` for one answered value.

    >>> from retell_dsl.sim.analysis.fields import AnalysisField
    >>> coerce(AnalysisField(name="n", type="number", description=""), "4")
    (True, 4, "'n': the number was given as the string '4'")
    >>> coerce(AnalysisField(name="t", type="enum", description="", choices=("a", "b")), "c")
    (False, None, "'t': 'c' is not one of the choices 'a', 'b'")
    """
    name = repr(field.name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return False, None, None
    if field.type == "string":
        if isinstance(value, str):
            return True, value, None
        if isinstance(value, bool | int | float):
            return True, str(value), f"{name}: a string was expected, got {value!r}"
        return False, None, f"{name}: a string was expected, got {type(value).__name__}"
    if field.type == "enum":
        if isinstance(value, str):
            if value in field.choices:
                return True, value, None
            folded = {c.casefold(): c for c in field.choices}
            if value.strip().casefold() in folded:
                choice = folded[value.strip().casefold()]
                return True, choice, f"{name}: {value!r} read as the choice {choice!r}"
        allowed = ", ".join(repr(c) for c in field.choices)
        return False, None, f"{name}: {value!r} is not one of the choices {allowed}"
    if field.type == "boolean":
        if isinstance(value, bool):
            return True, value, None
        if isinstance(value, str) and value.strip().casefold() in _TRUE | _FALSE:
            return True, value.strip().casefold() in _TRUE, f"{name}: the boolean was given as the string {value!r}"
        return False, None, f"{name}: true or false was expected, got {value!r}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if math.isfinite(value):
            return True, value, None
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = math.nan
        if math.isfinite(number):
            read = int(number) if number.is_integer() and "." not in value else number
            return True, read, f"{name}: the number was given as the string {value!r}"
    return False, None, f"{name}: a number was expected, got {value!r}"


_SYSTEM = (
    "You analyse a finished {kind} between an AI agent and a user. Read the transcript and call the "
    "{tool} function exactly once. Follow each field's description; base every value on the "
    "transcript only, and leave an optional field out when the transcript does not give it."
)


def _request(fields: Sequence[AnalysisField], text: str, kind: AnalysisKind, model_name: str | None) -> ModelRequest:
    return ModelRequest(
        messages=(
            Message.system(_SYSTEM.format(kind=kind, tool=TOOL_NAME)),
            Message.user(f"Transcript of the {kind}:\n{text}"),
        ),
        tools=(analysis_tool(fields, kind),),
        tool_choice=TOOL_NAME,
        temperature=0,
        retell_model=model_name,
        context=ModelContext(purpose="analysis"),
    )


def _fill(
    fields: Sequence[AnalysisField], answer: Mapping[str, Any], kind: AnalysisKind
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    issues: list[str] = []
    custom_answer = answer.get("custom_analysis_data")
    if custom_answer is None:
        custom_answer = {}
    if not isinstance(custom_answer, Mapping):
        issues.append(f"'custom_analysis_data': an object was expected, got {custom_answer!r}")
        custom_answer = {}
    presets: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    for field in fields:
        source = answer if field.preset else custom_answer
        extracted, value, issue = coerce(field, source.get(field.name))
        if issue:
            issues.append(issue)
        if extracted:
            (presets if field.preset else custom)[field.name] = value
        elif field.required:
            issues.append(f"{field.name!r} is required and was not extracted: the {kind} is marked unsuccessful")
    known = {f.name for f in fields if f.preset} | {"custom_analysis_data"}
    known_custom = {f.name for f in fields if not f.preset}
    issues += [f"{k!r} is not an analysis field; ignored" for k in answer if k not in known]
    issues += [
        f"'custom_analysis_data.{k}' is not an analysis field; ignored" for k in custom_answer if k not in known_custom
    ]
    missing_required = any(f.required and (f.name not in (presets if f.preset else custom)) for f in fields)
    if missing_required:
        presets[f"{kind}_successful"] = False
    return presets, custom, issues


async def _analyze(
    items: Iterable[Mapping[str, Any]] | None,
    text: str,
    model: Model,
    *,
    kind: AnalysisKind,
    model_name: str | None,
    timeout_s: float,
) -> AnalysisResult:
    fields = analysis_fields(items, kind=kind)
    if timeout_s <= 0:
        raise InvalidArgument(f"timeout_s must be positive, got {timeout_s!r}")
    request = _request(fields, text, kind, model_name)
    try:
        try:
            answer = await asyncio.wait_for(model.complete(request), timeout_s)
        except TimeoutError:
            raise ProviderUnavailable(
                f"the analysis model did not answer within {timeout_s:g} s", where=f"post-{kind} analysis"
            ) from None
        reply = validate_reply(request, answer)
    except ModelError as err:
        names = tuple(f.name for f in fields)
        message = f"post-{kind} analysis needs a model for {', '.join(names)}, and it failed: {err}"
        return AnalysisResult(analysis=None, error=message, needs_model=names, request=request)
    presets, custom, issues = _fill(fields, reply.tool_calls[0].arguments, kind)
    if len(reply.tool_calls) > 1:
        issues.append(f"the model called {TOOL_NAME} {len(reply.tool_calls)} times; the first call was used")
    analysis = {**presets, **({"in_voicemail": False} if kind == "call" else {}), "custom_analysis_data": custom}
    return AnalysisResult(analysis=analysis, issues=tuple(issues), usage=reply.usage, request=request)


async def analyze_call(
    post_call_analysis_data: Iterable[Mapping[str, Any]] | None,
    call_transcript: str,
    model: Model,
    *,
    post_call_analysis_model: str | None = None,
    connected: bool = True,
    in_voicemail: bool = False,
    timeout_s: float = 120.0,
) -> AnalysisResult:
    """The ``call_analysis`` of a call: presets, ``in_voicemail`` and ``custom_analysis_data``."""
    if not connected or not call_transcript.strip():
        return AnalysisResult(analysis={"in_voicemail": False})
    result = await _analyze(
        post_call_analysis_data,
        call_transcript,
        model,
        kind="call",
        model_name=post_call_analysis_model,
        timeout_s=timeout_s,
    )
    if result.analysis is not None:
        result.analysis["in_voicemail"] = in_voicemail
    return result


async def analyze_chat(
    post_chat_analysis_data: Iterable[Mapping[str, Any]] | None,
    chat_text: str,
    model: Model,
    *,
    post_chat_analysis_model: str | None = None,
    timeout_s: float = 120.0,
) -> AnalysisResult:
    """The ``chat_analysis`` of a chat: presets and ``custom_analysis_data`` (``None`` for an empty chat)."""
    if not chat_text.strip():
        return AnalysisResult(analysis=None)
    return await _analyze(
        post_chat_analysis_data,
        chat_text,
        model,
        kind="chat",
        model_name=post_chat_analysis_model,
        timeout_s=timeout_s,
    )


async def analyze_call_events(
    events: Sequence[Event], agent: Mapping[str, Any], model: Model, *, timeout_s: float = 120.0
) -> AnalysisResult:
    """:func:`analyze_call` from a call's log and its agent's wire JSON (``post_call_analysis_*``).

    ``in_voicemail`` is true when the call ended with ``voicemail_reached``.
    """
    return await analyze_call(
        agent.get("post_call_analysis_data"),
        transcript(events),
        model,
        post_call_analysis_model=agent.get("post_call_analysis_model"),
        connected=is_connected(events),
        in_voicemail=disconnection_reason(events) == "voicemail_reached",
        timeout_s=timeout_s,
    )


async def analyze_chat_events(
    events: Sequence[Event], agent: Mapping[str, Any], model: Model, *, timeout_s: float = 120.0
) -> AnalysisResult:
    """:func:`analyze_chat` from a chat's log and its chat agent's wire JSON (``post_chat_analysis_*``)."""
    return await analyze_chat(
        agent.get("post_chat_analysis_data"),
        chat_transcript(events),
        model,
        post_chat_analysis_model=agent.get("post_chat_analysis_model"),
        timeout_s=timeout_s,
    )
