"""Knowledge-base handlers: the multipart form read and checked, then the domain called (§1.7, §7)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from retell.types.knowledge_base_create_params import KnowledgeBaseText

from retell_dsl.emulator.body import loads_strict
from retell_dsl.emulator.domain import knowledge_bases as kbs
from retell_dsl.emulator.domain.knowledge_bases import CHUNK_LIMITS, MAX_FILE_BYTES, MAX_FILES, MAX_NAME_LENGTH
from retell_dsl.emulator.errors import ApiError, bad_request
from retell_dsl.emulator.handlers.multipart import Part, parse_form
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.state import State
from retell_dsl.wire import check_payload

__all__ = [
    "add_knowledge_base_sources",
    "create_knowledge_base",
    "delete_knowledge_base",
    "delete_knowledge_base_source",
    "get_knowledge_base",
    "list_knowledge_bases",
]

_CREATE_SCALARS = ("knowledge_base_name", "enable_auto_refresh", "max_chunk_size", "min_chunk_size")


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

    def sources(self) -> kbs.NewSources:
        files = [kbs.Upload(p.filename, p.content_type, p.data) for p in self.files]
        return kbs.NewSources(texts=self.texts, urls=self.urls, files=files)


# --------------------------------------------------------------------------- reading the form


def _read_texts(form: _Form, part: Part) -> None:
    raw = part.text().strip()
    try:
        value = loads_strict(raw)
    except ApiError as err:
        form.problems.append(f"knowledge_base_texts must be a JSON array of {{title, text}} objects: {err.message}")
        return
    items = value if isinstance(value, list) else [value]  # one object per repeated part is tolerated
    for item in items:
        i = len(form.texts)
        issues = check_payload(item, KnowledgeBaseText, path=f"knowledge_base_texts[{i}]", policy="lenient")
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
            decoded = loads_strict(raw)
        except ApiError as err:
            form.problems.append(f"knowledge_base_urls must be a JSON array of URLs: {err.message}")
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


# --------------------------------------------------------------------------- handlers


def create_knowledge_base(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /create-knowledge-base`` (multipart)."""
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
    assert name is not None
    doc = kbs.create_knowledge_base(
        state, name, auto_refresh=bool(auto_refresh), chunk_sizes=sizes, sources=form.sources()
    )
    return json_response(201, kbs.render_knowledge_base(doc, state.now(), creating=True))


def add_knowledge_base_sources(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /add-knowledge-base-sources/{kb_id}`` (multipart).

    Every part is optional in the API (retell-sdk's ``KnowledgeBaseAddSourcesParams``): a request
    with no sources adds nothing and answers the knowledge base as it is.
    """
    state.require(kbs.KIND, params["kb_id"])
    form = _read_form(req, ())
    _fail_on(form)
    doc, started = kbs.add_sources(state, params["kb_id"], form.sources())
    return json_response(201, kbs.render_knowledge_base(doc, state.now(), started=started))


def get_knowledge_base(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /get-knowledge-base/{kb_id}``."""
    return json_response(200, kbs.render_knowledge_base(state.require(kbs.KIND, params["kb_id"]), state.now()))


def list_knowledge_bases(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /list-knowledge-bases`` (not paged)."""
    now = state.now()
    return json_response(200, [kbs.render_knowledge_base(doc, now) for _, doc in state.store.list_latest(kbs.KIND)])


def delete_knowledge_base_source(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``DELETE /delete-knowledge-base-source/{kb_id}/source/{source_id}``."""
    doc = kbs.delete_source(state, params["kb_id"], params["source_id"])
    return json_response(200, kbs.render_knowledge_base(doc, state.now()))


def delete_knowledge_base(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``DELETE /delete-knowledge-base/{kb_id}``."""
    kbs.delete_knowledge_base(state, params["kb_id"])
    return EmuResponse(204)
