"""8 client threads x 500 mixed operations against the served emulator (SQLite file): zero errors,
and the final state reconciles exactly with what each thread wrote."""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

import pytest

from retell_dsl.emulator import Emulator
from retell_dsl.emulator.serve import serve_in_thread

THREADS = 8
OPS_PER_THREAD = 500


def _worker(client: Any, tid: int, expected: dict[str, dict[str, Any]], errors: list[BaseException]) -> None:
    """Random creates/updates/reads/lists/deletes; records the expected end state of everything it owns."""
    rng = random.Random(tid)
    mine_llms: list[str] = []
    mine_agents: list[str] = []
    try:
        for op in range(OPS_PER_THREAD):
            roll = rng.random()
            if roll < 0.2 or not mine_llms:
                llm = client.llm.create(general_prompt=f"t{tid}-op{op}")
                mine_llms.append(llm.llm_id)
                expected[llm.llm_id] = {"kind": "llm", "general_prompt": f"t{tid}-op{op}"}
            elif roll < 0.35:
                llm_id = rng.choice(mine_llms)
                agent = client.agent.create(
                    response_engine={"type": "retell-llm", "llm_id": llm_id},
                    voice_id="11labs-Adrian",
                    agent_name=f"t{tid}-a{op}",
                )
                mine_agents.append(agent.agent_id)
                expected[agent.agent_id] = {"kind": "agent", "agent_name": f"t{tid}-a{op}", "llm_id": llm_id}
            elif roll < 0.55:
                llm_id = rng.choice(mine_llms)
                client.llm.update(llm_id, general_prompt=f"t{tid}-upd{op}")
                expected[llm_id]["general_prompt"] = f"t{tid}-upd{op}"
            elif roll < 0.65 and mine_agents:
                agent_id = rng.choice(mine_agents)
                client.agent.update(agent_id, agent_name=f"t{tid}-ren{op}")
                expected[agent_id]["agent_name"] = f"t{tid}-ren{op}"
            elif roll < 0.75 and mine_agents:
                agent_id = mine_agents.pop(rng.randrange(len(mine_agents)))
                client.agent.delete(agent_id)
                del expected[agent_id]
            elif roll < 0.8:
                in_use = {expected[a]["llm_id"] for a in mine_agents}
                free = [x for x in mine_llms if x not in in_use]
                if free:
                    llm_id = free[rng.randrange(len(free))]
                    mine_llms.remove(llm_id)
                    client.llm.delete(llm_id)
                    del expected[llm_id]
            elif roll < 0.9:
                llm_id = rng.choice(mine_llms)
                assert client.llm.retrieve(llm_id).general_prompt == expected[llm_id]["general_prompt"]
            else:
                client.llm.list(limit=5)
    except BaseException as exc:  # surfaced by the main thread
        errors.append(exc)


def _list_all(client: Any, resource: Any, id_field: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    key = None
    while True:
        page = resource.list(limit=1000, **({"pagination_key": key} if key else {}))
        out.update({getattr(item, id_field): item for item in page.items})
        if not page.has_more:
            return out
        key = page.pagination_key


@pytest.mark.slow
def test_eight_threads_of_mixed_operations_lose_nothing(tmp_path: Path) -> None:
    server = serve_in_thread(Emulator(tmp_path / "emulator.sqlite"))
    try:
        expected: list[dict[str, dict[str, Any]]] = [{} for _ in range(THREADS)]
        errors: list[BaseException] = []
        clients = [server.client() for _ in range(THREADS)]
        threads = [threading.Thread(target=_worker, args=(clients[i], i, expected[i], errors)) for i in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        want = {k: v for part in expected for k, v in part.items()}
        client = server.client()
        llms = _list_all(client, client.llm, "llm_id")
        agents = _list_all(client, client.agent, "agent_id")
        assert set(llms) == {k for k, v in want.items() if v["kind"] == "llm"}
        assert set(agents) == {k for k, v in want.items() if v["kind"] == "agent"}
        for llm_id, llm in llms.items():
            assert llm.general_prompt == want[llm_id]["general_prompt"]
        for agent_id, agent in agents.items():
            assert agent.agent_name == want[agent_id]["agent_name"]
            full = client.agent.retrieve(agent_id)
            assert full.response_engine.llm_id == want[agent_id]["llm_id"]
    finally:
        server.stop()
        server.emulator.close()

    # A restart on the same file keeps everything.
    reopened = Emulator(tmp_path / "emulator.sqlite")
    c = reopened.client()
    assert set(_list_all(c, c.llm, "llm_id")) == set(llms)
    reopened.close()
