"""Custom functions against a real local HTTP server that verifies Retell's signature."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Coroutine
from typing import Any

from retell_dsl.sim.tools import (
    ErrorKind,
    HttpPolicy,
    ToolCall,
    ToolContext,
    ToolResult,
    ToolRunner,
    call_custom_function,
)
from tests.sim.tool_fixtures import TOOL_API_KEY, ToolReply, ToolServer, wait_for

CALL_OBJECT = {"call_id": "call_1", "agent_id": "agent_1", "transcript": "User: hi"}


def run(coro: Coroutine[Any, Any, ToolResult]) -> ToolResult:
    return asyncio.run(coro)


def runner(**kwargs: Any) -> ToolRunner:
    kwargs.setdefault("api_key", TOOL_API_KEY)
    return ToolRunner(**kwargs)


def custom(url: str, **fields: object) -> dict[str, object]:
    return {"type": "custom", "name": "get_weather", "url": url, **fields}


def weather_call(args: str = '{"city": "Oslo"}') -> ToolCall:
    return ToolCall.from_arguments(name="get_weather", type="custom", arguments=args, tool_call_id="tc1")


def test_post_sends_retells_body_headers_and_query_signed(tool_server: ToolServer) -> None:
    tool_server.route("/weather", ToolReply(body=b'{"temp": {"c": 21}, "sky": "clear", "ok": true}'))
    variables = {"sim_name": "tester"}
    tool = custom(
        tool_server.url("/weather") + "?fixed=1",
        headers={"Authorization": "Bearer {{token}}", "X-Who": "{{sim_name}}"},
        query_params={"units": "{{units}}"},
        response_variables={"temp_c": "temp.c", "sky": "sky", "ok": "ok", "missing": "temp.f"},
    )
    values = {"token": "t0k", "units": "metric", **variables}

    def substitute(text: str) -> str:
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        return text

    result = run(runner(substitute=substitute).run(tool, weather_call(), ToolContext(call_object=CALL_OBJECT)))
    assert result.successful, result.content
    assert (result.source, result.status_code, result.attempts) == ("http", 200, 1)
    assert result.content == '{"temp": {"c": 21}, "sky": "clear", "ok": true}'
    assert dict(result.variables) == {"temp_c": "21", "sky": "clear", "ok": "true"}
    [request] = tool_server.requests
    assert request.signature_valid
    assert request.method == "POST"
    assert request.path == "/weather"
    assert request.query == {"fixed": ["1"], "units": ["metric"]}
    expected = {"name": "get_weather", "call": CALL_OBJECT, "args": {"city": "Oslo"}}
    assert request.body == json.dumps(expected, separators=(",", ":")).encode()
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept-encoding"] == "identity"
    assert request.headers["authorization"] == "Bearer t0k"
    assert request.headers["x-who"] == "tester"
    assert request.headers["x-retell-signature"].startswith("v=")


def test_args_at_root_sends_the_args_alone_and_keeps_non_ascii(tool_server: ToolServer) -> None:
    url = tool_server.route("/root")
    result = run(runner().run(custom(url, args_at_root=True), weather_call('{"city": "Zürich", "n": 2}')))
    assert result.successful
    [request] = tool_server.requests
    assert request.body == '{"city":"Zürich","n":2}'.encode()
    assert request.signature_valid


def test_get_and_delete_send_no_body_and_sign_the_empty_body(tool_server: ToolServer) -> None:
    url = tool_server.route("/slots", ToolReply(body=b"[1, 2]"))
    for method in ("GET", "DELETE"):
        result = run(runner().run(custom(url, method=method, query_params={"day": "mon"}), weather_call()))
        assert result.successful and result.content == "[1, 2]"
    assert [(r.method, r.body, r.query, r.signature_valid) for r in tool_server.requests] == [
        ("GET", b"", {"day": ["mon"]}, True),
        ("DELETE", b"", {"day": ["mon"]}, True),
    ]


def test_put_and_patch_carry_the_body(tool_server: ToolServer) -> None:
    url = tool_server.route("/x")
    for method in ("PUT", "PATCH"):
        assert run(runner().run(custom(url, method=method), weather_call())).successful
    assert [r.method for r in tool_server.requests] == ["PUT", "PATCH"]
    assert all(json.loads(r.body)["args"] == {"city": "Oslo"} and r.signature_valid for r in tool_server.requests)


def test_a_wrong_api_key_fails_the_servers_verification(tool_server: ToolServer) -> None:
    url = tool_server.route("/x")
    run(ToolRunner(api_key="not-the-key").run(custom(url), weather_call()))
    assert [r.signature_valid for r in tool_server.requests] == [False]


def test_max_retry_retries_a_500_and_signs_every_attempt(tool_server: ToolServer) -> None:
    url = tool_server.route("/flaky", ToolReply(status=500, body=b"boom"), ToolReply(body=b'{"v": 1}'))
    policy = HttpPolicy(backoff_s=0.01)
    tool = custom(url, max_retry=2, response_variables={"v": "v"})
    result = run(runner(http_policy=policy).run(tool, weather_call()))
    assert result.successful and result.attempts == 2 and dict(result.variables) == {"v": "1"}
    assert [r.signature_valid for r in tool_server.requests] == [True, True]


def test_without_max_retry_the_sdk_default_is_no_retry_and_the_policy_can_change_it(tool_server: ToolServer) -> None:
    url = tool_server.route("/down", ToolReply(status=503, body=b"unavailable"))
    result = run(runner().run(custom(url), weather_call()))
    assert not result.successful and result.attempts == 1
    assert result.error is not None and result.error.kind is ErrorKind.HTTP_STATUS
    assert "HTTP 503" in result.content and "unavailable" in result.content
    assert result.variables == {}
    tool_server.requests.clear()
    result = run(runner(http_policy=HttpPolicy(default_max_retry=2, backoff_s=0.01)).run(custom(url), weather_call()))
    assert result.attempts == 3 and len(tool_server.requests) == 3


def test_a_hanging_server_times_out_within_the_tools_timeout(tool_server: ToolServer) -> None:
    url = tool_server.route("/hang", ToolReply(hang=True))
    started = time.monotonic()
    result = run(runner().run(custom(url, timeout_ms=1000), weather_call()))
    elapsed = time.monotonic() - started
    assert 0.9 < elapsed < 3.0
    assert result.error is not None and result.error.kind is ErrorKind.TIMEOUT
    assert "'get_weather'" in result.content and "1000 ms" in result.content and "tool mock" in result.content


def test_timeouts_are_retried_per_attempt(tool_server: ToolServer) -> None:
    url = tool_server.route("/slow", ToolReply(hang=True), ToolReply(body=b'"late but fine"'))
    policy = HttpPolicy(backoff_s=0.01)
    result = run(runner(http_policy=policy).run(custom(url, timeout_ms=500, max_retry=1), weather_call()))
    assert result.successful and result.attempts == 2 and result.content == '"late but fine"'


def test_a_50_mb_response_is_capped_without_reading_it_all(tool_server: ToolServer) -> None:
    url = tool_server.route("/huge", ToolReply(stream_bytes=50 * 1024 * 1024))
    started = time.monotonic()
    result = run(runner().run(custom(url, response_variables={"f": "filler"}), weather_call()))
    assert time.monotonic() - started < 10
    assert result.successful and result.truncated
    assert len(result.content) == 15_000 and result.content.startswith('{"filler": "xxx')
    assert result.variables == {}
    assert wait_for(tool_server.stream_done)
    # the server could only push what fits in the socket buffers before the client hung up
    assert tool_server.streamed["/huge"] < 25 * 1024 * 1024


def test_oversize_can_fail_instead_of_truncating(tool_server: ToolServer) -> None:
    url = tool_server.route("/big", ToolReply(body=b"y" * 20_000))
    result = run(runner(http_policy=HttpPolicy(on_oversize="fail")).run(custom(url), weather_call()))
    assert result.error is not None and result.error.kind is ErrorKind.TOO_LARGE
    assert "15000 characters" in result.content


def test_a_cap_exactly_at_the_limit_is_not_truncated(tool_server: ToolServer) -> None:
    url = tool_server.route("/edge", ToolReply(body="é".encode() * 15_000, content_type="text/plain; charset=utf-8"))
    result = run(runner().run(custom(url), weather_call()))
    assert result.successful and not result.truncated and result.content == "é" * 15_000


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_connection_refused_names_the_tool_the_url_and_how_to_mock_it() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/tools/weather?api_key=SECRET"
    result = run(runner().run(custom(url), weather_call()))
    assert result.error is not None and result.error.kind is ErrorKind.CONNECTION
    message = result.error.message
    assert "'get_weather'" in message
    assert f"POST {url.split('?', maxsplit=1)[0]}" in message
    assert '"tool_name": "get_weather"' in message and "input_match_rule" in message
    assert "SECRET" not in message
    assert result.content == message and not result.successful


def test_an_unusable_url_is_a_failed_result_not_an_exception() -> None:
    for url in ("", "not a url", "ftp://example.com/x?key=SECRET"):
        result = run(runner(http_policy=HttpPolicy(default_max_retry=3)).run(custom(url), weather_call()))
        assert result.error is not None and result.error.kind is ErrorKind.INVALID_URL, url
        assert result.attempts == 1
        assert "SECRET" not in result.content and ".. To run" not in result.content


def test_non_json_responses_are_strings_and_set_no_variables(tool_server: ToolServer) -> None:
    url = tool_server.route("/text", ToolReply(body=b"25f and sunny", content_type="text/plain"))
    result = run(runner().run(custom(url, response_variables={"x": "a"}), weather_call()))
    assert result.successful and result.content == "25f and sunny" and result.variables == {}


def test_invalid_arguments_fail_before_any_request(tool_server: ToolServer) -> None:
    url = tool_server.route("/x")
    result = run(runner().run(custom(url), weather_call("{not json")))
    assert result.error is not None and result.error.kind is ErrorKind.INVALID_ARGUMENTS
    assert tool_server.requests == []


def test_a_shared_client_is_used_when_given(tool_server: ToolServer) -> None:
    import httpx

    url = tool_server.route("/x")

    async def go() -> ToolResult:
        async with httpx.AsyncClient() as client:
            first = await call_custom_function(
                custom(url), weather_call(), client=client, api_key=TOOL_API_KEY, call_object=CALL_OBJECT
            )
            second = await ToolRunner(api_key=TOOL_API_KEY, http_client=client).run(custom(url), weather_call())
            assert first.successful and not client.is_closed
            return second

    assert run(go()).successful
    assert len(tool_server.requests) == 2 and all(r.signature_valid for r in tool_server.requests)
