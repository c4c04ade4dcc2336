"""A call's ``call_cost`` and a chat's ``chat_cost``, from the log and a :class:`PriceTable`.

Call: the billed seconds are the call's duration (at least
:attr:`~PriceTable.dynamic_opening_minimum_seconds` when the agent opened with a generated
message); the products are the voice engine, the agent's LLM (its seconds scaled up for prompts
over :attr:`~PriceTable.long_prompt_tokens`) and, for phone calls, telephony. Each product costs
``unit_price * seconds``; ``combined_cost`` is their sum, ``total_duration_unit_price`` the sum
of the unit prices. Chat: one product, the LLM per agent message. Figures are rounded to 6
decimals. These are estimates (see :mod:`~retell_dsl.sim.outputs.pricing`).

>>> from retell_dsl.sim.events import Ended, Utterance
>>> log = [Utterance(at_ms=0, role="agent", content="Hi"), Ended(at_ms=60_000, reason="agent_hangup")]
>>> cost = call_cost(log, llm_model="gpt-4.1", call_type="phone_call")
>>> cost["combined_cost"], [p["product"] for p in cost["product_costs"]]
(13.0, ['voice_engine', 'llm:gpt-4.1', 'telephony'])
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Literal

from retell_dsl.sim.events import Event, ModelUsed, Utterance
from retell_dsl.sim.outputs.metrics import AGENT_PURPOSES
from retell_dsl.sim.outputs.pricing import DEFAULT_PRICES, PriceTable
from retell_dsl.sim.outputs.session import end_ms

__all__ = ["call_cost", "chat_cost"]


def _r(value: float) -> float:
    return round(value, 6)


def _product(name: str, per_minute: float, seconds: float) -> dict[str, Any]:
    unit = per_minute / 60
    return {"product": name, "cost": _r(unit * seconds), "unit_price": _r(unit)}


def call_cost(
    events: Iterable[Event],
    *,
    llm_model: str | None,
    call_type: Literal["web_call", "phone_call"] = "web_call",
    dynamic_opening: bool = False,
    prices: PriceTable = DEFAULT_PRICES,
) -> dict[str, Any] | None:
    """The ``call_cost`` of an ended call (``None`` while it goes on).

    ``dynamic_opening``: the agent spoke first with a model-generated message (Retell's
    10-second minimum applies).

    >>> call_cost([], llm_model="gpt-4.1") is None
    True
    """
    log = tuple(events)
    end = end_ms(log)
    if end is None:
        return None
    seconds = end / 1000
    if dynamic_opening and any(isinstance(e, Utterance) for e in log):
        seconds = max(seconds, float(prices.dynamic_opening_minimum_seconds))
    prompts = [e.prompt_tokens for e in log if isinstance(e, ModelUsed) and e.purpose in AGENT_PURPOSES]
    llm_seconds = seconds
    if prompts and max(prompts) > prices.long_prompt_tokens:
        llm_seconds = float(math.ceil(seconds * max(prompts) / prices.long_prompt_tokens))
    products = [
        _product("voice_engine", prices.voice_engine_per_minute, seconds),
        _product(f"llm:{llm_model or 'default'}", prices.llm_per_minute(llm_model), llm_seconds),
    ]
    if call_type == "phone_call":
        products.append(_product("telephony", prices.telephony_per_minute, seconds))
    return {
        "product_costs": products,
        "combined_cost": _r(sum(p["cost"] for p in products)),
        "total_duration_seconds": _r(seconds),
        "total_duration_unit_price": _r(sum(p["unit_price"] for p in products)),
    }


def chat_cost(events: Iterable[Event], *, llm_model: str | None, prices: PriceTable = DEFAULT_PRICES) -> dict[str, Any]:
    """The ``chat_cost`` so far: the LLM's price per agent message.

    >>> from retell_dsl.sim.events import Utterance
    >>> chat_cost([Utterance(at_ms=0, role="agent", content="Hi")] * 3, llm_model="gpt-4.1")
    {'product_costs': [{'product': 'llm:gpt-4.1', 'cost': 0.6, 'unit_price': 0.2}], 'combined_cost': 0.6}
    """
    messages = sum(1 for e in events if isinstance(e, Utterance) and e.role == "agent" and e.content.strip())
    unit = prices.chat_per_message(llm_model)
    product = {"product": f"llm:{llm_model or 'default'}", "cost": _r(unit * messages), "unit_price": _r(unit)}
    return {"product_costs": [product], "combined_cost": product["cost"]}
