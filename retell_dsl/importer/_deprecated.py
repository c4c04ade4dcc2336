"""Deprecated model fields on import: the rules live in :mod:`retell_dsl.wire.upgrades` (one place)."""

from __future__ import annotations

from retell_dsl.wire.upgrades import DEPRECATED_ENGINE_FIELDS, modernize

__all__ = ["DEPRECATED_ENGINE_FIELDS", "modernize"]
