"""What the strategies draw: callers the engine accepts, valid numbers and digits, dates, declared variables."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from pytest_retell import (
    E164,
    CallerScript,
    CallerStep,
    DtmfDigits,
    asr_noise,
    callers,
    dates,
    declared_variables,
    dtmf,
    dynamic_variables,
    paraphrases,
    phone_numbers,
    utterances,
)
from retell_dsl import ChatAgent, ConversationFlow, ConversationNode, InvalidArgument, RetellLLM, Stack
from retell_dsl.sim.callers import Press, Say, ScriptCaller, caller_from_json

FAST = settings(max_examples=40, deadline=None)


@FAST
@given(callers(turns=["I need {what}", dtmf(max_size=3), st.sampled_from(["Yes.", "No."])],
               slots={"what": ["a table", "my order"]}, noise=True))  # fmt: skip
def test_a_generated_caller_is_a_script_the_engine_plays(caller: CallerScript) -> None:
    engine_caller = caller_from_json(caller)  # the emulator's caller JSON, as retell_web_call sends it
    assert isinstance(engine_caller, ScriptCaller)
    actions = [step.action for step in engine_caller.steps]
    assert [type(a) for a in actions] == [Say, Press, Say]
    assert isinstance(actions[1], Press) and actions[1].digits == caller.steps[1].press
    assert [a.text for a in actions if isinstance(a, Say)] == list(caller.utterances)


@FAST
@given(callers())
def test_default_callers_say_one_to_three_things(caller: CallerScript) -> None:
    assert 1 <= len(caller.utterances) == len(caller.steps) <= 3


def test_callers_shrink_to_the_plain_template() -> None:
    caller = find(callers(turns=["My order is {order}"], slots={"order": ["A17", "B2"]}, noise=True), lambda c: True)
    assert caller == CallerScript((CallerStep(say="My order is A17"),))
    assert repr(caller) == "CallerScript(say('My order is A17'))"


@FAST
@given(st.data())
def test_paraphrases_and_noise_keep_the_words_that_matter(data: st.DataObject) -> None:
    text = data.draw(paraphrases("I would like to check order A17."))
    assert "A17" in text and ("I'd like" in text or "I would like" in text or "I want" in text)
    heard = data.draw(asr_noise("Can you check order 42 for me?"))
    assert "42" in heard or "four two" in heard


def test_noise_reaches_every_kind_of_edit() -> None:
    text = "So I want to check the order 42 for you"
    assert find(asr_noise(text), lambda t: "uh" in t.split() or "um" in t.split())
    assert find(asr_noise(text), lambda t: "four two" in t)
    assert find(asr_noise(text), lambda t: "two check" in t)
    assert find(asr_noise(text), lambda t: t == t.lower() and "," not in t and t.startswith("so i"))


def test_utterances_need_values_for_every_slot() -> None:
    with pytest.raises(InvalidArgument, match=r"slot\(s\) \['order'\] with no values"):
        utterances("My order is {order}")
    with pytest.raises(InvalidArgument, match="non-empty list of turns"):
        callers(turns=[])
    with pytest.raises(InvalidArgument, match="turn 0 is 3"):
        callers(turns=[3])  # type: ignore[list-item]


@FAST
@given(phone_numbers(), phone_numbers(fictional=False, country_codes=["49", "1"]))
def test_phone_numbers_are_e164(fictional: E164, anywhere: E164) -> None:
    for number in (fictional, anywhere):
        assert isinstance(number, E164) and re.fullmatch(r"\+[1-9]\d{7,14}", number)
    assert re.fullmatch(r"\+1[2-9]\d\d55501\d\d|\+447700900\d{3}|\+61491570\d{3}", fictional)
    assert anywhere.startswith(("+49", "+1"))


@FAST
@given(dtmf(min_size=2, max_size=5))
def test_dtmf_digits_are_keypad_keys(digits: DtmfDigits) -> None:
    assert 2 <= len(digits) <= 5 and set(digits) <= set("0123456789*#")
    assert Press(digits).digits == digits


@FAST
@given(dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31), styles=["iso", "spoken", "us"]))
def test_dates_are_written_as_callers_say_them(text: str) -> None:
    assert re.fullmatch(r"2026-\d\d-\d\d|[A-Z][a-z]+ \d{1,2}(st|nd|rd|th)|\d\d/\d\d/2026", text)


def test_bad_values_and_arguments_say_what_is_expected() -> None:
    for make, bad in ((E164, "0123"), (E164, "+0123"), (DtmfDigits, "12a"), (DtmfDigits, "")):
        with pytest.raises(InvalidArgument):
            make(bad)
    with pytest.raises(InvalidArgument, match="among 0-9"):
        dtmf(alphabet="ab")
    with pytest.raises(InvalidArgument, match="takes some of"):
        dates(styles=["roman"])
    with pytest.raises(InvalidArgument, match="country code"):
        phone_numbers(fictional=False, country_codes=["0"])
    with pytest.raises(InvalidArgument, match="exactly one"):
        CallerStep(say="hi", press=DtmfDigits("1"))


# ----------------------------------------------------------------------------------------- variables

flow = (
    ConversationFlow(name="booking", start_speaker="agent", model="gpt-4.1")
    .defaults(clinic="Main St")
    .start_at("hi")
    .node(ConversationNode(name="hi", static_text="Hi {{customer_name}}, {{clinic}}: {{appointment_date}}?"))
)
llm = RetellLLM(name="support", general_prompt="Call {{customer_phone}} about order {{order_id}}").defaults(
    order_id="A1"
)
STACK = (
    Stack(name="clinic")
    .add(ChatAgent(name="booker", engine=flow), ChatAgent(name="support", engine=llm))
    .expect_call_variables("customer_name", "appointment_date", "customer_phone")
)


def test_declared_variables_come_from_the_stack_and_each_agents_engine() -> None:
    call_time = dict.fromkeys(("appointment_date", "customer_name", "customer_phone"))
    assert declared_variables(STACK, "booker") == {**call_time, "clinic": "Main St"}
    assert declared_variables(STACK, "support") == {**call_time, "order_id": "A1"}
    assert set(declared_variables(STACK)) == {*call_time, "clinic", "order_id"}
    with pytest.raises(InvalidArgument, match=r"no agent named 'nobody'; its agents are \['booker', 'support'\]"):
        declared_variables(STACK, "nobody")


@FAST
@given(dynamic_variables(STACK, "support", values={"customer_name": ["Ana"]}))
def test_dynamic_variables_draw_a_string_for_each_by_its_name(variables: dict[str, str]) -> None:
    assert set(variables) == {"appointment_date", "customer_name", "customer_phone", "order_id"}
    assert all(isinstance(v, str) and v for v in variables.values())
    assert variables["customer_name"] == "Ana"
    assert E164(variables["customer_phone"]) and re.fullmatch(r"A1|[A-Z]\d+", variables["order_id"])


def test_dynamic_variables_may_be_optional_and_refuse_undeclared_names() -> None:
    assert find(dynamic_variables(STACK, "booker", optional=True), lambda v: True) == {}
    with pytest.raises(InvalidArgument, match=r"values= names \['custmer_name'\], which the agent does not declare"):
        dynamic_variables(STACK, values={"custmer_name": "x"})
    with pytest.raises(InvalidArgument, match="from a Stack or a compiled stack"):
        dynamic_variables({"customer_name": None})
