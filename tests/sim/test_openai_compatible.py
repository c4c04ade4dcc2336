"""The OpenAI-compatible provider against a real HTTP server on 127.0.0.1 (tests/sim/openai_fixtures.py)."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
import pytest

from retell_dsl.errors import ConfigurationError, InvalidArgument
from retell_dsl.sim.models import (
    InvalidModelReply,
    Message,
    ModelContext,
    ModelNotConfigured,
    ModelReply,
    ModelRequest,
    OpenAICompatible,
    ProviderFailed,
    ProviderUnavailable,
    ToolCall,
    ToolSchema,
    Usage,
)
from tests.sim.openai_fixtures import FakeOpenAIServer, openai_completion

T = TypeVar("T")
KEY = "sk-test-0123456789-secret"
BOOK = ToolSchema(
    "book_table",
    "Book a table",
    {"type": "object", "properties": {"people": {"type": "integer"}}, "required": ["people"]},
)
END = ToolSchema("end_call", "End the call")
CONTEXT = ModelContext(node_id="node-1", node_name="greet")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def request(
    *, tools: tuple[ToolSchema, ...] = (), tool_choice: str = "auto", retell_model: str | None = "gpt-4.1"
) -> ModelRequest:
    return ModelRequest(
        messages=(Message.system("You are a host."), Message.user("A table for two")),
        tools=tools,
        tool_choice=tool_choice,
        temperature=0.2,
        retell_model=retell_model,
        context=CONTEXT,
    )


def provider(server: FakeOpenAIServer, **kw: Any) -> OpenAICompatible:
    options: dict[str, Any] = {"base_url": server.url, "api_key": KEY, "model": "local-model", "backoff": 0.01}
    options.update(kw)
    return OpenAICompatible(environ={}, **options)


async def complete(model: OpenAICompatible, req: ModelRequest) -> ModelReply:
    async with model:
        return await model.complete(req)


def test_text_reply_and_request_body(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue_text("Sure, for what time?")
    reply = run(complete(provider(openai_server), request()))
    assert reply == ModelReply(
        text="Sure, for what time?",
        finish_reason="stop",
        usage=Usage(prompt_tokens=11, completion_tokens=7, total_tokens=18),
        model="served-model",
    )
    [received] = openai_server.requests
    assert received.path == "/v1/chat/completions"
    assert received.headers["authorization"] == f"Bearer {KEY}"
    assert received.body == {
        "model": "local-model",
        "messages": [
            {"role": "system", "content": "You are a host."},
            {"role": "user", "content": "A table for two"},
        ],
        "temperature": 0.2,
    }


def test_tool_calls_are_parsed_and_tools_sent_with_tool_choice(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue_tool_calls(("book_table", '{"people": 2}'), ("end_call", ""))
    reply = run(complete(provider(openai_server), request(tools=(BOOK, END))))
    assert reply.tool_calls == (
        ToolCall(id="call_0", name="book_table", arguments={"people": 2}, raw_arguments='{"people": 2}'),
        ToolCall(id="call_1", name="end_call", arguments={}, raw_arguments=""),
    )
    assert reply.text is None
    assert reply.finish_reason == "tool_calls"
    body = openai_server.requests[0].body
    assert body["tool_choice"] == "auto"
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "book_table",
                "description": "Book a table",
                "parameters": {"type": "object", "properties": {"people": {"type": "integer"}}, "required": ["people"]},
            },
        },
        {
            "type": "function",
            "function": {
                "name": "end_call",
                "description": "End the call",
                "parameters": {"type": "object", "properties": {}},
            },
        },
    ]


@pytest.mark.parametrize(
    ("choice", "sent"),
    [("required", "required"), ("book_table", {"type": "function", "function": {"name": "book_table"}})],
)
def test_forced_tool_choice_is_sent(openai_server: FakeOpenAIServer, choice: str, sent: object) -> None:
    openai_server.enqueue_tool_calls(("book_table", '{"people": 4}'))
    reply = run(complete(provider(openai_server), request(tools=(BOOK, END), tool_choice=choice)))
    assert reply.tool_calls[0].arguments == {"people": 4}
    assert openai_server.requests[0].body["tool_choice"] == sent


def test_a_forced_tool_answered_with_text_is_an_invalid_reply(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue_text("I'd rather chat.")
    with pytest.raises(InvalidModelReply, match="required to call the tool 'book_table' and answered text only"):
        run(complete(provider(openai_server), request(tools=(BOOK,), tool_choice="book_table")))


def test_model_map_and_fallbacks(openai_server: FakeOpenAIServer) -> None:
    for _ in range(3):
        openai_server.enqueue_text("ok")
    mapped = provider(openai_server, model_map={"gpt-4.1": "big-local", "gpt-4.1-mini": "small-local"})
    run(complete(mapped, request(retell_model="gpt-4.1-mini")))
    run(complete(mapped, request(retell_model="gpt-4o")))  # not in the map: the configured model
    run(complete(provider(openai_server, model=None), request(retell_model="gpt-4.1")))  # no model: the Retell name
    assert [r.body["model"] for r in openai_server.requests] == ["small-local", "local-model", "gpt-4.1"]


def test_no_model_name_at_all_is_not_configured(openai_server: FakeOpenAIServer) -> None:
    with pytest.raises(ModelNotConfigured, match=r"node 'greet' \(node-1\): no model name .*RETELL_DSL_MODEL"):
        run(complete(provider(openai_server, model=None), request(retell_model=None)))
    assert openai_server.requests == []


def test_configuration_from_the_environment(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue_text("hi")
    env = {"OPENAI_BASE_URL": openai_server.url + "/", "OPENAI_API_KEY": KEY, "RETELL_DSL_MODEL": "env-model"}
    model = OpenAICompatible(environ=env)
    assert (model.base_url, model.model) == (openai_server.url, "env-model")
    run(complete(model, request()))
    received = openai_server.requests[0]
    assert (received.body["model"], received.headers["authorization"]) == ("env-model", f"Bearer {KEY}")


def test_no_key_sends_no_authorization(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue_text("hi")
    run(complete(provider(openai_server, api_key=None), request()))
    assert "authorization" not in openai_server.requests[0].headers


def test_429_honours_retry_after_then_succeeds(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue(429, {"error": {"message": "rate limited"}}, headers={"retry-after": "0.3"})
    openai_server.enqueue_text("finally")
    started = time.monotonic()
    reply = run(complete(provider(openai_server), request()))
    assert reply.text == "finally"
    assert len(openai_server.requests) == 2
    assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried(openai_server: FakeOpenAIServer, status: int) -> None:
    openai_server.enqueue(status, {"error": {"message": "overloaded"}})
    openai_server.enqueue_text("recovered")
    assert run(complete(provider(openai_server), request())).text == "recovered"
    assert len(openai_server.requests) == 2


def test_retries_are_bounded_by_max_attempts(openai_server: FakeOpenAIServer) -> None:
    for _ in range(5):
        openai_server.enqueue(500, {"error": {"message": f"broken, key was {KEY}"}})
    with pytest.raises(ProviderFailed) as caught:
        run(complete(provider(openai_server, max_attempts=3), request()))
    assert len(openai_server.requests) == 3
    err = caught.value
    assert (err.status_code, err.attempts, err.disconnection_reason) == (500, 3, "error_llm_websocket_runtime")
    assert "HTTP 500" in str(err)
    assert "after 3 attempt(s)" in str(err)
    assert KEY not in str(err)
    assert "***" in str(err)  # the echoed key was scrubbed


def test_a_client_error_is_not_retried(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}})
    with pytest.raises(ProviderFailed) as caught:
        run(complete(provider(openai_server), request()))
    assert len(openai_server.requests) == 1
    message = str(caught.value)
    assert message.startswith("node 'greet' (node-1): HTTP 401 from ")
    assert "Incorrect API key provided (after 1 attempt(s))" in message
    assert KEY not in message
    assert KEY not in repr(caught.value)


def test_a_retry_after_beyond_the_total_bound_fails_at_once(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue(429, {"error": {"message": "slow down"}}, headers={"retry-after": "120"})
    started = time.monotonic()
    with pytest.raises(ProviderFailed, match="waiting 120 s more would pass the 5 s bound") as caught:
        run(complete(provider(openai_server, total_timeout=5), request()))
    assert time.monotonic() - started < 2
    assert caught.value.status_code == 429


def test_a_hanging_server_times_out_within_the_bound(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue_hang()
    openai_server.enqueue_hang()
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable) as caught:
        run(complete(provider(openai_server, timeout=0.3, max_attempts=2), request()))
    elapsed = time.monotonic() - started
    assert 0.6 <= elapsed < 5
    assert len(openai_server.requests) == 2
    assert "no response within 0.3 s (after 2 attempt(s))" in str(caught.value)
    assert caught.value.disconnection_reason == "error_llm_websocket_lost_connection"


def test_the_total_timeout_bounds_every_retry(openai_server: FakeOpenAIServer) -> None:
    for _ in range(5):
        openai_server.enqueue_hang()
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable, match=r"gave no usable reply within 0.5 s"):
        run(complete(provider(openai_server, timeout=10, total_timeout=0.5, max_attempts=5), request()))
    assert time.monotonic() - started < 5


def test_connection_refused_is_retried_then_unavailable() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    model = OpenAICompatible(base_url=f"http://127.0.0.1:{port}/v1", api_key=KEY, model="m", backoff=0.01, environ={})
    with pytest.raises(ProviderUnavailable) as caught:
        run(complete(model, request()))
    assert caught.value.attempts == 3
    assert "cannot connect (ConnectError) (after 3 attempt(s))" in str(caught.value)
    assert KEY not in str(caught.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>502 Bad Gateway</html>", "the provider's response is not JSON: '<html>502 Bad Gateway</html>'"),
        (json.dumps({"choices": []}).encode(), "the provider's response has no choices"),
        (json.dumps({"object": "chat.openai_completion"}).encode(), "the provider's response has no choices"),
        (json.dumps({"choices": [{"finish_reason": "stop"}]}).encode(), "the provider's first choice has no message"),
        (
            json.dumps(openai_completion({"role": "assistant", "content": ""})).encode(),
            "answered neither text nor a tool call",
        ),
        (
            json.dumps(openai_completion({"role": "assistant", "content": 42})).encode(),
            "the message content is not a string",
        ),
    ],
)
def test_unusable_bodies_are_invalid_replies(openai_server: FakeOpenAIServer, body: bytes, message: str) -> None:
    openai_server.enqueue(200, body)
    with pytest.raises(InvalidModelReply) as caught:
        run(complete(provider(openai_server), request()))
    assert message in str(caught.value)
    assert str(caught.value).startswith("node 'greet' (node-1): ")
    assert caught.value.disconnection_reason == "error_llm_websocket_corrupt_payload"
    assert len(openai_server.requests) == 1  # a bad reply is not retried


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ('{"people": 2', "the arguments of the tool call 'book_table' are not valid JSON: '{\"people\": 2'"),
        ("[1, 2]", "the arguments of the tool call 'book_table' are not a JSON object: '[1, 2]'"),
    ],
)
def test_bad_tool_call_arguments(openai_server: FakeOpenAIServer, arguments: str, message: str) -> None:
    openai_server.enqueue_tool_calls(("book_table", arguments))
    with pytest.raises(InvalidModelReply) as caught:
        run(complete(provider(openai_server), request(tools=(BOOK,))))
    assert message in str(caught.value)


def test_a_tool_that_was_not_offered(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue_tool_calls(("refund_everything", "{}"))
    with pytest.raises(InvalidModelReply) as caught:
        run(complete(provider(openai_server), request(tools=(BOOK, END))))
    assert str(caught.value) == (
        "node 'greet' (node-1): the model called the tool 'refund_everything', which was not offered"
        " (offered: 'book_table', 'end_call')"
    )


def test_arguments_sent_as_an_object_are_accepted(openai_server: FakeOpenAIServer) -> None:
    message = {
        "role": "assistant",
        "content": None,
        "tool_calls": [{"id": "c", "function": {"name": "book_table", "arguments": {"people": 3}}}],
    }
    openai_server.enqueue(200, openai_completion(message))
    reply = run(complete(provider(openai_server), request(tools=(BOOK,))))
    assert reply.tool_calls == (
        ToolCall(id="c", name="book_table", arguments={"people": 3}, raw_arguments='{"people": 3}'),
    )


def test_the_concurrency_limit_holds(openai_server: FakeOpenAIServer) -> None:
    for _ in range(4):
        openai_server.enqueue_text("ok", delay=0.15)
    model = provider(openai_server, max_concurrency=2)

    async def four() -> list[ModelReply]:
        async with model:
            return list(await asyncio.gather(*(model.complete(request()) for _ in range(4))))

    assert [r.text for r in run(four())] == ["ok"] * 4
    assert openai_server.max_in_flight == 2


def test_one_provider_serves_several_event_loops(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue_text("one")
    openai_server.enqueue_text("two")
    model = provider(openai_server)
    assert run(model.complete(request())).text == "one"
    assert run(model.complete(request())).text == "two"


def test_the_key_never_shows(openai_server: FakeOpenAIServer) -> None:
    model = provider(openai_server)
    assert KEY not in repr(model)
    assert KEY not in str(model)
    assert repr(model) == f"OpenAICompatible(base_url={openai_server.url!r}, model='local-model', api_key='***')"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_attempts": 0}, "at least 1"),
        ({"max_concurrency": 0}, "at least 1"),
        ({"timeout": 0}, "timeouts must be positive"),
    ],
)
def test_invalid_settings(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        OpenAICompatible(environ={}, **kwargs)


def test_tool_choice_naming_a_tool_not_offered_is_a_caller_error(openai_server: FakeOpenAIServer) -> None:
    with pytest.raises(InvalidArgument, match="tool_choice 'refund' is not one of the offered tools"):
        run(complete(provider(openai_server), request(tools=(BOOK,), tool_choice="refund")))
    with pytest.raises(InvalidArgument, match="needs tools"):
        run(complete(provider(openai_server), request(tool_choice="required")))
    assert openai_server.requests == []


def test_an_undecodable_body_is_a_clear_failure_not_retried(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue(200, b"this is not gzip", headers={"content-encoding": "gzip"})
    with pytest.raises(ProviderFailed, match=r"DecodingError") as caught:
        run(complete(provider(openai_server), request()))
    assert len(openai_server.requests) == 1
    assert KEY not in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"base_url": "localhost:8000/v1"}, "base_url must be an http:// or https:// URL, got 'localhost:8000/v1'"),
        ({"environ": {"OPENAI_BASE_URL": "ftp://x"}}, "OPENAI_BASE_URL must be an http:// or https:// URL"),
    ],
)
def test_a_base_url_that_is_not_http_is_a_configuration_error(kwargs: dict[str, Any], message: str) -> None:
    options: dict[str, Any] = {"environ": {}, **kwargs}
    with pytest.raises(ConfigurationError, match=message):
        OpenAICompatible(**options)


def test_the_model_map_from_the_environment(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue_text("ok")
    env = {"OPENAI_BASE_URL": openai_server.url, "RETELL_DSL_MODEL_MAP": "gpt-4.1=big-local, gpt-4o=other"}
    model = OpenAICompatible(environ=env)
    assert model.model_map == {"gpt-4.1": "big-local", "gpt-4o": "other"}
    run(complete(model, request(retell_model="gpt-4.1")))
    assert openai_server.requests[0].body["model"] == "big-local"
    assert OpenAICompatible(environ=env, model_map={}).model_map == {}  # an explicit map wins
    with pytest.raises(
        ConfigurationError, match=re.escape("RETELL_DSL_MODEL_MAP: 'gpt-4.1:big' is not retell-name=provider-model")
    ):
        OpenAICompatible(environ={"RETELL_DSL_MODEL_MAP": "gpt-4.1:big"})


def test_an_empty_answer_means_no_edge_when_choosing_one(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue_text("")
    edge = ToolSchema("transition_to_booking", "wants to book")
    choosing = ModelRequest(
        messages=(Message.user("hmm"),),
        tools=(edge,),
        context=ModelContext(node_name="greet", purpose="prompt_condition"),
    )
    reply = run(complete(provider(openai_server), choosing))
    assert (reply.text, reply.tool_calls) == ("", ())


def test_a_client_passed_in_is_used_and_left_open(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue_text("via your client")

    async def go() -> tuple[str | None, bool]:
        async with httpx.AsyncClient(headers={"x-trace": "t-1"}) as client:
            model = provider(openai_server, http_client=client)
            reply = await model.complete(request())
            await model.aclose()
            return reply.text, client.is_closed

    assert run(go()) == ("via your client", False)
    assert openai_server.requests[0].headers["x-trace"] == "t-1"
