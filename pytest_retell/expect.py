"""The assertion API for conversations (re-exported from :mod:`retell_dsl.conversations`).

``result.expect`` is a fresh :class:`Expect` cursor over a :class:`CallResult`'s events.
"""

from __future__ import annotations

from retell_dsl.conversations import CallResult, Event, Expect, args_match

__all__ = ["CallResult", "Event", "Expect", "args_match"]
