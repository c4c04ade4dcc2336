"""Emulator throughput and latency, in process and over HTTP, measured side by side in one run.

    python3 benchmarks/emulator.py [--ops 4000] [--threads 2]

One realistic mix of operations (reads, lists, creates, partial updates) is measured four ways:

1. emulator core: the requests handed straight to ``Emulator.handle`` — the emulator's own
   capacity in process (the aim is at least 2,000 ops/s on 2 cores);
2. SDK in process: the official retell-sdk client over the in-process MockTransport;
3. SDK floor: the same client against a transport that returns a canned response at once,
   i.e. what the SDK itself costs per call; the gap between 2 and 3 is the emulator's share;
4. HTTP: the SDK client over real HTTP to uvicorn on loopback.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from retell import Retell

from retell_dsl.emulator import Emulator, EmuRequest
from retell_dsl.emulator.serve import serve_in_thread


def _mix(client: Any, llm_ids: list[str], agent_id: str) -> list[Callable[[], object]]:
    """One round of the workload: 10 operations in the proportions a deploy/test run makes them."""
    return [
        lambda: client.llm.retrieve(llm_ids[0]),
        lambda: client.agent.retrieve(agent_id),
        lambda: client.voice.retrieve("11labs-Adrian"),
        lambda: client.llm.list(limit=20),
        lambda: client.agent.list(limit=20),
        lambda: client.llm.update(llm_ids[1], general_prompt="updated"),
        lambda: client.agent.update(agent_id, agent_name="bench"),
        lambda: llm_ids.append(client.llm.create(general_prompt="bench").llm_id),
        client.concurrency.retrieve,
        lambda: client.llm.retrieve(llm_ids[-1]),
    ]


def _core_mix(emu: Emulator) -> list[Callable[[], object]]:
    """The same workload as raw requests to the core."""
    c = emu.client()
    llm_ids = [c.llm.create(general_prompt="seed").llm_id for _ in range(2)]
    agent_id = c.agent.create(
        response_engine={"type": "retell-llm", "llm_id": llm_ids[0]}, voice_id="11labs-Adrian"
    ).agent_id
    headers = {"authorization": f"Bearer {emu.api_key}", "content-type": "application/json"}

    def req(method: str, path: str, query: str = "", body: bytes = b"") -> Callable[[], object]:
        request = EmuRequest.build(method, path, query, headers, body)
        return lambda: emu.handle(request)

    return [
        req("GET", f"/get-retell-llm/{llm_ids[0]}"),
        req("GET", f"/get-agent/{agent_id}"),
        req("GET", "/get-voice/11labs-Adrian"),
        req("GET", "/v2/list-retell-llms", "limit=20"),
        req("POST", "/v2/list-agents", "limit=20", b"{}"),
        req("PATCH", f"/update-retell-llm/{llm_ids[1]}", body=b'{"general_prompt":"updated"}'),
        req("PATCH", f"/update-agent/{agent_id}", body=b'{"agent_name":"bench"}'),
        req("POST", "/create-retell-llm", body=b'{"general_prompt":"bench"}'),
        req("GET", "/get-concurrency"),
        req("GET", f"/get-retell-llm/{llm_ids[1]}"),
    ]


def _run(make_mix: Callable[[], list[Callable[[], object]]], ops: int, threads: int) -> tuple[float, list[float]]:
    """Run ``ops`` operations over ``threads`` threads; each thread gets its own mix (and client)."""
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        mix = make_mix()
        mine = []
        for i in range(n):
            t0 = time.perf_counter()
            mix[i % len(mix)]()
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=worker, args=(ops // threads,)) for _ in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter() - start, latencies


def _canned_client() -> Any:
    """An SDK client whose transport answers at once with a fixed LLM: the SDK's own cost per call."""
    payload = {"llm_id": "llm_x", "last_modification_timestamp": 0, "version": 0, "general_prompt": "p"}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=payload))
    return Retell(api_key="k", base_url="http://canned.invalid", http_client=httpx.Client(transport=transport))


def _sdk_mix(client: Any) -> list[Callable[[], object]]:
    """Seed an LLM pair and an agent through the SDK, then return the mix bound to them."""
    llm_ids = [client.llm.create(general_prompt="seed").llm_id for _ in range(2)]
    agent_id = client.agent.create(
        response_engine={"type": "retell-llm", "llm_id": llm_ids[0]}, voice_id="11labs-Adrian"
    ).agent_id
    return _mix(client, llm_ids, agent_id)


def _report(label: str, elapsed: float, latencies: list[float]) -> float:
    ops = len(latencies)
    q = statistics.quantiles(latencies, n=100)
    rate = ops / elapsed
    print(f"{label:<24} {ops:>6} ops  {rate:>8.0f} ops/s   p50 {q[49] * 1000:6.2f} ms   p99 {q[98] * 1000:6.2f} ms")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ops", type=int, default=4000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    emu = Emulator()
    core = _report("emulator core (1 thread)", *_run(lambda: _core_mix(emu), args.ops, 1))
    shared = Emulator()
    _report(f"emulator core ({args.threads} thr.)", *_run(lambda: _core_mix(shared), args.ops, args.threads))
    sdk = _report("SDK in process (1 thr.)", *_run(lambda: _sdk_mix(Emulator().client()), args.ops, 1))
    shared_sdk = Emulator()
    _report(
        f"SDK in process ({args.threads} thr.)", *_run(lambda: _sdk_mix(shared_sdk.client()), args.ops, args.threads)
    )
    canned = _canned_client()
    floor = _report("SDK floor (canned)", *_run(lambda: [lambda: canned.llm.retrieve("llm_x")], args.ops, 1))

    served = serve_in_thread(Emulator())
    try:
        http = _report("SDK over HTTP (1 thr.)", *_run(lambda: _sdk_mix(served.client()), args.ops // 2, 1))
        _report(
            f"SDK over HTTP ({args.threads} thr.)",
            *_run(lambda: _sdk_mix(served.client()), args.ops // 2, args.threads),
        )
    finally:
        served.stop()
    print()
    print(
        f"the emulator core is {sdk / core:.0%} of an in-process SDK round trip on this mix; "
        f"the SDK alone tops out near {floor:.0f} ops/s on a single small get"
    )
    print(f"in-process SDK / HTTP throughput ratio: {sdk / http:.1f}x")
    verdict = "meets" if core >= 2000 else "MISSES"
    print(f"emulator core: {core:.0f} ops/s single-threaded, which {verdict} the 2,000 ops/s aim")


if __name__ == "__main__":
    main()
