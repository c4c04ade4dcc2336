"""``plan``, ``apply``, ``publish`` and ``destroy``: changing Retell only through reviewed code."""

# ruff: noqa: PLR0917
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from retell_dsl.cli._stackcmd import AppArg, EnvOpt, Session, console, errors_exit, open_session
from retell_dsl.cli._words import count
from retell_dsl.cli.toolkit._common import TargetOpt, abort

if TYPE_CHECKING:
    from retell_dsl.deploy import Plan

__all__ = ["register"]

PublishOpt = Annotated[bool, typer.Option("--publish", help="Also publish the agents' drafts (a visible plan step).")]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print the result as JSON on stdout (the plan and progress go to stderr).")
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Allow replacing or deleting protected phone numbers and knowledge bases.")
]
AllowDuplicatesOpt = Annotated[
    bool,
    typer.Option(
        "--allow-duplicates",
        help="Create objects even when Retell already has unowned ones with the same names (lost state file?).",
    ),
]


def _make_plan(session: Session, *, publish: bool, force: bool) -> Plan:
    with errors_exit():
        return session.project.plan(session.stack, session.client(), publish=publish, force=force)


def _show(plan: Plan, *, stderr: bool = False) -> None:
    from retell_dsl.deploy.render import plan_lines, print_lines

    print_lines(plan_lines(plan), console(stderr))


def plan(
    app: AppArg,
    env: EnvOpt = "default",
    target: TargetOpt = "auto",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Save the plan as JSON for a later apply.")] = None,
    detailed_exitcode: Annotated[
        bool, typer.Option("--detailed-exitcode", help="Exit 0 when nothing changes, 2 when something does.")
    ] = False,
    publish: PublishOpt = False,
    force: ForceOpt = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON (machine-readable).")] = False,
) -> None:
    """Show what apply would change, field by field, without changing anything.

    Symbols: + create, ~ update, -/+ replace, - delete, » open a draft / publish. Long prompts show
    as unified diffs. Reads each owned object once (concurrently); writes nothing.

        retell-dsl plan app.py --env staging --out plan.json
        retell-dsl plan app.py --detailed-exitcode   # in CI: 0 = in sync, 2 = changes, 1 = error
    """
    session = open_session(app, env, target)
    result = _make_plan(session, publish=publish, force=force)
    if as_json:
        sys.stdout.write(result.to_json())
    else:
        _show(result)
    if out is not None:
        out.write_text(result.to_json(), encoding="utf-8")
        typer.echo(f"saved the plan to {out}; apply it with: {_apply_command(app, out, env, target)}", err=True)
    if detailed_exitcode and result.has_changes:
        raise typer.Exit(2)


def _apply_command(app: str, plan_file: Path, env: str, target: str) -> str:
    """The apply command for a saved plan, with the options it was made with (apply refuses another env).

    >>> _apply_command("app.py", Path("plan.json"), "staging", "auto")
    'retell-dsl apply app.py plan.json --env staging'
    >>> _apply_command("my app.py", Path("plan.json"), "default", "emulator")
    "retell-dsl apply 'my app.py' plan.json --target emulator"
    """
    import shlex

    words = ["retell-dsl", "apply", app, str(plan_file)]
    if env != "default":
        words += ["--env", env]
    if target != "auto":
        words += ["--target", target]
    return shlex.join(words)


def _promotion_check(session: Session, plan: Plan) -> None:
    from retell_dsl.deploy.state import StateFile

    if session.project.environment != "production":
        return
    with errors_exit():
        staging = StateFile.load(session.project.root / ".retell" / "state" / "staging.json", environment="staging")
    if staging.meta("last_applied_stack_hash") != plan.stack_hash:
        typer.secho(
            "warning: these specs were not applied to staging first (retell-dsl apply APP --env staging)",
            fg="yellow",
            err=True,
        )


def _run(
    session: Session, the_plan: Plan, *, saved: bool, auto_approve: bool, what: str = "apply", as_json: bool = False,
    allow_duplicates: bool = False,
) -> None:  # fmt: skip
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from retell_dsl.deploy import ApplyFailed, StalePlan

    if not the_plan.has_changes:
        if as_json:  # (people already read "No changes" at the end of the plan shown above)
            sys.stdout.write(json.dumps({"done": [], "adopted": [], "requests": 0}) + "\n")
        return
    if not auto_approve:
        if not sys.stdin.isatty():
            abort(f"refusing to {what} without confirmation: pass --auto-approve (no terminal to ask)")
        if not typer.confirm(f"Do you want to {what} these changes?", default=False):
            abort("cancelled; nothing was changed")
    out = console(stderr=as_json)
    started: dict[str, float] = {}
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=out, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task(what, total=len(the_plan.steps))

        def progress(step: Any, status: str, detail: str) -> None:
            if status == "start":
                started[step.id] = time.monotonic()
                return
            took = time.monotonic() - started.get(step.id, time.monotonic())
            mark = "[green]✓[/]" if status == "done" else "[red]✗[/]"
            verb = step.action.replace("_", " ")
            bar.console.print(f"  {mark} {verb} {step.address} [dim]({took:.2f}s)[/]")
            bar.advance(task)

        with errors_exit():  # StalePlan and ApplyFailed are RetellDSLErrors: catch them first, inside
            try:
                result = session.project.apply(
                    the_plan, session.client(), saved=saved, progress=progress, allow_duplicates=allow_duplicates
                )
            except ApplyFailed as exc:
                abort(str(exc))
            except StalePlan as exc:
                if saved:
                    abort(str(exc))
                abort(
                    f"another apply changed environment {session.project.environment!r} while this {what} was "
                    f"planning, so the plan shown above is out of date and nothing was applied; run {what} again "
                    f"to plan against the new state ({exc})"
                )
    if as_json:
        data = {"done": result.done, "adopted": result.adopted, "requests": result.requests}
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    adopted = f", adopted {count(len(result.adopted), 'object')} left by an interrupted run" if result.adopted else ""
    typer.echo(f"Applied {count(len(result.done), 'step')} with {count(result.requests, 'request')}{adopted}.")


def apply(
    app: AppArg,
    plan_file: Annotated[Path | None, typer.Argument(help="A plan saved by `plan --out`.", show_default=False)] = None,
    env: EnvOpt = "default",
    target: TargetOpt = "auto",
    publish: PublishOpt = False,
    force: ForceOpt = False,
    auto_approve: Annotated[bool, typer.Option("--auto-approve", "-y", help="Do not ask before applying.")] = False,
    as_json: JsonOpt = False,
    allow_duplicates: AllowDuplicatesOpt = False,
) -> None:
    """Make Retell match the code: create, update, publish and delete in dependency order.

    Independent changes run concurrently and progress shows live. Every change is recorded in
    .retell/state/<env>.json before and after it is made, so an interrupted apply can simply be
    run again. The plan is re-checked under the environment's lock: if another apply ran since
    it was made, nothing is applied and you are asked to run again; a saved plan is also refused
    if what it touches changed remotely since it was made. When the state knows nothing of a kind
    but Retell already has objects of that name, apply refuses (lost state file?) and suggests
    `retell-dsl import`; --allow-duplicates creates new copies anyway.

        retell-dsl apply app.py --env staging
        retell-dsl apply app.py plan.json --auto-approve
        retell-dsl apply app.py --env production --publish
    """
    from retell_dsl.deploy import Plan

    session = open_session(app, env, target)
    if plan_file is not None:
        with errors_exit():
            the_plan = Plan.load(plan_file)
        if the_plan.environment != env:
            abort(f"{plan_file} was made for environment {the_plan.environment!r}, not {env!r}")
    else:
        the_plan = _make_plan(session, publish=publish, force=force)
    _show(the_plan, stderr=as_json)
    _promotion_check(session, the_plan)
    _run(
        session, the_plan, saved=plan_file is not None, auto_approve=auto_approve, as_json=as_json,
        allow_duplicates=allow_duplicates,
    )  # fmt: skip


def publish(
    app: AppArg,
    env: EnvOpt = "default",
    target: TargetOpt = "auto",
    agent: Annotated[
        list[str] | None, typer.Option("--agent", "-a", help="Publish only this agent (by name); repeatable.")
    ] = None,
    auto_approve: Annotated[bool, typer.Option("--auto-approve", "-y", help="Do not ask first.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Publish the drafts the stack deployed (and, with them, their engine versions).

    retell-dsl publish app.py --env production --agent "Front desk"
    """
    session = open_session(app, env, target)
    the_plan = _make_plan(session, publish=True, force=False)
    wanted = {f"agent.{name}" for name in agent or []}
    the_plan.steps = [s for s in the_plan.steps if s.action == "publish" and (not wanted or s.address in wanted)]
    for s in the_plan.steps:
        s.after = []
    unknown = wanted - {f"agent.{getattr(a, 'name', '')}" for a in _agents(session)}
    if unknown:
        abort(f"no such agent in the stack: {', '.join(sorted(u[6:] for u in unknown))}")
    _show(the_plan, stderr=as_json)
    _run(session, the_plan, saved=False, auto_approve=auto_approve, what="publish", as_json=as_json)


def _agents(session: Session) -> list[Any]:
    from retell_dsl.builders.agent import Agent
    from retell_dsl.builders.traverse import collect

    found = collect(session.stack.resources)
    return [r[0] for r in found.values() if isinstance(r[0], Agent)]


def destroy(
    app: AppArg,
    env: EnvOpt = "default",
    target: TargetOpt = "auto",
    force: Annotated[
        bool, typer.Option("--force", help="Also delete phone numbers (irreversible) and knowledge bases.")
    ] = False,
    auto_approve: Annotated[bool, typer.Option("--auto-approve", "-y", help="Do not ask first.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Delete what this stack's state owns in the environment — nothing else.

    Phone numbers and knowledge bases are kept unless --force: releasing a number is irreversible.

        retell-dsl destroy app.py --env staging
    """
    session = open_session(app, env, target)
    with errors_exit():
        the_plan = session.project.destroy_plan(session.stack.name, force=force)
    _show(the_plan, stderr=as_json)
    _run(session, the_plan, saved=False, auto_approve=auto_approve, what="destroy", as_json=as_json)


def register(app: typer.Typer) -> None:
    for command in (plan, apply, publish, destroy):
        app.command(command.__name__, rich_help_panel="Deploy")(command)
