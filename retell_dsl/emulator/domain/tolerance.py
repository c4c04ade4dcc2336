"""What a request may carry that Retell tolerates (stores and echoes) but retell-sdk does not know.

Handlers and domain rules call :func:`tolerated` with such problems instead of refusing the
request; the core collects them per request (:func:`tolerating`) and answers them in the
``x-retell-emulator-warning`` header. Each is also logged.

>>> with tolerating() as seen:
...     tolerated(["voice_model: unknown value 'eleven_turbo_v2_5'"])
>>> seen
["voice_model: unknown value 'eleven_turbo_v2_5'"]
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator

from retell_dsl.wire.schema import summarize_problems

__all__ = ["WARNING_HEADER", "tolerated", "tolerating", "warning_header"]

log = logging.getLogger("retell_dsl.emulator")

#: Response header naming what a request carried that Retell tolerates but the SDK does not know.
WARNING_HEADER = "x-retell-emulator-warning"
#: Longest header value (a key can be megabytes long).
MAX_HEADER_CHARS = 1000
_TOLERATED: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("tolerated", default=None)


@contextlib.contextmanager
def tolerating() -> Iterator[list[str]]:
    """Collect, for one request, the problems reported through :func:`tolerated`."""
    seen: list[str] = []
    token = _TOLERATED.set(seen)
    try:
        yield seen
    finally:
        _TOLERATED.reset(token)


def tolerated(problems: list[str]) -> None:
    """Record problems the request may keep (stored and echoed): logged, and sent back in a header."""
    if not problems:
        return
    log.warning("accepted what retell-sdk does not know (Retell stores it): %s", summarize_problems(problems, limit=5))
    seen = _TOLERATED.get()
    if seen is not None:
        seen.extend(problems)


def warning_header(problems: list[str]) -> str:
    """The :data:`WARNING_HEADER` value: the problems, ASCII-only, on one line of bounded length.

    >>> warning_header(["a: unknown field"])
    'accepted, unknown to retell-sdk: a: unknown field'
    """
    text = "accepted, unknown to retell-sdk: " + summarize_problems(problems, limit=5)
    text = text.encode("ascii", "replace").decode("ascii").replace("\r", " ").replace("\n", " ")
    return text if len(text) <= MAX_HEADER_CHARS else text[: MAX_HEADER_CHARS - 3] + "..."
