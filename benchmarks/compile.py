"""Compile + validate time of a 1,000-node flow and a 100-agent stack, against json.dumps (the floor).

Run: ``python3 benchmarks/compile.py``. Prints times measured in this run and their ratios.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from typing import Any

from retell_dsl import (
    Agent,
    ConversationFlow,
    ConversationNode,
    EndCall,
    EndNode,
    PhoneNumber,
    RetellLLM,
    Stack,
    State,
    compile,
    validate,
    when,
)


def big_flow(n: int = 1000) -> ConversationFlow:
    nodes: list[Any] = []
    for i in range(n - 1):
        nxt = f"n{i + 1}" if i + 1 < n - 1 else "end"
        nodes.append(
            ConversationNode(name=f"n{i}", prompt=f"Step {i}: ask about {{{{topic}}}}.")
            .to(nxt, when="The caller answered")
            .to("end", when=when("topic").eq("stop"))
            .otherwise(f"n{i}")
        )
    nodes.append(EndNode(name="end", static_text="Bye"))
    return ConversationFlow(name="big", nodes=tuple(nodes), start_node="n0", model="gpt-4.1").defaults(topic="x")


def big_stack(n: int = 100) -> Stack:
    stack = Stack(name="many")
    for i in range(n):
        llm = (
            RetellLLM(name=f"llm{i}", model="gpt-4.1", general_prompt="Help {{customer}}.")
            .tool(EndCall(name="end_call"))
            .state(State(name="a").to("b", "next"), State(name="b"))
            .start_at("a")
            .defaults(customer="friend")
        )
        agent = Agent(name=f"agent{i}", voice="11labs-Adrian", engine=llm)
        stack = stack.add(PhoneNumber(name=f"num{i}", area_code=415).inbound_to(agent))
    return stack


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    for label, build in (("1,000-node flow", big_flow), ("100-agent stack", big_stack)):
        spec: Any = build()
        t_validate, _ = timed(functools.partial(validate, spec))
        t_compile, compiled = timed(functools.partial(compile, spec))  # compile validates too
        data = compiled.to_dict() if hasattr(compiled, "to_dict") else compiled
        t_dumps, text = timed(functools.partial(json.dumps, data, sort_keys=True))
        print(
            f"{label}: validate {t_validate * 1000:.1f} ms, compile (incl. validate) {t_compile * 1000:.1f} ms,"
            f" json.dumps {t_dumps * 1000:.2f} ms ({len(text):,} bytes);"
            f" compile/json.dumps ratio {t_compile / t_dumps:.0f}x"
        )


if __name__ == "__main__":
    main()
