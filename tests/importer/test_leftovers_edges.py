"""Fallback per edge and per node, never per list: one odd item keeps only itself in ``extra=``."""

from __future__ import annotations

from typing import Any

from retell_dsl import RetellLLM, compile, validate
from retell_dsl.importer import import_from_json
from tests.importer.roundtrip import exec_source

LLM: dict[str, Any] = {
    "llm_id": "llm_1",
    "general_prompt": "Route callers.",
    "starting_state": "intake",
    "states": [
        {
            "name": "intake",
            "state_prompt": "Ask what they need.",
            "edges": [
                {"destination_state_name": "booking", "description": "Wants to book", "speak_during_transition": True},
                {"destination_state_name": "billing", "description": "Has a bill question"},
            ],
        },
        {"name": "booking", "state_prompt": "Book."},
        {"name": "billing", "state_prompt": "Explain the bill."},
    ],
}


def test_an_unknown_key_on_a_state_edge_stays_on_that_edge() -> None:
    imported = import_from_json(LLM)
    assert "StateEdge(" in imported.source
    assert [n for n in imported.notes if "extra=" in n] == [
        "Retell LLM 'llm_1' > state 'intake' > edges[0]: speak_during_transition kept in the edge's extra="
    ]
    stack = exec_source(imported.source)
    llm = next(r for r in compile(stack).resources if r.kind == "llm")
    assert llm.payload["states"][0]["edges"] == LLM["states"][0]["edges"]
    # both edges stay typed: lint sees them (no false "unknown state"), and the state keeps no extra=
    (engine,) = [r for r in stack.resources if isinstance(r, RetellLLM)]
    state = engine.states[0]
    assert [e.to for e in state.edges] == ["booking", "billing"] and dict(state.extra) == {}
    assert dict(state.edges[0].extra) == {"speak_during_transition": True}
    assert not validate(stack).errors
