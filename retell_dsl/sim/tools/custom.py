"""Custom functions over HTTP, sent the way Retell sends them and signed like ``retell.lib``.

Request: ``POST``/``PUT``/``PATCH`` carry the JSON body ``{"name", "call", "args"}``, or the args
object alone when the tool has ``args_at_root``. ``GET``/``DELETE`` carry no body: Retell's
dashboard offers parameters only for POST, PATCH and PUT, so their args are not sent (the choice
here: not invented into the query string either), and the signature is over the empty body. The
body is compact JSON with non-ASCII characters kept (what ``JSON.stringify`` produces, so a Node
server that re-serialises ``req.body`` verifies it). Headers: the tool's ``headers``, then
``Content-Type: application/json`` and ``x-retell-signature`` (a tool header of either name is
overridden), and ``Accept-Encoding: identity`` unless the tool sets that header (so the cap below
bounds memory: one compressed chunk could inflate to megabytes). The tool's ``query_params`` are
merged into the URL's query. URL, header and query values go through the caller's ``substitute``
hook (dynamic variables) first.

Timing and retries: each attempt is bounded by the tool's ``timeout_ms`` (default 120 000 ms) as
a whole (connect, send, and reading the body). The SDK documents ``max_retry`` (0 to 5, default 0,
"retries happen on any failure, with exponential backoff"); the older custom-function page says
"retried up to 2 times". The choice: the tool's ``max_retry`` when set, else
:attr:`HttpPolicy.default_max_retry` (0, the SDK's default; set it to 2 for the page's rule). A
failure is a connection error, a timeout or a non-2xx status; an invalid URL is not retried. Each
attempt is signed afresh. Only the final attempt's result is reported.

Response: read as a stream and decoded incrementally; reading stops once the 15 000-character cap
is passed, so at most the cap plus one network chunk is held and a 50 MB body is never read in
full. Over the cap the content is truncated (Retell's documented cap; ``truncated`` is set), or
fails with ``too_large`` under ``HttpPolicy(on_oversize="fail")``. Any response type becomes a
string; ``response_variables`` are read from it when it is JSON (a truncated body no longer is).

>>> tool = {"type": "custom", "name": "weather", "url": "https://tools.example/w", "query_params": {"u": "c"}}
>>> request = build_request(tool, ToolCall(name="weather", type="custom", args={"city": "Oslo"}),
...                         api_key="key", call_object={"call_id": "c1"}, timestamp_ms=1)
>>> request.method, str(request.url), request.content
('POST', 'https://tools.example/w?u=c', b'{"name":"weather","call":{"call_id":"c1"},"args":{"city":"Oslo"}}')
>>> request.headers["x-retell-signature"].startswith("v=1,d=")
True
"""

from __future__ import annotations

import asyncio
import codecs
import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import httpx

from retell_dsl.sim.tools.paths import extract_variables
from retell_dsl.sim.tools.result import ErrorKind, ToolCall, ToolResult, ToolSource, mock_hint
from retell_dsl.wire.signature import SIGNATURE_HEADER, sign

__all__ = [
    "BODY_METHODS",
    "DEFAULT_TIMEOUT_MS",
    "RESULT_CHAR_CAP",
    "HttpPolicy",
    "build_request",
    "call_custom_function",
    "public_url",
    "request_body",
]

DEFAULT_TIMEOUT_MS = 120_000
RESULT_CHAR_CAP = 15_000
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
MAX_RETRY_LIMIT = 5

Substitute = Callable[[str], str]


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpPolicy:
    """Engine-wide knobs of custom-function calls (the tool's own fields win where it has them).

    >>> HttpPolicy().default_max_retry, HttpPolicy().result_chars
    (0, 15000)
    """

    default_max_retry: int = 0
    backoff_s: float = 0.25
    backoff_cap_s: float = 2.0
    result_chars: int = RESULT_CHAR_CAP
    on_oversize: Literal["truncate", "fail"] = "truncate"


def _method(tool: Mapping[str, object]) -> str:
    method = tool.get("method")
    return method.upper() if isinstance(method, str) and method else "POST"


def request_body(tool: Mapping[str, object], call: ToolCall, call_object: Mapping[str, object]) -> bytes:
    """The exact bytes sent (and signed) for ``call`` of ``tool``.

    >>> request_body({"args_at_root": True}, ToolCall(name="t", type="custom", args={"a": "é"}), {})
    b'{"a":"\\xc3\\xa9"}'
    >>> request_body({"method": "GET"}, ToolCall(name="t", type="custom", args={"a": 1}), {})
    b''
    """
    if _method(tool) not in BODY_METHODS:
        return b""
    payload: object = (
        dict(call.args) if tool.get("args_at_root") else {"name": call.name, "call": call_object, "args": call.args}
    )
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def _string_map(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): str(v) for k, v in value.items() if v is not None}


def build_request(
    tool: Mapping[str, object],
    call: ToolCall,
    *,
    api_key: str,
    call_object: Mapping[str, object],
    substitute: Substitute | None = None,
    timestamp_ms: int | None = None,
) -> httpx.Request:
    """The signed request for one attempt (raises ``httpx.InvalidURL`` for an unusable URL)."""
    sub: Substitute = substitute or (lambda text: text)
    url = sub(str(tool.get("url") or ""))
    headers = {name: sub(value) for name, value in _string_map(tool.get("headers")).items()}
    headers = {k: v for k, v in headers.items() if k.lower() not in ("content-type", SIGNATURE_HEADER)}
    params = {name: sub(value) for name, value in _string_map(tool.get("query_params")).items()}
    body = request_body(tool, call, call_object)
    if not any(k.lower() == "accept-encoding" for k in headers):
        headers["Accept-Encoding"] = "identity"  # a compressed body could inflate far past the cap in one chunk
    headers["Content-Type"] = "application/json"
    headers[SIGNATURE_HEADER] = sign(body, api_key, timestamp_ms)
    target = httpx.URL(url)
    if params:
        target = target.copy_merge_params(params)  # keeps the URL's own query (Request(params=) would drop it)
    return httpx.Request(_method(tool), target, headers=headers, content=body)


def public_url(request: httpx.Request) -> str:
    """The request's URL without its query (query values may hold secrets; messages never show them).

    >>> public_url(httpx.Request("GET", "https://h.example/p?key=secret"))
    'https://h.example/p'
    """
    return str(request.url.copy_with(query=None))


@dataclass(frozen=True, slots=True)
class _Attempt:
    text: str = ""
    status: int | None = None
    truncated: bool = False
    error: ErrorKind | None = None
    reason: str = ""


async def _read_capped(response: httpx.Response, cap: int) -> tuple[str, bool]:
    decoder = codecs.getincrementaldecoder(response.charset_encoding or "utf-8")(errors="replace")
    parts: list[str] = []
    length = 0
    async for chunk in response.aiter_bytes():
        piece = decoder.decode(chunk)
        if length + len(piece) > cap:
            parts.append(piece[: cap - length])
            return "".join(parts), True
        parts.append(piece)
        length += len(piece)
    tail = decoder.decode(b"", final=True)
    if length + len(tail) > cap:
        return "".join(parts) + tail[: cap - length], True
    return "".join(parts) + tail, False


async def _attempt(client: httpx.AsyncClient, request: httpx.Request, timeout_s: float, cap: int) -> _Attempt:
    request.extensions["timeout"] = httpx.Timeout(timeout_s).as_dict()
    try:
        async with asyncio.timeout(timeout_s):
            response = await client.send(request, stream=True)
            try:
                text, truncated = await _read_capped(response, cap)
            finally:
                await response.aclose()
    except (TimeoutError, httpx.TimeoutException):
        return _Attempt(error=ErrorKind.TIMEOUT, reason="no complete answer in time")
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        return _Attempt(error=ErrorKind.INVALID_URL, reason=str(exc) or type(exc).__name__)
    except httpx.ConnectError as exc:
        return _Attempt(error=ErrorKind.CONNECTION, reason=f"cannot connect ({exc or 'connection refused'})")
    except httpx.HTTPError as exc:
        return _Attempt(error=ErrorKind.CONNECTION, reason=f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # an ASGI app under test raised (ASGITransport re-raises app errors)
        return _Attempt(error=ErrorKind.HANDLER_ERROR, reason=f"the app raised {type(exc).__name__}: {exc}")
    if not 200 <= response.status_code < 300:
        return _Attempt(text=text, status=response.status_code, truncated=truncated, error=ErrorKind.HTTP_STATUS)
    return _Attempt(text=text, status=response.status_code, truncated=truncated)


def _timeout_ms(tool: Mapping[str, object], default: int) -> int:
    value = tool.get("timeout_ms")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default


def _max_retry(tool: Mapping[str, object], policy: HttpPolicy) -> int:
    value = tool.get("max_retry")
    if not isinstance(value, int) or isinstance(value, bool):
        value = policy.default_max_retry
    return max(0, min(MAX_RETRY_LIMIT, value))


async def call_custom_function(
    tool: Mapping[str, object],
    call: ToolCall,
    *,
    client: httpx.AsyncClient,
    api_key: str,
    call_object: Mapping[str, object],
    substitute: Substitute | None = None,
    policy: HttpPolicy | None = None,
    source: ToolSource = "http",
) -> ToolResult:
    """Run one custom-function call through ``client`` (network, or an ASGI app as its transport).

    Never raises for anything the tool or its server does: failures come back as a failed
    :class:`ToolResult` whose message names the tool, the URL (without its query) and how to mock it.
    """
    policy = policy or HttpPolicy()
    started = time.monotonic()
    timeout_ms = _timeout_ms(tool, DEFAULT_TIMEOUT_MS)
    total = _max_retry(tool, policy) + 1
    where = f"{_method(tool)} {str(tool.get('url') or '').split('?', 1)[0]}"  # never the query: it may hold keys
    outcome = _Attempt()
    attempt = 0
    for attempt in range(1, total + 1):
        try:
            request = build_request(tool, call, api_key=api_key, call_object=call_object, substitute=substitute)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError, TypeError) as exc:
            outcome = _Attempt(error=ErrorKind.INVALID_URL, reason=f"the URL is unusable ({exc})")
            break
        where = f"{request.method} {public_url(request)}"
        outcome = await _attempt(client, request, timeout_ms / 1000, policy.result_chars)
        if outcome.error is None or outcome.error is ErrorKind.INVALID_URL or attempt == total:
            break
        delay = min(policy.backoff_cap_s, policy.backoff_s * 2 ** (attempt - 1))
        await asyncio.sleep(delay * (0.5 + random.random() / 2))  # jitter, not cryptography
    elapsed = int((time.monotonic() - started) * 1000)
    tries = f"after {attempt} attempt{'s' if attempt > 1 else ''}"
    if outcome.error is not None:
        if outcome.error is ErrorKind.TIMEOUT:
            detail = f"timed out after {timeout_ms} ms per attempt ({tries}); raise its timeout_ms or make it faster"
        elif outcome.error is ErrorKind.HTTP_STATUS:
            excerpt = outcome.text[:300] + ("…" if len(outcome.text) > 300 or outcome.truncated else "")
            detail = f"answered HTTP {outcome.status} ({tries}): {excerpt}"
        else:
            detail = f"failed ({tries}): {outcome.reason}"
        message = f"Tool {call.name!r} ({where}) {detail.rstrip('.')}. {mock_hint(call.name)}"
        return ToolResult.failure(
            call,
            outcome.error,
            message,
            source=source,
            duration_ms=elapsed,
            attempts=attempt,
            status_code=outcome.status,
        )
    if outcome.truncated and policy.on_oversize == "fail":
        message = (
            f"Tool {call.name!r} ({where}) returned more than {policy.result_chars} characters; "
            f"Retell keeps only the first {policy.result_chars}. Return less. {mock_hint(call.name)}"
        )
        return ToolResult.failure(
            call, ErrorKind.TOO_LARGE, message, source=source, duration_ms=elapsed, attempts=attempt,
            status_code=outcome.status,
        )  # fmt: skip
    variables = {} if outcome.truncated else extract_variables(outcome.text, _mapping(tool.get("response_variables")))
    return ToolResult(
        call=call,
        content=outcome.text,
        successful=True,
        source=source,
        variables=variables,
        duration_ms=elapsed,
        truncated=outcome.truncated,
        attempts=attempt,
        status_code=outcome.status,
    )


def _mapping(value: object) -> dict[str, str] | None:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else None
