"""Knowledge bases: multipart create and add-sources, status lifecycle, source deletion (retell-api.md §1.7, §7).

Status is computed on read from the emulator clock: a new knowledge base is
``in_progress`` until ``config.kb_processing_ms`` have passed, then ``complete``; adding
sources makes it ``refreshing_in_progress`` for the same time (old sources stay listed,
new ones appear when done). Each stored source keeps its bookkeeping in ``_`` keys:
``_ready_at`` (when processing finishes) and ``_text`` (the text, for retrieval later).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from retell.types.knowledge_base_create_params import KnowledgeBaseText

from retell_dsl.emulator.errors import bad_request, not_found
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.resources.multipart import Part, parse_form
from retell_dsl.emulator.router import Router
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document
from retell_dsl.wire import check_payload

__all__ = [
    "CHUNK_LIMITS",
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_NAME_LENGTH",
    "register",
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
_CREATE_SCALARS = ("knowledge_base_name", "enable_auto_refresh", "max_chunk_size", "min_chunk_size")
_TEXTUAL_TYPES = re.compile(r"^(text/|application/(json|xml|csv|x-ndjson))", re.IGNORECASE)
_TEXTUAL_NAMES = re.compile(r"\.(txt|md|markdown|csv|tsv|json|html?|xml)$", re.IGNORECASE)


@dataclass(slots=True)
class _Form:
    """A parsed knowledge-base form, with every problem found on the way."""

    scalars: dict[str, str] = field(default_factory=dict)
    texts: list[dict[str, Any]] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    files: list[Part] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def has_sources(self) -> bool:
        return bool(self.texts or self.urls or self.files)


# --------------------------------------------------------------------------- reading the form


def _read_texts(form: _Form, part: Part) -> None:
    raw = part.text().strip()
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        form.problems.append(f"knowledge_base_texts must be a JSON array of {{title, text}} objects, got {raw[:60]!r}")
        return
    items = value if isinstance(value, list) else [value]  # one object per repeated part is tolerated
    for item in items:
        i = len(form.texts)
        issues = check_payload(item, KnowledgeBaseText, path=f"knowledge_base_texts[{i}]")
        if issues:
            form.problems.extend(str(issue) for issue in issues)
        elif not str(item["text"]).strip():
            form.problems.append(f"knowledge_base_texts[{i}].text must not be empty")
        form.texts.append(item if isinstance(item, dict) else {})


def _read_urls(form: _Form, part: Part) -> None:
    raw = part.text().strip()
    values: list[object]
    if raw.startswith(("[", '"')):
        try:
            decoded = json.loads(raw)
        except (ValueError, RecursionError):
            form.problems.append(f"knowledge_base_urls must be a JSON array of URLs, got {raw[:60]!r}")
            return
        values = decoded if isinstance(decoded, list) else [decoded]
    else:
        values = [raw]  # a repeated plain part holding one URL
    for value in values:
        i = len(form.urls)
        if not isinstance(value, str) or not _valid_url(value):
            form.problems.append(f"knowledge_base_urls[{i}] must be a valid http(s) URL, got {str(value)[:80]!r}")
        form.urls.append(str(value))


def _valid_url(value: str) -> bool:
    if len(value) > 2048 or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _read_form(req: EmuRequest, scalars: tuple[str, ...]) -> _Form:
    form = _Form()
    for part in parse_form(req):
        if part.name in ("knowledge_base_texts", "knowledge_base_urls"):
            (_read_texts if part.name == "knowledge_base_texts" else _read_urls)(form, part)
        elif part.name == "knowledge_base_files":
            if not part.is_file:
                form.problems.append("knowledge_base_files parts must be files (with a filename)")
            elif len(part.data) > MAX_FILE_BYTES:
                form.problems.append(f"knowledge_base_files: {part.filename!r} is larger than 50 MB")
            form.files.append(part)
        elif part.name in scalars:
            if part.is_file:
                form.problems.append(f"{part.name} must be a plain form field, not a file")
            elif part.name in form.scalars:
                form.problems.append(f"{part.name} is given more than once")
            form.scalars[part.name] = part.text()
        elif part.name in CHUNK_LIMITS:
            form.problems.append(f"{part.name} is immutable after creation")
        else:
            form.problems.append(f"{part.name}: unknown field")
    if len(form.files) > MAX_FILES:
        form.problems.append(f"knowledge_base_files: at most {MAX_FILES} files per request, got {len(form.files)}")
    return form


def _bool_field(form: _Form, name: str) -> bool | None:
    raw = form.scalars.get(name)
    if raw is None:
        return None
    if raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    form.problems.append(f"{name} must be true or false, got {raw[:40]!r}")
    return None


def _chunk_sizes(form: _Form) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for name, (lo, hi, default) in CHUNK_LIMITS.items():
        raw = form.scalars.get(name)
        if raw is None:
            sizes[name] = default
        elif not re.fullmatch(r"[+-]?\d{1,9}", raw.strip()):
            form.problems.append(f"{name} must be an integer, got {raw[:40]!r}")
        elif not lo <= int(raw) <= hi:
            form.problems.append(f"{name} must be between {lo} and {hi}, got {int(raw)}")
        else:
            sizes[name] = int(raw)
    if len(sizes) == 2 and sizes["min_chunk_size"] >= sizes["max_chunk_size"]:
        form.problems.append(
            f"min_chunk_size ({sizes['min_chunk_size']}) must be less than max_chunk_size ({sizes['max_chunk_size']})"
        )
    return sizes


def _fail_on(form: _Form) -> None:
    if form.problems:
        raise bad_request("Invalid request format, please check API reference", form.problems)


# --------------------------------------------------------------------------- sources and rendering


def _new_sources(state: State, kb_id: str, form: _Form, ready_at: int) -> list[Document]:
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
    for part in form.files:
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


# --------------------------------------------------------------------------- handlers


def _create(state: State, req: EmuRequest) -> EmuResponse:
    form = _read_form(req, _CREATE_SCALARS)
    name = form.scalars.get("knowledge_base_name")
    if name is None:
        form.problems.append("knowledge_base_name: missing required field")
    elif not name.strip():
        form.problems.append("knowledge_base_name must not be empty")
    elif len(name) > MAX_NAME_LENGTH:
        form.problems.append(f"knowledge_base_name must be less than 40 characters, got {len(name)}")
    auto_refresh = _bool_field(form, "enable_auto_refresh")
    sizes = _chunk_sizes(form)
    _fail_on(form)
    now = state.now()
    ready_at = now + state.config.kb_processing_ms
    kb_id = state.new_id("knowledge_base")
    doc: Document = {
        "knowledge_base_id": kb_id,
        "knowledge_base_name": name,
        "enable_auto_refresh": bool(auto_refresh),
        **sizes,
        "_created_at": now,
        "_initial_ready_at": ready_at,
        "_sources": _new_sources(state, kb_id, form, ready_at),
    }
    state.store.put(KIND, kb_id, doc)
    return json_response(201, render_knowledge_base(doc, now, creating=True))


def _add_sources(state: State, req: EmuRequest, kb_id: str) -> EmuResponse:
    doc = state.require(KIND, kb_id)
    form = _read_form(req, ())
    if not form.has_sources and not form.problems:
        form.problems.append("give at least one of knowledge_base_texts, knowledge_base_urls, knowledge_base_files")
    _fail_on(form)
    now = state.now()
    added = _new_sources(state, kb_id, form, now + state.config.kb_processing_ms)
    doc["_sources"] = doc.get("_sources", []) + added
    state.store.put(KIND, kb_id, doc)
    return json_response(201, render_knowledge_base(doc, now, started={s["source_id"] for s in added}))


def _get(state: State, kb_id: str) -> EmuResponse:
    return json_response(200, render_knowledge_base(state.require(KIND, kb_id), state.now()))


def _list(state: State) -> EmuResponse:
    now = state.now()
    return json_response(200, [render_knowledge_base(doc, now) for _, doc in state.store.list_latest(KIND)])


def _delete_source(state: State, kb_id: str, source_id: str) -> EmuResponse:
    doc = state.require(KIND, kb_id)
    sources = doc.get("_sources", [])
    kept = [s for s in sources if s["source_id"] != source_id]
    if len(kept) == len(sources):
        raise not_found(KIND, f"{kb_id} source {source_id}")
    doc["_sources"] = kept
    state.store.put(KIND, kb_id, doc)
    return json_response(200, render_knowledge_base(doc, state.now()))


def _delete(state: State, kb_id: str) -> EmuResponse:
    state.require(KIND, kb_id)
    state.store.delete(KIND, kb_id)
    return EmuResponse(204)


def register(router: Router) -> None:
    """Add the knowledge-base routes to ``router``."""
    router.add("POST", "/create-knowledge-base")(lambda s, r, p: _create(s, r))
    router.add("GET", "/get-knowledge-base/{kb_id}")(lambda s, r, p: _get(s, p["kb_id"]))
    router.add("GET", "/list-knowledge-bases")(lambda s, r, p: _list(s))
    router.add("POST", "/add-knowledge-base-sources/{kb_id}")(lambda s, r, p: _add_sources(s, r, p["kb_id"]))
    router.add("DELETE", "/delete-knowledge-base-source/{kb_id}/source/{source_id}")(
        lambda s, r, p: _delete_source(s, p["kb_id"], p["source_id"])
    )
    router.add("DELETE", "/delete-knowledge-base/{kb_id}")(lambda s, r, p: _delete(s, p["kb_id"]))
