"""Transport-free request and response values of the emulator core.

The core is a plain function from :class:`EmuRequest` to :class:`EmuResponse`;
adapters (httpx ``MockTransport``, ASGI) translate to and from these.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

__all__ = ["EmuRequest", "EmuResponse", "json_response"]


@dataclass(frozen=True, slots=True)
class EmuRequest:
    """An HTTP request as the core sees it. ``path`` keeps a literal ``+`` (E.164 ids)."""

    method: str
    path: str
    query: Mapping[str, list[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""

    @classmethod
    def build(cls, method: str, raw_path: str, raw_query: str, headers: Mapping[str, str], body: bytes) -> EmuRequest:
        """Make a request from wire parts: percent-decodes the path but never turns ``+`` into a space."""
        query = parse_qs(raw_query, keep_blank_values=True)
        return cls(
            method=method.upper(),
            path=unquote(raw_path),
            query=query,
            headers={k.lower(): v for k, v in headers.items()},
            body=body,
        )

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def query_one(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


@dataclass(frozen=True, slots=True)
class EmuResponse:
    """An HTTP response; ``body`` is ``b""`` for 204 and empty 200s."""

    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def json_response(status: int, payload: object, headers: Mapping[str, str] | None = None) -> EmuResponse:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return EmuResponse(status, body, {"content-type": "application/json", **(headers or {})})
