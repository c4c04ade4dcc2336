"""NoModel: one clear error naming the place and the three fixes; default_model reads the environment."""

from __future__ import annotations

import asyncio

import pytest

from retell_dsl.sim.models import (
    Message,
    ModelContext,
    ModelNotConfigured,
    ModelRequest,
    NoModel,
    OpenAICompatible,
    Purpose,
    default_model,
)


def refuse(context: ModelContext) -> ModelNotConfigured:
    request = ModelRequest(messages=(Message.user("hi"),), context=context)
    with pytest.raises(ModelNotConfigured) as caught:
        asyncio.run(NoModel().complete(request))
    return caught.value


def test_the_message_names_the_node_and_the_three_fixes() -> None:
    err = refuse(ModelContext(node_id="node-7", node_name="ask_date", purpose="prompt_condition"))
    message = str(err)
    assert message.startswith(
        "node 'ask_date' (node-7): needs a model to choose among prompt-condition edges, and none is configured."
    )
    assert "1. use an OpenAI-compatible server: set OPENAI_BASE_URL (and OPENAI_API_KEY if it needs one)" in message
    assert "and RETELL_DSL_MODEL, or pass OpenAICompatible(base_url=..., model=...);" in message
    assert (
        "2. pass a ScriptedModel for deterministic tests, e.g. ScriptedModel(Rule(node='ask_date').say('...'));"
        in message
    )
    assert "3. change the agent so no model is needed here: static text instead of a prompt" in message
    assert err.where == "node 'ask_date' (node-7)"
    assert err.disconnection_reason == "error_llm_websocket_open"


@pytest.mark.parametrize(
    ("purpose", "phrase"),
    [
        ("reply", "to write the agent's reply"),
        ("tool_arguments", "to write a tool call's arguments"),
        ("extraction", "to extract dynamic variables"),
        ("analysis", "for post-call analysis"),
        ("persona", "to play the simulated caller"),
        ("judge", "to judge the conversation"),
    ],
)
def test_the_purpose_is_explained(purpose: Purpose, phrase: str) -> None:
    assert f"needs a model {phrase}," in str(refuse(ModelContext(state="intro", purpose=purpose)))


def test_a_state_suggests_a_state_rule() -> None:
    message = str(refuse(ModelContext(state="intro")))
    assert message.startswith("state 'intro': ")
    assert "ScriptedModel(Rule(state='intro').say('...'))" in message


@pytest.mark.parametrize(
    ("environ", "kind"),
    [
        ({}, NoModel),
        ({"RETELL_DSL_MODEL": "m"}, NoModel),
        ({"OPENAI_BASE_URL": "http://127.0.0.1:1/v1"}, OpenAICompatible),
        ({"OPENAI_API_KEY": "sk-x"}, OpenAICompatible),
    ],
)
def test_default_model(environ: dict[str, str], kind: type) -> None:
    assert type(default_model(environ)) is kind
