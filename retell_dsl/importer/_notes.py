"""Notes the decompilers leave for the user: what went to ``extra=`` (and where), what was kept outside.

The import collects them for one run (:func:`collecting`); :func:`note` adds one line. They are
printed by ``retell-dsl import`` and written as comments at the top of the generated module.

>>> with collecting([]) as seen:
...     note("flow 'f' > node 'a' > edges[0]: key 'condition' kept in extra=")
>>> seen
["flow 'f' > node 'a' > edges[0]: key 'condition' kept in extra="]
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

__all__ = ["collecting", "note"]

_NOTES: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("import_notes", default=None)


@contextlib.contextmanager
def collecting(into: list[str]) -> Iterator[list[str]]:
    """Collect the notes of one import into ``into``."""
    token = _NOTES.set(into)
    try:
        yield into
    finally:
        _NOTES.reset(token)


def note(text: str) -> None:
    """Add one note to the running import (ignored outside one); duplicates are kept once."""
    seen = _NOTES.get()
    if seen is not None and text not in seen:
        seen.append(text)
