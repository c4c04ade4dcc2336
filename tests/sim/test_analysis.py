"""Post-call and post-chat analysis with scripted models: the exact request, the checks, the edge cases."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from retell.types.chat_response import ChatAnalysis
from retell.types.web_call_response import CallAnalysis

from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.analysis import (
    AnalysisField,
    AnalysisResult,
    InvalidAnalysisConfig,
    analysis_fields,
    analyze_call,
    analyze_call_events,
    analyze_chat,
    analyze_chat_events,
    coerce,
)
from retell_dsl.sim.events import Ended, Utterance
from retell_dsl.sim.models import Model, ModelReply, ModelRequest, NoModel, Rule, ScriptedModel, ToolCall
from tests.sim.test_outputs_shapes import CHAT, strict_validate

CONFIG: list[dict[str, Any]] = [
    {"type": "system-presets", "name": "user_sentiment", "required": False, "description": "How the user felt."},
    {"type": "string", "name": "date", "description": "The booked date", "examples": ["2025-05-01"], "required": True},
    {"type": "enum", "name": "topic", "description": "Why they called", "choices": ["booking", "refund"]},
    {"type": "boolean", "name": "vip", "description": "A VIP caller", "conditional_prompt": "they mention a card"},
    {
        "type": "number",
        "name": "party",
        "description": "Party size",
        "required": True,
        "conditional_prompt": "ignored",
    },
]
TRANSCRIPT = "Agent: Hello!\nUser: A table for 4 on May 1st, I have a gold card.\n"
GOOD = {
    "call_summary": "The user booked a table for four.",
    "call_successful": True,
    "user_sentiment": "Positive",
    "custom_analysis_data": {"date": "2025-05-01", "topic": "booking", "vip": True, "party": 4},
}


def _model(answer: dict[str, Any]) -> ScriptedModel:
    return ScriptedModel(Rule(purpose="analysis").call("record_analysis", answer))


def _call(answer: dict[str, Any], config: list[dict[str, Any]] | None = None) -> tuple[AnalysisResult, ScriptedModel]:
    model = _model(answer)
    result = asyncio.run(analyze_call(CONFIG if config is None else config, TRANSCRIPT, model))
    return result, model


def test_the_request_is_one_forced_tool_call_with_the_exact_schema() -> None:
    model = _model(GOOD)
    asyncio.run(analyze_call(CONFIG, TRANSCRIPT, model, post_call_analysis_model="gpt-4.1-mini"))
    (request,) = model.calls
    assert request.context.purpose == "analysis"
    assert (request.tool_choice, request.temperature, request.retell_model) == ("record_analysis", 0, "gpt-4.1-mini")
    assert request.tool_names == ("record_analysis",)
    assert request.messages[-1].content == f"Transcript of the call:\n{TRANSCRIPT}"
    assert request.messages[0].role == "system"
    tool = request.tool("record_analysis")
    assert tool is not None
    assert tool.parameters == {
        "type": "object",
        "properties": {
            "call_summary": {"type": "string", "description": "A high level summary of the call."},
            "call_successful": {
                "type": "boolean",
                "description": (
                    "Whether the agent seems to have had a successful call with the user, where the agent "
                    "finishes the task, and the call was complete without being cut off."
                ),
            },
            "user_sentiment": {
                "type": "string",
                "enum": ["Negative", "Positive", "Neutral", "Unknown"],
                "description": "How the user felt. Leave it out if the conversation does not tell.",
            },
            "custom_analysis_data": {
                "type": "object",
                "description": "The agent's custom analysis fields.",
                "properties": {
                    "date": {"type": "string", "description": "The booked date", "examples": ["2025-05-01"]},
                    "topic": {
                        "type": "string",
                        "enum": ["booking", "refund"],
                        "description": "Why they called. Leave it out if the conversation does not tell.",
                    },
                    "vip": {
                        "type": "boolean",
                        "description": "A VIP caller. Fill this only if they mention a card; otherwise leave it out.",
                    },
                    "party": {"type": "number", "description": "Party size"},
                },
                "required": ["date", "party"],
                "additionalProperties": False,
            },
        },
        "required": ["call_summary", "call_successful", "custom_analysis_data"],
        "additionalProperties": False,
    }
    model.assert_complete()


def test_a_good_answer_becomes_the_call_analysis() -> None:
    result, _ = _call(GOOD)
    assert result.ok and result.issues == ()
    assert result.analysis == {**GOOD, "in_voicemail": False}
    strict_validate(CallAnalysis, result.analysis)


def test_no_custom_fields_means_the_presets_only() -> None:
    result, model = _call({"call_summary": "Hi.", "call_successful": False, "user_sentiment": "Neutral"}, config=[])
    assert result.analysis == {
        "call_summary": "Hi.",
        "call_successful": False,
        "user_sentiment": "Neutral",
        "in_voicemail": False,
        "custom_analysis_data": {},
    }
    tool = model.calls[0].tool("record_analysis")
    assert tool is not None and "custom_analysis_data" not in tool.parameters["properties"]


def test_a_missing_required_field_marks_the_call_unsuccessful() -> None:
    answer = {**GOOD, "custom_analysis_data": {"date": "2025-05-01", "topic": "booking"}}
    result, _ = _call(answer)
    assert result.analysis is not None
    assert result.analysis["call_successful"] is False
    assert result.analysis["custom_analysis_data"] == {"date": "2025-05-01", "topic": "booking"}
    assert result.issues == ("'party' is required and was not extracted: the call is marked unsuccessful",)


def test_a_missing_required_preset_marks_the_call_unsuccessful_but_an_optional_one_does_not() -> None:
    answer = {"call_successful": True, "custom_analysis_data": GOOD["custom_analysis_data"]}
    result, _ = _call(answer)
    assert result.analysis is not None
    assert result.analysis["call_successful"] is False
    assert "user_sentiment" not in result.analysis and "call_summary" not in result.analysis
    assert result.issues == ("'call_summary' is required and was not extracted: the call is marked unsuccessful",)


def test_wrong_values_are_converted_or_dropped_and_reported() -> None:
    answer = {
        **GOOD,
        "user_sentiment": "positive",
        "extra": 1,
        "custom_analysis_data": {"date": 20250501, "topic": "complaint", "vip": "yes", "party": "4", "x": 2},
    }
    result, _ = _call(answer)
    assert result.analysis is not None
    assert result.analysis["user_sentiment"] == "Positive"
    assert result.analysis["custom_analysis_data"] == {"date": "20250501", "vip": True, "party": 4}
    assert result.analysis["call_successful"] is True  # 'topic' is optional
    assert result.issues == (
        "'user_sentiment': 'positive' read as the choice 'Positive'",
        "'date': a string was expected, got 20250501",
        "'topic': 'complaint' is not one of the choices 'booking', 'refund'",
        "'vip': the boolean was given as the string 'yes'",
        "'party': the number was given as the string '4'",
        "'extra' is not an analysis field; ignored",
        "'custom_analysis_data.x' is not an analysis field; ignored",
    )


NUMBER = AnalysisField(name="n", type="number", description="")
BOOLEAN = AnalysisField(name="b", type="boolean", description="")
STRING = AnalysisField(name="s", type="string", description="")


@pytest.mark.parametrize(
    ("field", "value", "extracted", "read"),
    [
        (NUMBER, 2.5, True, 2.5),
        (NUMBER, "2.50", True, 2.5),
        (NUMBER, True, False, None),
        (NUMBER, "many", False, None),
        (NUMBER, float("nan"), False, None),
        (NUMBER, "inf", False, None),
        (BOOLEAN, "FALSE", True, False),
        (BOOLEAN, 1, False, None),
        (STRING, "", False, None),
        (STRING, None, False, None),
        (STRING, ["a"], False, None),
    ],
)
def test_coerce(field: AnalysisField, value: Any, extracted: bool, read: Any) -> None:
    assert coerce(field, value)[:2] == (extracted, read)


def test_a_call_that_never_connected_is_not_analysed() -> None:
    model = ScriptedModel()
    assert asyncio.run(analyze_call(CONFIG, "", model)).analysis == {"in_voicemail": False}
    events = [Ended(at_ms=0, reason="dial_no_answer")]
    result = asyncio.run(analyze_call_events(events, {"post_call_analysis_data": CONFIG}, model))
    assert result.analysis == {"in_voicemail": False} and result.ok
    assert model.calls == []
    strict_validate(CallAnalysis, result.analysis)


def test_voicemail_is_reported_from_the_disconnection_reason() -> None:
    events = [
        Utterance(at_ms=0, role="agent", content="Please call us back."),
        Ended(at_ms=9, reason="voicemail_reached"),
    ]
    model = _model({"call_summary": "Voicemail.", "call_successful": False, "user_sentiment": "Unknown"})
    agent = {"post_call_analysis_model": "gpt-4.1"}
    result = asyncio.run(analyze_call_events(events, agent, model))
    assert result.analysis is not None and result.analysis["in_voicemail"] is True
    assert model.calls[0].retell_model == "gpt-4.1"


def test_no_model_gives_a_clear_result_and_invents_nothing() -> None:
    result = asyncio.run(analyze_call(CONFIG, TRANSCRIPT, NoModel()))
    assert result.analysis is None and not result.ok
    assert result.needs_model == ("call_summary", "call_successful", "user_sentiment", "date", "topic", "vip", "party")
    assert result.error is not None
    assert result.error.startswith(
        "post-call analysis needs a model for call_summary, call_successful, user_sentiment, date, topic, vip, party"
    )
    assert "OPENAI_BASE_URL" in result.error


class _TextOnly:
    async def complete(self, request: ModelRequest) -> ModelReply:
        return ModelReply(text="The call went well.")


class _Twice:
    async def complete(self, request: ModelRequest) -> ModelReply:
        calls = (ToolCall.of("record_analysis", GOOD, id="a"), ToolCall.of("record_analysis", {}, id="b"))
        return ModelReply(tool_calls=calls)


def test_an_unusable_reply_is_an_error_not_an_analysis() -> None:
    model: Model = _TextOnly()
    result = asyncio.run(analyze_call(CONFIG, TRANSCRIPT, model))
    assert result.analysis is None
    assert result.error is not None and "required to call the tool 'record_analysis'" in result.error


def test_only_the_first_of_several_calls_is_used() -> None:
    result = asyncio.run(analyze_call(CONFIG, TRANSCRIPT, _Twice()))
    assert result.analysis is not None and result.analysis["call_summary"] == GOOD["call_summary"]
    assert result.issues == ("the model called record_analysis 2 times; the first call was used",)


def test_chat_analysis_uses_the_chat_presets() -> None:
    config = [{"type": "system-presets", "name": "chat_summary", "description": "One sentence."}]
    answer = {"chat_summary": "Refund not found.", "chat_successful": False, "user_sentiment": "Negative"}
    model = ScriptedModel(Rule(purpose="analysis").call("record_analysis", answer))
    result = asyncio.run(analyze_chat_events(CHAT, {"post_chat_analysis_data": config}, model))
    assert result.analysis == {**answer, "custom_analysis_data": {}}
    strict_validate(ChatAnalysis, result.analysis)
    tool = model.calls[0].tool("record_analysis")
    assert tool is not None
    assert tool.parameters["properties"]["chat_summary"]["description"] == "One sentence."
    assert model.calls[0].messages[-1].content is not None
    assert model.calls[0].messages[-1].content.startswith("Transcript of the chat:\nUser: Can I get a refund?")


def test_an_empty_chat_is_not_analysed() -> None:
    model = ScriptedModel()
    assert asyncio.run(analyze_chat(None, "  ", model)).analysis is None
    assert model.calls == []


@pytest.mark.parametrize(
    ("items", "kind", "message"),
    [
        ([{"type": "text", "name": "a", "description": "d"}], "call", r"unknown type 'text'"),
        ([{"type": "string", "description": "d"}], "call", r"post_call_analysis_data\[0\]: 'name' is required"),
        ([{"type": "enum", "name": "a", "description": "d", "choices": []}], "call", "non-empty 'choices'"),
        (
            [{"type": "string", "name": "a", "description": "d"}, {"type": "number", "name": "a", "description": "e"}],
            "call",
            r"\[1\] \('a'\): the name 'a' is used twice",
        ),
        ([{"type": "system-presets", "name": "chat_summary"}], "call", "not a call preset"),
        ([{"type": "string", "name": "call_summary", "description": "d"}], "call", "is a preset name"),
        ([{"type": "boolean", "name": "a", "description": "d", "required": "yes"}], "chat", "post_chat_analysis_data"),
        ([{"type": "string", "name": "a", "description": "d", "examples": "x"}], "call", "list of strings"),
        (["oops"], "call", "must be an object"),
    ],
)
def test_invalid_configurations_are_rejected_clearly(items: list[Any], kind: str, message: str) -> None:
    with pytest.raises(InvalidAnalysisConfig, match=message):
        analysis_fields(items, kind="chat" if kind == "chat" else "call")
    assert issubclass(InvalidAnalysisConfig, ValueError)


class _Slow:
    async def complete(self, request: ModelRequest) -> ModelReply:
        await asyncio.sleep(5)
        return ModelReply(text="late")


def test_the_model_call_is_bounded() -> None:
    result = asyncio.run(analyze_call(None, TRANSCRIPT, _Slow(), timeout_s=0.05))
    assert result.analysis is None
    assert result.error is not None and "did not answer within 0.05 s" in result.error
    with pytest.raises(InvalidArgument, match="timeout_s must be positive"):
        asyncio.run(analyze_call(None, TRANSCRIPT, _Slow(), timeout_s=0))
