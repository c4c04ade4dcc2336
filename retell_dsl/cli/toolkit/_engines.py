"""``retell-dsl voices | llms | flows | concurrency``: voices, response engines and call capacity."""

# ruff: noqa: PLR0917  (typer reads a command's options from its parameters)
from __future__ import annotations

from typing import Annotated

import typer

from retell_dsl.cli.toolkit._common import (
    AllOpt,
    FileOpt,
    JsonOpt,
    LimitOpt,
    TargetOpt,
    VersionOpt,
    YesOpt,
    confirm,
    deleted_view,
    detail_view,
    execute,
    int_version_arg,
    merge,
    table_view,
)

__all__ = ["concurrency", "flows", "llms", "voices"]

# ----------------------------------------------------------------------------- voices

voices = typer.Typer(help="Voices agents can speak with.", no_args_is_help=True)


@voices.command("list")
def voices_list(target: TargetOpt = "auto", as_json: JsonOpt = False) -> None:
    """List every voice (id, name, provider, gender, accent).

    Example: retell-dsl voices list
    """
    cols = [
        ("voice_id", "voice_id"),
        ("name", "voice_name"),
        ("provider", "provider"),
        ("gender", "gender"),
        ("accent", "accent"),
        ("age", "age"),
    ]
    execute("list_voices", {}, target=target, as_json=as_json, render=table_view("Voices", cols))


@voices.command("get")
def voices_get(voice_id: str, target: TargetOpt = "auto", as_json: JsonOpt = False) -> None:
    """Show one voice.

    Example: retell-dsl voices get 11labs-Adrian
    """
    args = {"voice_id": voice_id}
    execute("get_voice", args, target=target, as_json=as_json, render=detail_view("Voice", ("voice_id", "voice_name")))


# ----------------------------------------------------------------------------- llms

llms = typer.Typer(help="Retell LLM response engines (prompt, model, tools, states).", no_args_is_help=True)
_LLM_FIRST = ("llm_id", "version", "is_published", "model", "begin_message", "general_prompt")
PromptOpt = Annotated[str | None, typer.Option("--prompt", help="The general prompt.")]
BeginOpt = Annotated[str | None, typer.Option("--begin-message", help="What the agent says first.")]
ModelOpt = Annotated[str | None, typer.Option("--model", help="LLM model, e.g. gpt-4.1.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Delete even while agents use it.")]


@llms.command("list")
def llms_list(
    limit: LimitOpt = 50, fetch_all: AllOpt = False, target: TargetOpt = "auto", as_json: JsonOpt = False
) -> None:
    """List Retell LLMs.

    Example: retell-dsl llms list --all --json
    """
    cols = [("llm_id", "llm_id"), ("version", "version"), ("model", "model"), ("published", "is_published")]
    execute(
        "list_llms",
        {},
        target=target,
        as_json=as_json,
        render=table_view("LLMs", cols),
        limit=None if fetch_all else limit,
    )


@llms.command("get")
def llms_get(llm_id: str, version: VersionOpt = None, target: TargetOpt = "auto", as_json: JsonOpt = False) -> None:
    """Show a Retell LLM: prompt, model, tools, states.

    Example: retell-dsl llms get llm_123
    """
    args = merge(None, {"llm_id": llm_id, "version": int_version_arg(version)})
    execute("get_llm", args, target=target, as_json=as_json, render=detail_view("Retell LLM", _LLM_FIRST))


@llms.command("create")
def llms_create(
    prompt: PromptOpt = None,
    begin_message: BeginOpt = None,
    model: ModelOpt = None,
    file: FileOpt = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Create a Retell LLM.

    Example: retell-dsl llms create --prompt "You book dentist appointments." --begin-message "Hi!"
    """
    flags = {"general_prompt": prompt, "begin_message": begin_message, "model": model}
    execute(
        "create_llm", merge(file, flags), target=target, as_json=as_json, render=detail_view("Retell LLM", _LLM_FIRST)
    )


@llms.command("update")
def llms_update(
    llm_id: str,
    prompt: PromptOpt = None,
    begin_message: BeginOpt = None,
    model: ModelOpt = None,
    version: VersionOpt = None,
    file: FileOpt = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Change only the given fields of a Retell LLM.

    Example: retell-dsl llms update llm_123 --prompt "Be brief."
    """
    flags = {
        "llm_id": llm_id,
        "general_prompt": prompt,
        "begin_message": begin_message,
        "model": model,
        "version": int_version_arg(version),
    }
    execute(
        "update_llm", merge(file, flags), target=target, as_json=as_json, render=detail_view("Retell LLM", _LLM_FIRST)
    )


@llms.command("delete")
def llms_delete(
    llm_id: str, force: ForceOpt = False, yes: YesOpt = False, target: TargetOpt = "auto", as_json: JsonOpt = False
) -> None:
    """Delete a Retell LLM and all its versions.

    Example: retell-dsl llms delete llm_123 --yes
    """
    confirm(f"Delete Retell LLM {llm_id}", yes)
    args = merge(None, {"llm_id": llm_id, "force_delete": True if force else None})
    execute("delete_llm", args, target=target, as_json=as_json, render=deleted_view)


# ----------------------------------------------------------------------------- flows

flows = typer.Typer(help="Conversation-flow response engines (nodes and edges).", no_args_is_help=True)
_FLOW_FIRST = ("conversation_flow_id", "version", "is_published", "start_speaker", "start_node_id", "global_prompt")


@flows.command("list")
def flows_list(
    limit: LimitOpt = 50, fetch_all: AllOpt = False, target: TargetOpt = "auto", as_json: JsonOpt = False
) -> None:
    """List conversation flows.

    Example: retell-dsl flows list
    """
    cols = [
        ("conversation_flow_id", "conversation_flow_id"),
        ("version", "version"),
        ("nodes", lambda f: len(f.get("nodes") or [])),
        ("published", "is_published"),
    ]
    execute(
        "list_conversation_flows",
        {},
        target=target,
        as_json=as_json,
        render=table_view("Conversation flows", cols),
        limit=None if fetch_all else limit,
    )


@flows.command("get")
def flows_get(flow_id: str, version: VersionOpt = None, target: TargetOpt = "auto", as_json: JsonOpt = False) -> None:
    """Show a conversation flow with its nodes.

    Example: retell-dsl flows get conversation_flow_123 --json
    """
    args = merge(None, {"conversation_flow_id": flow_id, "version": int_version_arg(version)})
    execute(
        "get_conversation_flow",
        args,
        target=target,
        as_json=as_json,
        render=detail_view("Conversation flow", _FLOW_FIRST),
    )


@flows.command("create")
def flows_create(
    file: FileOpt = None,
    start_speaker: Annotated[str | None, typer.Option("--start-speaker", help="agent or user.")] = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Create a conversation flow from a JSON body (nodes are too rich for flags).

    Example: retell-dsl flows create --file flow.json
    """
    args = merge(file, {"start_speaker": start_speaker})
    execute(
        "create_conversation_flow",
        args,
        target=target,
        as_json=as_json,
        render=detail_view("Conversation flow", _FLOW_FIRST),
    )


@flows.command("update")
def flows_update(
    flow_id: str,
    file: FileOpt = None,
    prompt: Annotated[str | None, typer.Option("--global-prompt", help="New global prompt.")] = None,
    version: VersionOpt = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Change only the given fields of a conversation flow.

    Example: retell-dsl flows update conversation_flow_123 --global-prompt "Be polite."
    """
    flags = {"conversation_flow_id": flow_id, "global_prompt": prompt, "version": int_version_arg(version)}
    execute(
        "update_conversation_flow",
        merge(file, flags),
        target=target,
        as_json=as_json,
        render=detail_view("Conversation flow", _FLOW_FIRST),
    )


@flows.command("delete")
def flows_delete(
    flow_id: str, force: ForceOpt = False, yes: YesOpt = False, target: TargetOpt = "auto", as_json: JsonOpt = False
) -> None:
    """Delete a conversation flow and all its versions.

    Example: retell-dsl flows delete conversation_flow_123 --yes
    """
    confirm(f"Delete conversation flow {flow_id}", yes)
    args = merge(None, {"conversation_flow_id": flow_id, "force_delete": True if force else None})
    execute("delete_conversation_flow", args, target=target, as_json=as_json, render=deleted_view)


# ----------------------------------------------------------------------------- concurrency


def concurrency(target: TargetOpt = "auto", as_json: JsonOpt = False) -> None:
    """Show call concurrency (running calls vs the limit); check it before a campaign.

    Example: retell-dsl concurrency --json
    """
    first = ("current_concurrency", "concurrency_limit", "base_concurrency", "purchased_concurrency")
    execute("get_concurrency", {}, target=target, as_json=as_json, render=detail_view("Concurrency", first))
