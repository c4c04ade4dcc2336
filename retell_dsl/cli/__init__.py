"""The ``retell-dsl`` command line.

Start-up is kept quick: this module imports only typer; every command imports
the heavy parts (the Retell SDK, pydantic models, uvicorn) when it runs.
"""

from __future__ import annotations

import typer

from retell_dsl.cli import _demo, _deploy, _emulator, _graph, _import, _inspect
from retell_dsl.cli import toolkit as _toolkit

__all__ = ["app", "main"]

app = typer.Typer(
    name="retell-dsl",
    help=(
        "Retell AI voice agents as code.\n\n"
        "Every command talks to the embedded Retell API emulator (.retell/emulator.sqlite) unless "
        "RETELL_API_KEY is set or --target live is given, and says which target it uses."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"retell-dsl {version('retell-dsl')}")
        except PackageNotFoundError:  # running from a checkout that was never installed
            from retell_dsl import __version__

            typer.echo(f"retell-dsl {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    show_version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", callback=_print_version, is_eager=True
    ),
) -> None:
    """Retell AI voice agents as code."""


_demo.register(app)
_inspect.register(app)
_deploy.register(app)
_graph.register(app)
_import.register(app)
_emulator.register(app)
_toolkit.register(app)


def main() -> None:
    """Entry point of the ``retell-dsl`` console script."""
    app()
