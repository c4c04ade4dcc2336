"""Run-scoped names: the objects a test run deploys carry a prefix naming the run.

Retell objects have no tags, so a run marks what it creates by name: ``rdt-<run id>-`` goes in
front of every name a Retell object carries (agents' ``agent_name``, knowledge bases'
``knowledge_base_name``, components' ``name``, phone numbers' ``nickname``, campaigns' ``name``;
test-case definitions are named the same way by the conversation driver). Two runs never collide,
a person can tell test objects from production ones, and ``retell-dsl sweep`` finds what a killed
run left (:mod:`retell_dsl.deploy.sweep`). Retell LLMs and conversation flows carry no name: they
are marked by the agents that use them.

>>> prefix = run_prefix("ci42")
>>> prefix
'rdt-ci42-'
>>> from retell_dsl import ChatAgent, ConversationFlow, EndNode, Stack, compile
>>> flow = ConversationFlow(name="f", start_speaker="agent").start_at("bye")
>>> flow = flow.node(EndNode(name="bye", static_text="Bye"))
>>> scoped = run_scoped(compile(Stack(name="s").add(ChatAgent(name="shop chat", engine=flow))), prefix)
>>> scoped["chat_agent.shop chat"].payload["agent_name"]
'rdt-ci42-shop chat'
>>> check_run_id("a-b")
Traceback (most recent call last):
...
retell_dsl.ConfigurationError: run id 'a-b' ...
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from retell_dsl.errors import ConfigurationError

if TYPE_CHECKING:
    from retell_dsl.compiler import CompiledStack

__all__ = ["NAME_FIELDS", "RUN_ID_ENV", "RUN_PREFIX", "check_run_id", "new_run_id", "run_prefix", "run_scoped"]

#: What every run-scoped name starts with (``rdt``: retell-dsl test).
RUN_PREFIX = "rdt-"
#: Where a CI job can give its own run id (e.g. ``RETELL_RUN_ID=$GITHUB_RUN_ID``).
RUN_ID_ENV = "RETELL_RUN_ID"
#: The field that names an object of each kind (LLMs and flows have none).
NAME_FIELDS = {
    "agent": "agent_name",
    "chat_agent": "agent_name",
    "knowledge_base": "knowledge_base_name",
    "component": "name",
    "phone_number": "nickname",
    "batch_call": "name",
}
_RUN_ID = re.compile(r"[A-Za-z0-9_.]{1,32}")


def check_run_id(run_id: str) -> str:
    """``run_id`` if it is usable in a prefix: letters, digits, ``_`` and ``.``, at most 32.

    A ``-`` is refused: run ``1``'s prefix ``rdt-1-`` would otherwise also mark run ``1-2``'s objects.
    """
    if not _RUN_ID.fullmatch(run_id):
        raise ConfigurationError(
            f"run id {run_id!r} must be 1 to 32 letters, digits, '_' or '.' (no '-': the prefix ends at the "
            "first '-' after the id, so another run's id must never extend this one)"
        )
    return run_id


def new_run_id() -> str:
    """A fresh run id: the UTC minute it started (for people) and 4 random hex digits (for uniqueness)."""
    return time.strftime("%y%m%d%H%M", time.gmtime()) + secrets.token_hex(2)


def run_prefix(run_id: str, worker: str | None = None) -> str:
    """``rdt-<run id>-`` (``rdt-<run id>-<worker>-`` for one xdist worker of the run)."""
    prefix = RUN_PREFIX + check_run_id(run_id) + "-"
    return prefix + check_run_id(worker) + "-" if worker else prefix


def run_scoped(compiled: CompiledStack, prefix: str) -> CompiledStack:
    """``compiled`` with ``prefix`` in front of every object's name (a name the code left unset gets the spec's)."""
    resources = []
    for r in compiled.resources:
        name_field = NAME_FIELDS.get(r.kind)
        if name_field is None:
            resources.append(r)
            continue
        current = r.payload.get(name_field)
        named = current if isinstance(current, str) and current else r.name
        resources.append(replace(r, payload={**r.payload, name_field: prefix + named}))
    return replace(compiled, resources=tuple(resources))
