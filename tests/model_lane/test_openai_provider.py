"""The OpenAI-compatible provider against a real llama.cpp server: replies, tool calls, errors, bounds.

SmolLM2-135M is tiny: these check that requests and replies go through intact (well-formed tool
call JSON, usage, status codes, timeouts, the concurrency limit), never what the model chose.
The provider does not stream (it reads whole chat-completions replies), so there is no streaming check.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from retell_dsl.cli._model import ModelServer
from retell_dsl.sim.models import Message, ModelRequest, OpenAICompatible, ProviderFailed, ProviderUnavailable
from retell_dsl.sim.models.interface import ToolSchema

pytestmark = pytest.mark.model_lane

LOOKUP = ToolSchema(
    "lookup_order",
    "Look up an order by its number.",
    {"type": "object", "properties": {"order": {"type": "string"}}, "required": ["order"]},
)


def _ask(provider: OpenAICompatible, request: ModelRequest) -> Any:
    async def go() -> Any:
        async with provider:
            return await provider.complete(request)

    return asyncio.run(go())


@pytest.fixture
def provider(llama: ModelServer) -> Iterator[OpenAICompatible]:
    yield OpenAICompatible(base_url=llama.base_url, model=llama.alias, timeout=120, max_attempts=1, environ={})


def test_a_plain_completion_comes_back_with_text_and_usage(provider: OpenAICompatible) -> None:
    request = ModelRequest(
        messages=(Message.system("You answer in one short sentence."), Message.user("Say hello.")), temperature=0
    )
    reply = _ask(provider, request)
    assert isinstance(reply.text, str) and reply.text.strip()
    assert reply.tool_calls == ()
    assert reply.finish_reason in ("stop", "length")
    assert reply.usage.prompt_tokens > 0 and reply.usage.completion_tokens > 0


def test_a_named_tool_choice_gets_a_well_formed_tool_call(provider: OpenAICompatible) -> None:
    request = ModelRequest(
        messages=(Message.system("You look up orders."), Message.user("Where is my order A17?")),
        tools=(LOOKUP,),
        tool_choice="lookup_order",  # explicit: llama.cpp's function-calling format ignores tools otherwise
        temperature=0,
    )
    reply = _ask(provider, request)
    assert [call.name for call in reply.tool_calls] == ["lookup_order"]
    call = reply.tool_calls[0]
    assert isinstance(call.arguments, dict)  # parsed from the raw JSON the server sent: well formed
    assert call.id and call.raw_arguments.strip().startswith("{")


def test_a_server_error_is_one_clear_line(llama: ModelServer) -> None:
    provider = OpenAICompatible(base_url=llama.base_url, model=llama.alias, max_attempts=1, environ={})
    too_long = "word " * 2000  # far past the lane's 512-token context
    with pytest.raises(ProviderFailed) as failed:
        _ask(provider, ModelRequest(messages=(Message.user(too_long),)))
    assert failed.value.status_code == 400
    message = str(failed.value)
    assert f"HTTP 400 from {llama.base_url}/chat/completions" in message and "context" in message.lower()
    assert "(after 1 attempt(s))" in message and "\n" not in message


def test_a_wrong_base_url_is_a_clear_404(llama: ModelServer) -> None:
    root = llama.base_url.removesuffix("/v1")
    provider = OpenAICompatible(base_url=f"{root}/nope", model=llama.alias, max_attempts=1, environ={})
    with pytest.raises(ProviderFailed, match=r"HTTP 404 from .*/nope/chat/completions") as failed:
        _ask(provider, ModelRequest(messages=(Message.user("hi"),)))
    assert failed.value.status_code == 404


def test_the_concurrency_limit_holds_against_the_real_server(llama: ModelServer) -> None:
    in_flight = peak = 0

    async def sent(request: httpx.Request) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)

    async def answered(response: httpx.Response) -> None:
        nonlocal in_flight
        in_flight -= 1

    async def go() -> list[Any]:
        async with httpx.AsyncClient(event_hooks={"request": [sent], "response": [answered]}) as client:
            provider = OpenAICompatible(
                base_url=llama.base_url, model=llama.alias, max_concurrency=2, timeout=120, http_client=client,
                environ={},
            )  # fmt: skip
            request = ModelRequest(messages=(Message.user("Say hi."),), temperature=0)
            return await asyncio.gather(*(provider.complete(request) for _ in range(4)))

    replies = asyncio.run(go())
    assert len(replies) == 4 and all(isinstance(r.text, str) for r in replies)
    assert peak == 2  # four asked at once, never more than two on the wire


def test_a_reply_slower_than_the_timeout_is_retried_then_reported(llama: ModelServer) -> None:
    provider = OpenAICompatible(
        base_url=llama.base_url, model=llama.alias, timeout=0.05, max_attempts=2, backoff=0, environ={}
    )
    request = ModelRequest(messages=(Message.user("Write a long story about a ship. " * 20),))
    with pytest.raises(ProviderUnavailable, match=r"no response within 0\.05 s \(after 2 attempt\(s\)\)"):
        _ask(provider, request)
