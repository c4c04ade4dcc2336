"""Pieces shared by response engines (Retell LLM and conversation flows): MCP servers, custom LLM.

>>> McpServer(name="docs", url="https://mcp.example.com").name
'docs'
>>> CustomLLM(url="wss://llm.example.com/ws")
CustomLLM(url='wss://llm.example.com/ws')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Self

from retell_dsl.builders.base import UNSET, Spec, Unset, one_of, require_mapping, require_str, require_tuple_of
from retell_dsl.errors import InvalidArgument

if TYPE_CHECKING:
    from retell_dsl.builders.kb import KnowledgeBase

__all__ = ["SPEAKERS", "CustomLLM", "EngineSugar", "ExistingEngine", "McpServer", "ModelTier"]

ModelTier = Literal["standard", "fast", "ultrafast"]
SPEAKERS: tuple[str, ...] = ("user", "agent")
"""Who speaks first (``start_speaker``); lint checks it (RD406)."""

MODEL_TIERS = ("standard", "fast", "ultrafast")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class McpServer(Spec):
    """An MCP server whose tools the engine may call (MCP tools/nodes name it by ``name``).

    >>> McpServer(name="crm", url="https://mcp.example.com", timeout_ms=5000).timeout_ms
    5000
    """

    name: str
    url: str
    headers: Mapping[str, str] | Unset = UNSET
    query_params: Mapping[str, str] | Unset = UNSET
    timeout_ms: int | Unset = UNSET

    def _check(self) -> None:
        require_str(self.name, "McpServer name")
        require_str(self.url, f"McpServer {self.name!r} url")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CustomLLM(Spec):
    """Your own LLM behind a websocket, as an agent's response engine.

    >>> CustomLLM(url="wss://example.com/llm").url
    'wss://example.com/llm'
    """

    url: str

    def _check(self) -> None:
        require_str(self.url, "CustomLLM url")
        if not self.url.startswith(("ws://", "wss://")):
            raise InvalidArgument(f"CustomLLM url must be a ws:// or wss:// URL, got {self.url!r}")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ExistingEngine(Spec):
    """A Retell LLM or conversation flow outside this stack, by remote id: the agent only points at it.

    An agent export whose engine is not in the file imports with one (the stack does not manage the
    engine, so it must exist where the stack is applied).

    >>> ExistingEngine(kind="conversation-flow", id="conversation_flow_1").id
    'conversation_flow_1'
    """

    kind: Literal["retell-llm", "conversation-flow"]
    id: str

    def _check(self) -> None:
        one_of(self.kind, ("retell-llm", "conversation-flow"), "ExistingEngine kind")
        require_str(self.id, "ExistingEngine id")


class EngineSugar:
    """Fluent calls shared by RetellLLM and ConversationFlow (model, knowledge, defaults, MCP, extra).

    A field-less mixin placed after ``Spec`` in the bases: the dataclass owns the fields and
    ``Spec._replace`` does the copying.
    """

    __slots__ = ()

    knowledge_bases: tuple[KnowledgeBase | str, ...]
    kb_top_k: int | Unset
    kb_filter_score: float | Unset
    default_variables: Mapping[str, str]
    mcps: tuple[McpServer, ...]
    extra: Mapping[str, Any]

    if TYPE_CHECKING:

        def _replace(self, **changes: Any) -> Self: ...

    def use_model(
        self,
        model: str,
        *,
        temperature: float | Unset = UNSET,
        tier: ModelTier | Unset = UNSET,
        backup: str | Unset | None = UNSET,
    ) -> Self:
        """Choose the text model (and optionally temperature, tier, backup model)."""
        return self._replace(
            model=model, temperature=temperature, model_tier=tier, backup_model=backup, s2s_model=UNSET
        )

    def knowledge(
        self, *kbs: KnowledgeBase | str, top_k: int | Unset = UNSET, filter_score: float | Unset = UNSET
    ) -> Self:
        """Attach knowledge bases (specs or existing ids) and retrieval settings."""
        return self._replace(
            knowledge_bases=(*self.knowledge_bases, *kbs),
            kb_top_k=self.kb_top_k if top_k is UNSET else top_k,
            kb_filter_score=self.kb_filter_score if filter_score is UNSET else filter_score,
        )

    def defaults(self, **variables: str) -> Self:
        """Add default dynamic variables (used when a call provides no value)."""
        return self._replace(default_variables={**self.default_variables, **variables})

    def mcp(self, *servers: McpServer) -> Self:
        """Add MCP servers."""
        return self._replace(mcps=(*self.mcps, *servers))

    def with_extra(self, **fields: Any) -> Self:
        """Add API fields the DSL does not model (checked against the SDK schema by validate)."""
        return self._replace(extra={**self.extra, **fields})


def check_knowledge_bases(kbs: object, what: str) -> None:
    """Knowledge bases are KnowledgeBase specs or existing ids."""
    __tracebackhide__ = True
    from retell_dsl.builders.kb import KnowledgeBase

    require_tuple_of(kbs, (KnowledgeBase, str), f"{what} knowledge_bases")


def check_engine(engine: Any, label: str) -> None:
    """Construction checks every response engine shares (Retell LLMs and conversation flows)."""
    __tracebackhide__ = True
    # start_speaker outside SPEAKERS is kept and reported by lint (RD406), with the other issues
    check_model(engine.model_tier, engine.extra, label)
    require_tuple_of(engine.mcps, McpServer, f"{label} mcps")
    check_knowledge_bases(engine.knowledge_bases, label)
    if engine.model is not UNSET and engine.s2s_model is not UNSET:
        raise InvalidArgument(f"{label}: set model= or s2s_model=, not both")


def check_model(tier: object, extra: object, label: str) -> None:
    """Shared construction checks of engines."""
    __tracebackhide__ = True
    one_of(tier, MODEL_TIERS, f"{label} model_tier")
    require_mapping(extra, f"{label} extra=")
