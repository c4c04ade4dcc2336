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
    """The example file: ./examples/ first, then the checkout this package was installed from."""
    import retell_dsl

    for base in (Path.cwd(), Path(retell_dsl.__file__).resolve().parents[1]):
        candidate = base / "examples" / name
        if candidate.is_file():
            return candidate
    raise typer.BadParameter(f"examples/{name} not found: run the demo from a retell-dsl checkout")


def _step(console: Console, number: int, title: str) -> None:
    console.print()
    console.rule(f"[bold]{number}. {title}")


def _deployed_table(project: Any, client: Any) -> Any:
    from rich.table import Table

    table = Table(title="what the stack owns (.retell/state/demo.json)")
    table.add_column("address")
    table.add_column("remote id", overflow="fold")
    table.add_column("version")
    for address, owned in sorted(project.state().items()):
        version = "-"
        if owned.kind == "agent" and owned.remote_id:
            agent = client.agent.retrieve(owned.remote_id)
            published = owned.published_version
            version = f"v{agent.version} ({'published' if agent.is_published else 'draft'})"
            if published is not None and not agent.is_published:
                version += f", live v{published}"
        table.add_row(address, owned.remote_id or "-", version)
    return table


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
    from rich.syntax import Syntax

    from retell_dsl import compile, flow_graph, validate
    from retell_dsl.builders.flow import ConversationFlow
    from retell_dsl.cli._stackcmd import errors_exit
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
        console.print(f"[green]✓[/] {len(issues.errors)} errors, {len(issues.warnings)} warnings")

        _step(console, 2, "The conversation flow (Mermaid; paste into any Mermaid viewer)")
        flows = [r for r in stack.resources if isinstance(r, ConversationFlow)] or [
            r for r in _all_resources(stack) if isinstance(r, ConversationFlow)
        ]
        for flow in flows:
            console.print(Syntax(flow_graph(flow, "mermaid"), "text", theme="ansi_dark", word_wrap=True))

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
            console.print(f"Applied {len(result.done)} steps with {result.requests} requests.")
        else:
            console.print("Nothing to apply: the emulator already matches the code.")

        _step(console, 5, "Deployed")
        console.print(_deployed_table(project, client))
        agent_id = next(str(o.remote_id) for _, o in project.state().items() if o.kind == "agent")
        call = client.call.create_web_call(agent_id=agent_id, retell_llm_dynamic_variables={"patient_name": "Ana"})
        console.print(f"A web call to the agent: [cyan]{call.call_id}[/] (token expires at {call.expires_at}).")

    console.print()
    console.print("[green]Done.[/] Next: run [bold]retell-dsl demo[/] again (no changes), edit "
                  f"[bold]{app}[/] and run [bold]retell-dsl plan {app} --env {env}[/].")  # fmt: skip


def _all_resources(stack: Any) -> list[Any]:
    from retell_dsl.builders.traverse import collect

    return [claims[0] for claims in collect(stack.resources).values()]


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
