"""Transport-free request and response values of the emulator core.

The core is a plain function from :class:`EmuRequest` to :class:`EmuResponse`;
adapters (httpx ``MockTransport``, ASGI) translate to and from these.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
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
    def build(
        cls,
        method: str,
        raw_path: str,
        raw_query: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]],
        body: bytes,
    ) -> EmuRequest:
        """Make a request from wire parts: percent-decodes the path but never turns ``+`` into a space.

        ``headers`` may be the raw list of pairs; a name that occurs twice keeps both values,
        joined with ``", "`` as HTTP prescribes (RFC 9110 §5.3), so a repeated ``Authorization``
        header can never pass for a single one.

        >>> EmuRequest.build("get", "/a", "", [("X-A", "1"), ("x-a", "2")], b"").headers
        {'x-a': '1, 2'}
        """
        query = parse_qs(raw_query, keep_blank_values=True)
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        combined: dict[str, str] = {}
        for name, value in pairs:
            key = name.lower()
            combined[key] = f"{combined[key]}, {value}" if key in combined else value
        return cls(method=method.upper(), path=unquote(raw_path), query=query, headers=combined, body=body)

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
    """A JSON response; never non-standard JSON (``NaN``/``Infinity`` raise ``ValueError`` instead).

    A lone surrogate (only possible in a hand-made in-process request) is written as its JSON escape.
    """
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    body = text.encode("utf-8", "backslashreplace")
    return EmuResponse(status, body, {"content-type": "application/json", **(headers or {})})
