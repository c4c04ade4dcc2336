"""``retell-dsl emulator``: serve the embedded Retell API emulator over HTTP."""

# ruff: noqa: PLR0917  (typer takes every option as a parameter)
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from retell_dsl.simulator import LocalEngine

__all__ = ["register"]


def emulator(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on.")] = 8080,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key",
            envvar="RETELL_EMULATOR_API_KEY",
            help="Bearer key clients must send. Generated and printed when omitted.",
            show_default=False,
        ),
    ] = None,
    db: Annotated[
        str,
        typer.Option(help="SQLite file that keeps the emulator's state across restarts; ':memory:' for none."),
    ] = str(Path(".retell") / "emulator.sqlite"),
    concurrency_limit: Annotated[int, typer.Option(help="Concurrent-call limit reported by get-concurrency.")] = 20,
    latency_ms: Annotated[
        float, typer.Option(help="Add this much latency to every request (to rehearse a slow network).")
    ] = 0.0,
) -> None:
    """Serve the Retell API emulator over HTTP, for clients in other processes or languages.

    Point any Retell client at it:

        retell-dsl emulator --port 8080 --api-key key_test

        RETELL_BASE_URL=http://127.0.0.1:8080 RETELL_API_KEY=key_test python my_script.py

    State lives in --db, so a restart keeps every agent, LLM, flow, number and call.
    Press Ctrl+C to stop.
    """
    from rich.console import Console

    from retell_dsl.emulator import Emulator, generate_api_key
    from retell_dsl.emulator.serve import serve_forever
    from retell_dsl.simulator import LocalEngine

    console = Console(stderr=True)
    key = api_key or generate_api_key()
    engine = LocalEngine()
    emu = Emulator(db, api_key=key, concurrency_limit=concurrency_limit, engine=engine)
    if latency_ms:
        emu.faults.add("*", latency_ms=latency_ms)
    where = "in memory (nothing is kept)" if db == ":memory:" else db
    console.print(f"[bold]Retell API emulator[/] listening on [cyan]http://{host}:{port}[/]")
    console.print(f"  state:   {where}")
    console.print(f"  engine:  local simulation, model {type(engine.model).__name__}" + _model_hint(engine))
    if latency_ms:
        console.print(f"  latency: {latency_ms:g} ms added to every request")
    if api_key is None:
        console.print(f"  api key: [green]{key}[/] (generated; pass --api-key to choose one)")
    else:
        console.print("  api key: as given by --api-key / RETELL_EMULATOR_API_KEY")
    console.print(f"  try:     RETELL_BASE_URL=http://{host}:{port} RETELL_API_KEY=<key> python your_script.py")
    try:
        serve_forever(emu, host=host, port=port)
    finally:
        emu.close()


def _model_hint(engine: LocalEngine) -> str:
    """What to do when no model is configured (names no secret)."""
    from retell_dsl.sim.models import NoModel

    if not isinstance(engine.model, NoModel):
        return ""
    return " (static text, equations and tool mocks run; set OPENAI_BASE_URL for prompts and analysis)"


def register(app: typer.Typer) -> None:
    app.command("emulator")(emulator)
