"""Knowledge bases: sources, processing on the emulator clock, status (retell-api.md §1.7, §7).

Status is computed on read from the emulator clock: a new knowledge base is
``in_progress`` until ``config.kb_processing_ms`` have passed, then ``complete``; adding
sources makes it ``refreshing_in_progress`` for the same time (old sources stay listed,
new ones appear when done). Each stored source keeps its bookkeeping in ``_`` keys:
``_ready_at`` (when processing finishes) and ``_text`` (the text, for retrieval).
Reading the multipart form is the handler's job; these functions take its parsed parts.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from retell_dsl.emulator.errors import not_found
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document

__all__ = [
    "CHUNK_LIMITS",
    "KIND",
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_NAME_LENGTH",
    "NewSources",
    "Upload",
    "add_sources",
    "create_knowledge_base",
    "delete_knowledge_base",
    "delete_source",
    "render_knowledge_base",
    "source_texts",
]

KIND = "knowledge_base"
MAX_NAME_LENGTH = 39  # "must be less than 40 characters"
MAX_FILES = 25
MAX_FILE_BYTES = 50 * 1024 * 1024
#: name → (minimum, maximum, default)
CHUNK_LIMITS: dict[str, tuple[int, int, int]] = {
    "max_chunk_size": (600, 6000, 2000),
    "min_chunk_size": (200, 2000, 400),
}
_STORAGE = "https://storage.retell-emulator.invalid/knowledge_base"
_TEXTUAL_TYPES = re.compile(r"^(text/|application/(json|xml|csv|x-ndjson))", re.IGNORECASE)
_TEXTUAL_NAMES = re.compile(r"\.(txt|md|markdown|csv|tsv|json|html?|xml)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded file: its name, content type and bytes."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass(frozen=True, slots=True)
class NewSources:
    """The sources one request adds: ``{title, text}`` texts, URLs and files (already checked)."""

    texts: Sequence[dict[str, Any]] = ()
    urls: Sequence[str] = ()
    files: Sequence[Upload] = ()


def _new_sources(state: State, kb_id: str, form: NewSources, ready_at: int) -> list[Document]:
    sources: list[Document] = []
    for text in form.texts:
        sid = state.new_id("source")
        sources.append(
            {
                "type": "text",
                "source_id": sid,
                "title": text["title"],
                "content_url": f"{_STORAGE}/{kb_id}/{sid}/content.txt",
                "_text": text["text"],
                "_ready_at": ready_at,
            }
        )
    for url in form.urls:
        sources.append({"type": "url", "source_id": state.new_id("source"), "url": url, "_ready_at": ready_at})
    for part in form.files:  # Upload
        sid = state.new_id("source")
        filename = part.filename or "file"
        source: Document = {
            "type": "document",
            "source_id": sid,
            "filename": filename,
            "file_url": f"{_STORAGE}/{kb_id}/{sid}/{quote(filename)}",
            "file_size": len(part.data),
            "_ready_at": ready_at,
            "_content_type": part.content_type or "application/octet-stream",
        }
        if _TEXTUAL_TYPES.match(part.content_type or "") or _TEXTUAL_NAMES.search(filename):
            source["_text"] = part.data.decode("utf-8", "replace")
        sources.append(source)
    return sources


def render_knowledge_base(
    doc: Document, now: int, *, started: Collection[str] = (), creating: bool = False
) -> Document:
    """The public view of a stored knowledge base as of ``now`` (status and visible sources).

    ``started`` names sources whose processing starts with this very request: they are
    pending even when processing takes no time, and ``creating`` does the same for a new
    knowledge base, so a create or add-sources answer never says ``complete``.
    """
    out = strip_private(doc)
    sources: list[Document] = doc.get("_sources", [])
    visible = [s for s in sources if s["_ready_at"] <= now and s["source_id"] not in started]
    if creating or doc["_initial_ready_at"] > now:
        out["status"], visible = "in_progress", []
    elif len(visible) < len(sources):
        out["status"] = "refreshing_in_progress"
    else:
        out["status"] = "complete"
    out["knowledge_base_sources"] = [strip_private(s) for s in visible]
    if doc.get("enable_auto_refresh") and out["status"] != "in_progress":
        done = [doc["_initial_ready_at"], *(s["_ready_at"] for s in visible)]
        out["last_refreshed_timestamp"] = max(t for t in done if t <= now)
    return out


def source_texts(doc: Document) -> list[tuple[str, str]]:
    """``(source_id, text)`` of every source whose text the emulator holds (texts and text files)."""
    return [(s["source_id"], s["_text"]) for s in doc.get("_sources", []) if "_text" in s]


def create_knowledge_base(
    state: State, name: str, *, auto_refresh: bool, chunk_sizes: dict[str, int], sources: NewSources
) -> Document:
    """Store a new knowledge base; it and its sources are processed for ``config.kb_processing_ms``."""
    now = state.now()
    ready_at = now + state.config.kb_processing_ms
    kb_id = state.new_id("knowledge_base")
    doc: Document = {
        "knowledge_base_id": kb_id,
        "knowledge_base_name": name,
        "enable_auto_refresh": auto_refresh,
        **chunk_sizes,
        "_created_at": now,
        "_initial_ready_at": ready_at,
        "_sources": _new_sources(state, kb_id, sources, ready_at),
    }
    state.store.put(KIND, kb_id, doc)
    return doc


def add_sources(state: State, kb_id: str, sources: NewSources) -> tuple[Document, set[str]]:
    """Add sources (processed for ``config.kb_processing_ms``); returns the document and the new source ids."""
    doc = state.require(KIND, kb_id)
    added = _new_sources(state, kb_id, sources, state.now() + state.config.kb_processing_ms)
    doc["_sources"] = doc.get("_sources", []) + added
    state.store.put(KIND, kb_id, doc)
    return doc, {s["source_id"] for s in added}


def delete_source(state: State, kb_id: str, source_id: str) -> Document:
    """Remove one source; an unknown source is 404/422 like the knowledge base."""
    doc = state.require(KIND, kb_id)
    sources = doc.get("_sources", [])
    kept = [s for s in sources if s["source_id"] != source_id]
    if len(kept) == len(sources):
        raise not_found(KIND, f"{kb_id} source {source_id}")
    doc["_sources"] = kept
    state.store.put(KIND, kb_id, doc)
    return doc


def delete_knowledge_base(state: State, kb_id: str) -> None:
    """Forget a knowledge base and its sources."""
    state.require(KIND, kb_id)
    state.store.delete(KIND, kb_id)
