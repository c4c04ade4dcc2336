"""Human output of the toolkit commands: rich tables for lists, detail views for single objects.

Imported only when a command runs (it loads rich).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

__all__ = [
    "Column", "console", "fit_widths", "is_time_key", "render_call", "render_detail", "render_table", "when",
]  # fmt: skip

Column = tuple[str, Any]
"""A column: its header and the key (or a function of the row) that gives the cell."""


def console() -> Console:
    """A console on stdout that does not wrap long ids."""
    return Console(soft_wrap=False, highlight=False)


def when(ms: object) -> str:
    """A millisecond timestamp as ``YYYY-MM-DD HH:MM:SS`` UTC (blank when missing)."""
    if not isinstance(ms, int | float) or isinstance(ms, bool):
        return ""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")


def is_time_key(key: str) -> bool:
    """Whether a field holds a millisecond timestamp (``start_timestamp``, ``expires_at``, ...).

    >>> is_time_key("last_modification_timestamp"), is_time_key("expires_at"), is_time_key("duration_ms")
    (True, True, False)
    """
    return key.endswith(("_timestamp", "_at"))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


_ID = re.compile(r"^(\+?\d{6,}|[a-z]+(_[a-z]+)*_[0-9a-zA-Z]{8,})$")


def _is_id_column(cells: Sequence[str]) -> bool:
    """A column of ids (``agent_…``, ``call_…``, E.164 numbers), also comma-separated lists of them."""
    values = [part.strip() for cell in cells for part in cell.split(",") if part.strip()]
    return bool(values) and all(_ID.match(v) for v in values)


def _table_cell(get: object, row: Mapping[str, Any]) -> str:
    value = get(row) if callable(get) else row.get(str(get))
    if isinstance(get, str) and is_time_key(get):
        return when(value)
    return _cell(value)


def fit_widths(natural: Sequence[int], fixed: Sequence[bool], room: int, *, floor: int = 4) -> list[int]:
    """Column widths that fit ``room`` characters: fixed columns keep theirs, the widest others shrink.

    >>> fit_widths([32, 26, 7, 9], [True, False, False, False], 60)
    [32, 12, 7, 9]
    >>> fit_widths([10, 5], [False, False], 80)
    [10, 5]
    """
    widths = list(natural)
    while sum(widths) > room:
        shrinkable = [i for i, w in enumerate(widths) if not fixed[i] and w > floor]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def render_table(
    title: str, rows: Sequence[Mapping[str, Any]], columns: Sequence[Column], *, more: bool = False
) -> None:
    """Print ``rows`` as a table; an empty list prints a short note instead.

    Ids are never wrapped or cut (people copy them into the next command); when the terminal is
    too narrow, the other columns are shortened with an ellipsis. Timestamps (``*_timestamp``,
    ``*_at``) print as UTC date and time.
    """
    out = console()
    if not rows:
        out.print(f"No {title.lower()}.")
        return
    table = Table(title=f"{title} ({len(rows)}{'+' if more else ''})", title_justify="left")
    cells = [[_table_cell(get, row) for _, get in columns] for row in rows]
    by_column = [[r[i] for r in cells] for i in range(len(columns))]
    fixed = [_is_id_column(col) for col in by_column]
    natural = [max(len(header), *(len(c) for c in col)) for (header, _), col in zip(columns, by_column, strict=True)]
    keep = list(range(len(columns)))
    while True:  # drop trailing non-id columns that cannot fit even shortened
        room = out.width - (3 * len(keep) + 1)  # borders and one space of padding each side
        widths = fit_widths([natural[i] for i in keep], [fixed[i] for i in keep], room)
        droppable = [i for i in keep if not fixed[i]]
        if sum(widths) <= room or len(droppable) <= 1:
            break
        keep.remove(droppable[-1])
    for i, width in zip(keep, widths, strict=True):
        table.add_column(columns[i][0], no_wrap=True, overflow="ellipsis", width=width)
    cells = [[r[i] for i in keep] for r in cells]
    for row_cells in cells:
        table.add_row(*row_cells)
    out.print(table)
    if more:
        out.print("More exist: raise --limit or pass --all.")


def render_detail(title: str, obj: Mapping[str, Any], *, first: Sequence[str] = ()) -> None:
    """Print one object as a two-column field/value view, ``first`` fields on top."""
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    keys = [k for k in first if k in obj] + sorted(k for k in obj if k not in first)
    for key in keys:
        value = obj[key]
        if value is None or value in ([], {}):
            continue
        text = json.dumps(value, indent=2, ensure_ascii=False) if isinstance(value, dict | list) else _cell(value)
        if is_time_key(key) and when(value):
            text = f"{when(value)} UTC ({value})"
        table.add_row(key, text)
    console().print(table)


def _cents(value: object) -> str:
    return f"${value / 100:.4f}" if isinstance(value, int | float) else ""


def render_call(call: Mapping[str, Any]) -> None:
    """A call: header, transcript, post-call analysis, latency and cost."""
    out = console()
    head = Table(show_header=False, box=None)
    head.add_column(style="bold")
    head.add_column()
    route = f"{call.get('from_number', '')} → {call.get('to_number', '')}" if call.get("from_number") else ""
    for label, value in (
        ("call", call.get("call_id")),
        ("type", call.get("call_type")),
        ("status", call.get("call_status")),
        ("direction", call.get("direction")),
        ("route", route),
        ("agent", f"{call.get('agent_id')} v{call.get('agent_version')}"),
        ("started", when(call.get("start_timestamp"))),
        ("duration", f"{call['duration_ms'] / 1000:.1f} s" if isinstance(call.get("duration_ms"), int) else ""),
        ("ended because", call.get("disconnection_reason")),
        ("recording", call.get("recording_url")),
    ):
        if value:
            head.add_row(label, str(value))
    out.print(Panel(head, title="Call", title_align="left"))

    turns = call.get("transcript_object") or []
    if turns:
        transcript = Text()
        for turn in turns:
            role = str(turn.get("role", "?"))
            transcript.append(f"{role:>6}: ", style="bold cyan" if role == "agent" else "bold green")
            transcript.append(str(turn.get("content", "")) + "\n")
        out.print(Panel(transcript, title="Transcript", title_align="left"))
    elif call.get("transcript"):
        out.print(Panel(str(call["transcript"]), title="Transcript", title_align="left"))
    else:
        out.print("Transcript: none yet.")

    analysis = call.get("call_analysis") or {}
    if analysis:
        table = Table(show_header=False, box=None)
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        for key, value in analysis.items():
            table.add_row(key, _cell(value))
        out.print(Panel(table, title="Analysis", title_align="left"))

    latency = call.get("latency") or {}
    if latency:
        table = Table(title="Latency (ms)", title_justify="left")
        for header in ("stage", "p50", "p90", "p99", "min", "max"):
            table.add_column(header)
        for stage, stats in latency.items():
            if isinstance(stats, dict):
                table.add_row(stage, *(_cell(stats.get(k)) for k in ("p50", "p90", "p99", "min", "max")))
        out.print(table)

    cost = call.get("call_cost") or {}
    if cost:
        table = Table(title=f"Cost: {_cents(cost.get('combined_cost'))}", title_justify="left")
        table.add_column("product")
        table.add_column("cost")
        for item in cost.get("product_costs") or []:
            table.add_row(str(item.get("product")), _cents(item.get("cost")))
        out.print(table)
