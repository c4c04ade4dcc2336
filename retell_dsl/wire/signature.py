"""Retell's request signature: the ``x-retell-signature`` header of webhooks and custom-function calls.

The value is ``v=<timestamp_ms>,d=<hex>``, where ``hex`` is HMAC-SHA256 keyed by the API key over the
raw body followed by the decimal timestamp. This module matches ``retell.lib.webhook_auth`` byte for
byte (``sign`` there is ``symmetric["sign"]``, ``verify`` is ``retell.lib.verify``) without importing
retell-sdk, so the emulator's webhooks and the engine's tool calls can sign what they send.

>>> header = sign('{"a":1}', "key_123", timestamp_ms=1700000000000)
>>> header
'v=1700000000000,d=...'
>>> verify('{"a":1}', "key_123", header, now_ms=1700000000000 + 60_000)
True
>>> verify('{"a":2}', "key_123", header, now_ms=1700000000000)
False
>>> verify('{"a":1}', "key_123", header, now_ms=1700000000000 + FIVE_MINUTES_MS + 1)
False
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

__all__ = ["FIVE_MINUTES_MS", "SIGNATURE_HEADER", "sign", "verify"]

SIGNATURE_HEADER = "x-retell-signature"
"""The header Retell puts the signature in (HTTP header names are case-insensitive)."""

FIVE_MINUTES_MS = 5 * 60 * 1000
"""How far a signature's timestamp may be from now before :func:`verify` rejects it (the SDK's window)."""

_SIGNATURE = re.compile(r"v=(\d+),d=([0-9a-f]{64})")


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode() if isinstance(body, str) else bytes(body)


def _digest(body: bytes | str, api_key: str, timestamp_ms: int) -> str:
    mac = hmac.new(api_key.encode(), digestmod=hashlib.sha256)
    mac.update(_as_bytes(body) + str(timestamp_ms).encode())
    return mac.hexdigest()


def sign(body: bytes | str, api_key: str, timestamp_ms: int | None = None) -> str:
    """The ``x-retell-signature`` value for ``body`` (the exact bytes sent; a str is UTF-8 encoded).

    ``timestamp_ms`` defaults to now, in milliseconds since the epoch, as the SDK does.

    >>> sign(b"", "k", timestamp_ms=1)
    'v=1,d=...'
    >>> sign("héllo", "k", 5) == sign("héllo".encode(), "k", 5)
    True
    """
    if timestamp_ms is None:
        timestamp_ms = int(time.time() * 1000)
    return f"v={timestamp_ms},d={_digest(body, api_key, timestamp_ms)}"


def verify(
    body: bytes | str,
    api_key: str,
    signature: str,
    *,
    now_ms: int | None = None,
    tolerance_ms: int = FIVE_MINUTES_MS,
) -> bool:
    """Whether ``signature`` signs ``body`` with ``api_key`` and is at most ``tolerance_ms`` from now.

    Same rules as ``retell.lib.verify``: the whole header must be ``v=<digits>,d=<64 lowercase hex>``,
    the timestamp may be in the past or the future by up to five minutes, and the digest is compared
    in constant time. A malformed header is ``False``, never an exception.

    >>> verify("", "k", "v=1,d=zz")
    False
    >>> verify("", "k", sign("", "k", 10), now_ms=10)
    True
    """
    match = _SIGNATURE.fullmatch(signature)
    if not match:
        return False
    stamp = int(match.group(1))
    now = int(time.time() * 1000) if now_ms is None else now_ms
    if abs(now - stamp) > tolerance_ms:
        return False
    return hmac.compare_digest(_digest(body, api_key, stamp), match.group(2))
