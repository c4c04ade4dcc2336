"""``retell-dsl demo``: deploy a realistic example stack to the embedded emulator, as a user would."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["find_example", "register"]

EXAMPLE = "clinic_receptionist.py"


def find_example(name: str = EXAMPLE) -> Path:
    """The example file: ./examples/ first, then the copy shipped in the package (``retell_dsl/_examples``,
    put there by the wheel build), then the checkout this package runs from.

    >>> find_example().name
    'clinic_receptionist.py'
    """
    from importlib.resources import as_file, files

    import retell_dsl

    local = Path.cwd() / "examples" / name
    if local.is_file():
        return local
    shipped = files("retell_dsl").joinpath("_examples", name)
    if shipped.is_file():
        with as_file(shipped) as path:  # a real file for a normal install (no copy is made)
            return Path(path)
    checkout = Path(retell_dsl.__file__).resolve().parents[1] / "examples" / name
    if checkout.is_file():
        return checkout
    raise typer.BadParameter(f"{name} not found: neither in ./examples/ nor shipped with retell-dsl")


def _step(console: Console, number: int, title: str) -> None:
    console.print()
    console.rule(f"[bold]{number}. {title}")


def _deployed_table(project: Any, client: Any) -> None:
    from retell_dsl.cli.toolkit._render import render_table

    rows = []
    for address, owned in sorted(project.state().items()):
        version = "-"
        if owned.kind == "agent" and owned.remote_id:
            agent = client.agent.retrieve(owned.remote_id)
            published = owned.published_version
            version = f"v{agent.version} ({'published' if agent.is_published else 'draft'})"
            if published is not None and not agent.is_published:
                version += f", live v{published}"
        rows.append({"address": address, "remote id": owned.remote_id or "-", "version": version})
    columns = [("address", "address"), ("remote id", "remote id"), ("version", "version")]
    render_table(f"Objects the stack owns (.retell/state/{project.environment}.json)", rows, columns)


def demo(
    env: Annotated[str, typer.Option("--env", "-e", help="Environment (its own state file).")] = "demo",
) -> None:
    """Deploy the clinic receptionist example (a conversation flow, its agent and a phone number) to
    the embedded Retell emulator: lint, flow graph, plan, apply with live progress and publishing,
    then the deployed objects and a test call.

    Everything stays on this machine (.retell/); no Retell account is needed. Run it twice: the
    second plan shows no changes.
    """
    from rich.console import Console
    from rich.text import Text

    from retell_dsl import compile, flow_graph, validate
    from retell_dsl.builders.flow import ConversationFlow
    from retell_dsl.cli._stackcmd import errors_exit
    from retell_dsl.cli._words import count
    from retell_dsl.cli.toolkit._render import when
    from retell_dsl.deploy import Project, load_stack
    from retell_dsl.deploy.render import plan_lines, print_lines
    from retell_dsl.target import resolve_target

    console = Console(highlight=False)
    app = find_example()
    if app.is_relative_to(Path.cwd()):
        app = app.relative_to(Path.cwd())
    target = resolve_target("emulator")
    console.print(f"[bold]retell-dsl demo[/] · stack {app.name} · target: {target.describe()} · environment: {env}")
    client = target.client()
    project = Project(Path.cwd(), environment=env, target="emulator")
    with errors_exit():
        stack = load_stack(str(app), env)

        _step(console, 1, f"Lint {app.name} (offline: schema, graph, variables, tools)")
        issues = validate(stack)
        for issue in issues:
            console.print(str(issue), style="yellow")
        console.print(f"[green]✓[/] {count(len(issues.errors), 'error')}, {count(len(issues.warnings), 'warning')}")

        _step(console, 2, "The conversation flow (Mermaid; paste into any Mermaid viewer)")
        flows = [r for r in stack.resources if isinstance(r, ConversationFlow)] or [
            r for r in _all_resources(stack) if isinstance(r, ConversationFlow)
        ]
        for flow in flows:
            # a code block to copy: never wrapped to the terminal (a wrapped label breaks the diagram)
            console.print(Text(flow_graph(flow, "mermaid")), soft_wrap=True)

        _step(console, 3, "Plan: what apply will change")
        plan = project.plan(compile(stack), client, publish=True)
        print_lines(plan_lines(plan, compact=True), console)

        _step(console, 4, "Apply (and publish the agent)")
        if plan.has_changes:

            def progress(step: Any, status: str, detail: str) -> None:
                if status != "start":
                    mark = "[green]✓[/]" if status == "done" else "[red]✗[/]"
                    console.print(f"  {mark} {step.action.replace('_', ' ')} {step.address}")

            result = project.apply(plan, client, progress=progress)
            console.print(f"Applied {count(len(result.done), 'step')} with {count(result.requests, 'request')}.")
        else:
            console.print("Nothing to apply: the emulator already matches the code.")

        _step(console, 5, "Deployed")
        _deployed_table(project, client)
        agent_id = next(str(o.remote_id) for _, o in project.state().items() if o.kind == "agent")
        call = client.call.create_web_call(agent_id=agent_id, retell_llm_dynamic_variables={"patient_name": "Ana"})
        console.print(f"A web call to the agent: [cyan]{call.call_id}[/] (token expires {when(call.expires_at)} UTC).")

        _step(console, 6, "The web call, joined by a scripted caller (the local conversation engine)")
        _hold_call(console, target, call.call_id)

    console.print()
    if app.is_absolute():  # the copy shipped with the package: edit a copy of it, not the installed file
        edit = f"copy [bold]{app}[/] here, edit it and run [bold]retell-dsl plan {app.name} --env {env}[/]"
    else:
        edit = f"edit [bold]{app}[/] and run [bold]retell-dsl plan {app} --env {env}[/]"
    console.print(f"[green]Done.[/] Next: run [bold]retell-dsl demo[/] again (no changes), {edit}.")


#: The simulated patient on the demo call (the emulator's caller JSON; see engine_port.CallSession.caller).
DEMO_CALLER = {
    "type": "script",
    "steps": [
        {"say": "Hi, this is Ana. I'd like to book a cleaning.", "within": 2},
        {"say": "Next Tuesday, please: 2026-12-08.", "within": 2},
        {"say": "Yes, that works. Thank you!", "within": 2},
        {"hang_up": True},
    ],
}


def _hold_call(console: Console, target: Any, call_id: str) -> None:
    """Join the call with :data:`DEMO_CALLER`, then show it as ``calls get`` does (and what it needed)."""
    from retell_dsl.cli.toolkit._render import render_call
    from retell_dsl.toolkit import invoke

    emulator = target.emulator
    emulator.join_web_call(call_id, caller=DEMO_CALLER, wait=True, timeout_s=60)
    render_call(invoke("get_call", target.client(), {"call_id": call_id}))
    notes = getattr(emulator.engine, "call_notes", {}).get(call_id, ())
    for note in notes:  # e.g. which node needs a model and how to configure one (never an invented reply)
        console.print(f"[yellow]note:[/] {note}", soft_wrap=True)


def _all_resources(stack: Any) -> list[Any]:
    from retell_dsl.builders.traverse import collect

    return [claims[0] for claims in collect(stack.resources).values()]


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
