"""The real conversation engine behind the emulator: :class:`LocalEngine` runs ``sim`` for the emulator's port.

It sits above both: it imports the emulator's port types (``engine_port``) and the ``sim``
engine, so neither of them imports the other. ``retell_dsl.target`` plugs it into the default
emulator, and ``retell-dsl emulator`` serves an emulator with it.
"""

from __future__ import annotations

from retell_dsl.simulator.engine import LocalEngine

__all__ = ["LocalEngine"]
