"""Fixtures: an in-memory emulator client and the seeded ids of one of everything."""

from __future__ import annotations

from pathlib import Path

import pytest
from retell import Retell

from retell_dsl.emulator import Emulator
from tests.toolkit.scenario import Seeded, seed


@pytest.fixture
def client() -> Retell:
    """A ``retell.Retell`` client bound to a fresh in-memory emulator."""
    return Emulator().client()


@pytest.fixture
def seeded(client: Retell, tmp_path: Path) -> Seeded:
    """Ids of an LLM, a flow, an agent, a number, a call and a knowledge base in the emulator."""
    return seed(client, tmp_path)
