"""Every compiled resource is accepted by the emulator through the official retell-sdk client."""

from __future__ import annotations

from typing import Any

import pytest

from retell_dsl import compile, resolve_refs
from retell_dsl.compiler.stack import CompiledStack

emulator = pytest.importorskip("retell_dsl.emulator")


def _create(client: Any, kind: str, endpoint: str, payload: dict[str, Any]) -> str:
    if kind == "knowledge_base":
        return str(client.knowledge_base.create(**payload).knowledge_base_id)
    if kind == "llm":
        return str(client.llm.create(**payload).llm_id)
    if kind == "conversation_flow":
        return str(client.conversation_flow.create(**payload).conversation_flow_id)
    if kind == "agent":
        return str(client.agent.create(**payload).agent_id)
    if kind == "phone_number":
        create = client.phone_number.import_ if endpoint == "import-phone-number" else client.phone_number.create
        return str(create(**payload).phone_number)
    return str(client.batch_call.create_batch_call(**payload).batch_call_id)


@pytest.mark.parametrize("name", ["clinic_receptionist", "outbound_reminders", "support_agent"])
def test_emulator_creates_every_compiled_resource(name: str) -> None:
    import importlib

    module = importlib.import_module(f"examples.{name}")
    compiled = compile(module.stack)
    assert isinstance(compiled, CompiledStack)
    client = emulator.Emulator().client()
    ids: dict[str, str] = {}
    for resource in compiled.resources:
        payload = resolve_refs(resource.payload, ids)
        ids[resource.address] = _create(client, resource.kind, resource.endpoint, payload)
    assert set(ids) == set(compiled.addresses)
