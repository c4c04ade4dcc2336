"""``retell-dsl calls | batch-calls``: start calls and campaigns, search and read calls."""

# ruff: noqa: PLR0917  (typer reads a command's options from its parameters)
from __future__ import annotations

from typing import Annotated, Any

import typer

from retell_dsl.cli.toolkit._common import (
    FileOpt,
    JsonOpt,
    LimitOpt,
    TargetOpt,
    YesOpt,
    abort,
    confirm,
    execute,
    merge,
    parse_json,
    parse_pairs,
    parse_time,
)

__all__ = ["batch_calls", "build_call_filter", "calls"]

calls = typer.Typer(
    help="Phone and web calls: start, search, read transcripts, annotate, delete.", no_args_is_help=True
)
batch_calls = typer.Typer(help="Batch calls (campaigns): many outbound calls from one number.", no_args_is_help=True)

VarOpt = Annotated[
    list[str] | None,
    typer.Option("--var", help="Dynamic variable KEY=VALUE for the prompt (repeatable)."),
]
MetadataOpt = Annotated[str | None, typer.Option("--metadata", help="Metadata as a JSON object.")]

_SENTIMENTS = {"negative": "Negative", "positive": "Positive", "neutral": "Neutral", "unknown": "Unknown"}


def _enum(values: list[str]) -> dict[str, Any]:
    return {"type": "enum", "op": "in", "value": values}


def build_call_filter(
    *,
    agent_ids: list[str] | None = None,
    statuses: list[str] | None = None,
    directions: list[str] | None = None,
    call_types: list[str] | None = None,
    sentiments: list[str] | None = None,
    from_number: str | None = None,
    to_number: str | None = None,
    batch_call_id: str | None = None,
    since_ms: int | None = None,
    until_ms: int | None = None,
) -> dict[str, Any]:
    """The v3 ``filter_criteria`` of ``list_calls`` for the common CLI filters.

    >>> build_call_filter(agent_ids=["agent_1"], since_ms=1, until_ms=2)
    {'agent': [{'agent_id': 'agent_1'}], 'start_timestamp': {'type': 'range', 'op': 'bt', 'value': [1, 2]}}
    """
    criteria: dict[str, Any] = {}
    if agent_ids:
        criteria["agent"] = [{"agent_id": a} for a in agent_ids]
    if statuses:
        criteria["call_status"] = _enum(statuses)
    if directions:
        criteria["direction"] = _enum(directions)
    if call_types:
        criteria["call_type"] = _enum(call_types)
    if sentiments:
        criteria["user_sentiment"] = _enum([_SENTIMENTS.get(s.lower(), s) for s in sentiments])
    for key, value in (("from_number", from_number), ("to_number", to_number), ("batch_call_id", batch_call_id)):
        if value:
            criteria[key] = {"type": "string", "op": "eq", "value": value}
    if since_ms is not None and until_ms is not None:
        criteria["start_timestamp"] = {"type": "range", "op": "bt", "value": [since_ms, until_ms]}
    elif since_ms is not None:
        criteria["start_timestamp"] = {"type": "number", "op": "ge", "value": since_ms}
    elif until_ms is not None:
        criteria["start_timestamp"] = {"type": "number", "op": "le", "value": until_ms}
    return criteria


def _show_call(call: Any) -> None:
    from retell_dsl.cli.toolkit._render import render_call

    render_call(call)


def _show_detail(title: str) -> Any:
    def show(obj: Any) -> None:
        from retell_dsl.cli.toolkit._render import render_detail

        render_detail(title, obj, first=("call_id", "batch_call_id", "call_status", "call_type", "agent_id"))

    return show


@calls.command("list")
def calls_list(
    agent_id: Annotated[
        list[str] | None, typer.Option("--agent-id", "-a", help="Only this agent (repeatable).")
    ] = None,
    status: Annotated[
        list[str] | None, typer.Option("--status", help="not_connected, ongoing, ended or error (repeatable).")
    ] = None,
    direction: Annotated[list[str] | None, typer.Option("--direction", help="inbound or outbound.")] = None,
    call_type: Annotated[list[str] | None, typer.Option("--type", help="phone_call or web_call.")] = None,
    sentiment: Annotated[
        list[str] | None, typer.Option("--sentiment", help="positive, negative, neutral, unknown.")
    ] = None,
    from_number: Annotated[str | None, typer.Option("--from-number", help="Calls from this number.")] = None,
    to_number: Annotated[str | None, typer.Option("--to-number", help="Calls to this number.")] = None,
    batch_call_id: Annotated[str | None, typer.Option("--batch-call-id", help="Calls of this campaign.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Started at or after (2025-01-31, ISO time, or ms).")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Started at or before (same forms as --since).")] = None,
    filter_json: Annotated[
        str | None, typer.Option("--filter", help="Raw filter_criteria JSON (merged under the flags).")
    ] = None,
    limit: LimitOpt = 50,
    fetch_all: Annotated[bool, typer.Option("--all", help="Fetch every matching call.")] = False,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Search calls, newest first (no transcripts; use calls get).

    Example: retell-dsl calls list --agent-id agent_123 --status ended --since 2025-01-01 --sentiment negative

    Any API filter: retell-dsl calls list --filter '{"duration_ms": {"type": "number", "op": "gt", "value": 60000}}'
    """
    criteria = parse_json("--filter", filter_json)
    if criteria is None:
        criteria = {}
    if not isinstance(criteria, dict):
        abort("--filter: expected a JSON object")
    criteria.update(
        build_call_filter(
            agent_ids=agent_id,
            statuses=status,
            directions=direction,
            call_types=call_type,
            sentiments=sentiment,
            from_number=from_number,
            to_number=to_number,
            batch_call_id=batch_call_id,
            since_ms=parse_time("--since", since),
            until_ms=parse_time("--until", until),
        )
    )
    args = {"filter_criteria": criteria} if criteria else {}

    def show(result: Any) -> None:
        from retell_dsl.cli.toolkit._render import render_table, when

        cols = [
            ("call_id", "call_id"),
            ("started", lambda c: when(c.get("start_timestamp"))),
            ("status", "call_status"),
            ("type", "call_type"),
            ("agent", "agent_id"),
            ("from", "from_number"),
            ("to", "to_number"),
            ("sentiment", lambda c: (c.get("call_analysis") or {}).get("user_sentiment")),
        ]
        render_table("Calls", result["items"], cols, more=bool(result.get("has_more")))

    execute("list_calls", args, target=target, as_json=as_json, render=show, limit=None if fetch_all else limit)


@calls.command("get")
def calls_get(call_id: str, target: TargetOpt = "auto", as_json: JsonOpt = False) -> None:
    """Show a call: transcript, analysis, latency and cost.

    Example: retell-dsl calls get call_123
    """
    execute("get_call", {"call_id": call_id}, target=target, as_json=as_json, render=_show_call)


@calls.command("phone")
def calls_phone(
    from_number: Annotated[str | None, typer.Option("--from", help="Your Retell number, E.164.")] = None,
    to_number: Annotated[str | None, typer.Option("--to", help="Number to call, E.164.")] = None,
    agent_id: Annotated[str | None, typer.Option("--agent-id", help="Agent to use instead of the number's.")] = None,
    var: VarOpt = None,
    metadata: MetadataOpt = None,
    file: FileOpt = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Start an outbound phone call.

    Example: retell-dsl calls phone --from +14155550100 --to +14155550123 --var name=Ada
    """
    flags = {
        "from_number": from_number,
        "to_number": to_number,
        "override_agent_id": agent_id,
        "retell_llm_dynamic_variables": parse_pairs("--var", var),
        "metadata": parse_json("--metadata", metadata),
    }
    execute("create_phone_call", merge(file, flags), target=target, as_json=as_json, render=_show_detail("Phone call"))


@calls.command("web")
def calls_web(
    agent_id: Annotated[str | None, typer.Option("--agent-id", help="Agent to talk to.")] = None,
    var: VarOpt = None,
    metadata: MetadataOpt = None,
    file: FileOpt = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Start a web call; prints the call id and the access token a browser client joins with.

    Example: retell-dsl calls web --agent-id agent_123 --var name=Ada
    """
    flags = {
        "agent_id": agent_id,
        "retell_llm_dynamic_variables": parse_pairs("--var", var),
        "metadata": parse_json("--metadata", metadata),
    }
    execute("create_web_call", merge(file, flags), target=target, as_json=as_json, render=_show_detail("Web call"))


@calls.command("update")
def calls_update(
    call_id: str,
    metadata: MetadataOpt = None,
    data_storage: Annotated[
        str | None, typer.Option("--data-storage", help="everything, everything_except_pii or basic_attributes_only.")
    ] = None,
    file: FileOpt = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Change a call's metadata or data storage setting (only what is given).

    Example: retell-dsl calls update call_123 --metadata '{"crm_id": "42"}'
    """
    flags = {"call_id": call_id, "metadata": parse_json("--metadata", metadata), "data_storage_setting": data_storage}
    execute("update_call", merge(file, flags), target=target, as_json=as_json, render=_show_detail("Call"))


@calls.command("delete")
def calls_delete(call_id: str, yes: YesOpt = False, target: TargetOpt = "auto", as_json: JsonOpt = False) -> None:
    """Delete a call and its transcript, recording and analysis.

    Example: retell-dsl calls delete call_123 --yes
    """
    confirm(f"Delete call {call_id} and its data", yes)
    execute(
        "delete_call",
        {"call_id": call_id},
        target=target,
        as_json=as_json,
        render=lambda r: typer.echo(f"Deleted call {call_id}."),
    )


@batch_calls.command("create")
def batch_create(
    from_number: Annotated[str | None, typer.Option("--from", help="Your Retell number, E.164.")] = None,
    to: Annotated[list[str] | None, typer.Option("--to", help="A number to call (repeatable).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Campaign name.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="Start time (ISO date-time or ms); default now.")] = None,
    var: VarOpt = None,
    file: FileOpt = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Create a batch call: one call per --to (or per task in --file), with shared --var values.

    Example: retell-dsl batch-calls create --from +14155550100 --to +14155550123 --to +14155550124 --name promo

    Per-number variables: put tasks [{"to_number": ..., "retell_llm_dynamic_variables": {...}}] in --file.
    """
    variables = parse_pairs("--var", var)
    tasks = [{"to_number": n, **({"retell_llm_dynamic_variables": variables} if variables else {})} for n in to or []]
    flags = {
        "from_number": from_number,
        "tasks": tasks or None,
        "name": name,
        "trigger_timestamp": parse_time("--at", at),
    }
    execute("create_batch_call", merge(file, flags), target=target, as_json=as_json, render=_show_detail("Batch call"))
