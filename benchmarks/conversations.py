"""The conversation engine under load: concurrent conversations against their floor, and its own cost per turn.

    python3 benchmarks/conversations.py [--conversations 100] [--turns 10] [--latency-ms 20]

Measured side by side in one run, on the machine this runs on (its CPU count and load average
are printed with the figures, since the machine may be shared; the process's CPU time is printed
too: wall time well above floor + CPU time means other processes had the cores):

1. concurrency: ``--conversations`` conversations of ``--turns`` user turns each, all run at once
   on one asyncio loop, with a model that takes ``--latency-ms`` per call (a scripted model behind
   an ``asyncio.sleep``). The floor is the longest single conversation's model time (its calls
   times the latency): no scheduler can finish sooner. The aim is wall time <= 1.5 x floor. The
   sleeps as measured are printed too; they exceed the nominal latency by the time the loop was
   busy with other conversations when a sleep ended.
2. engine cost: the same conversations one after another with a zero-latency model (one that
   answers a constant reply at once), wall time divided by the turns: what the engine itself
   (history, prompts, variables, events) costs per turn. The aim is <= 1 ms.

Each is run for a Retell LLM (one model call per turn) and a conversation flow (a prompt node
whose prompt edge is decided by the model: two calls per turn).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from retell_dsl.sim.models import ModelReply, ModelRequest, Rule, ScriptedModel
from retell_dsl.sim.runtime import Session

__all__ = ["ENGINES", "Figures", "concurrent", "engine_cost", "main"]

LLM: dict[str, Any] = {
    "general_prompt": "You are {{agent_name}}, a helpful front-desk assistant. Keep answers short.",
    "begin_message": "Hello {{customer}}, how can I help?",
    "default_dynamic_variables": {"agent_name": "Ada", "customer": "there"},
    "general_tools": [{"type": "end_call", "name": "end_call", "description": "End the call when done."}],
}
FLOW: dict[str, Any] = {
    "start_speaker": "agent",
    "start_node_id": "help",
    "global_prompt": "You are {{agent_name}}. Keep answers short.",
    "default_dynamic_variables": {"agent_name": "Ada"},
    "nodes": [
        {
            "id": "help",
            "type": "conversation",
            "name": "Help",
            "instruction": {"type": "prompt", "text": "Answer the caller's questions."},
            "edges": [
                {
                    "id": "help.done",
                    "destination_node_id": "bye",
                    "transition_condition": {"type": "prompt", "prompt": "The caller says goodbye"},
                }
            ],
        },
        {"id": "bye", "type": "end", "name": "Bye", "instruction": {"type": "static_text", "text": "Goodbye!"}},
    ],
}
ENGINES: dict[str, dict[str, Any]] = {"Retell LLM": LLM, "conversation flow": FLOW}


class SlowModel:
    """A scripted model that sleeps ``latency_s`` per call and records how long each call's sleep took."""

    def __init__(self, latency_s: float) -> None:
        self.latency_s = latency_s
        self.model_time_s = 0.0
        self.calls = 0
        self._script = ScriptedModel(Rule(purpose="prompt_condition").say(""), Rule().say("Sure, happy to help."))

    async def complete(self, request: ModelRequest) -> ModelReply:
        started = time.perf_counter()
        await asyncio.sleep(self.latency_s)
        self.model_time_s += time.perf_counter() - started
        self.calls += 1
        return await self._script.complete(request)


class InstantModel:
    """A zero-latency model: one constant reply (no prompt-condition edge chosen), at once."""

    REPLY = ModelReply(text="Sure, happy to help.")

    async def complete(self, request: ModelRequest) -> ModelReply:
        return self.REPLY


async def _converse(engine: dict[str, Any], model: Any, turns: int) -> int:
    session = Session(agent={}, engine=engine, model=model, variables={"customer": "Sam"})
    await session.start()
    for i in range(turns):
        events = await session.user_says(f"Question number {i}: what are your opening hours?")
        if session.ended is not None:
            raise RuntimeError(f"the conversation ended early: {events[-1]}")
    return turns


@dataclass(frozen=True)
class Figures:
    """One engine's measurements."""

    wall_s: float
    floor_s: float
    slept_s: float
    calls: int
    cpu_s: float

    @property
    def ratio(self) -> float:
        """Wall time over the floor."""
        return self.wall_s / self.floor_s if self.floor_s else float("inf")


async def concurrent(engine: dict[str, Any], conversations: int, turns: int, latency_ms: float) -> Figures:
    """Run ``conversations`` conversations at once with a model of ``latency_ms`` per call."""
    models = [SlowModel(latency_ms / 1000) for _ in range(conversations)]
    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(_converse(engine, m, turns) for m in models))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return Figures(
        wall_s=wall,
        floor_s=max(m.calls for m in models) * latency_ms / 1000,
        slept_s=max(m.model_time_s for m in models),
        calls=sum(m.calls for m in models),
        cpu_s=cpu,
    )


async def engine_cost(engine: dict[str, Any], conversations: int, turns: int) -> float:
    """Seconds per user turn with a zero-latency model, conversations run one after another."""
    model = InstantModel()
    await _converse(engine, model, turns)  # warm up imports and caches
    started = time.perf_counter()
    total = 0
    for _ in range(conversations):
        total += await _converse(engine, model, turns)
    return (time.perf_counter() - started) / total


def main(argv: list[str] | None = None) -> None:
    """Run both measurements for both engine kinds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    args = parser.parse_args(argv)
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f};"
        f" {args.conversations} conversations x {args.turns} turns, model {args.latency_ms:g} ms per call"
    )
    for label, engine in ENGINES.items():
        figures = asyncio.run(concurrent(engine, args.conversations, args.turns, args.latency_ms))
        per_turn = asyncio.run(engine_cost(engine, args.conversations, args.turns))
        print(
            f"{label}: concurrent wall {figures.wall_s * 1000:.0f} ms vs floor {figures.floor_s * 1000:.0f} ms"
            f" = {figures.ratio:.2f}x (aim <= 1.5x; {figures.calls} model calls,"
            f" longest measured model time {figures.slept_s * 1000:.0f} ms, process CPU {figures.cpu_s * 1000:.0f} ms);"
            f" engine cost {per_turn * 1000:.3f} ms per turn with a zero-latency model (aim <= 1 ms)"
        )
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
