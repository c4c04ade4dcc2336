"""The live target of the plugin (``--retell-target live``): run-scoped names, cost notice, safe teardown.

Registered from :mod:`pytest_retell.plugin` (``pytest_plugins``). A live session:

- names everything it deploys ``rdt-<run id>-…`` (:func:`retell_dsl.deploy.run_prefix`; under
  xdist ``rdt-<run id>-<worker>-…``). The run id is ``--retell-run-id``, else ``RETELL_RUN_ID``,
  else fresh (the UTC minute and 4 random hex digits), shared by every xdist worker;
- says before the first test what it will create and a rough estimate of its cost;
- checks the key with its first request: a refused key stops the session with one line;
- pins each conversation to the agent version the deploy wrote (see ``pytest_retell.deploying``);
- tears everything down at session end: after failures, on Ctrl-C (pytest's KeyboardInterrupt
  path still runs session teardown) and on SIGTERM (turned into the same interrupt); a Ctrl-C
  during the teardown is held off once. A run killed with SIGKILL leaves its objects to
  ``retell-dsl sweep``;
- refuses stacks with phone numbers or campaigns, and phone calls, unless
  ``--retell-allow-phone-calls`` (ini ``retell_allow_phone_calls``, env
  ``RETELL_ALLOW_PHONE_CALLS=1``) is given: see :func:`phone_calls_allowed`.

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from types import FrameType

    from pytest_retell.deploying import Deployed, Deployments
    from retell_dsl.conversations import Scenario, SimulationRun
    from retell_dsl.target import Target

__all__ = [
    "ALLOW_PHONE_ENV",
    "deploy_options",
    "estimate",
    "finish",
    "phone_calls_allowed",
    "pytest_addoption",
    "pytest_collection_finish",
    "pytest_configure",
    "pytest_report_header",
    "pytest_unconfigure",
    "retell_simulation",
    "run_prefix_of",
    "start",
    "web_call",
]

ALLOW_PHONE_ENV = "RETELL_ALLOW_PHONE_CALLS"
_RUN_ID = pytest.StashKey[str]()
_OLD_TERM = pytest.StashKey[Any]()
#: The test-case definitions the session upserted (deleted first at teardown).
_DEFINITIONS = pytest.StashKey[set[str]]()
#: Rough costs per conversation, for the notice before a live session (not a bill).
CHAT_TOKENS = 8_000
SIMULATION_TOKENS = 30_000
PHONE_MINUTES = 2


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--retell-allow-phone-calls``, ``--retell-run-id`` and ``--retell-sim-timeout`` (ini twins)."""
    group = parser.getgroup("retell", "Retell agents (retell-dsl)")
    group.addoption(
        "--retell-allow-phone-calls", action="store_true", default=None,
        help=f"live target: allow phone numbers, campaigns and calls to real numbers (or {ALLOW_PHONE_ENV}=1)",
    )  # fmt: skip
    group.addoption(
        "--retell-run-id", default=None, metavar="ID",
        help="live target: the run id in object names rdt-<ID>- (default: RETELL_RUN_ID, else a fresh one)",
    )  # fmt: skip
    group.addoption(
        "--retell-sim-timeout", default=None, type=float, metavar="SECONDS",
        help="how long a simulation test waits for Retell's verdict (default 900)",
    )  # fmt: skip
    parser.addini("retell_allow_phone_calls", "default --retell-allow-phone-calls", type="bool", default=False)
    parser.addini("retell_sim_timeout", "default --retell-sim-timeout (seconds)", default="900")


def _option(config: pytest.Config, name: str) -> Any:
    value = config.getoption(f"--retell-{name.replace('_', '-')}")
    return config.getini(f"retell_{name}") if value is None else value


def _live(config: pytest.Config) -> bool:
    value = config.getoption("--retell-target")
    return bool((config.getini("retell_target") if value is None else value) == "live")


def phone_calls_allowed(config: pytest.Config) -> bool:
    """Whether the session may buy numbers, launch campaigns and call real numbers (always on the emulator).

    The phone-call driver asks this before dialling on live Retell.
    """
    if not _live(config):
        return True
    flag = bool(_option(config, "allow_phone_calls"))
    return flag or os.environ.get(ALLOW_PHONE_ENV, "").strip().lower() in ("1", "true", "yes")


def _run_id(config: pytest.Config) -> str:
    """The session's run id, fixed at first use (the controller's under xdist).

    Resolved lazily, not in ``pytest_configure``: ``--retell-replay`` puts the recorded run id in
    ``RETELL_RUN_ID`` from its own configure hook, whichever plugin pytest configures first.
    """
    if _RUN_ID not in config.stash:
        from retell_dsl.deploy import RUN_ID_ENV, new_run_id
        from retell_dsl.deploy.runs import check_run_id
        from retell_dsl.errors import ConfigurationError

        workerinput = getattr(config, "workerinput", None)
        given = (workerinput or {}).get("retell_run_id") or config.getoption("--retell-run-id")
        try:
            config.stash[_RUN_ID] = check_run_id(given or os.environ.get(RUN_ID_ENV) or new_run_id())
        except ConfigurationError as exc:
            raise pytest.UsageError(f"--retell-run-id / {RUN_ID_ENV}: {exc}") from None
    return config.stash[_RUN_ID]


def pytest_configure(config: pytest.Config) -> None:
    """Hand the run id to xdist workers; turn SIGTERM into an interrupt, so teardown runs."""
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_XdistRunId(config), "retell-live-xdist")
    if _live(config) and _main_thread():
        config.stash[_OLD_TERM] = signal.signal(signal.SIGTERM, _interrupt)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _OLD_TERM in config.stash and _main_thread():
        signal.signal(signal.SIGTERM, config.stash[_OLD_TERM])


class _XdistRunId:
    """Hands the controller's run id to every xdist worker (one run, one prefix)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput["retell_run_id"] = _run_id(self.config)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def run_prefix_of(config: pytest.Config) -> str:
    """This session's prefix: ``rdt-<run id>-`` (``rdt-<run id>-<worker>-`` in an xdist worker)."""
    from retell_dsl.deploy import run_prefix

    worker = (getattr(config, "workerinput", None) or {}).get("workerid")
    return run_prefix(_run_id(config), worker)


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Live sessions say where they run and how their objects are named."""
    if not _live(config):
        return []
    from retell_dsl.deploy import run_prefix

    prefix = run_prefix(_run_id(config))
    where = os.environ.get("RETELL_BASE_URL") or "https://api.retellai.com"
    return [
        f"retell: live target {where}; every object is named {prefix}… and removed at the end",
        f"retell: if the run is killed: retell-dsl sweep --prefix {prefix} --older-than 0s --yes",
    ]


# ------------------------------------------------------------------------------------ the cost notice


def estimate(items: list[pytest.Item], allow_phone: bool) -> list[str]:
    """What a live session will create and a rough estimate of its use (one line each)."""
    uses = dict.fromkeys(("retell_chat", "retell_playground", "retell_simulation", "retell_web_call"), 0)
    stacks: dict[int, Any] = {}
    for item in items:
        names = getattr(item, "fixturenames", ())
        for name in uses:
            uses[name] += name in names
        if "retell_deploy" in names:
            module = getattr(item, "module", None)
            for value in vars(module).values() if module else ():
                if type(value).__name__ == "Stack" and type(value).__module__.startswith("retell_dsl"):
                    stacks[id(value)] = value
    lines = []
    for stack in stacks.values():
        lines.append(f"retell: will create for stack {stack.name!r}: {_resources(stack)}")
    chats, sims = uses["retell_chat"] + uses["retell_playground"], uses["retell_simulation"]
    tokens = chats * CHAT_TOKENS + sims * SIMULATION_TOKENS
    phone = f"allowed, about {PHONE_MINUTES} min each" if allow_phone else "refused"
    lines.append(
        f"retell: estimate: {chats} test(s) with chats/playground turns, {sims} with simulation tests, "
        f"{uses['retell_web_call']} with web calls (created, never joined: 0 call minutes); "
        f"about {tokens:,} LLM tokens billed by Retell (rough: {CHAT_TOKENS:,} per chat, {SIMULATION_TOKENS:,} "
        f"per simulation); phone calls: {phone}"
    )
    return lines


def _resources(stack: Any) -> str:
    from retell_dsl import compile

    try:
        compiled = compile(stack)
    except Exception as exc:  # an invalid stack fails its own test later, with its lint errors
        return f"(cannot compile: {type(exc).__name__})"
    return ", ".join(f"{r.kind.replace('_', ' ')} {r.name!r}" for r in compiled.resources) or "nothing"


def pytest_collection_finish(session: pytest.Session) -> None:
    """Print the notice of a live session before its first test."""
    config = session.config
    if not _live(config) or not session.items:
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    for line in estimate(session.items, phone_calls_allowed(config)):
        if reporter is not None:
            reporter.write_line(line)


# ------------------------------------------------------------------------------------ start and finish


def start(config: pytest.Config, target: Target) -> None:
    """The first request of a live session: a refused key ends the session with one line.

    Not when replaying cassettes: the recorded requests are the tests' own, and the key is fake.
    """
    from retell_dsl.conversations import check_access
    from retell_dsl.errors import ConfigurationError

    if config.getoption("--retell-replay", default=False):
        return

    try:
        check_access(target.client(), target.describe())
    except ConfigurationError as exc:
        problem = f"retell: {exc}"
    else:
        config.stash.setdefault(_DEFINITIONS, set())
        return
    pytest.exit(problem, returncode=pytest.ExitCode.USAGE_ERROR)


def deploy_options(config: pytest.Config, target: Target) -> dict[str, Any]:
    """``Deployments`` keyword arguments for ``target``: a prefix and the phone opt-in on live."""
    if target.kind != "live":
        return {}
    return {"prefix": run_prefix_of(config), "allow_phone": phone_calls_allowed(config)}


def _say(config: pytest.Config, line: str) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(line)
    else:
        sys.stderr.write(line + "\n")


def finish(config: pytest.Config, deployments: Deployments) -> None:
    """Remove everything the session made: its test cases, its stacks, then whatever else bears its prefix.

    A Ctrl-C here is held off once (with a warning); a second one abandons the cleanup.
    """
    told: list[float] = []

    def hold_off(signum: int, frame: FrameType | None) -> None:
        if told:
            raise KeyboardInterrupt
        told.append(time.monotonic())
        _say(config, "retell: removing this run's objects; press Ctrl-C again to abandon (then run the sweep)")

    old = signal.signal(signal.SIGINT, hold_off) if _main_thread() else None
    try:
        _cleanup(config, deployments)
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)


def _cleanup(config: pytest.Config, deployments: Deployments) -> None:
    from retell_dsl.deploy import delete_leftovers, find_leftovers

    client = deployments.client
    problems: list[str] = []
    made: set[str] = config.stash.get(_DEFINITIONS, set())
    for ident in sorted(made):
        try:
            client.tests.delete_test_case_definition(ident)
        except Exception as exc:  # keep going: the sweep below retries what is left
            problems.append(f"test case {ident}: {type(exc).__name__}")
    problems += deployments.destroy()
    prefix = run_prefix_of(config)
    try:
        sweep = find_leftovers(client, prefix=prefix, older_than_s=0)
        failed = delete_leftovers(client, sweep)
    except Exception as exc:
        problems.append(f"sweeping {prefix}…: {type(exc).__name__}: {exc}")
        failed, sweep = [], None
    problems += [f"{lo.describe()}: {why}" for lo, why in failed]
    swept = len(sweep.leftovers) - len(failed) if sweep else 0
    if problems:
        _say(config, f"retell: some objects of {prefix}… may be left; remove them with "
                     f"`retell-dsl sweep --prefix {prefix} --older-than 0s --yes`:")  # fmt: skip
        for problem in problems:
            _say(config, f"retell:   {problem}")
    else:
        extra = f" (and {swept} left by interrupted steps)" if swept else ""
        _say(config, f"retell: removed every object of {prefix}…{extra}")


# ------------------------------------------------------------------------------------ conversations


def web_call(target: Target, deployed: Deployed, agent_id: str, options: dict[str, Any]) -> Any:
    """A web call on live Retell: created on the pinned version and read back; with a ``caller``, skipped."""
    from retell_dsl.conversations import NO_AUDIO, create_web_call

    if options.get("caller") is not None:
        pytest.skip(NO_AUDIO)
    options.pop("caller", None)
    options.pop("timeout_s", None)
    options.setdefault("version", deployed.version_of(agent_id))
    return create_web_call(deployed.client, agent_id, **options)


def _engine(deployed: Deployed, agent: str | None) -> dict[str, Any]:
    from retell_dsl.conversations import engine_of_agent
    from retell_dsl.errors import ConfigurationError

    agents = {a.split(".", 1)[1]: a for a in deployed.ids if a.split(".", 1)[0] in ("agent", "chat_agent")}
    if agent is None and len(agents) == 1:
        agent = next(iter(agents))
    if agent not in agents:
        raise ConfigurationError(f"stack {deployed.name!r}: name the agent to test, one of {sorted(agents)}")
    ident = deployed.ids[agents[agent]]
    chat = agents[agent].startswith("chat_agent.")
    return engine_of_agent(deployed.client, ident, deployed.version_of(ident), chat=chat)


@pytest.fixture
def retell_simulation(
    pytestconfig: pytest.Config, retell_target: Target, _retell_switch: Any
) -> Callable[..., list[SimulationRun]]:
    """``retell_simulation(deployed, Scenario(...), ..., agent="name")``: persona tests as one Retell batch test.

    Each scenario's test-case definition is upserted by name (run-scoped on live) on the agent's
    engine, pinned to the deployed version; the batch is polled with backoff up to
    ``--retell-sim-timeout`` seconds. A run that did not pass fails the test with Retell's
    ``result_explanation`` and the transcript; the runs are returned (``check=False``: not checked).
    """
    from retell_dsl.conversations import run_simulation
    from retell_dsl.errors import ConfigurationError

    prefix = run_prefix_of(pytestconfig) if retell_target.kind == "live" else ""
    timeout_s = float(_option(pytestconfig, "sim_timeout"))

    def simulate(
        deployed: Deployed, *scenarios: Scenario, agent: str | None = None, check: bool = True
    ) -> list[SimulationRun]:
        __tracebackhide__ = True
        try:
            engine = _engine(deployed, agent)
            runs = run_simulation(deployed.client, engine, scenarios, prefix=prefix, timeout_s=timeout_s)
        except ConfigurationError as exc:
            problem = f"retell_simulation: {exc}"
        else:
            pytestconfig.stash.setdefault(_DEFINITIONS, set()).update(r.definition_id for r in runs)
            bad = [r for r in runs if not r.passed]
            if not check or not bad:
                return runs
            problem = f"{len(bad)} of {len(runs)} simulation run(s) did not pass:\n" + "\n\n".join(
                r.describe() for r in bad
            )
        pytest.fail(problem, pytrace=False)

    return simulate
