"""``--retell-target live`` against the served emulator standing in for Retell (real HTTP, a real key check).

Covered: run-scoped names and version pinning in every conversation, the notice before the run,
teardown after passes, failures, Ctrl-C and SIGTERM (then nothing is left for a sweep), a refused
key failing in one line, the key never printed, web calls without audio, and simulation tests
(upserted definitions, one batch, polling with backoff and a bound).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from retell_dsl.conversations import Backoff, Scenario, run_simulation
from retell_dsl.deploy import find_leftovers
from retell_dsl.emulator.serve import ServedEmulator
from retell_dsl.sim.models import Rule, ScriptedModel
from tests.plugin.live_standin import HELLO, KEY, live_env, remaining, standin

SESSION = """
from test_hello import stack

def test_names_and_pinning(retell_deploy, retell_chat):
    deployed = retell_deploy(stack)
    names = sorted(a.agent_name for a in deployed.client.agent.list().items)
    assert names == ["rdt-pin1-hello chat", "rdt-pin1-hello voice"], names
    chat = retell_chat(deployed, "hello chat")
    agent_id = deployed.id("chat_agent.hello chat")
    assert deployed.version_of(agent_id) == 0
    assert deployed.client.chat.retrieve(chat.chat_id).version == 0  # the chat runs the pinned version
    chat.send("hello")
    assert chat.end().path == ["greet", "bye"]

def test_playground_on_the_voice_agent(retell_deploy, retell_playground):
    turn = retell_playground(retell_deploy(stack), "hello voice").send(None)
    assert "Hi!" in turn.text

def test_web_call_created_and_read_back(retell_deploy, retell_web_call):
    result = retell_web_call(retell_deploy(stack), "hello voice")
    assert result.kind == "call" and result.status == "registered"

def test_web_call_needing_audio(retell_deploy, retell_web_call):
    retell_web_call(retell_deploy(stack), "hello voice", caller={"turns": ["hi"]})

def test_failing(retell_deploy):
    retell_deploy(stack)
    assert False, "fails on purpose: teardown must still remove everything"
"""

HOLD = """
import pathlib, time
from test_hello import stack

def test_mid_conversation(retell_deploy, retell_chat):
    chat = retell_chat(retell_deploy(stack), "hello chat")
    chat.send("hello")
    pathlib.Path("ready").write_text("1")
    time.sleep(120)  # interrupted here
"""


@pytest.fixture
def server() -> Iterator[ServedEmulator]:
    with standin() as served:
        yield served


@pytest.fixture
def live(pytester: pytest.Pytester, server: ServedEmulator, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    for name, value in live_env(server).items():
        monkeypatch.setenv(name, value)
    pytester.makepyfile(test_hello=HELLO)
    return pytester


def test_a_live_session_names_pins_and_removes_everything(live: pytest.Pytester, server: ServedEmulator) -> None:
    live.makepyfile(test_session=SESSION)
    result = live.runpytest(
        "test_session.py", "--retell-target", "live", "--retell-run-id", "pin1", "-rA", "-p", "no:randomly"
    )
    result.assert_outcomes(passed=3, failed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "retell: live target http://127.0.0.1:*; every object is named rdt-pin1-… and removed at the end",
            "retell: if the run is killed: retell-dsl sweep --prefix rdt-pin1- --older-than 0s --yes",
            "retell: will create for stack 'hello': conversation flow 'hello', agent 'hello voice', chat agent*",
            "retell: estimate: 2 test(s) with chats/playground turns, 0 with simulation tests, 2 with web calls*",
            "*retell: removed every object of rdt-pin1-…*",
        ]
    )
    result.stdout.fnmatch_lines(["SKIPPED*a live web call needs a caller speaking over WebRTC*"])
    output = result.stdout.str() + result.stderr.str()
    assert KEY not in output
    assert remaining(server) == {"agents": [], "llms": [], "flows": [], "knowledge_bases": []}


def test_a_refused_key_fails_at_the_first_request_in_one_line(
    live: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETELL_API_KEY", "key_wrong_but_secret_123")
    live.makepyfile(test_session=SESSION)
    result = live.runpytest("test_session.py", "--retell-target", "live", "-p", "no:randomly")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    output = result.stdout.str() + result.stderr.str()
    lines = [line for line in output.splitlines() if "RETELL_API_KEY was refused" in line]
    assert len(lines) == 1, output
    assert "live Retell API at http://127.0.0.1:" in lines[0] and "(401)" in lines[0]
    assert "Traceback" not in output and "key_wrong_but_secret_123" not in output and KEY not in output


def test_phone_numbers_need_the_opt_in_on_live(live: pytest.Pytester) -> None:
    live.makepyfile(
        test_phone="""
        from retell_dsl import Agent, PhoneNumber, Stack
        from test_hello import flow

        voice = Agent(name="line", engine=flow, voice="11labs-Adrian")
        stack = Stack(name="phone").add(voice, PhoneNumber(name="front", area_code=415))

        def test_deploy(retell_deploy):
            retell_deploy(stack)
        """
    )
    result = live.runpytest("test_phone.py", "--retell-target", "live", "-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*phone_number.*on live Retell that buys numbers or places calls; pass --retell-allow-phone-calls*"]
    )


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_session_still_removes_everything(
    live: pytest.Pytester, server: ServedEmulator, signum: signal.Signals
) -> None:
    live.makepyfile(test_hold=HOLD)
    proc = _start(live.path, server, "int1")
    _wait_for(live.path / "ready", proc)
    assert remaining(server)["agents"], "the session deployed nothing before the signal"
    proc.send_signal(signum)
    out, _ = proc.communicate(timeout=120)
    assert "KeyboardInterrupt" in out, out
    assert "retell: removed every object of rdt-int1-" in out, out
    assert KEY not in out
    assert remaining(server) == {"agents": [], "llms": [], "flows": [], "knowledge_bases": []}
    assert find_leftovers(server.client(), prefix="rdt-int1-", older_than_s=0).leftovers == []


def _start(where: Path, server: ServedEmulator, run_id: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "pytest", "test_hold.py", "--retell-target", "live", "--retell-run-id", run_id,
               "-p", "no:randomly", "-p", "no:cacheprovider", "-q"]  # fmt: skip
    return subprocess.Popen(command, cwd=where, env=live_env(server), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip


def _wait_for(path: Path, proc: subprocess.Popen[str], bound_s: float = 240) -> None:
    deadline = time.monotonic() + bound_s
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the session ended before it was ready:\n{proc.communicate()[0]}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"the session was not ready within {bound_s} s")
        time.sleep(0.1)


# ------------------------------------------------------------------------------------ simulation tests


def test_simulation_tests_run_over_http_pinned_and_upserted_by_name() -> None:
    model = ScriptedModel(
        Rule(purpose="persona").say("hello"),
        Rule(purpose="judge").call("record_verdict", {"pass": True, "explanation": "The agent greeted and said bye."}),
    )
    with standin(model) as server:
        client = server.client()
        flow = client.conversation_flow.create(
            start_speaker="agent", start_node_id="hi", model_choice={"type": "cascading", "model": "gpt-4.1"},
            nodes=[{"id": "hi", "type": "end", "instruction": {"type": "static_text", "text": "Hi and bye!"}}],
        )  # fmt: skip
        engine = {"type": "conversation-flow", "conversation_flow_id": flow.conversation_flow_id, "version": 0}
        case = Scenario("greets", user_prompt="You say hello.", metrics=["The agent greets"])
        first = run_simulation(client, engine, [case], prefix="rdt-sim1-", timeout_s=60)
        again = run_simulation(client, engine, [case], prefix="rdt-sim1-", timeout_s=60)
        listed = client.tests.list_test_case_definitions(
            type="conversation-flow", conversation_flow_id=flow.conversation_flow_id
        )
    assert [r.status for r in first] == ["pass"], first[0].describe()
    assert first[0].explanation == "The agent greeted and said bye."
    assert any(e.text == "Hi and bye!" for e in first[0].result.events)
    assert again[0].definition_id == first[0].definition_id  # upserted by name, not duplicated
    assert [d.name for d in listed.items] == ["rdt-sim1-greets"]


class _SlowBatch:
    """A client whose batch stays in progress ``polls`` times (a stand-in for Retell's slow queue)."""

    def __init__(self, polls: int) -> None:
        self.polls = polls
        self.gets: list[str] = []

    def get(self, path: str, *, cast_to: Any, options: Any = None) -> Any:
        self.gets.append(path)
        if path.startswith("/v2/list-test-case-definitions"):
            return {"items": [], "has_more": False}
        if path.startswith("/get-batch-test/"):
            self.polls -= 1
            return {"test_case_batch_job_id": "b1", "status": "complete" if self.polls <= 0 else "in_progress"}
        if path.startswith("/v2/list-test-runs/"):
            done = self.polls <= 0
            run = {
                "test_case_definition_id": "d1",
                "test_case_job_id": "j1",
                "status": "fail" if done else "in_progress",
                "result_explanation": "The agent never greeted.",
                "transcript_snapshot": [{"role": "agent", "content": "Bye"}],
            }
            return {"items": [run], "has_more": False}
        raise AssertionError(path)

    def post(self, path: str, *, cast_to: Any, body: Any) -> Any:
        if path == "/create-test-case-definition":
            return {"test_case_definition_id": "d1"}
        return {"test_case_batch_job_id": "b1", "status": "in_progress"}


def test_polling_backs_off_and_maps_the_verdict() -> None:
    slept: list[float] = []
    client = _SlowBatch(polls=4)
    engine = {"type": "retell-llm", "llm_id": "llm_1", "version": 3}
    cases = [Scenario("s", user_prompt="p", metrics=["m"])]
    backoff = Backoff(first_s=1, factor=2, max_s=5)
    runs = run_simulation(client, engine, cases, backoff=backoff, sleep=slept.append, clock=lambda: 0.0)  # type: ignore[arg-type]
    assert slept == [1.0, 2.0, 4.0, 5.0]
    assert [(r.status, r.explanation) for r in runs] == [("fail", "The agent never greeted.")]
    assert "why: The agent never greeted." in runs[0].describe() and "agent: Bye" in runs[0].describe()


def test_the_wait_is_bounded() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    runs = run_simulation(_SlowBatch(polls=10**6), {"type": "retell-llm", "llm_id": "l", "version": 0},  # type: ignore[arg-type]
                          [Scenario("s", user_prompt="p", metrics=["m"])], timeout_s=10, sleep=sleep,
                          clock=lambda: now[0], backoff=Backoff(first_s=3, factor=1, max_s=3))  # fmt: skip
    assert sum(slept) == 10 and slept[-1] == 1
    assert runs[0].status == "timeout" and "after the 10 s wait" in runs[0].explanation


SIMULATE = """
from retell_dsl.conversations import Scenario
from test_hello import stack

SCENARIO = Scenario("greets", user_prompt="You say hello.", metrics=["The agent greets the user"])

def test_verdict_fails_the_test(retell_deploy, retell_simulation):
    retell_simulation(retell_deploy(stack), SCENARIO, agent="hello chat")

def test_unchecked_runs_come_back(retell_deploy, retell_simulation):
    runs = retell_simulation(retell_deploy(stack), SCENARIO, agent="hello voice", check=False)
    assert [r.status for r in runs] == ["fail"] and runs[0].result.path == ["greet", "bye"]
"""


def test_simulation_tests_through_the_plugin(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    model = ScriptedModel(
        Rule(purpose="persona").say("hello"),
        Rule(purpose="judge").call("record_verdict", {"pass": False, "explanation": "It never said its name."}),
    )
    with standin(model) as server:
        for name, value in live_env(server).items():
            monkeypatch.setenv(name, value)
        pytester.makepyfile(test_hello=HELLO, test_simulate=SIMULATE)
        result = pytester.runpytest("--retell-target", "live", "--retell-run-id", "sim2", "-p", "no:randomly")
        left = remaining(server)
        definitions = [d for _, d in server.emulator.state.store.list_latest("test_case_definition")]
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*1 of 1 simulation run(s) did not pass:",
            "*simulation 'greets': fail (*",
            "*  why: It never said its name.",
            "*transcript:",
            "*agent: Hi! Anything else?*",
        ]
    )
    result.stdout.fnmatch_lines(["*retell: removed every object of rdt-sim2-…*"])
    assert left == {"agents": [], "llms": [], "flows": [], "knowledge_bases": []}
    assert definitions == []  # the upserted test cases were deleted too


XDIST = """
import os, pathlib
from test_hello import stack

def test_each_worker_deploys(retell_deploy):
    deployed = retell_deploy(stack)
    names = sorted(a.agent_name for a in deployed.client.agent.list().items)
    pathlib.Path(f"names-{os.environ['PYTEST_XDIST_WORKER']}.txt").write_text("\\n".join(names))
"""


def test_xdist_workers_share_the_run_id_and_each_removes_its_own(live: pytest.Pytester, server: ServedEmulator) -> None:
    """Under ``-n 2`` one run id is handed to both workers; each names its objects apart and removes them."""
    live.makepyfile(test_xdist=XDIST)
    result = live.runpytest_subprocess("test_xdist.py", "--retell-target", "live", "-n", "2", "--dist", "each")
    result.assert_outcomes(passed=2)
    seen = {w: (live.path / f"names-{w}.txt").read_text().splitlines() for w in ("gw0", "gw1")}
    mine = {w: [n for n in names if f"-{w}-" in n] for w, names in seen.items()}
    assert all(len(names) == 2 for names in mine.values()), seen  # a chat agent and a voice agent each
    run_ids = {n.split("-")[1] for names in mine.values() for n in names}
    assert len(run_ids) == 1, seen  # one run, one prefix
    (run_id,) = run_ids
    assert sorted(mine["gw0"]) == [f"rdt-{run_id}-gw0-hello chat", f"rdt-{run_id}-gw0-hello voice"]
    assert find_leftovers(server.client(), prefix=f"rdt-{run_id}-", older_than_s=0).leftovers == []
