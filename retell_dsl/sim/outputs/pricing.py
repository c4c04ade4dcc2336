"""The price table used for ``call_cost`` and ``chat_cost`` — ESTIMATES for local simulation only.

Nothing here is billed and nothing here is authoritative: the figures are Retell's public
pay-as-you-go list prices as this project recorded them (retellai.com/pricing, 2025), so that a
simulated call reports a cost of the right order and tests can compare agents. Retell changes
prices, offers discounts and bills extras (voices, knowledge bases, denoising, …) that are not
modelled; pass your own :class:`PriceTable` for other figures. All prices are in **US cents**.

* **Voice engine** (speech-to-text + text-to-speech + platform): 7 ¢ per minute of call.
* **Telephony** (Retell-provided numbers): 1.5 ¢ per minute, phone calls only (web calls have none).
* **LLM**, per minute of call, by the agent's model (:data:`LLM_CENTS_PER_MINUTE`); a model not
  in the table is priced at :attr:`PriceTable.default_llm_per_minute` (4.5 ¢, gpt-4.1's price).
* **Chat**: per agent message, by model (:data:`CHAT_CENTS_PER_MESSAGE`; default 0.2 ¢).
* Retell's billing exceptions (docs.retellai.com/accounts/billing-exceptions), both applied:
  a call shorter than 10 s whose agent speaks a dynamic (model-generated) opening is billed as
  10 s; when a request's prompt exceeds 3 500 tokens, the LLM's billed duration is scaled by
  ``prompt tokens / 3 500`` (the largest request of the call), rounded up to a whole second.

Costs come out in cents; ``unit_price`` is cents **per second** (the SDK's unit), or per message
for chats.

>>> DEFAULT_PRICES.llm_per_minute("gpt-4.1-mini"), DEFAULT_PRICES.llm_per_minute("some-new-model")
(1.6, 4.5)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["CHAT_CENTS_PER_MESSAGE", "DEFAULT_PRICES", "LLM_CENTS_PER_MINUTE", "PriceTable"]

#: LLM price per minute of call, in cents (Retell's list prices, 2025; estimates).
LLM_CENTS_PER_MINUTE: Mapping[str, float] = MappingProxyType(
    {
        "gpt-4o": 5.0,
        "gpt-4o-mini": 0.6,
        "gpt-4.1": 4.5,
        "gpt-4.1-mini": 1.6,
        "gpt-4.1-nano": 0.4,
        "gpt-5": 4.0,
        "gpt-5-mini": 1.2,
        "gpt-5-nano": 0.3,
        "claude-3.7-sonnet": 6.0,
        "claude-3.5-haiku": 2.0,
        "gemini-2.0-flash": 0.6,
        "gemini-2.0-flash-lite": 0.3,
    }
)

#: Chat price per agent message, in cents (estimates; unknown models use the default).
CHAT_CENTS_PER_MESSAGE: Mapping[str, float] = MappingProxyType({"gpt-4.1-nano": 0.1, "gpt-4o-mini": 0.1})


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceTable:
    """Every price the cost estimate uses (cents).

    >>> PriceTable(voice_engine_per_minute=8.0).voice_engine_per_minute
    8.0
    """

    voice_engine_per_minute: float = 7.0
    telephony_per_minute: float = 1.5
    llm_per_minute_by_model: Mapping[str, float] = field(default_factory=lambda: LLM_CENTS_PER_MINUTE)
    default_llm_per_minute: float = 4.5
    chat_per_message_by_model: Mapping[str, float] = field(default_factory=lambda: CHAT_CENTS_PER_MESSAGE)
    default_chat_per_message: float = 0.2
    long_prompt_tokens: int = 3_500
    dynamic_opening_minimum_seconds: int = 10

    def llm_per_minute(self, model: str | None) -> float:
        """The LLM price per minute for ``model`` (the default for unknown or missing models)."""
        if model is None:
            return self.default_llm_per_minute
        return self.llm_per_minute_by_model.get(model, self.default_llm_per_minute)

    def chat_per_message(self, model: str | None) -> float:
        """The chat price per agent message for ``model``."""
        if model is None:
            return self.default_chat_per_message
        return self.chat_per_message_by_model.get(model, self.default_chat_per_message)


DEFAULT_PRICES = PriceTable()
