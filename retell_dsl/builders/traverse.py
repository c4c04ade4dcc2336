"""Walk the spec graph: which resources a spec refers to, everything reachable, in dependency order.

Specs refer to each other directly (an agent holds its engine, an LLM its knowledge bases, a
transfer its agent ...). These functions follow those references over builder objects only; the
compiler uses them to compile a Stack and validation to check every reachable resource.

>>> from retell_dsl.builders.agent import Agent
>>> from retell_dsl.builders.llm import RetellLLM
>>> llm = RetellLLM(name="support", model="gpt-4.1", general_prompt="Be kind.")
>>> agent = Agent(name="Support", voice="11labs-Adrian", engine=llm)
>>> dependencies(agent) == (llm,)
True
>>> list(collect((agent,)))
['agent.Support', 'llm.support']
>>> dependency_order(collect((agent,)))
['llm.support', 'agent.Support']
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from retell_dsl.builders.agent import Agent
from retell_dsl.builders.batch import BatchCall
from retell_dsl.builders.chat_agent import ChatAgent
from retell_dsl.builders.flow import (
    AgentSwapNode,
    ComponentNode,
    ConversationFlow,
    ConversationNode,
    Node,
    SubagentNode,
    TransferNode,
)
from retell_dsl.builders.flow.shared import SharedComponent
from retell_dsl.builders.kb import KnowledgeBase
from retell_dsl.builders.llm import RetellLLM
from retell_dsl.builders.phone import PhoneNumber
from retell_dsl.builders.stack import KIND_ORDER, Ref, Resource, kind_of
from retell_dsl.builders.tools import AgenticWarmTransfer, AgentSwap, Tool, TransferCall

__all__ = ["collect", "dependencies", "dependency_order"]


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
        if isinstance(n, ComponentNode) and isinstance(n.component, SharedComponent):
            yield n.component
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
    elif isinstance(resource, SharedComponent):
        out += _node_deps(resource.nodes)
    elif isinstance(resource, Agent | ChatAgent):
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
