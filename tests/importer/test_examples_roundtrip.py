"""Deploy each example stack to the emulator, import its agents, and compile the generated code."""

from __future__ import annotations

import importlib

import pytest

from retell_dsl import compile
from retell_dsl.emulator import Emulator
from retell_dsl.importer import import_agents
from tests.importer.roundtrip import comparable, deploy, exec_source, extras, recompiled

EXAMPLES = ["clinic_receptionist", "support_agent", "outbound_reminders"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_import_reproduces_every_payload(name: str) -> None:
    stack = importlib.import_module(f"examples.{name}").stack
    client = Emulator().client()
    ids = deploy(client, stack)
    agents = [rid for address, rid in ids.items() if address.startswith("agent.")]
    imported = import_agents(client, agents, stack_name=stack.name)
    again = recompiled(imported)
    assert sorted(again) == sorted(r.address for r in imported.resources)
    for r in imported.resources:
        assert comparable(again[r.address]) == comparable(r.payload), r.address
    # the examples use typed builders only, so nothing of theirs may come back as extra=
    assert extras(exec_source(imported.source)) == {}
    # and the imported payloads are what the example itself compiled to (refs resolved)
    from retell_dsl import resolve_refs

    originals = {
        ids[r.address]: resolve_refs(dict(r.payload), ids)
        for r in compile(stack).resources
        if r.kind in ("llm", "conversation_flow", "agent")
    }
    for r in imported.resources:
        if r.remote_id in originals:
            assert comparable(r.payload) == comparable(originals[r.remote_id]), r.address
