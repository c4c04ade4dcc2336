"""``retell-dsl chat``: a terminal conversation with a stack's agent, fed through stdin (piped: plain lines)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

import retell_dsl.sim.models
from retell_dsl.cli import app
from retell_dsl.sim.models import Model, Rule, ScriptedModel

CLINIC = "examples/clinic_receptionist.py"
AGENT = "Bright Smiles receptionist"

SHOP_APP = textwrap.dedent(
    """
    from retell_dsl import Agent, BranchNode, ConversationFlow, ConversationNode, CustomTool, EndNode
    from retell_dsl import FunctionNode, Stack, Var, when

    lookup = CustomTool(name="lookup", description="Look up the order.", url="https://orders.example/lookup",
                        parameters={"type": "object", "properties": {}}, response_variables={"status": "$.status"})
    flow = (
        ConversationFlow(name="orders", start_speaker="agent")
        .defaults(name="there")
        .tool(lookup)
        .node(ConversationNode(name="hello", static_text="Hello {{name}}, checking your order.").always("check"))
        .node(FunctionNode(name="check", tool="lookup").otherwise("route"))
        .node(BranchNode(name="route").to("shipped", when=when(Var("status")).eq("shipped")).otherwise("bye"))
        .node(ConversationNode(name="shipped", static_text="It has shipped ({{status}}).").always("bye"))
        .node(EndNode(name="bye", static_text="Goodbye!"))
        .start_at("hello")
    )
    stack = Stack(name="shop").add(Agent(name="Orders", voice="11labs-Adrian", engine=flow))
    """
)
MOCK = 'lookup={"status": "shipped"}'


def run(args: list[str], stdin: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["chat", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def shop(tmp_path: Path) -> str:
    path = tmp_path / "shop_app.py"
    path.write_text(SHOP_APP)
    return str(path)


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def use_model(monkeypatch: pytest.MonkeyPatch, model: Model) -> None:
    monkeypatch.setattr(retell_dsl.sim.models, "default_model", lambda environ=None: model)


@pytest.mark.usefixtures("no_model")
def test_a_static_flow_needs_no_model_and_shows_transitions_tools_and_variables(shop: str) -> None:
    code, out, _ = run([shop, "--agent", "Orders", "--var", "name=Ada", "--mock", MOCK], "hi\n/vars\nstill there?\n")
    assert out.splitlines() == [
        "[node] begin -> hello",
        "agent: Hello Ada, checking your order.",
        "user: hi",
        "[node] hello -> check",
        "[tool] lookup (custom) {}",
        '[result] {"status": "shipped"} (via mock)',
        "[vars] status=shipped",
        "[node] check -> route",
        "[node] route -> shipped",
        "agent: It has shipped (shipped).",
        "[vars] name=Ada, status=shipped",
        "user: still there?",
        "[node] shipped -> bye",
        "agent: Goodbye!",
        "[end] agent_hangup",
    ]
    assert code == 0


@pytest.mark.usefixtures("no_model")
def test_end_of_input_and_quit_hang_up(shop: str) -> None:
    code, out, _ = run([shop, "--agent", "Orders", "--mock", MOCK], "")
    assert out.splitlines() == [
        "[node] begin -> hello",
        "agent: Hello there, checking your order.",
        "[end] user_hangup",
    ]
    assert code == 0
    code, out, _ = run([shop, "--agent", "Orders", "--mock", MOCK], "/quit\nnever read\n")
    assert out.splitlines()[-1] == "[end] user_hangup"
    assert "never read" not in out
    assert code == 0


@pytest.mark.usefixtures("no_model")
def test_start_node_and_bad_commands(shop: str) -> None:
    code, out, _ = run(
        [shop, "--agent", "Orders", "--start-node", "shipped", "--var", "status=late"], "/press x\n/nope\n"
    )
    assert out.splitlines() == [
        "[node] begin -> shipped",
        "agent: It has shipped (late).",
        "[error] press() takes keys 0-9, * and #; got 'x'",
        "[error] unknown command /nope; commands: /press DIGITS, /silence MS, /interrupt TEXT, /vars, /help, /quit"
        " (or end of input)",
        "[end] user_hangup",
    ]
    assert code == 0


@pytest.mark.usefixtures("no_model")
def test_a_prompt_node_without_a_model_prints_the_engines_error_as_one_line_and_exits_1() -> None:
    code, out, _ = run([CLINIC, "--agent", AGENT], "hello\n")
    lines = out.splitlines()
    assert lines[0] == "[node] begin -> greet"
    assert lines[1].startswith("[error] node 'greet' (greet): needs a model to write the agent's reply")
    assert "OPENAI_BASE_URL" in lines[1] and "ScriptedModel" in lines[1]
    assert lines[2:] == ["[end] error_llm_websocket_open"]
    assert code == 1


def test_the_clinic_books_with_the_environments_model(monkeypatch: pytest.MonkeyPatch) -> None:
    use_model(
        monkeypatch,
        ScriptedModel(
            Rule(node="greet", purpose="reply").say("Hi Ada, how can I help?"),
            Rule(node="greet", purpose="prompt_condition", user="book").transition("collect date"),
            Rule(node="collect date", purpose="extraction").call(
                "extract_dynamic_variables", {"preferred_date": "2024-05-01"}
            ),
            Rule(node="check slots", purpose="tool_arguments").call("check_availability", {"date": "2024-05-01"}),
            Rule(node="offer slot", purpose="reply").say("I have 9:00 on May 1st. Does that work?"),
        ),
    )
    mock = 'check_availability={"slots": ["9:00"]}'
    code, out, _ = run([CLINIC, "--agent", AGENT, "--var", "patient_name=Ada", "--mock", mock], "I want to book\n")
    assert out.splitlines() == [
        "[node] begin -> greet",
        "agent: Hi Ada, how can I help?",
        "user: I want to book",
        "[node] greet -> collect date",
        "[vars] preferred_date=2024-05-01",
        "[node] collect date -> check slots",
        "agent: One moment.",
        '[tool] check_availability (custom) {"date": "2024-05-01"}',
        '[result] {"slots": ["9:00"]} (via mock)',
        "[vars] first_open_slot=9:00",
        "[node] check slots -> route slots",
        "[node] route slots -> offer slot",
        "agent: I have 9:00 on May 1st. Does that work?",
        "[end] user_hangup",
    ]
    assert code == 0


def test_an_unknown_agent_is_a_one_line_error_naming_the_known_ones() -> None:
    code, out, err = run([CLINIC, "--agent", "Nobody"], "")
    assert err.strip() == "error: stack 'clinic' has no agent 'Nobody' (agents: 'Bright Smiles receptionist')"
    assert (code, out) == (1, "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "error: give either APP with --agent NAME (a stack's agent) or --agent-id ID (an agent of the target)"),
        ([CLINIC], "error: chat APP needs --agent NAME: the stack's agent to talk to"),
        (
            [CLINIC, "--agent", AGENT, "--mock", "x=nope"],
            "error: --mock x: not valid JSON (Expecting value at column 1)",
        ),
        ([CLINIC, "--agent", AGENT, "--var", "novalue"], "error: --var: expected KEY=VALUE, got 'novalue'"),
    ],
)
def test_bad_arguments_are_one_line_errors(args: list[str], message: str) -> None:
    code, _, err = run(args, "")
    assert (code, err.strip()) == (1, message)


@pytest.mark.usefixtures("no_model")
def test_interrupt_goes_back_to_the_node_of_the_last_user_turn(shop: str) -> None:
    code, out, _ = run([shop, "--agent", "Orders", "--mock", MOCK], "/interrupt\nhi\n/interrupt wait\n")
    lines = out.splitlines()
    assert lines[2] == "[error] /interrupt takes what you say over the agent, e.g. /interrupt wait, no"
    at = lines.index("agent: It has shipped (shipped).")
    assert lines[at + 1 : at + 4] == [
        "[node] shipped -> hello (interrupt_go_back)",
        "user: wait",
        "[node] hello -> check",
    ]
    assert code == 0
