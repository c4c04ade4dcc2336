"""The coverage outputs: the terminal table, the JSON report with its pictures, and the threshold verdict.

Imported at session end only, when coverage was asked for. The table fits the terminal (80
columns by default, also when piped), one row per agent and a total row; a cell is
``covered/total`` or ``-`` when the agent's engine has nothing of that kind (a flow has no
states, an LLM no nodes). The missed items follow, wrapped, per agent and dimension.

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retell_dsl.errors import count

if TYPE_CHECKING:
    from pytest_retell.coverage import AgentEntry, Collector
    from retell_dsl.conversations import AgentCoverage

__all__ = ["judge", "labels", "percent_text", "summary_lines", "table", "write_report"]

_HEADERS = {"nodes": "nodes", "edges": "edges", "states": "states", "transitions": "transitions", "tools": "tools"}
_SHORT = {"transitions": "trans."}
REPORT_VERSION = 1


def percent_text(value: float | None) -> str:
    """``"87.5%"`` (one decimal, as the threshold compares), or ``"-"`` when there is nothing to cover."""
    return "-" if value is None else f"{_rounded(value):.1f}%"


def _rounded(value: float) -> float:
    return round(value, 1)


def labels(entries: Iterable[AgentEntry]) -> dict[str, str]:
    """A readable, unique label per agent key: its name; with the stack's name, then the spec hash, when needed."""
    entries = list(entries)
    out = {e.key: e.name for e in entries}

    def with_stack(e: AgentEntry) -> str:
        return f"{e.name} ({e.stack})"

    def with_hash(e: AgentEntry) -> str:
        return f"{e.name} ({e.stack} {e.key[:6]})"

    for make in (with_stack, with_hash):
        seen: dict[str, int] = {}
        for label in out.values():
            seen[label] = seen.get(label, 0) + 1
        out = {e.key: (make(e) if seen[out[e.key]] > 1 else out[e.key]) for e in entries}
    return out


def _cell(cov: AgentCoverage, dim: Any) -> str:
    covered, total = cov.count(dim)
    return f"{covered}/{total}" if total else "-"


def table(rows: list[tuple[str, AgentCoverage]], width: int = 80) -> list[str]:
    """The per-agent table and its total row, no wider than ``width``."""
    from retell_dsl.conversations import DIMENSIONS

    def total_cell(dim: Any) -> str:
        pairs = [c.count(dim) for _, c in rows]
        covered, total = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
        return f"{covered}/{total}" if total else "-"

    covered = sum(c.totals[0] for _, c in rows)
    total = sum(c.totals[1] for _, c in rows)
    body = [[*(_cell(c, d) for d in DIMENSIONS), percent_text(c.percent)] for _, c in rows]
    foot = [*(total_cell(d) for d in DIMENSIONS), percent_text(100.0 * covered / total if total else None)]
    heads = [_HEADERS[d] for d in DIMENSIONS] + ["cover"]
    widths = [max(len(h), *(len(r[i]) for r in [*body, foot])) for i, h in enumerate(heads)]
    if sum(widths) + 2 * len(widths) + 12 > width:  # narrow: the short header of transitions
        heads = [_SHORT.get(d, _HEADERS[d]) for d in DIMENSIONS] + ["cover"]
        widths = [max(len(h), *(len(r[i]) for r in [*body, foot])) for i, h in enumerate(heads)]
    room = max(10, width - sum(widths) - 2 * len(widths))
    name_width = min(room, max(len("agent"), len("TOTAL"), *(len(label) for label, _ in rows)))

    def line(name: str, cells: list[str]) -> str:
        name = name if len(name) <= name_width else name[: name_width - 1] + "…"
        return name.ljust(name_width) + "".join("  " + c.rjust(w) for c, w in zip(cells, widths, strict=True))

    out = [line("agent", heads)]
    out += [line(label, cells) for (label, _), cells in zip(rows, body, strict=True)]
    out.append(line("TOTAL", foot))
    return out


def _missed_lines(label: str, cov: AgentCoverage, width: int) -> list[str]:
    from retell_dsl.conversations import DIMENSIONS

    out: list[str] = []
    for dim in DIMENSIONS:
        missed = cov.missed(dim)
        if missed:
            text = f"{dim}: " + ", ".join(missed)
            out += textwrap.wrap(text, width=width, initial_indent="  ", subsequent_indent="    ",
                                 break_on_hyphens=False)  # fmt: skip
    return [f"missed in {label}:", *out] if out else []


def summary_lines(collector: Collector, width: int = 80) -> list[str]:
    """Everything the terminal summary prints, before the verdict."""
    entries = list(collector.agents.values())
    if not entries:
        return ["no agent was deployed through retell_deploy: nothing to measure"]
    names = labels(entries)
    rows = sorted(((names[e.key], e.coverage) for e in entries), key=lambda row: row[0])
    out = table(rows, width)
    for label, cov in rows:
        out += _missed_lines(label, cov, width)
    if collector.unattributed:
        out.append(
            f"{count(collector.unattributed, 'conversation')} with agents not deployed through retell_deploy:"
            " not counted"
        )
    if collector.settings.report is not None:
        out.append(f"retell coverage report: {collector.settings.report}")
    return out


def judge(collector: Collector, fail_under: float) -> str:
    """The threshold verdict: a line starting ``FAIL`` or ``PASS``."""
    entries = list(collector.agents.values())
    covered = sum(e.coverage.totals[0] for e in entries)
    total = sum(e.coverage.totals[1] for e in entries)
    if not total:
        return f"FAIL retell coverage: nothing was measured (no deployed agent), --retell-cov-fail-under {fail_under:g}"
    percent = 100.0 * covered / total
    if _rounded(percent) < fail_under:
        return f"FAIL retell coverage {percent_text(percent)} is under --retell-cov-fail-under {fail_under:g}"
    return f"PASS retell coverage {percent_text(percent)} reaches --retell-cov-fail-under {fail_under:g}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "agent"


def _items(cov: AgentCoverage, dim: Any) -> dict[str, Any]:
    universe = cov.universe.items.get(dim, {})
    hit = cov.hit.get(dim, frozenset())
    return {
        "covered": [{"id": k, "name": v} for k, v in universe.items() if k in hit],
        "missed": [{"id": k, "name": v} for k, v in universe.items() if k not in hit],
        "total": len(universe),
    }


def _picture(entry: AgentEntry, label: str, path: Path, graph: str) -> str | None:
    """Write the agent's flow graph with covered/missed nodes next to the report; its file name."""
    if not entry.flow:
        return None
    from retell_dsl import flow_graph

    hit = entry.coverage.hit.get("nodes", frozenset())
    marks: dict[str, Any] = {k: ("covered" if k in hit else "missed") for k in entry.coverage.universe.items["nodes"]}
    title = f"{entry.name} ({entry.stack}): retell coverage {percent_text(entry.coverage.percent)}"
    text = flow_graph(entry.flow, "dot" if graph == "dot" else "mermaid", title=title, marks=marks)
    name = f"{path.stem}.{_slug(label)}.{'dot' if graph == 'dot' else 'mmd'}"
    (path.parent / name).write_text(text, encoding="utf-8")
    return name


def report_data(collector: Collector, pictures: dict[str, str | None]) -> dict[str, Any]:
    """The JSON report (``version`` 1): totals, the threshold, and per agent every dimension's covered and missed."""
    from retell_dsl.conversations import DIMENSIONS

    names = labels(collector.agents.values())
    entries = sorted(collector.agents.values(), key=lambda e: names[e.key])
    covered = sum(e.coverage.totals[0] for e in entries)
    total = sum(e.coverage.totals[1] for e in entries)
    agents: list[dict[str, Any]] = []
    for e in entries:
        c, t = e.coverage.totals
        dims: dict[str, Any] = {d: _items(e.coverage, d) for d in DIMENSIONS}
        agents.append({
            "agent": names[e.key], "name": e.name, "address": e.address, "stack": e.stack, "spec_hash": e.key[:16],
            "engine": e.coverage.universe.kind, "conversations": e.coverage.conversations,
            "covered": c, "total": t, "percent": e.coverage.percent,
            **dims, "picture": pictures.get(e.key),
        })  # fmt: skip
    return {
        "version": REPORT_VERSION,
        "covered": covered,
        "total": total,
        "percent": 100.0 * covered / total if total else None,
        "fail_under": collector.settings.fail_under,
        "unattributed_conversations": collector.unattributed,
        "agents": agents,
    }


def write_report(collector: Collector, path: Path) -> None:
    """Write the JSON report at ``path`` and the pictures next to it (directories made as needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    names = labels(collector.agents.values())
    pictures = {e.key: _picture(e, names[e.key], path, collector.settings.graph) for e in collector.agents.values()}
    data = report_data(collector, pictures)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
