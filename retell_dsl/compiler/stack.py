"""Compile a Stack: every reachable resource, in dependency order, references left symbolic.

**References.** Where a payload needs another resource's remote id (``response_engine.llm_id``,
``knowledge_base_ids[i]``, ``inbound_agents[i].agent_id``, ``agent_swap.agent_id``, a batch's
``from_number`` for a number not bought yet ...), the compiler writes the string marker
``"$ref:<kind>.<name>"`` (see :class:`retell_dsl.builders.stack.Ref`). Strings keep payloads plain,
JSON-serialisable and schema-valid, so they can be snapshotted, hashed and diffed; the deploy layer
calls :func:`resolve_refs` with its address → id map just before sending. Secrets use the same idea
with ``"$env:NAME"`` (read from the environment at deploy time, never compiled in).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from retell_dsl.builders.agent import Agent
from retell_dsl.builders.base import UNSET
from retell_dsl.builders.batch import BatchCall
from retell_dsl.builders.chat_agent import ChatAgent
from retell_dsl.builders.flow import ConversationFlow
from retell_dsl.builders.flow.shared import SharedComponent
from retell_dsl.builders.kb import KnowledgeBase
from retell_dsl.builders.llm import RetellLLM
from retell_dsl.builders.phone import PhoneNumber
from retell_dsl.builders.stack import Ref, Resource, Stack, kind_of
from retell_dsl.builders.traverse import collect, dependencies, dependency_order
from retell_dsl.compiler.agent import compile_agent
from retell_dsl.compiler.chat_agent import compile_chat_agent
from retell_dsl.compiler.flow import compile_component, compile_flow
from retell_dsl.compiler.llm import compile_llm
from retell_dsl.compiler.resources import compile_batch_call, compile_knowledge_base, compile_phone_number
from retell_dsl.compiler.values import JSON, json_strings, map_strings
from retell_dsl.errors import InvalidSpec

__all__ = [
    "CompiledResource",
    "CompiledStack",
    "compile_stack_unchecked",
    "raw_payload",
    "ref_addresses",
    "resolve_refs",
]

ENDPOINTS = {
    "knowledge_base": "create-knowledge-base",
    "llm": "create-retell-llm",
    "component": "create-conversation-flow-component",
    "conversation_flow": "create-conversation-flow",
    "agent": "create-agent",
    "chat_agent": "create-chat-agent",
    "phone_number": "create-phone-number",
    "batch_call": "create-batch-call",
}


def raw_payload(resource: Resource) -> JSON:
    """The payload of one resource, without any checks."""
    compilers: dict[type, Callable[[Any], JSON]] = {
        KnowledgeBase: compile_knowledge_base,
        RetellLLM: compile_llm,
        SharedComponent: compile_component,
        ConversationFlow: compile_flow,
        Agent: compile_agent,
        ChatAgent: compile_chat_agent,
        PhoneNumber: compile_phone_number,
        BatchCall: compile_batch_call,
    }
    return compilers[type(resource)](resource)


@dataclass(frozen=True, slots=True)
class CompiledResource:
    """One resource of a compiled stack, ready for the deploy layer."""

    address: str
    kind: str
    name: str
    endpoint: str
    payload: Mapping[str, Any]
    depends_on: tuple[str, ...] = ()
    files: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        out: dict[str, Any] = {
            "address": self.address,
            "kind": self.kind,
            "name": self.name,
            "endpoint": self.endpoint,
            "depends_on": list(self.depends_on),
            "payload": self.payload,
        }
        if self.files:
            out["files"] = list(self.files)
        return out


@dataclass(frozen=True, slots=True)
class CompiledStack:
    """Every resource of a stack in dependency order; ``to_json()`` is byte-stable."""

    name: str
    resources: tuple[CompiledResource, ...]
    call_variables: tuple[str, ...] = field(default=())

    def __getitem__(self, address: str) -> CompiledResource:
        for r in self.resources:
            if r.address == address:
                return r
        raise KeyError(address)

    @property
    def addresses(self) -> tuple[str, ...]:
        """Addresses in deploy order."""
        return tuple(r.address for r in self.resources)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {"stack": self.name, "resources": [r.to_dict() for r in self.resources]}

    def to_json(self, *, indent: int | None = 2) -> str:
        """Deterministic JSON (sorted keys)."""
        return json.dumps(self.to_dict(), indent=indent, sort_keys=True, ensure_ascii=False)


def compile_stack_unchecked(stack: Stack) -> CompiledStack:
    """Compile every reachable resource, without validation."""
    found = collect(stack.resources)
    out: list[CompiledResource] = []
    for address in dependency_order(found):
        r = found[address][0]
        kind = kind_of(r)
        endpoint = ENDPOINTS[kind]
        if isinstance(r, PhoneNumber) and r.sip_trunk is not UNSET:
            endpoint = "import-phone-number"
        deps = tuple(sorted({Ref.to(d).address for d in dependencies(r)} - {address}))
        files = r.files if isinstance(r, KnowledgeBase) else ()
        out.append(CompiledResource(address, kind, r.name, endpoint, raw_payload(r), deps, files))
    return CompiledStack(stack.name, tuple(out), stack.call_variables)


def resolve_refs(payload: Any, ids: Mapping[str, str]) -> Any:
    """Replace every ``$ref:<address>`` marker with the remote id in ``ids`` (address → id).

    >>> resolve_refs({"response_engine": {"llm_id": "$ref:llm.support"}}, {"llm.support": "llm_123"})
    {'response_engine': {'llm_id': 'llm_123'}}
    """

    def resolve(value: str) -> str:
        ref = Ref.parse(value)
        if ref is None:
            return value
        if ref.address not in ids:
            raise InvalidSpec(f"no remote id known for {ref.address!r} (referenced as {value!r})")
        return ids[ref.address]

    return map_strings(payload, resolve)


def ref_addresses(payload: object) -> Iterator[str]:
    """The address of every ``$ref:`` marker string in a payload, in order (repeats included).

    >>> list(ref_addresses({"response_engine": {"llm_id": "$ref:llm.support"}, "voice_id": "v"}))
    ['llm.support']
    """
    for value in json_strings(payload):
        ref = Ref.parse(value)
        if ref is not None:
            yield ref.address
