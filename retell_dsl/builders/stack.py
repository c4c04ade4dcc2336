"""A Stack: a named, deployable set of specs whose references stay symbolic until deploy.

Adding an agent (voice or chat) brings its engine, the engine's knowledge bases, the shared
components its flow uses and any agents it swaps to; adding a phone number brings its agents; adding
a campaign brings its number. Each resource has a
logical *address* ``"<kind>.<name>"`` (e.g. ``"llm.support"``) that the deploy layer maps to a
remote id; references between resources compile to :class:`Ref` markers (see ``retell_dsl.compiler``).

>>> from retell_dsl.builders.llm import RetellLLM
>>> stack = Stack(name="support").add(RetellLLM(name="support")).expect_call_variables("customer_name")
>>> stack.call_variables
('customer_name',)
>>> Ref(kind="llm", name="support").marker
'$ref:llm.support'
>>> Ref.parse("$ref:agent.Front desk")
Ref(kind='agent', name='Front desk')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Self

from retell_dsl.builders.agent import Agent
from retell_dsl.builders.base import Spec, require_str, require_tuple_of
from retell_dsl.builders.batch import BatchCall
from retell_dsl.builders.chat_agent import ChatAgent
from retell_dsl.builders.flow.flow import ConversationFlow
from retell_dsl.builders.flow.shared import SharedComponent
from retell_dsl.builders.kb import KnowledgeBase
from retell_dsl.builders.llm import RetellLLM
from retell_dsl.builders.phone import PhoneNumber
from retell_dsl.errors import InvalidArgument

__all__ = ["Ref", "Resource", "ResourceKind", "Stack", "kind_of"]

Resource = KnowledgeBase | RetellLLM | SharedComponent | ConversationFlow | Agent | ChatAgent | PhoneNumber | BatchCall
"""Anything a Stack deploys."""
RESOURCE_TYPES = (KnowledgeBase, RetellLLM, SharedComponent, ConversationFlow, Agent, ChatAgent, PhoneNumber, BatchCall)
ResourceKind = Literal[
    "knowledge_base", "llm", "component", "conversation_flow", "agent", "chat_agent", "phone_number", "batch_call"
]
KIND_ORDER: tuple[ResourceKind, ...] = (
    "knowledge_base",
    "llm",
    "component",
    "conversation_flow",
    "agent",
    "chat_agent",
    "phone_number",
    "batch_call",
)
_MARKER = re.compile(
    r"^\$ref:(knowledge_base|llm|component|conversation_flow|agent|chat_agent|phone_number|batch_call)\.(.+)$"
)


def kind_of(resource: Resource) -> ResourceKind:
    """The resource kind used in addresses.

    >>> kind_of(RetellLLM(name="x"))
    'llm'
    """
    kinds: dict[type, ResourceKind] = dict(zip(RESOURCE_TYPES, KIND_ORDER, strict=True))
    return kinds[type(resource)]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Ref(Spec):
    """A symbolic reference to another resource of the stack, resolved to a remote id at deploy.

    In compiled payloads a reference is the string ``"$ref:<kind>.<name>"`` in the place of the id
    (``llm_id``, ``knowledge_base_ids[i]``, ``inbound_agents[i].agent_id``, ``from_number`` ...).
    Strings keep payloads JSON and schema-valid; ``Ref.parse`` and ``resolve_refs`` read them back.
    """

    kind: ResourceKind
    name: str

    @property
    def address(self) -> str:
        """``"<kind>.<name>"``"""
        return f"{self.kind}.{self.name}"

    @property
    def marker(self) -> str:
        """The placeholder written into payloads."""
        return f"$ref:{self.address}"

    @classmethod
    def to(cls, resource: Resource) -> Ref:
        """The reference to a resource spec."""
        return cls(kind=kind_of(resource), name=resource.name)

    @classmethod
    def parse(cls, marker: str) -> Ref | None:
        """The Ref a marker string stands for, or None if it is not a marker."""
        m = _MARKER.match(marker)
        if m is None:
            return None
        kind: ResourceKind = m.group(1)  # type: ignore[assignment]
        return cls(kind=kind, name=m.group(2))

    def __repr__(self) -> str:
        return f"Ref(kind={self.kind!r}, name={self.name!r})"


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Stack(Spec):
    """A named, deployable set of resources. ``call_variables`` declares dynamic variables that
    callers supply at call time (so lint knows they are provided)."""

    name: str
    resources: tuple[Resource, ...] = ()
    call_variables: tuple[str, ...] = ()

    def _check(self) -> None:
        require_str(self.name, "Stack name")
        require_tuple_of(self.resources, RESOURCE_TYPES, f"Stack {self.name!r} resources")
        require_tuple_of(self.call_variables, str, f"Stack {self.name!r} call_variables")

    def add(self, *resources: Resource) -> Self:
        """Add resources (their dependencies come along at compile time)."""
        for r in resources:
            if not isinstance(r, RESOURCE_TYPES):
                raise InvalidArgument(f"Stack.add() takes resource specs, got {r!r}")
        return self._replace(resources=(*self.resources, *resources))

    def expect_call_variables(self, *names: str) -> Self:
        """Declare dynamic variables provided when calls are created."""
        return self._replace(call_variables=(*self.call_variables, *names))
