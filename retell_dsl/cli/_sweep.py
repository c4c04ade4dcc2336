"""``retell-dsl sweep``: remove what killed test runs left, found by the prefix of their names and their age."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from retell_dsl.cli.toolkit._common import TargetOpt, abort, make_client

if TYPE_CHECKING:
    from retell_dsl.deploy import Leftover

__all__ = ["register"]


def sweep(
    prefix: Annotated[
        str, typer.Option("--prefix", help="Only objects whose name starts with this (a run's: rdt-<run id>-).")
    ] = "rdt-",
    older_than: Annotated[
        str, typer.Option("--older-than", metavar="AGE", help="Only objects last changed this long ago: 30m, 2h, 1d.")
    ] = "2h",
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Delete what the plan lists (without it: plan only).")
    ] = False,
    target: TargetOpt = "auto",
) -> None:
    """Find the objects test runs left behind and delete them (a plan first; --yes deletes).

    The pytest plugin names every object of a live run rdt-<run id>- and removes them at the end;
    a run killed outright (SIGKILL, a lost CI machine) leaves them. This finds them by that prefix
    and their age, and never touches an object the prefix does not mark: agents and chat agents by
    name, their LLMs and flows only when no other agent uses them, test cases, knowledge bases,
    components and phone numbers by name.

        retell-dsl sweep                                  # plan: rdt-* objects older than 2h
        retell-dsl sweep --prefix rdt-2612020613ab12- --older-than 0s --yes
    """
    import retell

    from retell_dsl.deploy import delete_leftovers, find_leftovers, parse_age
    from retell_dsl.errors import RetellDSLError

    try:
        age = parse_age(older_than)
        client = make_client(target)
        found = find_leftovers(client, prefix=prefix, older_than_s=age)
    except (RetellDSLError, retell.RetellError) as exc:
        abort(str(exc))
    typer.echo(f"Sweep of objects named {prefix!r}… last changed at least {older_than} ago\n")
    for lo in found.leftovers:
        typer.echo(f"  - {lo.describe()}")
    for why in found.kept:
        typer.echo(f"  = kept: {why}")
    if not found.leftovers:
        typer.echo("  nothing to delete")
        return
    noun = "object" if len(found.leftovers) == 1 else "objects"
    if not yes:
        typer.echo(f"\nSweep: {len(found.leftovers)} {noun} to delete. Run again with --yes to delete them.")
        return
    typer.echo("")

    def told(lo: Leftover, error: str | None) -> None:
        word, why = ("deleted", "") if error is None else ("FAILED ", f": {error}")
        typer.echo(f"  {word} {lo.describe()}{why}")

    try:
        failed = delete_leftovers(client, found, on_done=told)
    except (RetellDSLError, retell.RetellError) as exc:
        abort(str(exc))
    done = len(found.leftovers) - len(failed)
    typer.echo(f"\nSweep: {done} deleted" + (f", {len(failed)} failed (run the sweep again)" if failed else "."))
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep)
