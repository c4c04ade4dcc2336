"""Scrubbing recorded exchanges and the vcrpy cassette that replay uses (imported only when recording/replaying).

Every request is scrubbed the same way when it is recorded and when it is matched on replay:
its base URL becomes an alias, credential headers (``authorization``, ``x-api-key``,
``api-key``, ``cookie``, ``x-retell-signature``…) and volatile ones (``user-agent``,
``x-stainless-*``) are dropped, and key-like text is replaced by ``<scrubbed>`` in the URL,
the remaining headers and the body. Responses keep only the headers a client reads
(``content-type``, ``retry-after``, ``location``); their bodies are scrubbed too.

>>> scrub_text('{"api_key": "abc", "n": 1} Bearer sk-live_0123456789abcdefXYZ key_0123456789abcdef0123456789ab', [])
'{"api_key": "<scrubbed>", "n": 1} Bearer <scrubbed> <scrubbed>'
>>> scrub_text("my key is hunter22", ["hunter22"])
'my key is <scrubbed>'

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vcr import matchers
from vcr.cassette import Cassette
from vcr.filters import decode_response
from vcr.record_mode import RecordMode

__all__ = ["SCRUBBED", "ReplayCassette", "make_cassette", "scrub_request", "scrub_response", "scrub_text"]

SCRUBBED = "<scrubbed>"
#: Request headers never recorded: credentials, and what changes from machine to machine.
DROPPED_REQUEST_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "api-key",
        "cookie",
        "x-retell-signature",
        "user-agent",
        "host",
        "connection",
        "accept-encoding",
        "content-length",
    }
)
#: The only response headers kept (a client reads these; the rest are dates, ids, cookies, timings).
KEPT_RESPONSE_HEADERS = frozenset({"content-type", "retry-after", "location"})
_PATTERNS = (
    # JSON fields named like secrets, whatever their value
    (
        re.compile(
            r'("[A-Za-z0-9_-]*(?:api[_-]?key|secret|password|passwd|access[_-]?token|refresh[_-]?token|auth[_-]?token)"'
            r'\s*:\s*)"(?:[^"\\]|\\.)*"',
            re.IGNORECASE,
        ),
        rf'\1"{SCRUBBED}"',
    ),
    (re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE), rf"\1{SCRUBBED}"),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"), SCRUBBED),  # OpenAI-style keys
    (re.compile(r"\bkey_[0-9a-fA-F]{20,}"), SCRUBBED),  # Retell-style keys
    (re.compile(r"([?&](?:api[_-]?key|key|token|secret)=)[^&#\s]+", re.IGNORECASE), rf"\1{SCRUBBED}"),
)


def scrub_text(text: str, secrets: Sequence[str]) -> str:
    """``text`` with the given secret values and anything key-like replaced by ``<scrubbed>``."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, SCRUBBED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _scrub_body(body: object, secrets: Sequence[str]) -> object:
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body
        return scrub_text(text, secrets).encode("utf-8")
    if isinstance(body, str):
        return scrub_text(body, secrets)
    return body


def _alias(uri: str, bases: Sequence[tuple[str, str]]) -> tuple[str, bool]:
    """``uri`` with a known base URL replaced by its alias; whether it was the model provider's."""
    for real, alias in bases:
        real = real.rstrip("/")
        if uri == real or uri.startswith((real + "/", real + "?")):
            return alias + uri[len(real) :], "model." in alias
    return uri, False


def scrub_request(request: Any, bases: Sequence[tuple[str, str]], secrets: Sequence[str]) -> Any:
    """A scrubbed copy of a vcrpy request (see the module docstring)."""
    request = copy.deepcopy(request)
    uri, _ = _alias(request.uri, bases)
    request.uri = scrub_text(uri, secrets)
    headers = {
        name: scrub_text(str(value), secrets)
        for name, value in request.headers.items()
        if name.lower() not in DROPPED_REQUEST_HEADERS and not name.lower().startswith("x-stainless")
    }
    request.headers = headers
    request.body = _scrub_body(request.body, secrets)
    return request


def scrub_response(response: dict[str, Any], secrets: Sequence[str]) -> dict[str, Any]:
    """A scrubbed copy of a vcrpy response dict (decompressed; only the kept headers)."""
    response = decode_response(response)
    response["headers"] = {
        name: [scrub_text(str(v), secrets) for v in values]
        for name, values in response["headers"].items()
        if name.lower() in KEPT_RESPONSE_HEADERS
    }
    response["body"]["string"] = _scrub_body(response["body"]["string"], secrets)
    return response


class ReplayCassette(Cassette):  # type: ignore[misc]  # vcrpy has no type hints
    """A vcrpy cassette that remembers the requests it could not answer and whether a model was called."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.misses: list[str] = []
        self.model_used = False

    def can_play_response_for(self, request: Any) -> bool:
        """vcrpy's answer; a request it cannot answer in a write-protected cassette is noted as a miss."""
        playable = bool(super().can_play_response_for(request))
        if not playable and self.write_protected:
            scrubbed = self.filter_request(request)
            if scrubbed:
                parts = urlsplit(scrubbed.uri)
                self.misses.append(
                    f"{scrubbed.method} {parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
                )
        return playable


_MATCH_ON = tuple(getattr(matchers, name) for name in ("method", "scheme", "host", "port", "path", "query", "body"))


def make_cassette(
    path: Path, mode: RecordMode, bases: Sequence[tuple[str, str]], secrets: Sequence[str], *, load: bool
) -> ReplayCassette:
    """The cassette of one test at ``path``: matched on method, URL and (JSON-aware) body, each answer played once."""
    holder: list[ReplayCassette] = []

    def before_request(request: Any) -> Any:
        if holder and _alias(request.uri, bases)[1]:
            holder[0].model_used = True
        return scrub_request(request, bases, secrets)

    options: dict[str, Any] = {
        "path": str(path),
        "record_mode": mode,
        "match_on": _MATCH_ON,
        "before_record_request": before_request,
        "before_record_response": lambda response: scrub_response(response, secrets),
    }
    cassette = ReplayCassette.load(**options) if load else ReplayCassette(**options)
    holder.append(cassette)
    return cassette
