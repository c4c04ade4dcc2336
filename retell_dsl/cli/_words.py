"""Small wording helpers shared by the commands' human output (``count`` lives in errors, below all)."""

from __future__ import annotations

from retell_dsl.errors import count

__all__ = ["count"]
