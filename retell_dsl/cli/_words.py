"""Small wording helpers shared by the commands' human output."""

from __future__ import annotations

__all__ = ["count"]


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun, in the singular for exactly one.

    >>> count(1, "step"), count(2, "request"), count(0, "error"), count(1, "entry", "entries")
    ('1 step', '2 requests', '0 errors', '1 entry')
    >>> count(3, "entry", "entries")
    '3 entries'
    """
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
