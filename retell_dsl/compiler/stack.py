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

from retell_dsl.builders._base import UNSET
from retell_dsl.builders.agent import Agent
from retell_dsl.builders.batch import BatchCall
from retell_dsl.builders.flow import AgentSwapNode, ConversationFlow, ConversationNode, Node, SubagentNode, TransferNode
from retell_dsl.builders.kb import KnowledgeBase
from retell_dsl.builders.llm import RetellLLM
from retell_dsl.builders.phone import PhoneNumber
from retell_dsl.builders.stack import KIND_ORDER, Ref, Resource, Stack, kind_of
from retell_dsl.builders.tools import AgenticWarmTransfer, AgentSwap, Tool, TransferCall
from retell_dsl.compiler._wire import JSON
from retell_dsl.compiler.agent import compile_agent
from retell_dsl.compiler.flow import compile_flow
from retell_dsl.compiler.llm import compile_llm
from retell_dsl.compiler.resources import compile_batch_call, compile_knowledge_base, compile_phone_number
from retell_dsl.errors import InvalidSpec

__all__ = ["CompiledResource", "CompiledStack", "collect", "dependencies", "raw_payload", "resolve_refs"]

ENDPOINTS = {
    "knowledge_base": "create-knowledge-base",
    "llm": "create-retell-llm",
    "conversation_flow": "create-conversation-flow",
    "agent": "create-agent",
    "phone_number": "create-phone-number",
    "batch_call": "create-batch-call",
}


def raw_payload(resource: Resource) -> JSON:
    """The payload of one resource, without any checks."""
    compilers: dict[type, Callable[[Any], JSON]] = {
        KnowledgeBase: compile_knowledge_base,
        RetellLLM: compile_llm,
        ConversationFlow: compile_flow,
        Agent: compile_agent,
        PhoneNumber: compile_phone_number,
        BatchCall: compile_batch_call,
    }
    return compilers[type(resource)](resource)


def _tool_deps(tools: tuple[Tool, ...]) -> Iterator[Resource]:
    for t in tools:
        if isinstance(t, AgentSwap) and isinstance(t.agent, Agent):
            yield t.agent
        option = t.option if isinstance(t, TransferCall) else None
        if isinstance(option, AgenticWarmTransfer) and isinstance(option.transfer_agent, Agent):
            yield option.transfer_agent


def _node_deps(nodes: tuple[Node, ...]) -> Iterator[Resource]:
    for n in nodes:
        if isinstance(n, ConversationNode):
            yield from (kb for kb in n.knowledge_bases if isinstance(kb, KnowledgeBase))
        if isinstance(n, SubagentNode):
            yield from _tool_deps(n.tools)
        if isinstance(n, AgentSwapNode) and isinstance(n.agent, Agent):
            yield n.agent
        option = n.option if isinstance(n, TransferNode) else None
        if isinstance(option, AgenticWarmTransfer) and isinstance(option.transfer_agent, Agent):
            yield option.transfer_agent


def dependencies(resource: Resource) -> tuple[Resource, ...]:
    """The resource specs this one refers to directly."""
    out: list[Resource] = []
    if isinstance(resource, RetellLLM):
        out += [kb for kb in resource.knowledge_bases if isinstance(kb, KnowledgeBase)]
        out += _tool_deps(resource.tools)
        for s in resource.states:
            out += _tool_deps(s.tools)
    elif isinstance(resource, ConversationFlow):
        out += [kb for kb in resource.knowledge_bases if isinstance(kb, KnowledgeBase)]
        out += _node_deps(resource.nodes)
        for c in resource.components:
            out += _node_deps(c.nodes)
    elif isinstance(resource, Agent):
        if isinstance(resource.engine, RetellLLM | ConversationFlow):
            out.append(resource.engine)
    elif isinstance(resource, PhoneNumber):
        out += [b.agent for b in (*resource.inbound, *resource.outbound) if isinstance(b.agent, Agent)]
    elif isinstance(resource, BatchCall):
        if isinstance(resource.from_number, PhoneNumber):
            out.append(resource.from_number)
        out += [t.agent for t in resource.tasks if isinstance(t.agent, Agent)]
    return tuple(out)


def collect(roots: tuple[Resource, ...]) -> dict[str, list[Resource]]:
    """Every resource reachable from ``roots``, by address (several specs may claim one address)."""
    found: dict[str, list[Resource]] = {}
    stack = list(reversed(roots))
    while stack:
        r = stack.pop()
        address = Ref.to(r).address
        claims = found.setdefault(address, [])
        if any(c is r or c == r for c in claims):
            continue
        claims.append(r)
        stack.extend(reversed(dependencies(r)))
    return found


def dependency_order(found: Mapping[str, list[Resource]]) -> list[str]:
    """Addresses with dependencies first; ties broken by kind then name. Cycles are appended last."""
    deps = {a: {Ref.to(d).address for d in dependencies(rs[0])} - {a} for a, rs in found.items()}
    rank = {k: i for i, k in enumerate(KIND_ORDER)}

    def key(address: str) -> tuple[int, str]:
        return rank[kind_of(found[address][0])], address

    done: list[str] = []
    placed: set[str] = set()
    pending = sorted(found, key=key)
    while pending:
        ready = [a for a in pending if deps[a] <= placed]
        if not ready:  # a reference cycle: validate reports it; keep a stable order anyway
            ready = pending[:1]
        for a in ready:
            done.append(a)
            placed.add(a)
        pending = [a for a in pending if a not in placed]
    return done


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
    if isinstance(payload, str):
        ref = Ref.parse(payload)
        if ref is None:
            return payload
        if ref.address not in ids:
            raise InvalidSpec(f"no remote id known for {ref.address!r} (referenced as {payload!r})")
        return ids[ref.address]
    if isinstance(payload, Mapping):
        return {k: resolve_refs(v, ids) for k, v in payload.items()}
    if isinstance(payload, list | tuple):
        return [resolve_refs(v, ids) for v in payload]
    return payload
