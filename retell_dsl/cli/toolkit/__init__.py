"""The toolkit commands of ``retell-dsl``: one typer group per Retell resource, plus ``mcp``.

Every command is a thin adapter over :mod:`retell_dsl.toolkit`; this package
imports only typer so that start-up stays quick.
"""

from __future__ import annotations

import typer

from retell_dsl.cli.toolkit._agents import agents
from retell_dsl.cli.toolkit._calls import batch_calls, calls
from retell_dsl.cli.toolkit._engines import concurrency, flows, llms, voices
from retell_dsl.cli.toolkit._kbs import kbs
from retell_dsl.cli.toolkit._mcp import mcp
from retell_dsl.cli.toolkit._numbers import numbers

__all__ = ["register"]

_GROUPS: tuple[tuple[str, typer.Typer], ...] = (
    ("agents", agents),
    ("llms", llms),
    ("flows", flows),
    ("voices", voices),
    ("calls", calls),
    ("batch-calls", batch_calls),
    ("numbers", numbers),
    ("kbs", kbs),
)


def register(app: typer.Typer) -> None:
    """Add the toolkit groups, ``concurrency`` and ``mcp`` to the root ``retell-dsl`` app."""
    for name, group in _GROUPS:
        group.rich_markup_mode = "rich"
        app.add_typer(group, name=name, rich_help_panel="Retell toolkit")
    app.command("concurrency", rich_help_panel="Retell toolkit")(concurrency)
    app.command("mcp", rich_help_panel="Retell toolkit")(mcp)
