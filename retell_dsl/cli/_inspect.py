"""``compile``, ``lint`` and ``drift``: look at a stack without changing anything."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from retell_dsl.cli._stackcmd import AppArg, EnvOpt, console, errors_exit, open_session
from retell_dsl.cli._words import count
from retell_dsl.cli.toolkit._common import TargetOpt

__all__ = ["register"]

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def compile_cmd(app: AppArg, env: EnvOpt = "default", as_json: JsonOpt = False) -> None:
    """Compile the stack to the exact Retell API payloads, in dependency order.

    References to resources not deployed yet stay symbolic ("$ref:llm.support"); secrets stay
    "$env:NAME". Fails with every lint error at once (with file:line) if the stack is invalid.

        retell-dsl compile app.py --json > payloads.json
    """
    from rich.table import Table

    from retell_dsl.checked import compile

    session = open_session(app, env, "emulator", quiet=True)
    with errors_exit():
        compiled = compile(session.stack)
    if as_json:
        sys.stdout.write(compiled.to_json() + "\n")
        return
    table = Table(
        "address",
        "kind",
        "depends on",
        "payload",
        title=f"stack {compiled.name!r}: {count(len(compiled.resources), 'resource')}",
    )
    for r in compiled.resources:
        size = len(json.dumps(r.payload))
        table.add_row(
            r.address, r.kind, ", ".join(r.depends_on) or "-", f"{count(len(r.payload), 'field')}, {size:,} bytes"
        )
    console().print(table)


def lint(app: AppArg, env: EnvOpt = "default", as_json: JsonOpt = False) -> None:
    """Check the stack offline: schema, flow graph, variables, tools, numbers, limits.

    Every issue is printed with its code, the user's file:line, where in the stack it is, and how
    to fix it. Exit status 1 when there are errors (warnings alone exit 0).

        retell-dsl lint app.py
    """
    from retell_dsl.validation import validate

    session = open_session(app, env, "emulator", quiet=True)
    with errors_exit():
        issues = validate(session.stack)
    if as_json:
        rows = [
            {"code": i.code, "severity": i.severity, "path": i.path, "message": i.message, "hint": i.hint,
             "source": str(i.source) if i.source else None}
            for i in issues
        ]  # fmt: skip
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    else:
        out = console()
        for issue in issues:
            style = "red" if issue.severity == "error" else "yellow"
            out.print(str(issue), style=style, highlight=False, soft_wrap=True)
        errors = sum(1 for i in issues if i.severity == "error")
        warnings = len(issues) - errors
        if not issues:
            out.print(f"[green]✓[/] stack {session.stack.name!r}: no issues")
        else:
            out.print(f"{count(errors, 'error')}, {count(warnings, 'warning')}")
    if any(i.severity == "error" for i in issues):
        raise typer.Exit(1)


def drift(
    app: AppArg,
    env: EnvOpt = "default",
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
    detailed_exitcode: Annotated[
        bool, typer.Option("--detailed-exitcode", help="Exit 0 when in sync, 2 when anything drifted.")
    ] = False,
) -> None:
    """Refresh-only: for each owned resource, which fields someone changed remotely and which the code changed.

    Both are measured against what was last applied (.retell/state/<env>.json).

        retell-dsl drift app.py --env production --detailed-exitcode
    """
    from retell_dsl.deploy.drift import detect_drift

    session = open_session(app, env, target)
    with errors_exit():
        report = detect_drift(session.project, session.stack, session.client())
    if as_json:
        sys.stdout.write(json.dumps([d.to_dict() for d in report], indent=2, ensure_ascii=False) + "\n")
    else:
        from retell_dsl.deploy.render import drift_lines, print_lines

        print_lines(drift_lines(report), console())
    if detailed_exitcode and any(d.drifted for d in report):
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    app.command("compile", rich_help_panel="Deploy")(compile_cmd)
    app.command("lint", rich_help_panel="Deploy")(lint)
    app.command("drift", rich_help_panel="Deploy")(drift)
