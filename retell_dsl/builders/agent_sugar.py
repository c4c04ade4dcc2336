"""Fluent calls shared by the voice agent and the chat agent (webhook, analysis, privacy, extra),
and the check of their ``engine``.

:class:`AgentSugar` is a field-less mixin placed after ``Spec`` in the bases of
:class:`~retell_dsl.builders.agent.Agent` and :class:`~retell_dsl.builders.chat_agent.ChatAgent`:
the dataclass owns the fields and ``Spec._replace`` does the copying.

>>> from retell_dsl.builders.agent import Agent
>>> from retell_dsl.builders.chat_agent import ChatAgent
>>> from retell_dsl.builders.llm import RetellLLM
>>> llm = RetellLLM(name="support", model="gpt-4.1")
>>> for spec in (Agent(name="A", voice="11labs-Adrian", engine=llm), ChatAgent(name="C", engine=llm)):
...     print(spec.privacy(storage="basic_attributes_only", retention_days=7).data_retention_days)
7
7
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self

from retell_dsl.builders.base import UNSET, Unset
from retell_dsl.builders.fields import AnalysisField
from retell_dsl.errors import InvalidArgument

__all__ = ["DATA_STORAGE", "AgentSugar", "DataStorage"]

DataStorage = Literal["everything", "everything_except_pii", "basic_attributes_only"]
"""The type of ``data_storage``."""

DATA_STORAGE: tuple[str, ...] = ("everything", "everything_except_pii", "basic_attributes_only")
"""The values of ``data_storage`` (lint reports any other, RD406)."""


class AgentSugar:
    """Fluent calls shared by Agent and ChatAgent; each sets a group of the agent's fields."""

    __slots__ = ()

    name: str
    engine: object
    analysis_fields: tuple[AnalysisField, ...]
    extra: Mapping[str, Any]

    if TYPE_CHECKING:

        def _replace(self, **changes: Any) -> Self: ...

    def webhook(
        self, url: str | None, *, events: tuple[str, ...] | Unset = UNSET, timeout_ms: int | Unset = UNSET
    ) -> Self:
        """Agent-level webhook URL, events (``call_ended`` ..., or ``chat_started``, ``chat_ended`` ...
        on a chat agent) and timeout."""
        return self._set(webhook_url=url, webhook_events=events, webhook_timeout_ms=timeout_ms)

    def analyze(self, *fields: AnalysisField, model: str | Unset = UNSET) -> Self:
        """Add post-call (on a chat agent, post-chat) analysis fields (and optionally choose the
        analysis model)."""
        return self._set(analysis_fields=(*self.analysis_fields, *fields), analysis_model=model)

    def privacy(
        self,
        *,
        storage: DataStorage | Unset = UNSET,
        retention_days: int | Unset | None = UNSET,
        pii: tuple[str, ...] | Unset = UNSET,
        signed_urls: bool | Unset = UNSET,
    ) -> Self:
        """Data storage, retention, PII scrubbing categories and signed URLs."""
        return self._set(
            data_storage=storage,
            data_retention_days=retention_days,
            pii_categories=pii,
            opt_in_signed_url=signed_urls,
        )

    def with_extra(self, **fields: Any) -> Self:
        """Add API fields the DSL does not model (checked against the SDK schema by validate)."""
        return self._replace(extra={**self.extra, **fields})

    def _check_engine(self, kind: str, engines: types.UnionType) -> None:
        """Raise InvalidArgument unless ``engine`` is one of ``engines`` (called from ``_check``)."""
        __tracebackhide__ = True
        if not isinstance(self.engine, engines):
            raise InvalidArgument(
                f"{kind} {self.name!r} engine must be a RetellLLM, a ConversationFlow or a CustomLLM,"
                f" got {self.engine!r}"
            )

    def _set(self, **changes: Any) -> Self:
        return self._replace(**{k: v for k, v in changes.items() if v is not UNSET})
