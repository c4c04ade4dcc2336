"""What pytest-retell costs: conversations through pytest vs driven directly, and pytest's start-up with the plugin.

    python3 benchmarks/plugin.py [--tests 200] [--runs 7]

Measured in one run, on the machine this runs on (its CPU count and load average are printed
with the figures, since the machine may be shared). The aims are checked on CPU time (user +
system of each subprocess), which a busy machine changes far less than wall time; wall time is
printed beside it:

1. overhead: ``--tests`` scripted-conversation tests (deploy the stack, script the agent's turns
   with ``retell_model``, chat, assert with ``result.expect``) run by ``pytest`` in a fresh
   project, against the same conversations driven directly through the driver and the engine
   (``retell_dsl.conversations``: ``plug_engine``, ``chat``, ``ScriptedModel``) by a plain script.
   Both run in a subprocess of their own, so both pay for starting Python and importing the
   engine; pytest loads only this plugin (``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 -p
   pytest_retell.plugin``: other installed plugins' start-up is not this plugin's overhead).
   The aim is pytest <= 1.3 x direct.
2. start-up: ``pytest --collect-only`` on a small project that does not use the plugin, with the
   plugin loaded (its ``pytest11`` entry point) and with ``-p no:retell``; the median of
   ``--runs`` interleaved runs each. The aim is a difference <= 50 ms. The plugin's header line
   (``plugins: ... retell-dsl``) is checked, so the two runs really differ by the plugin.

Python's bytecode cache is on in the children, as on a user's machine, and warmed by one
unmeasured run before each figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["Run", "collect_only", "main", "overhead", "write_projects"]

AGENTS = """
from retell_dsl import ChatAgent, ConversationFlow, ConversationNode, EndNode, Stack
from retell_dsl.conversations import Rule

flow = (
    ConversationFlow(name="shop", start_speaker="agent", model="gpt-4.1")
    .defaults(customer="there")
    .start_at("greet")
    .node(
        ConversationNode(name="greet", static_text="Hi {{customer}}! Pickup or delivery?")
        .to("deliver", when="The caller wants delivery")
        .otherwise("pickup")
    )
    .node(EndNode(name="deliver", static_text="Delivery it is, see you soon!"))
    .node(EndNode(name="pickup", static_text="Pickup it is, see you soon!"))
)
stack = Stack(name="shop").add(ChatAgent(name="shop chat", engine=flow))
RULES = (Rule(node="greet", purpose="prompt_condition", user="deliver").transition("deliver"),)


def check(result, i):
    result.expect.next_transition(to="greet").next_message(contains=f"Hi C{i}!").next_message(
        role="user", contains="deliver").next_transition(to="deliver").next_message(
        contains="Delivery it is").no_more_events()
    result.expect.ended_by("agent_hangup").path("greet", "deliver").never_visited("pickup")
"""

TEST = """
import pytest
from agents import RULES, check, stack

@pytest.mark.parametrize("i", range({tests}))
def test_delivery(i, retell_deploy, retell_chat, retell_model):
    retell_model.add(*RULES)
    chat = retell_chat(retell_deploy(stack), "shop chat", dynamic_variables={{"customer": f"C{{i}}"}})
    assert chat.send("Please deliver it").ended
    check(chat.end(), i)
"""

DIRECT = """
import sys, tempfile
from pathlib import Path
from agents import RULES, check, stack
from pytest_retell.deploying import Deployments
from retell_dsl.conversations import ScriptedModel, ToolMocks, chat, configured_model, plug_engine
from retell_dsl.target import resolve_target

target = resolve_target("emulator", emulator_db=":memory:")
deployments = Deployments(target, Path(tempfile.mkdtemp()))
for i in range(int(sys.argv[1])):
    deployed = deployments.deploy(stack)
    engine, switch = plug_engine(target, ToolMocks(), configured_model(None))
    model = switch.current = ScriptedModel(*RULES)
    conversation = chat(deployed.client, deployed.chat_agent_id("shop chat"), dynamic_variables={"customer": f"C{i}"})
    assert conversation.send("Please deliver it").ended
    check(conversation.end(), i)
    model.assert_complete()
    engine.close()
"""

PLAIN = """
import pytest

@pytest.mark.parametrize("n", range(10))
def test_numbers(n):
    assert n * 2 == n + n

def test_{name}():
    assert "{name}".upper() == "{upper}"
"""


def write_projects(root: Path, tests: int) -> tuple[Path, Path]:
    """The conversation project (``agents.py``, the test file, ``direct.py``) and a plain small project."""
    talk, plain = root / "conversations", root / "plain"
    talk.mkdir()
    plain.mkdir()
    (talk / "agents.py").write_text(textwrap.dedent(AGENTS), encoding="utf-8")
    (talk / "test_conversations.py").write_text(TEST.format(tests=tests), encoding="utf-8")
    (talk / "direct.py").write_text(DIRECT, encoding="utf-8")
    for name in ("alpha", "beta", "gamma"):
        (plain / f"test_{name}.py").write_text(PLAIN.format(name=name, upper=name.upper()), encoding="utf-8")
    (plain / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n", encoding="utf-8")
    return talk, plain


def _env() -> dict[str, str]:
    """The children's environment: offline, this checkout first, and Python's bytecode cache on.

    ``PYTHONDONTWRITEBYTECODE`` is dropped (set on some CI machines, including the one this was
    written on): without the cache every run compiles the plugin's modules from source again,
    ~0.25 s here, which no user with a normal install pays after the first run.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RETELL_", "OPENAI_", "PYTEST_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


@dataclass(frozen=True)
class Run:
    """One subprocess run: its CPU seconds (user + system, the figure compared) and wall seconds."""

    cpu_s: float
    wall_s: float


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(
    args: Sequence[str], cwd: Path, timeout_s: float = 300.0, extra_env: dict[str, str] | None = None
) -> tuple[Run, str]:
    """One subprocess run (children run one at a time, so the children's CPU delta is its own), and its output."""
    env = {**_env(), **(extra_env or {})}
    cpu, start = _cpu(), time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout_s, check=False)
    run = Run(_cpu() - cpu, time.perf_counter() - start)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return run, done.stdout


def overhead(project: Path, tests: int) -> tuple[Run, Run]:
    """(the run through pytest, the run driven directly) of ``tests`` conversations."""
    only_ours = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}  # other installed plugins' cost is not the plugin's
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_retell.plugin"]
    _timed([sys.executable, "direct.py", "1"], project)  # unmeasured: fills the bytecode cache
    through, out = _timed(args, project, extra_env=only_ours)
    if f"{tests} passed" not in out:
        raise RuntimeError(f"pytest did not pass {tests} tests:\n{out[-3000:]}")
    direct, _ = _timed([sys.executable, "direct.py", str(tests)], project)
    return through, direct


def collect_only(project: Path, runs: int) -> tuple[Run, Run]:
    """Median ``pytest --collect-only`` runs with the plugin and with ``-p no:retell`` (interleaved)."""
    base = [sys.executable, "-m", "pytest", "--collect-only", "-p", "no:randomly"]
    with_plugin: list[Run] = []
    without: list[Run] = []
    _timed(base, project)  # unmeasured: fills the bytecode cache for both ways
    _timed([*base, "-p", "no:retell"], project)
    for _ in range(runs):
        wall, out = _timed(base, project)
        if "retell-dsl" not in out:
            raise RuntimeError(f"the plugin was not loaded (no retell-dsl in the plugins line):\n{out[:2000]}")
        with_plugin.append(wall)
        wall, out = _timed([*base, "-p", "no:retell"], project)
        if "retell-dsl" in out:
            raise RuntimeError(f"-p no:retell did not keep the plugin out:\n{out[:2000]}")
        without.append(wall)
    return _median(with_plugin), _median(without)


def _median(runs: Sequence[Run]) -> Run:
    return Run(statistics.median(r.cpu_s for r in runs), statistics.median(r.wall_s for r in runs))


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tests", type=int, default=200, help="scripted-conversation tests (default 200)")
    parser.add_argument("--runs", type=int, default=7, help="collect-only runs each way (median; default 7)")
    args = parser.parse_args(argv)
    if args.tests < 1 or args.runs < 1:
        parser.error("--tests and --runs must be at least 1")
    print(f"machine: {os.cpu_count()} CPUs, load average {_load()}; {args.tests} tests, {args.runs} collect runs")
    with tempfile.TemporaryDirectory(prefix="retell-plugin-bench-") as tmp:
        talk, plain = write_projects(Path(tmp), args.tests)
        through, direct = overhead(talk, args.tests)
        print(
            f"overhead: {args.tests} scripted conversations, CPU through pytest {through.cpu_s:.2f} s, "
            f"directly {direct.cpu_s:.2f} s = {through.cpu_s / direct.cpu_s:.2f}x (aim <= 1.3x); "
            f"wall {through.wall_s:.2f} s vs {direct.wall_s:.2f} s = {through.wall_s / direct.wall_s:.2f}x"
        )
        print(f"load average: {_load()}")
        loaded, bare = collect_only(plain, args.runs)
        print(
            f"start-up: pytest --collect-only of a 33-test project without the plugin, CPU with it "
            f"{loaded.cpu_s * 1000:.0f} ms, -p no:retell {bare.cpu_s * 1000:.0f} ms (median of {args.runs}) "
            f"= {(loaded.cpu_s - bare.cpu_s) * 1000:+.0f} ms (aim <= 50 ms); "
            f"wall {loaded.wall_s * 1000:.0f} ms vs {bare.wall_s * 1000:.0f} ms"
        )
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    main()
