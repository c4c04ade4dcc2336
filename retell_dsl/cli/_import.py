"""``import``: existing agents (from the API or a dashboard export) as DSL source, adopted into state."""

# ruff: noqa: PLR0917
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from retell_dsl.cli._stackcmd import EnvOpt, errors_exit
from retell_dsl.cli._words import count
from retell_dsl.cli.toolkit._common import TargetOpt, abort

if TYPE_CHECKING:
    from retell_dsl.deploy.state import StateFile
    from retell_dsl.importer import Imported

__all__ = ["import_cmd", "register", "summary"]

AgentOpt = Annotated[
    list[str] | None,
    typer.Option("--agent", "-a", help="An agent id to import (repeat for several); reads the target's API."),
]
FromJsonOpt = Annotated[
    Path | None,
    typer.Option(
        "--from-json",
        help="A dashboard agent export (or plain agent / LLM / flow JSON, one object or a list), or a directory"
        " of them (every *.json, into one stack); no API calls.",
    ),
]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Where to write the generated Python module.")]
NameOpt = Annotated[str, typer.Option("--name", help="The generated Stack's name.")]
NoAdoptOpt = Annotated[
    bool, typer.Option("--no-adopt", help="Only write the code; do not record the objects in the state file.")
]
ForceOpt = Annotated[
    bool,
    typer.Option("--force", help="Overwrite an existing output file and replace conflicting state entries."),
]


def _read_exports(path: Path) -> object:
    """One export file, or every ``*.json`` of a directory (in name order) as one list of objects."""
    if not path.is_dir():
        return _read_json(path)
    files = sorted(path.glob("*.json"))
    if not files:
        abort(f"--from-json: {str(path)!r} holds no *.json export")
    items: list[object] = []
    for file in files:
        data = _read_json(file)
        items += data if isinstance(data, list) else [data]
    return items


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        abort(f"--from-json: cannot read {str(path)!r}: {exc.strerror or exc}")
    except json.JSONDecodeError as exc:
        abort(f"--from-json: {str(path)!r} is not valid JSON (line {exc.lineno}: {exc.msg})")


def _from_api(agents: list[str], *, target: str, name: str) -> Imported:
    """Read the agents through the target's API; API errors become one readable line."""
    import retell

    from retell_dsl.cli.toolkit._common import make_client
    from retell_dsl.importer import import_agents
    from retell_dsl.toolkit import error_message

    client = make_client(target)
    try:
        return import_agents(client, agents, stack_name=name)
    except retell.APIError as exc:
        abort(f"cannot import {', '.join(agents)}: {error_message(exc)}")


def _conflicts(imported: Imported, state: StateFile) -> list[str]:
    """Addresses the state already maps to a different remote object."""
    out = []
    for r in imported.resources:
        owned = state.get(r.address)
        if r.remote_id is not None and owned is not None and owned.remote_id not in (None, r.remote_id):
            out.append(f"{r.address} (state: {owned.remote_id}, imported: {r.remote_id})")
    return out


def _owned_by_other_environments(imported: Imported, state: StateFile) -> list[str]:
    """The imported objects another environment's state file already manages, one phrase each."""
    from retell_dsl.deploy.lost import owned_elsewhere

    others = owned_elsewhere(state)
    return [
        f"{r.remote_id} (environment {others[r.remote_id][0]!r} manages it as {others[r.remote_id][1]})"
        for r in imported.resources
        if r.remote_id is not None and r.remote_id in others
    ]


def summary(imported: Imported, *, origin: str, out: Path, adopted: list[str] | None, state_path: Path,
            env: str) -> list[str]:  # fmt: skip
    """The lines ``import`` prints when it is done."""
    width = max((len(r.address) for r in imported.resources), default=0)
    lines = [f"imported {count(len(imported.resources), 'object')} from {origin}:"]
    lines += [f"  {r.address:<{width}}  {r.remote_id or '(no id: apply will create it)'}" for r in imported.resources]
    lines += [f"note: {n}" for n in imported.notes]
    lines.append(f"wrote {out} ({count(len(imported.source.splitlines()), 'line')})")
    if imported.secrets:
        lines.append(
            f"secrets (headers, passwords) were not written: set {', '.join(sorted(imported.secrets))} "
            "in the environment before apply"
        )
    if adopted is None:
        lines.append("adopted nothing (--no-adopt): apply would create new copies of these objects")
    else:
        lines.append(f"adopted {len(adopted)} into {state_path}")
    lines.append(f"next: retell-dsl plan {out} --env {env}   (expect no changes)")
    return lines


def import_cmd(
    out: OutOpt,
    agent: AgentOpt = None,
    from_json: FromJsonOpt = None,
    env: EnvOpt = "default",
    target: TargetOpt = "auto",
    name: NameOpt = "imported",
    no_adopt: NoAdoptOpt = False,
    force: ForceOpt = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")] = False,
) -> None:
    """Write existing agents as DSL code and adopt them, so the code now manages them.

    Reads each agent with its LLM or flow, tools, knowledge bases and phone numbers.
    With --from-json, reads a dashboard export instead (no API calls).
    Writes readable Python to --out, and records every object in .retell/state/ENV.json:
    plan then shows no changes, and apply updates these objects instead of creating copies.

        retell-dsl import --agent agent_123 --agent agent_456 -o app.py --env prod
        retell-dsl import --from-json export.json -o app.py
        retell-dsl import --from-json exports/ -o app.py   # every export of the directory, one stack
        retell-dsl plan app.py --env prod   # then: no changes
    """
    from contextlib import nullcontext

    from retell_dsl.deploy import Project
    from retell_dsl.deploy.state import StateFile
    from retell_dsl.importer import import_from_json

    if bool(agent) == (from_json is not None):
        abort("give either --agent ID (one or more) or --from-json FILE")
    if out.exists() and not force:
        abort(f"{out} exists; pass --force to overwrite it")
    state_path = Path.cwd() / ".retell" / "state" / f"{env}.json"
    with errors_exit():
        if from_json is not None:
            origin = str(from_json)
            imported = import_from_json(_read_exports(from_json), stack_name=name, origin=from_json.name)
        else:
            origin = "agents " + ", ".join(agent or ())
            imported = _from_api(list(agent or ()), target=target, name=name)
        with nullcontext() if no_adopt else Project(Path.cwd(), environment=env).lock():  # one writer at a time
            state = None if no_adopt else StateFile.load(state_path, environment=env, writable=True)
            if state is not None and not force and (conflicts := _conflicts(imported, state)):
                abort(f"{state_path} already manages other objects at {'; '.join(conflicts)}; pass --force to replace")
            if state is not None and (shared := _owned_by_other_environments(imported, state)):
                clash = (
                    f"{'; '.join(shared)}: two environments managing one object undo each other's applies "
                    "(and destroy in one deletes it from both)"
                )
                if not force:
                    abort(
                        f"not adopted into environment {env!r}: {clash}. Import into that environment (--env), "
                        "or pass --no-adopt to only write the code (apply then creates this environment's own "
                        "copies); --force adopts them anyway"
                    )
                typer.secho(f"warning: adopting anyway (--force): {clash}", fg="yellow", err=True)
            out.write_text(imported.source, encoding="utf-8")
            adopted = None
            if state is not None:
                adopted = imported.adopt(state)
                state.close()
    if as_json:
        data = {
            "written": str(out),
            "resources": [{"address": r.address, "kind": r.kind, "remote_id": r.remote_id} for r in imported.resources],
            "adopted": adopted,
            "state": None if adopted is None else str(state_path),
            "secrets": sorted(imported.secrets),
            "notes": list(imported.notes),
        }
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    for line in summary(imported, origin=origin, out=out, adopted=adopted, state_path=state_path, env=env):
        typer.echo(line)


def register(app: typer.Typer) -> None:
    """Add ``import`` to ``app``."""
    app.command("import", rich_help_panel="Deploy")(import_cmd)
