"""Engine gaps closed after the first merge: retrieval latency, SMS direction, execution messages,
warm-transfer bridge nodes, the call's duration limit and reminders after silence. Exact events."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from retell_dsl.sim.events import Event, KnowledgeRetrieved, ModelUsed
from retell_dsl.sim.kb import KnowledgeBaseIndex, Retrieved, Source
from retell_dsl.sim.models import Rule, ScriptedModel
from retell_dsl.sim.outputs import latency
from retell_dsl.sim.runtime import ManualClock, Session
from tests.sim.runtime_helpers import edge, flow, node, prompt


class SlowIndex(KnowledgeBaseIndex):
    """A KB index whose searches take ``ms`` on the engine's manual clock."""

    def __init__(self, clock: ManualClock, ms: int) -> None:
        super().__init__()
        self.clock, self.ms = clock, ms

    def search_config(
        self, query: str, kb_config: Mapping[str, Any] | None, knowledge_base_ids: Sequence[str] | None = None
    ) -> list[Retrieved]:
        self.clock.advance(self.ms)
        return super().search_config(query, kb_config, knowledge_base_ids)


def run(session: Session, *turns: str) -> list[Event]:
    async def go() -> list[Event]:
        out = list(await session.start())
        for turn in turns:
            out += await session.user_says(turn)
        return out

    return asyncio.run(go())


def test_a_retrieval_records_its_latency_and_the_call_reports_it() -> None:
    clock = ManualClock()
    kb = SlowIndex(clock, 35)
    kb.add("kb1", [Source("s1", "Refunds are paid within 5 business days.", title="Refunds")])
    f = flow(
        node("faq", instruction=prompt("Answer questions"), edges=[edge("e", "faq", "The caller is done")]),
        knowledge_base_ids=["kb1"],
        kb_config={"top_k": 1, "filter_score": 0.1},
    )
    model = ScriptedModel(Rule(purpose="prompt_condition").say(""), Rule().say("Within 5 days."))
    events = run(Session(agent={}, engine=f, model=model, clock=clock, kb=kb), "how long do refunds take")
    assert [e for e in events if isinstance(e, KnowledgeRetrieved)] == [
        KnowledgeRetrieved(
            at_ms=35,
            query="how long do refunds take",
            contents=("Refunds are paid within 5 business days.",),
            latency_ms=35,
        )
    ]
    assert latency(events)["knowledge_base"]["values"] == [35]
    assert [e.purpose for e in events if isinstance(e, ModelUsed)] == ["reply", "prompt_condition", "reply"]
