"""What the stack commands (compile, lint, plan, apply, publish, destroy, drift) share."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from retell_dsl.cli.toolkit._common import EMULATOR_DB_ENV, abort

if TYPE_CHECKING:
    from retell import Retell

    from retell_dsl.builders.stack import Stack
    from retell_dsl.deploy import Project

__all__ = ["AppArg", "EnvOpt", "Session", "errors_exit", "open_session"]

T = TypeVar("T")

AppArg = Annotated[
    str,
    typer.Argument(
        help="The stack: a Python file (app.py) or module:attribute holding a Stack, or a function(env) -> Stack.",
        show_default=False,
    ),
]
EnvOpt = Annotated[
    str,
    typer.Option(
        "--env", "-e", envvar="RETELL_DSL_ENV",
        help="Environment: its own state file (.retell/state/<env>.json) and overrides (staging, production…).",
    ),
]  # fmt: skip


@dataclass
class Session:
    stack: Stack
    project: Project
    target_description: str
    _client_factory: Callable[[], Retell]

    def client(self) -> Retell:
        return self._client_factory()


@contextmanager
def errors_exit() -> Iterator[None]:
    """Turn expected failures into a clear message and exit code 1 (never a traceback).

    A builder's construction error (raised while the stack file is imported) names the user's line:
    it is printed as one line ``app.py:12: RD705 ...``, the way lint prints issues.
    """
    import retell

    from retell_dsl.errors import InvalidArgument, InvalidSpec, RetellDSLError, ValidationFailed

    try:
        yield
    except ValidationFailed as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    except (InvalidArgument, InvalidSpec) as exc:
        if not exc.source:
            abort(str(exc))
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    except (RetellDSLError, retell.RetellError, OSError) as exc:
        abort(str(exc))


def open_session(app: str, env: str, target: str, *, quiet: bool = False) -> Session:
    """Load the stack for ``env``, resolve the target, and say which target is used (on stderr)."""
    from retell_dsl.deploy import Project, load_stack
    from retell_dsl.target import DEFAULT_EMULATOR_DB, resolve_target

    with errors_exit():
        stack = load_stack(app, env)
        resolved = resolve_target(target, emulator_db=os.environ.get(EMULATOR_DB_ENV) or DEFAULT_EMULATOR_DB)
    if not quiet:
        typer.echo(f"target: {resolved.describe()} · environment: {env}", err=True)
    project = Project(Path.cwd(), environment=env, target=resolved.kind)
    return Session(stack, project, resolved.describe(), resolved.client)


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)
