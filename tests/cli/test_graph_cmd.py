"""``retell-dsl graph``: the stack's resource graph and its flows, on stdout, offline."""

from __future__ import annotations

import typer
from typer.testing import CliRunner, Result

from retell_dsl.cli import _graph
from retell_dsl.graph import flow_graph, stack_graph

CLINIC = "examples/clinic_receptionist.py"


def _run(*args: str) -> Result:
    app = typer.Typer()

    @app.callback()
    def _root() -> None: ...

    _graph.register(app)
    return CliRunner().invoke(app, ["graph", *args], env={"COLUMNS": "120"})


def _clinic() -> tuple[str, str]:
    from examples.clinic_receptionist import flow, stack

    return stack_graph(stack), flow_graph(flow)


def test_default_prints_the_stack_and_every_flow_as_markdown() -> None:
    result = _run(CLINIC)
    assert result.exit_code == 0, result.output
    stack_text, flow_text = _clinic()
    assert result.stdout == (
        f"## stack clinic\n\n```mermaid\n{stack_text}```\n\n## conversation flow receptionist\n\n```mermaid\n"
        f"{flow_text}```\n"
    )


def test_one_flow_prints_plain_mermaid() -> None:
    result = _run(CLINIC, "--flow", "receptionist")
    assert result.exit_code == 0, result.output
    assert result.stdout == _clinic()[1]
    by_address = _run(CLINIC, "--flow", "conversation_flow.receptionist")
    assert by_address.stdout == result.stdout


def test_stack_only_in_dot() -> None:
    from examples.clinic_receptionist import stack

    result = _run(CLINIC, "--stack-only", "--format", "dot")
    assert result.exit_code == 0, result.output
    assert result.stdout == stack_graph(stack, "dot")


def test_dot_prints_every_graph_one_after_the_other() -> None:
    result = _run(CLINIC, "-f", "dot")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("digraph ") == 2
    assert result.stdout.startswith('digraph "clinic" {')


def test_stack_without_flows_prints_only_the_stack() -> None:
    result = _run("examples/support_agent.py")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith('---\ntitle: "support"\n---\nflowchart LR\n')


def test_errors_are_one_line_and_exit_1() -> None:
    for args, message in [
        ((CLINIC, "--flow", "nope"), "error: stack 'clinic' has no conversation flow 'nope' (flows: 'receptionist')"),
        (("missing.py",), "error: no such file: missing.py"),
        ((CLINIC, "--flow", "x", "--stack-only"), "error: --flow and --stack-only exclude each other"),
    ]:
        result = _run(*args)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr.strip().splitlines() == [message]


def test_help_teaches_with_examples() -> None:
    result = _run("--help")
    assert result.exit_code == 0
    assert "retell-dsl graph app.py --format dot | dot -Tsvg" in result.stdout
    assert "--stack-only" in result.stdout


def test_json_format_gives_nodes_and_edges_as_data() -> None:
    import json

    result = _run(CLINIC, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sorted(data) == ["conversation flow receptionist", "stack clinic"]
    stack = data["stack clinic"]
    assert {n["id"] for n in stack["nodes"]} >= {"conversation_flow.receptionist", "phone_number.main line"}
    assert {"from": "agent.Bright Smiles receptionist", "to": "conversation_flow.receptionist",
            "label": "response_engine", "style": "solid"} in stack["edges"]  # fmt: skip
    flow = data["conversation flow receptionist"]
    ids = {n["id"] for n in flow["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in flow["edges"])
