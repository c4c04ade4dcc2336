"""Coverage of the deployed agents by a test session: options, the session's collector, xdist merging.

Collected only when asked: ``--retell-cov`` (ini ``retell_cov = true``), or implied by a report
path or a threshold. Then every stack ``retell_deploy`` deploys registers its agents' engines
(the compiled wire payloads: flow nodes and edges, global-node entries, component nodes, LLM
states and transitions, tools), and every conversation the fixtures hold is recorded against
its agent (:func:`record`, one call any fixture can make). Without the option :func:`record`
is a dictionary look-up and nothing else.

Options (each with an ini twin; the flag wins):

- ``--retell-cov`` / ``retell_cov``: collect, and print the summary table per agent;
- ``--retell-cov-report PATH`` / ``retell_cov_report``: also write a JSON report there, and next
  to it one picture per conversation-flow agent (the flow graph, covered nodes green, missed red);
- ``--retell-cov-graph mermaid|dot`` / ``retell_cov_graph``: the pictures' format (default mermaid);
- ``--retell-cov-fail-under N`` / ``retell_cov_fail_under``: fail the session when the total
  coverage (all agents, all items) is under N percent.

Under xdist each worker collects its own and sends it to the controller in ``workeroutput``;
the controller merges them (per stack hash and agent address) and reports once.

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_retell.deploying import Deployed, OnDeploy
    from retell_dsl import CompiledStack
    from retell_dsl.conversations import AgentCoverage, CallResult, EngineMap

__all__ = [
    "Collector",
    "on_deploy",
    "pytest_addoption",
    "pytest_configure",
    "pytest_sessionfinish",
    "pytest_terminal_summary",
    "pytest_testnodedown",
    "record",
]

GRAPH_FORMATS = ("mermaid", "dot")
_COLLECTOR = pytest.StashKey["Collector"]()
_WORKER_KEY = "retell_coverage"


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``--retell-cov*`` options and their ini twins (in the plugin's ``retell`` group)."""
    group = parser.getgroup("retell", "Retell agents (retell-dsl)")
    group.addoption(
        "--retell-cov", action="store_true", default=None,
        help="measure which flow nodes/edges, LLM states/transitions and tools of the deployed agents tests exercised",
    )  # fmt: skip
    group.addoption(
        "--retell-cov-report", default=None, metavar="PATH",
        help="write the coverage as JSON to PATH, and a flow graph per agent next to it (implies --retell-cov)",
    )  # fmt: skip
    group.addoption(
        "--retell-cov-graph", choices=GRAPH_FORMATS, default=None,
        help="format of the coverage pictures: mermaid (default, .mmd) or dot (.dot)",
    )  # fmt: skip
    group.addoption(
        "--retell-cov-fail-under", default=None, metavar="N",
        help="fail the session when the total retell coverage is under N percent (implies --retell-cov)",
    )  # fmt: skip
    parser.addini("retell_cov", "default --retell-cov", type="bool", default=False)
    parser.addini("retell_cov_report", "default --retell-cov-report (relative to the ini file)", default="")
    parser.addini("retell_cov_graph", "default --retell-cov-graph (mermaid or dot)", default="mermaid")
    parser.addini("retell_cov_fail_under", "default --retell-cov-fail-under (a percentage)", default="")


@dataclass
class Settings:
    """The coverage options of a session, resolved (flag, else ini)."""

    report: Path | None = None
    graph: str = "mermaid"
    fail_under: float | None = None


def _settings(config: pytest.Config) -> Settings | None:
    """The session's coverage settings, or None when coverage is not asked for; bad values raise UsageError."""
    report_flag, report_ini = config.getoption("--retell-cov-report"), config.getini("retell_cov_report")
    report: Path | None = None
    if report_flag:
        report = config.invocation_params.dir / report_flag
    elif report_ini:
        report = (config.inipath.parent if config.inipath else config.rootpath) / report_ini
    graph = config.getoption("--retell-cov-graph") or config.getini("retell_cov_graph")
    if graph not in GRAPH_FORMATS:
        raise pytest.UsageError(f"retell_cov_graph = {graph!r} in the ini file: use mermaid or dot")
    raw, where = config.getoption("--retell-cov-fail-under"), "--retell-cov-fail-under"
    if raw is None:
        raw, where = config.getini("retell_cov_fail_under"), "retell_cov_fail_under"
    fail_under: float | None = None
    if str(raw).strip():
        try:
            fail_under = float(raw)
        except ValueError:
            fail_under = -1.0
        if not 0 <= fail_under <= 100:
            raise pytest.UsageError(f"{where} = {raw!r}: expected a percentage from 0 to 100")
    enabled = config.getoption("--retell-cov") or config.getini("retell_cov")
    if not (enabled or report or fail_under is not None):
        return None
    return Settings(report, graph, fail_under)


@dataclass
class AgentEntry:
    """One deployed agent: where it came from, its engine map (on the process that deployed it), its coverage."""

    key: str
    stack: str
    address: str
    coverage: AgentCoverage
    engine: EngineMap | None = None
    flow: Any = None  # the conversation flow payload, drawn in the picture (None for a Retell LLM)

    @property
    def name(self) -> str:
        return self.address.split(".", 1)[1]

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "stack": self.stack, "address": self.address, "flow": self.flow,
                "coverage": self.coverage.to_dict()}  # fmt: skip


@dataclass
class Collector:
    """The session's coverage: agents by ``<spec hash>:<address>``, and the deployments to attribute results."""

    settings: Settings
    agents: dict[str, AgentEntry] = field(default_factory=dict)
    deployments: list[tuple[str, Deployed]] = field(default_factory=list)
    unattributed: int = 0
    verdict: str | None = None  # the fail-under line, once judged

    def deployed(self, key: str, compiled: CompiledStack, deployed: Deployed) -> None:
        """Register a stack ``retell_deploy`` deployed (its spec hash, compiled form and remote ids)."""
        from retell_dsl.conversations import AgentCoverage, agent_maps

        self.deployments.append((key, deployed))
        for address, engine in agent_maps(compiled).items():
            if address not in deployed.ids:
                continue
            flow = dict(engine.payload) if engine.universe.kind == "conversation_flow" else None
            entry = AgentEntry(f"{key[:16]}:{address}", compiled.name, address,
                               AgentCoverage.empty(engine.universe), engine, flow)  # fmt: skip
            self.agents.setdefault(entry.key, entry)

    def record(self, result: CallResult) -> None:
        """Count one conversation's events against the agent it was held with."""
        for key, deployed in reversed(self.deployments):
            address = deployed.address_of(result.agent_id)
            entry = self.agents.get(f"{key[:16]}:{address}") if address else None
            if entry is not None and entry.engine is not None:
                entry.coverage = entry.coverage.add(entry.engine.hits(result.events))
                return
        self.unattributed += 1

    def to_dict(self) -> dict[str, Any]:
        return {"agents": [e.to_dict() for e in self.agents.values()], "unattributed": self.unattributed}

    def merge(self, data: dict[str, Any]) -> None:
        """Add a worker's :meth:`to_dict` (same stack and agent: hits united, conversations summed)."""
        from retell_dsl.conversations import AgentCoverage

        for raw in data.get("agents") or ():
            cov = AgentCoverage.from_dict(raw["coverage"])
            entry = self.agents.get(raw["key"])
            if entry is None:
                self.agents[raw["key"]] = AgentEntry(raw["key"], raw["stack"], raw["address"], cov, None, raw["flow"])
            else:
                entry.coverage = entry.coverage.merge(cov)
        self.unattributed += int(data.get("unattributed") or 0)


def pytest_configure(config: pytest.Config) -> None:
    """Set up the session's collector when coverage is asked for."""
    settings = _settings(config)
    if settings is not None:
        config.stash[_COLLECTOR] = Collector(settings)


def record(config: pytest.Config, result: CallResult) -> None:
    """Record a conversation a fixture held (a no-op unless coverage is on). Call once per conversation."""
    collector = config.stash.get(_COLLECTOR, None)
    if collector is not None:
        collector.record(result)


def on_deploy(config: pytest.Config) -> OnDeploy | None:
    """The hook ``Deployments(on_deploy=...)`` calls for each stack deployed (None unless coverage is on)."""
    collector = config.stash.get(_COLLECTOR, None)
    return collector.deployed if collector is not None else None


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: merge what a worker measured."""
    collector = node.config.stash.get(_COLLECTOR, None)
    data = getattr(node, "workeroutput", {}).get(_WORKER_KEY)
    if collector is not None and data:
        collector.merge(json.loads(data))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Workers send their coverage; the controller (or a plain session) writes the report and judges the threshold."""
    config = session.config
    collector = config.stash.get(_COLLECTOR, None)
    if collector is None:
        return
    if _is_worker(config):
        config.workeroutput[_WORKER_KEY] = json.dumps(collector.to_dict())  # type: ignore[attr-defined]
        return
    from pytest_retell.coverage_report import judge, write_report

    if collector.settings.report is not None:
        try:
            write_report(collector, collector.settings.report)
        except OSError as exc:
            collector.verdict = f"FAIL retell coverage: cannot write {collector.settings.report}: {exc}"
    if collector.settings.fail_under is not None:
        verdict = judge(collector, collector.settings.fail_under)
        collector.verdict = collector.verdict or verdict
    if collector.verdict and collector.verdict.startswith("FAIL") and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """The per-agent table, the missed items, the report path and the threshold verdict."""
    collector = config.stash.get(_COLLECTOR, None)
    if collector is None or _is_worker(config):
        return
    from pytest_retell.coverage_report import summary_lines
    from retell_dsl.errors import count

    conversations = sum(e.coverage.conversations for e in collector.agents.values())
    terminalreporter.write_sep(
        "-", f"retell coverage: {count(len(collector.agents), 'agent')}, {count(conversations, 'conversation')}"
    )
    width = getattr(getattr(terminalreporter, "_tw", None), "fullwidth", 80)  # 80 when piped
    for line in summary_lines(collector, width=max(60, min(width, 100))):
        terminalreporter.write_line(line)
    if collector.verdict:
        terminalreporter.write_line(collector.verdict, red=collector.verdict.startswith("FAIL"), bold=True)
