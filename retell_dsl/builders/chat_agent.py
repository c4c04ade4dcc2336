"""The chat agent: a text channel on a response engine, with chat endings, analysis and privacy.

A chat agent is what text tests talk to (``create-chat``); it has versions and publishing like a
voice agent and the same engines (a Retell LLM, a conversation flow, or a custom LLM). Every field
is a keyword of the constructor; the fluent methods are sugar that return new values, named as on
:class:`~retell_dsl.builders.agent.Agent`.

>>> from retell_dsl.builders.fields import SystemPreset
>>> from retell_dsl.builders.llm import RetellLLM
>>> llm = RetellLLM(name="support", model="gpt-4.1")
>>> chat = (
...     ChatAgent(name="Support chat", engine=llm)
...     .languages("en-US")
...     .endings(silence_ms=600_000, auto_close_message="Closing this chat, bye!")
...     .webhook("https://hooks.example.com/retell", events=("chat_ended",))
...     .analyze(SystemPreset(name="call_summary"), model="gpt-4.1-mini")
... )
>>> chat == ChatAgent(name="Support chat", engine=llm, language="en-US", end_chat_after_silence_ms=600_000,
...     auto_close_message="Closing this chat, bye!", webhook_url="https://hooks.example.com/retell",
...     webhook_events=("chat_ended",), analysis_fields=(SystemPreset(name="call_summary"),),
...     analysis_model="gpt-4.1-mini")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from retell_dsl.builders.agent_sugar import DATA_STORAGE, AgentSugar, DataStorage
from retell_dsl.builders.base import (
    UNSET,
    FrozenMap,
    Spec,
    Unset,
    one_of,
    require_mapping,
    require_str,
    require_tuple_of,
)
from retell_dsl.builders.engine import CustomLLM
from retell_dsl.builders.fields import ANALYSIS_FIELD_TYPES, AnalysisField
from retell_dsl.builders.flow.flow import ConversationFlow
from retell_dsl.builders.llm import RetellLLM

__all__ = ["ChatAgent"]

ChatEngine = RetellLLM | ConversationFlow | CustomLLM


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ChatAgent(Spec, AgentSugar):
    """A Retell chat agent. ``name`` is sent as ``agent_name`` and addresses it in a Stack
    (``"chat_agent.<name>"``).

    Post-chat analysis takes the same field builders as post-call analysis; the system presets
    ``call_summary`` and ``call_successful`` are sent as ``chat_summary`` and ``chat_successful``.
    Fluent keywords that are not the field's own name:

    ==================================  =============================  ===============================
    fluent keyword                      field                          Retell field
    ==================================  =============================  ===============================
    ``endings(silence_ms=)``            ``end_chat_after_silence_ms``  ``end_chat_after_silence_ms``
    ``endings(auto_close_message=)``    ``auto_close_message``         ``auto_close_message``
    ``webhook(url)``                    ``webhook_url``                ``webhook_url``
    ``webhook(events=)``                ``webhook_events``             ``webhook_events``
    ``webhook(timeout_ms=)``            ``webhook_timeout_ms``         ``webhook_timeout_ms``
    ``analyze(*fields)``                ``analysis_fields``            ``post_chat_analysis_data``
    ``analyze(model=)``                 ``analysis_model``             ``post_chat_analysis_model``
    ``privacy(storage=)``               ``data_storage``               ``data_storage_setting``
    ``privacy(retention_days=)``        ``data_retention_days``        ``data_storage_retention_days``
    ``privacy(pii=)``                   ``pii_categories``             ``pii_config``
    ``privacy(signed_urls=)``           ``opt_in_signed_url``          ``opt_in_signed_url``
    ``version(title)``                  ``version_title``              ``version_title``
    ``languages(language)``             ``language``                   ``language``
    ``use_engine(version=)``            ``engine_version``             ``response_engine.version``
    ==================================  =============================  ===============================
    """

    name: str
    engine: ChatEngine
    engine_version: int | Unset = UNSET
    language: str | Unset = UNSET
    timezone: str | Unset | None = UNSET
    # ending a chat
    end_chat_after_silence_ms: int | Unset | None = UNSET
    auto_close_message: str | Unset | None = UNSET
    # webhooks
    webhook_url: str | Unset | None = UNSET
    webhook_events: tuple[str, ...] | Unset = UNSET
    webhook_timeout_ms: int | Unset = UNSET
    # analysis
    analysis_fields: tuple[AnalysisField, ...] = ()
    analysis_model: str | Unset = UNSET
    # data and privacy
    data_storage: DataStorage | Unset = UNSET
    data_retention_days: int | Unset | None = UNSET
    opt_in_signed_url: bool | Unset = UNSET
    signed_url_expiration_ms: int | Unset | None = UNSET
    pii_categories: tuple[str, ...] | Unset = UNSET
    # versioning
    version_title: str | Unset = UNSET
    extra: Mapping[str, Any] = field(default_factory=FrozenMap)

    def _check(self) -> None:
        require_str(self.name, "ChatAgent name")
        self._check_engine("ChatAgent", ChatEngine)
        if self.language is not UNSET:
            require_str(self.language, f"ChatAgent {self.name!r} language")
        require_tuple_of(self.analysis_fields, ANALYSIS_FIELD_TYPES, f"ChatAgent {self.name!r} analysis_fields")
        one_of(self.data_storage, DATA_STORAGE, f"ChatAgent {self.name!r} data_storage")
        require_mapping(self.extra, f"ChatAgent {self.name!r} extra=")

    # ------------------------------------------------------------------ fluent sugar
    def use_engine(self, engine: ChatEngine, *, version: int | Unset = UNSET) -> Self:
        """Set the response engine (optionally pinned to a version)."""
        return self._replace(engine=engine, engine_version=version)

    def languages(self, language: str) -> Self:
        """The chat's locale (chat agents take one language)."""
        return self._replace(language=language)

    def endings(
        self, *, silence_ms: int | Unset | None = UNSET, auto_close_message: str | Unset | None = UNSET
    ) -> Self:
        """Close the chat after the user is silent for ``silence_ms``, with ``auto_close_message``."""
        return self._set(end_chat_after_silence_ms=silence_ms, auto_close_message=auto_close_message)

    def version(self, title: str) -> Self:
        """Title of the version this spec becomes (sent with publish)."""
        return self._replace(version_title=title)
