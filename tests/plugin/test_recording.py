"""``--retell-record`` / ``--retell-replay``: a session recorded against the served emulator (standing in
for live Retell) and a stand-in model server, then replayed with both stopped, with the same results."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("vcr")

KEY = "key_0123456789abcdef0123456789ab"  # the served emulator's key: must never reach a cassette
MODEL_KEY = "sk-test-0123456789abcdefghijklmnop"

PROJECT = """
import asyncio
import os

from retell_dsl import ChatAgent, ConversationFlow, ConversationNode, EndNode, Stack

AT_IMPORT = os.environ.get("RETELL_RUN_ID")  # set before collection when the cassettes hold one run
flow = (
    ConversationFlow(name="hello", start_speaker="agent", model="gpt-4.1")
    .start_at("greet")
    .node(ConversationNode(name="greet", static_text="Hi! Say anything.").to("bye", when="The caller says anything"))
    .node(EndNode(name="bye", static_text="Bye!"))
)


def test_chat(retell_deploy, retell_chat):
    # a run-scoped name, as the live target makes them: replay must send the recorded one
    run = os.environ["RETELL_RUN_ID"]
    assert AT_IMPORT == run
    stack = Stack(name="hello").add(ChatAgent(name=f"hello chat {run}", engine=flow))
    deployed = retell_deploy(stack)
    chat = retell_chat(deployed, f"hello chat {run}")
    chat.send("anything")
    result = chat.end()
    result.expect.next_transition(to="greet").next_message(contains="Hi!")
    assert "user: anything" in result.render()
    EXTRA


def test_model_provider():
    from retell_dsl.sim.models import Message, ModelRequest, OpenAICompatible

    async def ask():
        async with OpenAICompatible(model="small", max_attempts=1) as provider:
            return await provider.complete(ModelRequest(messages=(Message.user("hi"),)))

    reply = asyncio.run(ask())
    assert reply.text.startswith("hello from the stand-in model")


def test_offline_only():
    assert 1 + 1 == 2
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Served:
    """A uvicorn server on a background thread (stopped by :meth:`stop`)."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = _free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, port=self.port, log_level="error", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "the stand-in server did not start"
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _model_app() -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def complete(request: Request) -> JSONResponse:
        sent = request.headers.get("authorization", "")
        text = f"hello from the stand-in model (you sent {sent})"  # a key echoed back: scrubbed from the response
        message = {"role": "assistant", "content": text}
        return JSONResponse({"model": "small", "choices": [{"message": message, "finish_reason": "stop"}]})

    return Starlette(routes=[Route("/v1/chat/completions", complete, methods=["POST"])])


@pytest.fixture
def servers(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, _Served]]:
    """The served emulator (as live Retell) and a stand-in OpenAI-compatible server, with the environment at them."""
    from retell_dsl.emulator import Emulator
    from retell_dsl.emulator.serve import serve_in_thread
    from retell_dsl.simulator import LocalEngine

    emulator = Emulator(":memory:", api_key=KEY, engine=LocalEngine())
    retell = serve_in_thread(emulator)
    model = _Served(_model_app())
    monkeypatch.setenv("RETELL_BASE_URL", retell.base_url)
    monkeypatch.setenv("RETELL_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{model.port}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", MODEL_KEY)
    monkeypatch.delenv("RETELL_RUN_ID", raising=False)
    yield retell, model
    retell.stop()
    model.stop()
    emulator.close()


def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RETELL_BASE_URL", "RETELL_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_KEY", "RETELL_RUN_ID"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def recorded(
    pytester: pytest.Pytester, servers: tuple[Any, _Served], monkeypatch: pytest.MonkeyPatch
) -> pytest.Pytester:
    """The project recorded against the stand-ins, which are then stopped; the environment is offline."""
    pytester.makepyfile(test_hello=PROJECT.replace("EXTRA", "pass"))
    result = pytester.runpytest("--retell-target", "live", "--retell-record", "-p", "no:randomly")
    result.assert_outcomes(passed=3)
    retell, model = servers
    retell.stop()
    model.stop()
    _offline(monkeypatch)
    return pytester


def _cassettes(pytester: pytest.Pytester) -> dict[str, str]:
    root = pytester.path / "cassettes" / "test_hello"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(root.glob("*.yaml"))}


@pytest.mark.slow
def test_record_scrubs_and_replay_runs_offline_with_the_same_results(recorded: pytest.Pytester) -> None:
    cassettes = _cassettes(recorded)
    # one cassette per test that talks; the last test's holds the session's teardown (the live deletes)
    assert sorted(cassettes) == ["test_chat.yaml", "test_model_provider.yaml", "test_offline_only.yaml"]
    chat, model = cassettes["test_chat.yaml"], cassettes["test_model_provider.yaml"]
    last = cassettes["test_offline_only.yaml"]
    assert "uri: https://retell.replay.invalid/create-conversation-flow" in chat
    assert "uri: https://model.replay.invalid/v1/chat/completions" in model
    # teardown deletes, then sweeps the run's prefix (its reads are POST /v2/list-*); it creates nothing
    assert "method: DELETE" in last and "/create-" not in last
    assert "retell_run_id:" in chat and "retell_target: live" in chat and "retell_model_provider: true" in model
    everything = "\n".join(cassettes.values())
    for secret in (KEY, MODEL_KEY, "127.0.0.1"):
        assert secret not in everything
    lowered = everything.lower()
    assert "authorization:" not in lowered and "x-stainless" not in lowered and "date:" not in lowered
    assert "you sent Bearer <scrubbed>" in model  # the key the stand-in echoed is scrubbed from the response too

    result = recorded.runpytest("--retell-replay", "-p", "no:randomly")
    result.assert_outcomes(passed=3)
    again = recorded.runpytest("--retell-replay", "-p", "no:randomly")
    again.assert_outcomes(passed=3)  # deterministic: a second replay is the same
    assert _cassettes(recorded) == cassettes  # replay never writes


@pytest.mark.slow
def test_replay_names_the_request_not_held_and_refuses_mixed_runs(recorded: pytest.Pytester) -> None:
    recorded.makepyfile(test_hello=PROJECT.replace("EXTRA", "deployed.client.with_options(max_retries=0).agent.list()"))
    result = recorded.runpytest("--retell-replay", "-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*retell replay: the test made a request its cassette does not hold: POST /v2/list-agents",
            "*cassette: *cassettes/test_hello/test_chat.yaml (* recorded, * played)",
            "*re-record it with --retell-record*",
        ]
    )
    assert "INTERNALERROR" not in result.stdout.str()

    path = recorded.path / "cassettes" / "test_hello" / "test_model_provider.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("retell_run_id: ", "retell_run_id: other"), "utf-8")
    mixed = recorded.runpytest("--retell-replay", "-p", "no:randomly")
    assert mixed.ret == pytest.ExitCode.USAGE_ERROR
    mixed.stderr.fnmatch_lines(["*recorded in different runs*re-record them together*"])


def test_replay_without_cassettes_fails_the_test_that_talks(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _offline(monkeypatch)
    pytester.makepyfile(
        test_x="""
        def test_talks(retell_target):
            retell_target.client(max_retries=0).agent.list()

        def test_quiet():
            pass
        """
    )
    result = pytester.runpytest("--retell-replay", "-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*its cassette does not hold: POST /v2/list-agents",
            "*cassette: *cassettes/test_x/test_talks.yaml (it does not exist)",
        ]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--retell-record", "--retell-replay"], "*exclude each other*"),
        (["--retell-replay", "--retell-target", "emulator"], "*recorded with --retell-target live, not emulator*"),
    ],
)
def test_usage_errors(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    _offline(monkeypatch)
    pytester.makepyfile(test_y="def test_y():\n    pass\n")
    cassette = Path(pytester.path, "cassettes", "test_y", "test_y.yaml")
    cassette.parent.mkdir(parents=True)
    cassette.write_text("interactions: []\nmetadata:\n  retell_run_id: abc\n  retell_target: live\nversion: 1\n")
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


@pytest.mark.slow
def test_the_readme_test_file_gives_the_same_results_recorded_and_replayed(
    pytester: pytest.Pytester, servers: tuple[Any, _Served], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.plugin.conftest import SHOP

    pytester.makepyfile(test_shop=SHOP)
    recorded = pytester.runpytest("--retell-target", "live", "--retell-record", "-p", "no:randomly", "-rA")
    for server in servers:
        server.stop()
    _offline(monkeypatch)
    replayed = pytester.runpytest("--retell-replay", "-p", "no:randomly", "-rA")
    assert replayed.parseoutcomes() == recorded.parseoutcomes()
    assert replayed.ret == recorded.ret


def test_the_recorder_and_the_live_target_read_the_same_run_id_variable() -> None:
    from pytest_retell.recording import RUN_ID_ENV
    from retell_dsl.deploy import RUN_ID_ENV as LIVE_RUN_ID_ENV

    assert RUN_ID_ENV == LIVE_RUN_ID_ENV == "RETELL_RUN_ID"


@pytest.mark.slow
def test_the_readme_model_free_test_passes_on_the_emulator_live_and_replayed(
    pytester: pytest.Pytester, servers: tuple[Any, _Served], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's "On live Retell" file, verbatim: the same pass on all three targets."""
    from tests.plugin.conftest import README_BLOCKS

    (hello,) = [b for b in README_BLOCKS if "tests/test_hello.py" in b]
    pytester.makepyfile(test_hello=hello)
    on_emulator = pytester.runpytest("--retell-target", "emulator", "-p", "no:randomly")
    on_emulator.assert_outcomes(passed=1)
    recorded = pytester.runpytest("--retell-target", "live", "--retell-record", "-p", "no:randomly")
    recorded.assert_outcomes(passed=1)
    recorded.stdout.fnmatch_lines(["*retell: removed every object of rdt-*"])
    for server in servers:
        server.stop()
    _offline(monkeypatch)
    replayed = pytester.runpytest("--retell-replay", "-p", "no:randomly")
    replayed.assert_outcomes(passed=1)
