"""pytest-retell: test Retell voice agents with pytest, offline against the embedded emulator."""

from __future__ import annotations

__all__: list[str] = []
