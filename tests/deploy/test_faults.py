"""Apply converges through injected 429s, 500s and lost responses, without duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest

from retell_dsl.checked import compile
from retell_dsl.deploy import Gateway, Project
from retell_dsl.emulator import Emulator
from tests.deploy.stacks import support


def _no_sleep(_: float) -> None:
    return


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_apply_converges_with_20_percent_429_and_500(tmp_path: Path, seed: int) -> None:
    emu = Emulator(fault_seed=seed)
    emu.faults.add("*", error_rate=0.2, error_statuses=(429, 500), retry_after_s=0)
    client = emu.client()
    gw = Gateway(client, sleep=_no_sleep)
    project = Project(tmp_path, environment="faulty")
    stack = support(with_sales=True)
    project.apply(project.plan(stack, client, gateway=gw), client, gateway=gw)
    assert project.plan(stack, client, gateway=gw).steps == []
    assert gw.requests > len(compile(stack).resources)  # faults really happened and were retried
    emu.faults.clear()
    dump = emu.dump()
    assert len(dump["llm"]) == 2 and len(dump["agent"]) == 2 and len(dump["phone_number"]) == 1


def test_lost_create_responses_are_adopted_not_duplicated(tmp_path: Path) -> None:
    emu = Emulator(fault_seed=1)  # a seed whose draws lose some responses
    emu.faults.add("POST /create-*", lose_response_rate=0.5)
    client = emu.client()
    gw = Gateway(client, sleep=_no_sleep)
    project = Project(tmp_path, environment="lossy")
    stack = support(with_sales=True)
    result = project.apply(project.plan(stack, client, gateway=gw), client, gateway=gw)
    assert result.adopted, "some creates lost their response and were found again"
    emu.faults.clear()
    dump = emu.dump()
    assert len(dump["llm"]) == 2 and len(dump["agent"]) == 2 and len(dump["knowledge_base"]) == 1
    assert len(dump["phone_number"]) == 1
    assert project.plan(stack, client).steps == []


def test_retry_after_is_honoured(tmp_path: Path) -> None:
    emu = Emulator()
    emu.faults.add("POST /create-retell-llm", error_rate=1.0, error_statuses=(429,), retry_after_s=3, times=2)
    slept: list[float] = []
    client = emu.client()
    gw = Gateway(client, sleep=slept.append)
    project = Project(tmp_path)
    project.apply(project.plan(support(with_number=False), client, gateway=gw), client, gateway=gw)
    assert slept == [3.0, 3.0]
