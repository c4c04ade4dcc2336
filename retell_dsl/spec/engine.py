"""Pieces shared by response engines (Retell LLM and conversation flows): MCP servers, custom LLM.

>>> McpServer(name="docs", url="https://mcp.example.com").name
'docs'
>>> CustomLLM(url="wss://llm.example.com/ws")
CustomLLM(url='wss://llm.example.com/ws')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from retell_dsl.errors import InvalidArgument
from retell_dsl.spec._base import UNSET, Spec, Unset, one_of, require_str

__all__ = ["CustomLLM", "McpServer", "ModelTier"]

ModelTier = Literal["standard", "fast", "ultrafast"]
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


def check_model(tier: object, extra: object) -> None:
    """Shared construction checks of engines."""
    __tracebackhide__ = True
    one_of(tier, MODEL_TIERS, "model_tier")
    if not isinstance(extra, Mapping):
        raise InvalidArgument(f"extra= must be a mapping, got {type(extra).__name__}")
