"""The session API: async and the generic sync facade, resume points, bounds, hang-up, bad input, layering."""

from __future__ import annotations

import ast
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import retell_dsl
from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.events import Dtmf, EngineFailed, Event, Utterance
from retell_dsl.sim.models import Rule, ScriptedModel
from retell_dsl.sim.runtime import Limits, ManualClock, Session, StartAt, Synchronous
from retell_dsl.sim.tools import ToolRunner
from tests.sim.runtime_helpers import agent, always, edge, else_, ended, eq, flow, moved, node, prompt, session, static

GREET = flow(
    node("hi", instruction=static("Hi"), edges=[edge("e", "bye", eq("{{digit}}", "exists"))]),
    node("bye", "end", instruction=static("Bye")),
)


def test_the_sync_facade_exposes_the_same_methods() -> None:
    with Session.sync(agent={}, engine=GREET, clock=ManualClock()) as s:
        assert isinstance(s, Synchronous)
        assert s.start() == (moved("begin", "hi"), agent("Hi", "hi")) == s.events
        assert s.current_node == "hi" and s.ended is None
        assert s.hang_up()[0].reason == "user_hangup"
        assert s.user_says("still there?") == ()


def test_the_sync_facade_works_inside_a_running_event_loop() -> None:
    async def inside() -> tuple[Event, ...]:
        with Session.sync(agent={}, engine=GREET) as s:
            return s.start()  # type: ignore[no-any-return]

    assert [type(e).__name__ for e in asyncio.run(inside())] == ["NodeTransition", "Utterance"]


def test_user_digits_are_a_turn() -> None:
    s = session(GREET)

    async def go() -> tuple[Event, ...]:
        await s.start()
        s.core.values["digit"] = "1"
        return await s.press("1")

    assert asyncio.run(go()) == (
        Dtmf(at_ms=0, digit="1"),
        moved("hi", "bye", "e"),
        agent("Bye", "bye"),
        ended("agent_hangup"),
    )


@pytest.mark.parametrize(("method", "arg"), [("press", "12a"), ("press", ""), ("silence", -5)])
def test_bad_api_input_is_a_clear_error(method: str, arg: Any) -> None:
    s = session(GREET)
    with pytest.raises(InvalidArgument, match=r"press\(\)|silence\(\)"):
        asyncio.run(getattr(s, method)(arg))
    assert s.events == ()


def test_non_json_engines_are_refused_at_construction() -> None:
    with pytest.raises(InvalidArgument, match="engine must be the wire JSON object"):
        Session(agent={}, engine=["not", "a", "flow"])  # type: ignore[arg-type]


def test_a_turn_is_bounded_as_a_whole() -> None:
    class Slow:
        async def complete(self, request: Any) -> Any:
            await asyncio.sleep(30)

    s = session({"begin_message": "", "general_prompt": "x"}, Slow(), limits=Limits(turn_timeout_s=0.3))
    started = time.monotonic()
    events = asyncio.run(s.user_says("hi"))
    assert time.monotonic() - started < 5
    assert isinstance(events[-2], EngineFailed) and "did not finish within 0.3 s" in events[-2].message
    assert events[-1] == ended("error_llm_websocket_runtime")


def test_an_unexpected_engine_fault_is_an_error_event_not_a_traceback() -> None:
    class Broken(ToolRunner):
        async def run_code_node(self, node: Any, context: Any = None) -> Any:
            raise RuntimeError("disk on fire")

    f = flow(node("js", "code", code="return 1", wait_for_result=True, else_edge=else_("x", "js")))
    events = asyncio.run(session(f, tools=Broken()).start())
    failed = events[-2]
    assert isinstance(failed, EngineFailed) and failed.reason == "error_unknown" and failed.node_id == "js"
    assert failed.message == "the local engine failed: RuntimeError: disk on fire"
    assert events[-1] == ended("error_unknown")


def test_a_resolver_returning_something_else_is_a_failed_swap() -> None:
    f = flow(node("swap", "agent_swap", agent_id="b", edge=edge("x", "bye", "Transfer failed")), node("bye", "end"))
    events = asyncio.run(session(f, resolver=lambda agent_id, version: "not an engine").start())
    assert [type(e).__name__ for e in events][-3:] == ["ToolReturned", "NodeTransition", "Ended"]
    assert events[-1] == ended("agent_hangup")


def test_resume_inside_a_component_uses_the_main_global_prompt() -> None:
    f = flow(
        node("comp", "component", component_id="Intake", component_type="local", else_edge=else_("c", "bye")),
        node("bye", "end"),
        global_prompt="You are Acme.",
        components=[
            {"name": "Intake", "nodes": [node("ask", instruction=prompt("Ask the name")), node("done", "end")]}
        ],
    )
    model = ScriptedModel(Rule(node="ask").say("Your name?"))
    s = session(f, model, start_at=StartAt(node_id="ask", component_id="Intake"))
    events = [e for e in asyncio.run(s.start()) if isinstance(e, Utterance)]
    assert events == [agent("Your name?", "ask")]
    assert model.calls[0].messages[0].content == "You are Acme.\n\nAsk the name"
    assert (s.current_node, s.component_id) == ("ask", "Intake")


def test_a_loop_of_skip_response_nodes_is_stopped() -> None:
    f = flow(
        node("a", instruction=static("A"), skip_response_edge=edge("s", "b", "Skip response")),
        node("b", instruction=static("B"), always_edge=always("x", "a"), skip_response_edge=edge("t", "a", "Skip")),
    )
    events = asyncio.run(session(f, limits=Limits(max_transitions=5)).start())
    assert isinstance(events[-2], EngineFailed) and "5 transitions without a user turn" in events[-2].message
    assert events[-1] == ended("error_llm_websocket_runtime")


ROOT = Path(retell_dsl.__file__).parent
ALLOWED = ("retell_dsl.errors", "retell_dsl.wire", "retell_dsl.sim", "httpx")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for item in ast.walk(ast.parse(path.read_text())):
        if isinstance(item, ast.Import):
            names.update(alias.name for alias in item.names)
        elif isinstance(item, ast.ImportFrom) and item.module and item.level == 0:
            names.add(item.module)
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "sim" / "runtime").glob("*.py")), ids=lambda p: p.name)
def test_the_runtime_imports_only_what_the_layer_rule_allows(path: Path) -> None:
    bad = {n for n in _imports(path) if n.split(".")[0] not in sys.stdlib_module_names and not n.startswith(ALLOWED)}
    assert not bad, f"{path.name} imports {sorted(bad)}"
