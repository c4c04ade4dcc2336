"""Builders are immutable values; chains equal constructor calls; misuse raises at the call site."""

from __future__ import annotations

import dataclasses

import pytest

from retell_dsl import (
    UNSET,
    Agent,
    ConversationNode,
    EndCall,
    InvalidArgument,
    InvalidSpec,
    Prompt,
    RetellLLM,
    SendSMS,
    Var,
    when,
)


def test_fluent_calls_return_new_values() -> None:
    base = RetellLLM(name="l")
    changed = base.tool(EndCall(name="end"))
    assert base.tools == () and changed.tools[0].name == "end"
    with pytest.raises(dataclasses.FrozenInstanceError):
        base.name = "x"  # type: ignore[misc]


def test_values_hash_and_compare() -> None:
    a = RetellLLM(name="l", default_variables={"a": "1"}, extra={"x": [1, {"y": 2}]})
    b = RetellLLM(name="l", default_variables={"a": "1"}, extra={"x": [1, {"y": 2}]})
    assert a == b and hash(a) == hash(b)


def test_repr_reads_like_the_constructor_and_omits_defaults() -> None:
    assert repr(RetellLLM(name="l", model="gpt-4.1")) == "RetellLLM(name='l', model='gpt-4.1')"


def test_source_location_is_the_users_line() -> None:
    node = ConversationNode(name="a", prompt="p")
    assert node.source is not None and node.source.file.endswith("test_builders.py")


INVALID = [
    (lambda: ConversationNode(name="a"), InvalidSpec, "needs prompt="),
    (lambda: ConversationNode(name="a", prompt="p", static_text="s"), InvalidSpec, "not both"),
    (lambda: SendSMS(name="s"), InvalidSpec, "exactly one of"),
    (lambda: Var("has space"), InvalidSpec, "not a valid"),
    (lambda: RetellLLM(name=3), InvalidArgument, "must be a string"),  # type: ignore[arg-type]
    (lambda: Agent(name="a", voice="v", engine="llm_1"), InvalidArgument, "engine must be"),  # type: ignore[arg-type]
    (lambda: (when("a").eq(1) & when("b").eq(2)) | when("c").eq(3), InvalidSpec, "cannot mix"),
    (lambda: Prompt.inline("Hi << nme >>", name="x"), InvalidSpec, "undefined"),
]


@pytest.mark.parametrize(("build", "error", "text"), INVALID)
def test_invalid_arguments_raise_teaching_errors(build: object, error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=text):
        build()  # type: ignore[operator]


def test_prompt_templates_pass_runtime_braces_through(tmp_path: object) -> None:
    p = Prompt.inline("<% for d in days %><< d >> <% endfor %>{{name}}", days=["Mon", "Tue"])
    assert p.text == "Mon Tue {{name}}" and p.variables == ("name",)


def test_prompt_files_with_includes(tmp_path: pytest.TempPathFactory) -> None:
    import pathlib

    base = pathlib.Path(str(tmp_path))
    (base / "rules.j2").write_text("Be brief.")
    (base / "main.j2").write_text('You help << who >>. <% include "rules.j2" %>')
    assert Prompt.file(base / "main.j2", who=Var("caller")).text == "You help {{caller}}. Be brief."


def test_unset_is_falsy_and_distinct_from_none() -> None:
    assert not UNSET and UNSET is not None
