"""syrupy snapshots of the compiled example stacks (byte-stable JSON)."""

from __future__ import annotations

import importlib

import pytest
from syrupy.assertion import SnapshotAssertion

from retell_dsl import compile, validate
from retell_dsl.compiler.stack import CompiledStack
from retell_dsl.validation.schema import schema_for

EXAMPLES = ["clinic_receptionist", "outbound_reminders", "support_agent"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_stack_compiles_to_snapshot(name: str, snapshot: SnapshotAssertion) -> None:
    module = importlib.import_module(f"examples.{name}")
    compiled = compile(module.stack)
    assert isinstance(compiled, CompiledStack)
    assert compiled.to_json() == snapshot
    assert compile(module.stack).to_json() == compiled.to_json()
    assert validate(module.stack).errors == ()
    _ = schema_for
