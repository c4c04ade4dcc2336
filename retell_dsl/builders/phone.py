"""Phone numbers (purchased or imported over SIP) and their weighted agent bindings.

>>> from retell_dsl.builders.llm import RetellLLM
>>> from retell_dsl.builders.agent import Agent
>>> a = Agent(name="Front desk", voice="11labs-Adrian", engine=RetellLLM(name="desk"))
>>> n = PhoneNumber(name="main", area_code=415).inbound_to(a).outbound_from(a)
>>> n.inbound[0].weight, n.is_import
(1.0, False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Self

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
from retell_dsl.builders.tools.calls import check_agent_target
from retell_dsl.errors import InvalidArgument

if TYPE_CHECKING:
    from retell_dsl.builders.agent import Agent

__all__ = ["AgentBinding", "PhoneNumber", "SipTrunk"]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class AgentBinding(Spec):
    """An agent (spec or id) answering or placing calls on a number, with a weight (weights sum to 1).

    >>> AgentBinding(agent="agent_123", weight=0.5, version=2).version
    2
    """

    agent: Agent | str
    weight: float = 1.0
    version: int | Unset = UNSET

    def _check(self) -> None:
        check_agent_target(self.agent, "AgentBinding")
        if isinstance(self.weight, bool) or not isinstance(self.weight, int | float):
            raise InvalidArgument(f"AgentBinding weight must be a number, got {self.weight!r}")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class SipTrunk(Spec):
    """Import settings of a number you own. The password is read from ``password_env`` at deploy time.

    >>> SipTrunk(termination_uri="acme.pstn.twilio.com", password_env="SIP_PASSWORD").password_env
    'SIP_PASSWORD'
    """

    termination_uri: str
    username: str | Unset = UNSET
    password_env: str | Unset = UNSET
    transport: Literal["TLS", "TCP", "UDP"] | Unset = UNSET
    codecs: tuple[str, ...] | Unset = UNSET

    def _check(self) -> None:
        require_str(self.termination_uri, "SipTrunk termination_uri")
        one_of(self.transport, ("TLS", "TCP", "UDP"), "SipTrunk transport")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class PhoneNumber(Spec):
    """A phone number: bought from Retell (``area_code``/``number``) or imported (``sip_trunk``).

    ``name`` addresses it in a Stack (it is not sent; use ``nickname`` for the dashboard label).
    """

    name: str
    number: str | Unset = UNSET
    area_code: int | Unset = UNSET
    country_code: Literal["US", "CA"] | Unset = UNSET
    provider: Literal["twilio", "telnyx"] | Unset = UNSET
    toll_free: bool | Unset = UNSET
    nickname: str | Unset = UNSET
    inbound: tuple[AgentBinding, ...] = ()
    outbound: tuple[AgentBinding, ...] = ()
    inbound_webhook_url: str | Unset = UNSET
    fallback_number: str | Unset = UNSET
    allowed_inbound_countries: tuple[str, ...] | Unset = UNSET
    allowed_outbound_countries: tuple[str, ...] | Unset = UNSET
    sip_trunk: SipTrunk | Unset = UNSET
    ignore_e164_validation: bool | Unset = UNSET
    extra: Mapping[str, Any] = field(default_factory=FrozenMap)

    def _check(self) -> None:
        require_str(self.name, "PhoneNumber name")
        require_tuple_of(self.inbound, AgentBinding, f"PhoneNumber {self.name!r} inbound")
        require_tuple_of(self.outbound, AgentBinding, f"PhoneNumber {self.name!r} outbound")
        one_of(self.country_code, ("US", "CA"), f"PhoneNumber {self.name!r} country_code")
        one_of(self.provider, ("twilio", "telnyx"), f"PhoneNumber {self.name!r} provider")
        if self.sip_trunk is not UNSET and self.number is UNSET:
            raise InvalidArgument(f"PhoneNumber {self.name!r}: importing a number needs number='+1…'")
        require_mapping(self.extra, f"PhoneNumber {self.name!r} extra=")

    @property
    def is_import(self) -> bool:
        """Whether this number is imported over SIP rather than bought."""
        return self.sip_trunk is not UNSET

    def inbound_to(self, agent: Agent | str, *, weight: float = 1.0, version: int | Unset = UNSET) -> Self:
        """Add an agent answering inbound calls."""
        return self._replace(inbound=(*self.inbound, AgentBinding(agent=agent, weight=weight, version=version)))

    def outbound_from(self, agent: Agent | str, *, weight: float = 1.0, version: int | Unset = UNSET) -> Self:
        """Add an agent placing outbound calls."""
        return self._replace(outbound=(*self.outbound, AgentBinding(agent=agent, weight=weight, version=version)))

    def imported(self, trunk: SipTrunk) -> Self:
        """Import this (existing) number over a SIP trunk instead of buying it."""
        return self._replace(sip_trunk=trunk)
