"""``retell-dsl agents``: list, inspect, create, edit, publish and delete voice agents."""

# ruff: noqa: PLR0917  (typer reads a command's options from its parameters)
from __future__ import annotations

from typing import Annotated, Any

import typer

from retell_dsl.cli.toolkit._common import (
    AllOpt,
    FileOpt,
    JsonOpt,
    LimitOpt,
    TargetOpt,
    VersionOpt,
    YesOpt,
    abort,
    confirm,
    deleted_view,
    detail_view,
    execute,
    int_version_arg,
    merge,
    table_view,
    version_arg,
)

__all__ = ["agents"]

# ----------------------------------------------------------------------------- agents

agents = typer.Typer(help="Voice agents: list, inspect, create, edit drafts, publish, delete.", no_args_is_help=True)
_AGENT_FIRST = ("agent_id", "agent_name", "version", "is_published", "voice_id", "response_engine")


def _engine(llm_id: str | None, flow_id: str | None) -> dict[str, str] | None:
    if llm_id and flow_id:
        abort("--llm-id and --flow-id: give only one response engine")
    if llm_id:
        return {"type": "retell-llm", "llm_id": llm_id}
    if flow_id:
        return {"type": "conversation-flow", "conversation_flow_id": flow_id}
    return None


LlmIdOpt = Annotated[str | None, typer.Option("--llm-id", help="Use this Retell LLM as the response engine.")]
FlowIdOpt = Annotated[str | None, typer.Option("--flow-id", help="Use this conversation flow as the response engine.")]


@agents.command("list")
def agents_list(
    query: Annotated[str | None, typer.Option("--query", "-q", help="Substring of the name or id.")] = None,
    limit: LimitOpt = 50,
    fetch_all: AllOpt = False,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """List voice agents, newest first, with their latest version, whether it is published, and its voice.

    Example: retell-dsl agents list --query support --limit 200
    """
    args = {"filter_criteria": {"query": query}} if query else {}
    cols = [
        ("agent_id", "agent_id"),
        ("name", "agent_name"),
        ("version", "version"),
        ("published", "is_published"),
        ("voice", "voice_id"),
    ]
    show = table_view("Agents", cols)
    execute(
        "list_agents",
        args,
        target=target,
        as_json=as_json,
        render=lambda result: show(_with_latest_versions(result, target)),
        limit=None if fetch_all else limit,
    )


_LATEST = ("version", "is_published", "voice_id")


def _with_latest_versions(result: Any, target: str) -> Any:
    """List items carry no version or voice: read each agent's latest version (8 at a time)."""
    from concurrent.futures import ThreadPoolExecutor

    import retell

    from retell_dsl.cli.toolkit._common import make_client
    from retell_dsl.errors import RetellDSLError
    from retell_dsl.toolkit import invoke

    rows = result["items"] if isinstance(result, dict) else result
    client = make_client(target)

    def latest(row: dict[str, Any]) -> dict[str, Any]:
        try:
            agent = invoke("get_agent", client, {"agent_id": row["agent_id"]})
        except (RetellDSLError, retell.RetellError, OSError):  # an unreadable row keeps blank cells
            return row
        return {**row, **{key: agent.get(key) for key in _LATEST}}

    with ThreadPoolExecutor(max_workers=8) as pool:
        enriched = list(pool.map(latest, rows))
    return {**result, "items": enriched} if isinstance(result, dict) else enriched


@agents.command("get")
def agents_get(agent_id: str, version: VersionOpt = None, target: TargetOpt = "auto", as_json: JsonOpt = False) -> None:
    """Show an agent's full configuration (latest version unless --version).

    Example: retell-dsl agents get agent_123 --version 2 --json
    """
    args = merge(None, {"agent_id": agent_id, "version": version_arg(version)})
    execute("get_agent", args, target=target, as_json=as_json, render=detail_view("Agent", _AGENT_FIRST))


@agents.command("create")
def agents_create(
    voice_id: Annotated[str | None, typer.Option("--voice-id", help="Voice to speak with (see voices list).")] = None,
    llm_id: LlmIdOpt = None,
    flow_id: FlowIdOpt = None,
    name: Annotated[str | None, typer.Option("--name", help="Agent name.")] = None,
    file: FileOpt = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Create an agent (an unpublished draft, version 0).

    Example: retell-dsl agents create --voice-id 11labs-Adrian --llm-id llm_123 --name Support

    Full body: retell-dsl agents create --file agent.json
    """
    flags = {"voice_id": voice_id, "response_engine": _engine(llm_id, flow_id), "agent_name": name}
    execute(
        "create_agent", merge(file, flags), target=target, as_json=as_json, render=detail_view("Agent", _AGENT_FIRST)
    )


@agents.command("update")
def agents_update(
    agent_id: str,
    voice_id: Annotated[str | None, typer.Option("--voice-id", help="New voice.")] = None,
    llm_id: LlmIdOpt = None,
    flow_id: FlowIdOpt = None,
    name: Annotated[str | None, typer.Option("--name", help="New agent name.")] = None,
    version: VersionOpt = None,
    file: FileOpt = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Change only the given fields of an agent's latest draft (or --version).

    Example: retell-dsl agents update agent_123 --name "Support (new)"

    Many fields: retell-dsl agents update agent_123 --file changes.json
    """
    flags = {
        "agent_id": agent_id,
        "voice_id": voice_id,
        "response_engine": _engine(llm_id, flow_id),
        "agent_name": name,
        "version": version_arg(version),
    }
    execute(
        "update_agent", merge(file, flags), target=target, as_json=as_json, render=detail_view("Agent", _AGENT_FIRST),
        hint=lambda message: _published_hint(message, agent_id),
    )  # fmt: skip


def _published_hint(message: str, agent_id: str) -> str:
    """An error about a published (immutable) version names the command that opens a draft to edit.

    >>> _published_hint("Version 0 of agent a1 is published and cannot be changed; create a new draft with "
    ...                 "create-agent-version and update that", "a1")  # doctest: +NORMALIZE_WHITESPACE
    'Version 0 of agent a1 is published and cannot be changed; open a new draft to edit with:
     retell-dsl agents new-version a1 --from-version 0'
    >>> _published_hint("Retell API error 404: not found", "a1")
    'Retell API error 404: not found'
    """
    import re

    if "create-agent-version" not in message and "is published" not in message:
        return message
    found = re.search(r"[Vv]ersion (\d+)", message)
    source = f" --from-version {found.group(1)}" if found else ""
    head = re.split(r";\s*create a new draft with create-agent-version.*$", message)[0]
    return f"{head}; open a new draft to edit with: retell-dsl agents new-version {agent_id}{source}"


@agents.command("new-version")
def agents_new_version(
    agent_id: str,
    from_version: Annotated[
        int | None,
        typer.Option("--from-version", min=0, help="The version to copy (default: the latest one)."),
    ] = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Open a new draft of an agent, a copy of one of its versions, to edit a published agent.

    Published versions cannot change; `agents update` then edits the new draft (the latest
    version) and `agents publish` makes it live.

    Example: retell-dsl agents new-version agent_123 --from-version 2
    """
    import retell

    from retell_dsl.cli.toolkit._common import make_client, print_json
    from retell_dsl.errors import RetellDSLError
    from retell_dsl.toolkit import error_message, to_json

    if not agent_id.strip():
        abort("agent_id: expected a non-empty agent id")
    try:
        client = make_client(target)
        base = from_version if from_version is not None else client.agent.retrieve(agent_id).version
        if base is None:
            abort(f"agent {agent_id} reports no version to copy; pass --from-version")
        draft = to_json(client.agent.create_version(agent_id, base_version=int(base)))
    except (RetellDSLError, retell.RetellError, OSError) as exc:
        abort(error_message(exc))
    if as_json:
        print_json(draft)
        return
    typer.echo(
        f"Opened version {draft.get('version')} of {agent_id} as a draft, copied from version {base}; edit it "
        f"with: retell-dsl agents update {agent_id} ... (then agents publish {agent_id})"
    )
    detail_view("Agent", _AGENT_FIRST)(draft)


@agents.command("publish")
def agents_publish(
    agent_id: str,
    version: VersionOpt = None,
    title: Annotated[str | None, typer.Option("--title", help="Title of the published version.")] = None,
    description: Annotated[str | None, typer.Option("--description", help="What changed.")] = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Publish the latest draft (or --version) and open a new draft for further edits.

    Example: retell-dsl agents publish agent_123 --title "Spring promo"
    """
    args = merge(
        None,
        {
            "agent_id": agent_id,
            "version": int_version_arg(version),
            "version_title": title,
            "version_description": description,
        },
    )

    def show(result: Any) -> None:
        state = "was already published" if result["was_already_published"] else "published"
        typer.echo(
            f"Version {result['published_version']} of {agent_id} {state}; "
            f"new draft is version {result['draft_version']}."
        )

    execute("publish_agent", args, target=target, as_json=as_json, render=show)


@agents.command("delete")
def agents_delete(agent_id: str, yes: YesOpt = False, target: TargetOpt = "auto", as_json: JsonOpt = False) -> None:
    """Delete an agent and all its versions.

    Example: retell-dsl agents delete agent_123 --yes
    """
    confirm(f"Delete agent {agent_id} and all its versions", yes)
    execute("delete_agent", {"agent_id": agent_id}, target=target, as_json=as_json, render=deleted_view)
