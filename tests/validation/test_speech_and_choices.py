# ruff: noqa: RUF001
"""Lint of values that used to stop construction (RD406), voice ids (RD410/RD411), languages (RD412)."""

from __future__ import annotations

import sys

from retell_dsl import Agent, ConversationFlow, CustomTool, RetellLLM, Stack, validate

HERE = "tests/validation/test_speech_and_choices.py"
LLM = RetellLLM(name="desk")


def line() -> int:
    return sys._getframe(1).f_lineno


def lines(spec: object) -> list[str]:
    return [str(i) for i in validate(spec)]  # type: ignore[arg-type]


def test_values_outside_a_closed_list_are_built_and_all_reported_at_once() -> None:
    tool = CustomTool(name="book", url="https://x.example", method="SEND")  # type: ignore[arg-type]
    at_tool = line() - 1
    llm = RetellLLM(name="desk", start_speaker="bot").tool(tool)  # type: ignore[arg-type]
    at_llm = line() - 1
    agent = Agent(name="a", voice="11labs-Adrian", engine=llm, data_storage="all")  # type: ignore[arg-type]
    at_agent = line() - 1
    assert lines(Stack(name="s").add(agent)) == [
        f"{HERE}:{at_agent}: error RD406 agent 'a' › data_storage: data_storage is 'all'; it must be one of"
        " 'everything', 'everything_except_pii', 'basic_attributes_only'\n    fix: use one of 'everything',"
        " 'everything_except_pii', 'basic_attributes_only'",
        f"{HERE}:{at_llm}: error RD406 llm 'desk' › start_speaker: start_speaker is 'bot'; it must be one of"
        " 'user', 'agent'\n    fix: use one of 'user', 'agent'",
        f"{HERE}:{at_tool}: error RD406 llm 'desk' › tool 'book' › method: method is 'SEND'; it must be one of"
        " 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'\n    fix: did you mean 'POST'?",
    ]


def test_a_near_miss_gets_did_you_mean_and_the_schema_does_not_repeat_it() -> None:
    flow = ConversationFlow(name="f", start_speaker="Agent")  # type: ignore[arg-type]
    issues = validate(flow)
    assert [(i.code, i.path, i.hint) for i in issues if i.path.endswith("start_speaker")] == [
        ("RD406", "flow 'f' › start_speaker", "did you mean 'agent'?")
    ]
    assert not [i for i in issues if i.code == "RD001" and "start_speaker" in i.path]


def test_a_misspelt_voice_is_an_error_with_did_you_mean() -> None:
    agent = Agent(name="a", voice="11labs-Marisa", engine=LLM)
    at = line() - 1
    assert lines(agent) == [
        f"{HERE}:{at}: error RD410 agent 'a' › voice: voice '11labs-Marisa' is not a Retell voice\n"
        "    fix: did you mean '11labs-Marissa'?"
    ]


def test_known_voices_from_public_agents_pass_clean() -> None:
    for voice in ("11labs-Cimo", "11labs-Brynne", "retell-Cimo", "openai-Alloy", "11labs-Marissa"):
        assert validate(Agent(name="a", voice=voice, engine=LLM)).codes == (), voice


def test_custom_and_unlisted_provider_voices_are_warnings_and_fallbacks_are_checked() -> None:
    agent = Agent(
        name="a",
        voice="custom_voice_ca06f1b2c3",
        engine=LLM,
        fallback_voices=("11labs-Newcomer", "openai-Nvoa", "Adrian"),
    )
    issues = validate(agent)
    assert [(i.severity, i.code, i.path) for i in issues] == [
        ("error", "RD410", "agent 'a' › fallback_voices[1]"),
        ("error", "RD410", "agent 'a' › fallback_voices[2]"),
        ("warning", "RD411", "agent 'a' › fallback_voices[0]"),
        ("warning", "RD411", "agent 'a' › voice"),
    ]
    by_path = {i.path: i for i in issues}
    assert by_path["agent 'a' › fallback_voices[1]"].hint == "did you mean 'openai-Nova'?"
    assert "voices list" in by_path["agent 'a' › fallback_voices[2]"].hint
    assert "custom (cloned or added) voice" in by_path["agent 'a' › voice"].message
    assert issues.errors and not [i for i in issues.warnings if i.code != "RD411"]


def test_a_wrong_case_language_suggests_the_locale_without_listing_all_of_them() -> None:
    agent = Agent(name="a", voice="11labs-Adrian", engine=LLM).languages("en-us")
    at = line() - 1
    issues = validate(agent)
    assert [str(i) for i in issues] == [
        f"{HERE}:{at}: error RD412 agent 'a' › language: language 'en-us' is not a locale Retell knows\n"
        "    fix: did you mean 'en-US'? (retell_dsl.validation.languages() lists every locale)"
    ]
    assert "en-US" in __import__("retell_dsl.validation", fromlist=["languages"]).languages()
    assert "retell-api.md" not in str(issues) and "de-DE" not in str(issues)


def test_multilingual_agents_name_the_bad_item() -> None:
    agent = Agent(name="a", voice="11labs-Adrian", engine=LLM).languages("en-US", "klingon")
    issues = validate(agent)
    assert [(i.code, i.path, i.hint) for i in issues] == [
        (
            "RD412",
            "agent 'a' › language[1]",
            "write a locale like 'en-US'; retell_dsl.validation.languages() lists every locale",
        )
    ]
