"""``retell-dsl kbs``: knowledge bases and their sources (texts, URLs, files)."""

# ruff: noqa: PLR0917  (typer reads a command's options from its parameters)
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from retell_dsl.cli.toolkit._common import FileOpt, JsonOpt, TargetOpt, YesOpt, abort, confirm, execute, merge

__all__ = ["kbs"]

kbs = typer.Typer(help="Knowledge bases and their sources (texts, URLs, files).", no_args_is_help=True)

_KB_FIRST = ("knowledge_base_id", "knowledge_base_name", "status", "knowledge_base_sources")


def _kb_view(result: Any) -> None:
    from retell_dsl.cli.toolkit._render import render_detail, render_table

    render_detail("Knowledge base", {k: v for k, v in result.items() if k != "knowledge_base_sources"}, first=_KB_FIRST)
    sources = result.get("knowledge_base_sources") or []
    cols = [
        ("source_id", "source_id"),
        ("type", "type"),
        ("source", lambda s: s.get("url") or s.get("title") or s.get("filename")),
    ]
    render_table("Sources", sources, cols)


TextOpt = Annotated[list[str] | None, typer.Option("--text", help="TITLE=TEXT to add (repeatable).")]
UrlOpt = Annotated[list[str] | None, typer.Option("--url", help="A web page to add (repeatable).")]
UploadOpt = Annotated[list[Path] | None, typer.Option("--upload", help="A local document to upload (repeatable).")]


def _sources(texts: list[str] | None, urls: list[str] | None, uploads: list[Path] | None) -> dict[str, Any]:
    pairs = []
    for item in texts or []:
        title, sep, text = item.partition("=")
        if not sep or not title:
            abort(f"--text: expected TITLE=TEXT, got {item!r}")
        pairs.append({"title": title, "text": text})
    return {
        "knowledge_base_texts": pairs or None,
        "knowledge_base_urls": urls or None,
        "knowledge_base_files": [str(p) for p in uploads] if uploads else None,
    }


@kbs.command("list")
def kbs_list(target: TargetOpt = "auto", as_json: JsonOpt = False) -> None:
    """List knowledge bases with their status.

    Example: retell-dsl kbs list
    """

    def show(result: Any) -> None:
        from retell_dsl.cli.toolkit._render import render_table

        cols = [
            ("knowledge_base_id", "knowledge_base_id"),
            ("name", "knowledge_base_name"),
            ("status", "status"),
            ("sources", lambda k: len(k.get("knowledge_base_sources") or [])),
        ]
        render_table("Knowledge bases", result, cols)

    execute("list_knowledge_bases", {}, target=target, as_json=as_json, render=show)


@kbs.command("get")
def kbs_get(knowledge_base_id: str, target: TargetOpt = "auto", as_json: JsonOpt = False) -> None:
    """Show a knowledge base and its sources (with the source ids delete-source needs).

    Example: retell-dsl kbs get knowledge_base_123
    """
    execute(
        "get_knowledge_base", {"knowledge_base_id": knowledge_base_id}, target=target, as_json=as_json, render=_kb_view
    )


@kbs.command("create")
def kbs_create(
    name: Annotated[str | None, typer.Option("--name", help="Name, under 40 characters.")] = None,
    text: TextOpt = None,
    url: UrlOpt = None,
    upload: UploadOpt = None,
    file: FileOpt = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Create a knowledge base from texts, URLs and files.

    Example: retell-dsl kbs create --name faq --url https://example.com/faq --text "Hours=9 to 5" --upload menu.pdf
    """
    flags = {"knowledge_base_name": name, **_sources(text, url, upload)}
    execute("create_knowledge_base", merge(file, flags), target=target, as_json=as_json, render=_kb_view)


@kbs.command("add-sources")
def kbs_add_sources(
    knowledge_base_id: str,
    text: TextOpt = None,
    url: UrlOpt = None,
    upload: UploadOpt = None,
    target: TargetOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Add texts, URLs or files to a knowledge base.

    Example: retell-dsl kbs add-sources knowledge_base_123 --url https://example.com/prices
    """
    args = merge(None, {"knowledge_base_id": knowledge_base_id, **_sources(text, url, upload)})
    execute("add_knowledge_base_sources", args, target=target, as_json=as_json, render=_kb_view)


@kbs.command("delete-source")
def kbs_delete_source(
    knowledge_base_id: str, source_id: str, yes: YesOpt = False, target: TargetOpt = "auto", as_json: JsonOpt = False
) -> None:
    """Remove one source from a knowledge base.

    Example: retell-dsl kbs delete-source knowledge_base_123 source_456 --yes
    """
    confirm(f"Remove source {source_id} from knowledge base {knowledge_base_id}", yes)
    args = {"knowledge_base_id": knowledge_base_id, "source_id": source_id}
    execute("delete_knowledge_base_source", args, target=target, as_json=as_json, render=_kb_view)


@kbs.command("delete")
def kbs_delete(
    knowledge_base_id: str, yes: YesOpt = False, target: TargetOpt = "auto", as_json: JsonOpt = False
) -> None:
    """Delete a knowledge base and all its sources.

    Example: retell-dsl kbs delete knowledge_base_123 --yes
    """
    confirm(f"Delete knowledge base {knowledge_base_id}", yes)
    execute(
        "delete_knowledge_base",
        {"knowledge_base_id": knowledge_base_id},
        target=target,
        as_json=as_json,
        render=lambda r: typer.echo(f"Deleted knowledge base {knowledge_base_id}."),
    )
