"""The assertion API for conversations (re-exported from :mod:`retell_dsl.conversations`).

``result.expect`` is a fresh :class:`Expect` cursor over a :class:`CallResult`'s events.

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

from retell_dsl.conversations import CallResult, Event, Expect, args_match

__all__ = ["CallResult", "Event", "Expect", "args_match"]
