"""Deploy speed on the emulator with injected latency, measured side by side in one run.

    python3 benchmarks/deploy.py [--latency-ms 50] [--concurrency 16]

A 50-resource stack (10 knowledge bases → 10 LLMs → 20 agents → 10 phone numbers, four levels
deep) is deployed three ways against the emulator served over HTTP in its own process (as the
real API would be), adding the same latency to every request:

* our ``apply`` (dependency-ordered, concurrent);
* a naive script creating the same payloads one by one with retell-sdk;
* the critical-path floor: depth of the dependency graph x latency.

It also counts the requests a no-op plan makes (one read per owned object, run concurrently).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from retell import Retell

from retell_dsl import Agent, KnowledgeBase, PhoneNumber, RetellLLM, Stack, compile, resolve_refs
from retell_dsl.deploy import Project


def build_stack() -> Stack:
    stack = Stack(name="bench")
    for i in range(10):
        kb = KnowledgeBase(name=f"kb-{i}").text("Hours", f"Branch {i} opens at 9.")
        llm = RetellLLM(name=f"llm-{i}", model="gpt-4.1").prompt(f"You answer for branch {i}.").knowledge(kb)
        agents = [Agent(name=f"agent-{i}-{j}", voice="11labs-Adrian", engine=llm) for j in range(2)]
        stack = stack.add(*agents, PhoneNumber(name=f"line-{i}", area_code=415).inbound_to(agents[0]))
    return stack


def depth(compiled: Any) -> int:
    level: dict[str, int] = {}
    for r in compiled.resources:  # dependency order
        level[r.address] = 1 + max((level[d] for d in r.depends_on), default=0)
    return max(level.values())


def serve(latency_ms: float) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``retell-dsl emulator`` in its own process; returns it and its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [sys.executable, "-m", "retell_dsl", "emulator", "--port", str(port), "--db", ":memory:",
           "--api-key", "key_bench", "--latency-ms", str(latency_ms)]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
    for _ in range(200):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc, f"http://127.0.0.1:{port}"
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("the emulator did not start")


def naive(client: Retell, compiled: Any) -> float:
    """What a hand-written script does: create each resource in order, one request at a time."""
    ids: dict[str, str] = {}
    start = time.perf_counter()
    for r in compiled.resources:
        payload = resolve_refs(dict(r.payload), ids)
        if r.kind == "knowledge_base":
            ids[r.address] = client.knowledge_base.create(**payload).knowledge_base_id
        elif r.kind == "llm":
            ids[r.address] = client.post("/create-retell-llm", body=payload, cast_to=object)["llm_id"]  # type: ignore[index]
        elif r.kind == "agent":
            ids[r.address] = client.post("/create-agent", body=payload, cast_to=object)["agent_id"]  # type: ignore[index]
        elif r.kind == "phone_number":
            ids[r.address] = client.post("/create-phone-number", body=payload, cast_to=object)["phone_number"]  # type: ignore[index]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--concurrency", type=int, default=Project.concurrency)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    latency = args.latency_ms / 1000

    stack = build_stack()
    compiled = compile(stack)
    levels = depth(compiled)
    print(f"stack: {len(compiled.resources)} resources, dependency depth {levels}, {args.latency_ms:g} ms per request")

    server, base_url = serve(args.latency_ms)
    try:
        run(args, compiled, levels, latency, Retell(api_key="key_bench", base_url=base_url, max_retries=0))
    finally:
        server.terminate()
        server.wait()


def run(args: Any, compiled: Any, levels: int, latency: float, client: Retell) -> None:
    client.voice.list()  # open the connection once, so neither contender pays for the first handshake
    applies: list[float] = []
    naives: list[float] = []
    for _ in range(args.repeat):  # alternate the contenders so both see the same machine noise
        project = Project(Path(tempfile.mkdtemp()), environment="bench", concurrency=args.concurrency)
        plan = project.plan(compiled, client)
        t0 = time.perf_counter()
        # every run deploys another copy on purpose (a fresh state each time): no lost-state check
        result = project.apply(plan, client, allow_duplicates=True)
        applies.append(time.perf_counter() - t0)
        naives.append(naive(client, compiled))
    gw = project.gateway(client)
    t0 = time.perf_counter()
    noop = project.plan(compiled, client, gateway=gw)
    t_noop = time.perf_counter() - t0
    assert not noop.has_changes
    t_apply, t_naive = statistics.median(applies), statistics.median(naives)
    floor = levels * latency

    print(f"median of {args.repeat} runs each:")
    print(
        f"  our apply ({args.concurrency} workers)   {t_apply:6.2f} s   {result.requests} requests"
        f"   (best {min(applies):.2f} s, worst {max(applies):.2f} s)"
    )
    print(f"  naive sequential script     {t_naive:6.2f} s   {len(compiled.resources)} requests")
    print(f"  critical-path floor         {floor:6.2f} s   ({levels} levels x {args.latency_ms:g} ms)")
    print(f"  no-op plan after apply      {t_noop:6.2f} s   {gw.requests} requests (one read per owned object)")
    print()
    print(f"apply / floor: {t_apply / floor:.2f}x (aim: within 1.5x)   naive / apply: {t_naive / t_apply:.1f}x")


if __name__ == "__main__":
    main()
