"""The ``retell-dsl`` command line.

Start-up is kept quick: this module imports only typer; every command imports
the heavy parts (the Retell SDK, pydantic models, uvicorn) when it runs, and the
SDK's packages are deferred (:mod:`retell_dsl.wire.sdk_types`) so that offline
commands load only the few request types they check payloads against.
"""

from __future__ import annotations

import inspect

import typer

from retell_dsl.cli import _chat, _demo, _deploy, _emulator, _graph, _import, _inspect, _judge, _model, _sweep
from retell_dsl.cli import toolkit as _toolkit

__all__ = ["app", "main", "reflow"]

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
    from retell_dsl.wire.sdk_types import defer_sdk

    defer_sdk()  # `import retell` costs nothing until a command uses the SDK (offline commands never do)


_demo.register(app)
_inspect.register(app)
_deploy.register(app)
_graph.register(app)
_import.register(app)
_emulator.register(app)
_chat.register(app)
_sweep.register(app)
_toolkit.register(app)
_model.register(app)
_judge.register(app)


def reflow(doc: str) -> str:
    """Join the hard-wrapped lines of each prose paragraph, so help rewraps at any terminal width.

    Indented paragraphs (examples) keep their lines.

    >>> reflow("Show a plan.\\n\\nLong prompts\\nas diffs.\\n\\n    retell-dsl plan a.py\\n    retell-dsl plan b.py")
    'Show a plan.\\n\\nLong prompts as diffs.\\n\\n    retell-dsl plan a.py\\n    retell-dsl plan b.py'
    """
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(
        p if any(line.startswith((" ", "\t")) for line in p.splitlines()) else " ".join(p.split("\n"))
        for p in paragraphs
    )


def _reflow_help(group: typer.Typer) -> None:
    for command in group.registered_commands:
        doc = command.help or (command.callback.__doc__ if command.callback else None)
        if doc:
            command.help = reflow(doc)
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            _reflow_help(sub.typer_instance)


_reflow_help(app)


def main() -> None:
    """Entry point of the ``retell-dsl`` console script."""
    app()
