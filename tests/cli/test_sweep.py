"""``retell-dsl sweep`` against the served emulator: a plan first, ``--yes`` deletes, only what the prefix marks.

The objects come from a live session killed with SIGKILL mid-conversation (no teardown ran), and
from unmarked objects a sweep must never touch.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from retell_dsl.cli import app
from retell_dsl.deploy import find_leftovers
from retell_dsl.emulator.serve import ServedEmulator
from tests.plugin.live_standin import HELLO, KEY, live_env, remaining, standin
from tests.plugin.test_live_target import HOLD, _start, _wait_for


@pytest.fixture
def server() -> Iterator[ServedEmulator]:
    with standin() as served:
        yield served


def _sweep(server: ServedEmulator, *args: str) -> tuple[int, str]:
    env = {"RETELL_BASE_URL": server.base_url, "RETELL_API_KEY": KEY}
    result = CliRunner().invoke(app, ["sweep", "--target", "live", *args], env=env)
    return result.exit_code, result.output


def test_what_a_killed_run_left_is_planned_then_deleted(pytester: pytest.Pytester, server: ServedEmulator) -> None:
    pytester.makepyfile(test_hello=HELLO, test_hold=HOLD)
    proc = _start(pytester.path, server, "kill1")
    _wait_for(pytester.path / "ready", proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert sorted(remaining(server)["agents"]) == ["rdt-kill1-hello chat", "rdt-kill1-hello voice"]

    code, out = _sweep(server, "--prefix", "rdt-kill1-", "--older-than", "0s")
    assert code == 0, out
    assert "Sweep of objects named 'rdt-kill1-'… last changed at least 0s ago" in out
    assert "chat agent agent_" in out and "'rdt-kill1-hello chat'" in out and "'rdt-kill1-hello voice'" in out
    assert "conversation flow conversation_flow_" in out and "the engine of agent" in out
    assert "Sweep: 3 objects to delete. Run again with --yes to delete them." in out
    assert len(remaining(server)["agents"]) == 2  # a plan deletes nothing
    assert KEY not in out

    code, out = _sweep(server, "--prefix", "rdt-kill1-", "--older-than", "2h")
    assert code == 0 and "nothing to delete" in out  # too young for the default age

    code, out = _sweep(server, "--prefix", "rdt-kill1-", "--older-than", "0s", "--yes")
    assert code == 0, out
    assert out.count("  deleted ") == 3 and "Sweep: 3 deleted." in out
    assert remaining(server) == {"agents": [], "llms": [], "flows": [], "knowledge_bases": []}
    assert "nothing to delete" in _sweep(server, "--prefix", "rdt-kill1-", "--older-than", "0s")[1]


def test_nothing_the_prefix_does_not_mark_is_touched(server: ServedEmulator) -> None:
    client = server.client()
    shared = client.llm.create(general_prompt="shared").llm_id
    own = client.llm.create(general_prompt="own").llm_id
    engine = {"type": "retell-llm", "llm_id": shared}
    client.agent.create(response_engine=engine, voice_id="11labs-Adrian", agent_name="rdt-old1-test")
    client.agent.create(response_engine=engine, voice_id="11labs-Adrian", agent_name="Production front desk")
    client.chat_agent.create(response_engine={"type": "retell-llm", "llm_id": own}, agent_name="rdt-old1-chat")
    client.chat_agent.create(response_engine={"type": "retell-llm", "llm_id": own}, agent_name="rdt-other-chat")
    kb = client.knowledge_base.create(
        knowledge_base_name="rdt-old1-kb", knowledge_base_texts=[{"title": "a", "text": "b"}]
    )

    later = time.time() * 1000 + 3 * 3600 * 1000
    found = find_leftovers(client, prefix="rdt-old1-", older_than_s=2 * 3600, now_ms=later)
    kinds = sorted((lo.kind, lo.label) for lo in found.leftovers)
    # `own` stays: rdt-other-chat (another prefix) uses it; `shared`: the production agent uses it;
    # the knowledge base has no timestamp and its run id no start time: of unknown age, only `0s` sweeps it
    assert kinds == [("agent", "'rdt-old1-test'"), ("chat_agent", "'rdt-old1-chat'")]
    assert any(f"llm {shared}" in why and "which the sweep keeps" in why for why in found.kept)
    assert any(f"llm {own}" in why for why in found.kept)
    assert find_leftovers(client, prefix="rdt-old1-", older_than_s=2 * 3600).leftovers == []  # all fresh now
    everything = find_leftovers(client, prefix="rdt-old1-", older_than_s=0)
    assert kb.knowledge_base_id in {lo.remote_id for lo in everything.leftovers}
    assert "Production front desk" not in {lo.label.strip("'") for lo in everything.leftovers}


def test_bad_input_is_one_line(server: ServedEmulator) -> None:
    code, out = _sweep(server, "--older-than", "soon")
    assert code == 1 and out.strip().splitlines()[-1] == (
        "error: cannot read the age 'soon': write e.g. 30m, 2h, 1d or 1h30m"
    )
    code, out = _sweep(server, "--prefix", " ")
    assert code == 1 and "non-empty prefix" in out
    env = {"RETELL_BASE_URL": server.base_url, "RETELL_API_KEY": "key_wrong_123"}
    result = CliRunner().invoke(app, ["sweep", "--target", "live"], env=env)
    assert result.exit_code == 1 and "Traceback" not in result.output and "key_wrong_123" not in result.output
    assert "401" in result.output


def test_env_of_the_stand_in_has_the_key_only_in_the_environment(server: ServedEmulator) -> None:
    assert live_env(server)["RETELL_API_KEY"] == KEY
