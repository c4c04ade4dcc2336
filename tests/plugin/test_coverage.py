"""Coverage end to end through ``pytester``: the summary table, the JSON report and pictures, the threshold,
options from an ini file, bad values, and aggregation over ``pytest -n 2`` (xdist)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

AGENTS = '''
"""Two agents under test: a front-desk flow (a component, a global node) and a billing LLM (states, tools)."""

from retell_dsl import (ChatAgent, Component, ComponentNode, ConversationFlow, ConversationNode, CustomTool, EndNode,
                        RetellLLM, Stack, State)

intake = Component(name="intake", start_node="ask", nodes=(
    ConversationNode(name="ask", static_text="Your name?").to("done", when="The caller gave a name"),
    EndNode(name="done", static_text="Thanks."),
))
desk = (
    ConversationFlow(name="desk", start_speaker="agent", model="gpt-4.1").component(intake).start_at("greet")
    .node(ConversationNode(name="greet", static_text="Hi!").to("intake", when="The caller is new").otherwise("bye"))
    .node(ComponentNode(name="intake", component="intake").otherwise("bye"))
    .node(ConversationNode(name="help", static_text="Here to help.").make_global("The caller asks for help")
          .otherwise("bye"))
    .node(EndNode(name="bye", static_text="Bye!"))
)


def tool(name):
    return CustomTool(name=name, description=name, url=f"https://billing.example/{name}",
                      parameters={"type": "object", "properties": {}})


billing = (
    RetellLLM(name="billing", model="gpt-4.1", general_prompt="You handle bills.", begin_message="Billing here.")
    .state(State(name="intro", prompt="Ask what it is about.").to("bills", description="a bill question"))
    .state(State(name="bills", prompt="Answer.", tools=(tool("lookup"),)).to("refund", description="wants a refund"))
    .state(State(name="refund", prompt="Refund.", tools=(tool("refund"),)))
    .start_at("intro")
)
stack = Stack(name="office").add(
    ChatAgent(name="desk chat", engine=desk), ChatAgent(name="billing chat", engine=billing)
)
'''
DESK = """
import os
from pathlib import Path

from agents import stack
from pytest_retell import Rule


def test_a_new_caller_goes_through_intake(retell_deploy, retell_chat, retell_model):
    Path(f"ran-on-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}").touch()
    retell_model.add(
        Rule(node="greet", purpose="prompt_condition").transition("intake"),
        Rule(node="ask", purpose="prompt_condition").transition("done"),
    )
    chat = retell_chat(retell_deploy(stack), "desk chat")
    chat.send("I'm new here")
    assert chat.send("Ann").ended
"""
BILLING = """
import os
from pathlib import Path

from agents import stack
from pytest_retell import Rule


def test_a_bill_question_looks_the_bill_up(retell_deploy, retell_chat, retell_model, retell_tool_mocks):
    Path(f"ran-on-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}").touch()
    retell_model.add(
        Rule(state="intro").transition("bills"),
        Rule(state="bills", user="bill", times=1).call("lookup", {}),
        Rule(state="bills").say("It is paid."),
    )
    retell_tool_mocks.add("lookup", {"paid": True})
    chat = retell_chat(retell_deploy(stack), "billing chat")
    assert "paid" in chat.send("About my bill").text
"""
#: The summary of one run of both tests (in process or across workers: the same).
TABLE = [
    "*- retell coverage: 2 agents, 2 conversations -*",
    "agent         nodes  edges  states  transitions  tools  cover",
    "billing chat      -      -     2/3          1/2    1/2  57.1%",
    "desk chat       5/6    4/7       -            -      -  69.2%",
    "TOTAL           5/6    4/7     2/3          1/2    1/2  65.0%",
    "missed in billing chat:",
    "  states: refund",
    "  transitions: bills → refund",
    "  tools: refund",
    "missed in desk chat:",
    "  nodes: help",
    "  edges: greet → bye, help → bye, (global) → help",
]


@pytest.fixture
def office(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A project with two agents and one passing test for each, offline."""
    for name in ("RETELL_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    pytester.makepyfile(agents=AGENTS, test_desk=DESK, test_billing=BILLING)
    return pytester


def test_the_summary_table_lists_each_agent_and_what_no_test_exercised(office: pytest.Pytester) -> None:
    result = office.runpytest("--retell-cov", "-p", "no:randomly")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(TABLE, consecutive=True)
    lines = result.stdout.lines
    start = next(i for i, line in enumerate(lines) if "retell coverage:" in line)
    assert all(len(line) <= 80 for line in lines[start:-1]), "the summary fits 80 columns (the width when piped)"
    assert result.ret == 0


def test_without_the_option_nothing_is_collected(office: pytest.Pytester) -> None:
    result = office.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)
    assert "retell coverage" not in result.stdout.str()


def test_the_json_report_and_a_marked_flow_picture_are_written(office: pytest.Pytester) -> None:
    result = office.runpytest("--retell-cov-report", "out/coverage.json", "-p", "no:randomly")
    result.assert_outcomes(passed=2)
    report_path = office.path / "out" / "coverage.json"
    result.stdout.fnmatch_lines([*TABLE, f"retell coverage report: {report_path}"], consecutive=True)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert (report["version"], report["covered"], report["total"], report["percent"]) == (1, 13, 20, 65.0)
    assert [a["agent"] for a in report["agents"]] == ["billing chat", "desk chat"]
    billing, desk = report["agents"]
    assert (billing["engine"], billing["conversations"], billing["picture"]) == ("retell_llm", 1, None)
    assert billing["transitions"] == {
        "covered": [{"id": "intro->bills", "name": "intro → bills"}],
        "missed": [{"id": "bills->refund", "name": "bills → refund"}],
        "total": 2,
    }
    assert (desk["engine"], desk["address"], desk["stack"], desk["covered"], desk["total"]) == (
        "conversation_flow", "chat_agent.desk chat", "office", 9, 13,
    )  # fmt: skip
    assert [n["id"] for n in desk["nodes"]["missed"]] == ["help"]
    assert [e["id"] for e in desk["edges"]["missed"]] == ["greet->bye", "help->bye", "*->help"]
    picture = (office.path / "out" / desk["picture"]).read_text(encoding="utf-8")
    assert desk["picture"] == "coverage.desk-chat.mmd"
    assert 'title: "desk chat (office): retell coverage 69.2%"' in picture
    assert "    class n_help missed" in picture
    assert "    class n_greet,n_intake,n_bye,n_component_intake_ask,n_component_intake_done covered" in picture


@pytest.mark.parametrize(
    ("threshold", "ret", "line"),
    [
        ("80", 1, "FAIL retell coverage 65.0% is under --retell-cov-fail-under 80"),
        ("65", 0, "PASS retell coverage 65.0% reaches --retell-cov-fail-under 65"),
    ],
)
def test_the_threshold_fails_or_passes_the_session(
    office: pytest.Pytester, threshold: str, ret: int, line: str
) -> None:
    result = office.runpytest("--retell-cov-fail-under", threshold, "-p", "no:randomly")
    result.assert_outcomes(passed=2)  # the tests passed; the session fails on the threshold alone
    result.stdout.fnmatch_lines([*TABLE, line], consecutive=True)
    assert result.ret == ret


def test_options_come_from_the_ini_file(office: pytest.Pytester) -> None:
    office.makeini(
        """
        [pytest]
        retell_cov_report = reports/cov.json
        retell_cov_graph = dot
        retell_cov_fail_under = 90.5
        """
    )
    result = office.runpytest("-p", "no:randomly")
    result.stdout.fnmatch_lines(["TOTAL * 65.0%", "FAIL retell coverage 65.0% is under --retell-cov-fail-under 90.5"])
    assert result.ret == 1
    assert json.loads((office.path / "reports" / "cov.json").read_text(encoding="utf-8"))["fail_under"] == 90.5
    dot = (office.path / "reports" / "cov.desk-chat.dot").read_text(encoding="utf-8")
    assert dot.startswith('digraph "desk chat (office): retell coverage 69.2%" {')
    assert 'fillcolor="#ffcdd2"' in dot  # help, missed
    flagged = office.runpytest("-p", "no:randomly", "--retell-cov-fail-under", "50")  # the flag wins over the ini
    assert flagged.ret == 0


@pytest.mark.parametrize(
    ("args", "ini", "message"),
    [
        (
            ["--retell-cov-fail-under", "most"],
            "",
            "*--retell-cov-fail-under = 'most': expected a percentage from 0 to 100*",
        ),
        (
            ["--retell-cov-fail-under", "120"],
            "",
            "*--retell-cov-fail-under = '120': expected a percentage from 0 to 100*",
        ),
        ([], "retell_cov_fail_under = -3", "*retell_cov_fail_under = '-3': expected a percentage from 0 to 100*"),
        ([], "retell_cov_graph = svg", "*retell_cov_graph = 'svg' in the ini file: use mermaid or dot*"),
    ],
)
def test_bad_option_values_are_usage_errors(office: pytest.Pytester, args: list[str], ini: str, message: str) -> None:
    office.makeini(f"[pytest]\n{ini}\n")
    result = office.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


def test_chats_playgrounds_and_web_calls_count_against_their_voice_agent(office: pytest.Pytester) -> None:
    office.makepyfile(
        test_more="""
        from agents import desk
        from retell_dsl import Agent, Stack
        from pytest_retell import Rule

        line = Stack(name="line").add(Agent(name="desk line", voice="11labs-Adrian", engine=desk))

        def test_the_voice_agents_flow_in_a_chat(retell_deploy, retell_chat, retell_model):
            retell_model.add(Rule(node="greet", purpose="prompt_condition").transition("help"))
            retell_chat(retell_deploy(line), "desk line").send("Help me")

        def test_a_playground_resumed_at_help(retell_deploy, retell_playground):
            retell_playground(retell_deploy(line), "desk line", start_at_node="help").send("Thanks")

        def test_a_web_call_through_intake(retell_deploy, retell_web_call, retell_model):
            retell_model.add(
                Rule(node="greet", purpose="prompt_condition").transition("intake"),
                Rule(node="ask", purpose="prompt_condition").transition("done"),
            )
            steps = [{"say": "I'm new", "after": "Hi!"}, {"say": "Ann", "after": "Your name?"}]
            retell_web_call(retell_deploy(line), "desk line", caller={"type": "script", "steps": steps})
        """
    )
    result = office.runpytest("test_more.py", "--retell-cov", "-p", "no:randomly")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "*- retell coverage: 1 agent, 3 conversations -*",
            "agent      nodes  edges  states  transitions  tools  cover",
            "desk line    6/6    6/7       -            -      -  92.3%",
            "TOTAL        6/6    6/7       -            -      -  92.3%",
            "missed in desk line:",
            "  edges: greet → bye",
        ],
        consecutive=True,
    )


def test_no_deployed_agent_is_reported_and_fails_a_threshold(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("--retell-cov-fail-under", "10")
    result.stdout.fnmatch_lines(
        [
            "*- retell coverage: 0 agents, 0 conversations -*",
            "no agent was deployed through retell_deploy: nothing to measure",
            "FAIL retell coverage: nothing was measured (no deployed agent), --retell-cov-fail-under 10",
        ]
    )
    assert result.ret == 1


@pytest.mark.slow
def test_xdist_workers_coverage_is_merged_on_the_controller(office: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    args = ("-n", "2", "--dist", "loadfile", "-p", "no:randomly", "--retell-cov-report", "cov.json")
    result = office.runpytest_subprocess(*args, "--retell-cov-fail-under", "60", timeout=540)
    result.stdout.fnmatch_lines(["2 workers [[]2 items[]]"])
    result.assert_outcomes(passed=2)
    # each test file ran on its own worker, and the controller printed the merged table once
    assert sorted(p.name for p in Path(office.path).glob("ran-on-*")) == ["ran-on-gw0", "ran-on-gw1"]
    result.stdout.fnmatch_lines([*TABLE, "*", "PASS retell coverage 65.0% reaches --retell-cov-fail-under 60"])
    assert result.stdout.str().count("retell coverage: 2 agents") == 1
    report = json.loads((office.path / "cov.json").read_text(encoding="utf-8"))
    assert [(a["agent"], a["conversations"], a["covered"]) for a in report["agents"]] == [
        ("billing chat", 1, 4),
        ("desk chat", 1, 9),
    ]
    assert result.ret == 0
