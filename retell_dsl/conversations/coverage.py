"""Coverage of deployed agents by conversations: what each agent's engine can do, and what was exercised.

Pure computation over compiled payloads and :class:`~retell_dsl.conversations.CallResult` events
(no I/O), so it serves the pytest plugin, a script driving conversations directly, or a CI step
merging reports. :func:`agent_maps` gives each agent of a compiled stack the :class:`EngineMap`
of its response engine; an :class:`AgentCoverage` accumulates the hits of the conversations
held with it (``add``), merges with another worker's (``merge``), and counts covered and missed
items per dimension (see :mod:`~retell_dsl.conversations.coverage_map` for what the items are).

>>> from retell_dsl import ChatAgent, ConversationFlow, ConversationNode, EndNode, Stack, compile
>>> flow = (ConversationFlow(name="f", model="gpt-4.1").start_at("hi")
...     .node(ConversationNode(name="hi", static_text="Hi").to("bye", when="done"), EndNode(name="bye")))
>>> maps = agent_maps(compile(Stack(name="s").add(ChatAgent(name="chat", engine=flow))))
>>> cov = AgentCoverage.empty(maps["chat_agent.chat"].universe)
>>> cov.count("nodes"), cov.percent
((0, 2), 0.0)
>>> from retell_dsl.conversations.result import events_of
>>> cov = cov.add(maps["chat_agent.chat"].hits(events_of([
...     {"role": "node_transition", "former_node_name": "begin", "new_node_name": "hi"}])))
>>> cov.count("nodes"), cov.missed("nodes"), cov.conversations
((1, 2), ['bye'], 1)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from retell_dsl.conversations.coverage_map import DIMENSIONS, Dimension, EngineKind, EngineMap, Universe

if TYPE_CHECKING:
    from retell_dsl.compiler import CompiledStack

__all__ = ["DIMENSIONS", "AgentCoverage", "Dimension", "EngineKind", "EngineMap", "Universe", "agent_maps", "totals"]

_REF = "$ref:"
_ENGINE_REFS = {"conversation-flow": ("conversation_flow_id", "conversation_flow"), "retell-llm": ("llm_id", "llm")}


def agent_maps(compiled: CompiledStack) -> dict[str, EngineMap]:
    """Each voice and chat agent of a compiled stack (by address) → the map of its response engine.

    Agents whose engine is not in the stack (a remote id, a custom LLM) are left out: there is
    nothing to measure them against.
    """
    payloads = {r.address: r.payload for r in compiled.resources}
    shared = {f"{_REF}{a}": p for a, p in payloads.items() if a.startswith("component.")}
    engines: dict[str, EngineMap] = {}
    out: dict[str, EngineMap] = {}
    for r in compiled.resources:
        if r.kind not in ("agent", "chat_agent"):
            continue
        engine = r.payload.get("response_engine")
        if not isinstance(engine, Mapping) or engine.get("type") not in _ENGINE_REFS:
            continue
        id_key, kind = _ENGINE_REFS[str(engine["type"])]
        ref = str(engine.get(id_key) or "")
        address = ref.removeprefix(_REF)
        if not ref.startswith(_REF) or not address.startswith(kind + ".") or address not in payloads:
            continue
        if address not in engines:
            payload = payloads[address]
            engines[address] = EngineMap.of_flow(payload, shared=shared) if kind == "conversation_flow" else (
                EngineMap.of_llm(payload)
            )  # fmt: skip
        out[r.address] = engines[address]
    return out


@dataclass(frozen=True, slots=True)
class AgentCoverage:
    """One agent's coverage: its universe, the keys hit so far, and how many conversations hit them."""

    universe: Universe
    hit: Mapping[Dimension, frozenset[str]] = field(default_factory=dict)
    conversations: int = 0

    @classmethod
    def empty(cls, universe: Universe) -> AgentCoverage:
        return cls(universe, {d: frozenset() for d in DIMENSIONS})

    def add(self, hits: Mapping[Dimension, Iterable[str]]) -> AgentCoverage:
        """With one more conversation's hits (:meth:`EngineMap.hits`)."""
        merged = {d: self.hit.get(d, frozenset()) | frozenset(hits.get(d, ())) for d in DIMENSIONS}
        return dataclasses.replace(self, hit=merged, conversations=self.conversations + 1)

    def merge(self, other: AgentCoverage) -> AgentCoverage:
        """Both coverages together (e.g. of two xdist workers that deployed the same stack)."""
        merged = {d: self.hit.get(d, frozenset()) | other.hit.get(d, frozenset()) for d in DIMENSIONS}
        return dataclasses.replace(self, hit=merged, conversations=self.conversations + other.conversations)

    def count(self, dim: Dimension) -> tuple[int, int]:
        """(covered, total) items of a dimension."""
        universe = self.universe.items.get(dim, {})
        return len(self.hit.get(dim, frozenset()) & universe.keys()), len(universe)

    def covered(self, dim: Dimension) -> list[str]:
        """Labels of the covered items, in the engine's order."""
        hit = self.hit.get(dim, frozenset())
        return [label for key, label in self.universe.items.get(dim, {}).items() if key in hit]

    def missed(self, dim: Dimension) -> list[str]:
        """Labels of the items no conversation exercised, in the engine's order."""
        hit = self.hit.get(dim, frozenset())
        return [label for key, label in self.universe.items.get(dim, {}).items() if key not in hit]

    def missed_keys(self, dim: Dimension) -> list[str]:
        hit = self.hit.get(dim, frozenset())
        return [key for key in self.universe.items.get(dim, {}) if key not in hit]

    @property
    def totals(self) -> tuple[int, int]:
        """(covered, total) over every dimension."""
        pairs = [self.count(d) for d in DIMENSIONS]
        return sum(c for c, _ in pairs), sum(t for _, t in pairs)

    @property
    def percent(self) -> float | None:
        """Covered items as a percentage of all items (None: the engine has nothing to cover)."""
        covered, total = self.totals
        return 100.0 * covered / total if total else None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (:meth:`from_dict` reads it back; an xdist worker sends it so)."""
        return {
            "universe": self.universe.to_dict(),
            "hit": {d: sorted(self.hit.get(d, ())) for d in DIMENSIONS},
            "conversations": self.conversations,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AgentCoverage:
        hit = data.get("hit") or {}
        return cls(
            Universe.from_dict(data["universe"]),
            {d: frozenset(hit.get(d) or ()) for d in DIMENSIONS},
            int(data.get("conversations") or 0),
        )


def totals(coverages: Iterable[AgentCoverage]) -> tuple[int, int]:
    """(covered, total) items over several agents."""
    pairs = [c.totals for c in coverages]
    return sum(c for c, _ in pairs), sum(t for _, t in pairs)
