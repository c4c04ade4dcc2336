"""The event log: append-only, nothing after the end, typed queries."""

from __future__ import annotations

import pytest

from retell_dsl.sim.events import Ended, EventLog, NodeTransition, ToolInvoked, Utterance


def test_log_is_append_only_and_closes_at_the_end() -> None:
    log = EventLog()
    log.append(Utterance(at_ms=0, role="agent", content="Hi"))
    log.append(ToolInvoked(at_ms=10, tool_call_id="t1", name="book", type="custom", arguments='{"n": 2}'))
    log.append(Ended(at_ms=20, reason="agent_hangup"))
    assert log.ended == Ended(at_ms=20, reason="agent_hangup")
    with pytest.raises(ValueError, match="has ended; cannot append Utterance"):
        log.append(Utterance(at_ms=30, role="user", content="wait"))
    snapshot = log.snapshot()
    assert len(snapshot) == 3 and isinstance(snapshot, tuple)


def test_queries() -> None:
    log = EventLog()
    log.append(Utterance(at_ms=0, role="agent", content="Hi"))
    log.append(NodeTransition(at_ms=5, former_node_id="a", former_node_name="A", new_node_id="b", new_node_name="B"))
    log.append(Utterance(at_ms=9, role="user", content="Yes"))
    assert [u.content for u in log.of(Utterance)] == ["Hi", "Yes"]
    assert log.last(NodeTransition) is not None and log.last(NodeTransition).new_node_id == "b"  # type: ignore[union-attr]
    assert log.since(1)[0].at_ms == 5
    assert log[-1] == Utterance(at_ms=9, role="user", content="Yes")
    assert log.last(Ended) is None and log.ended is None
