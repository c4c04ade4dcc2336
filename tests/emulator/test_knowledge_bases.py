"""Knowledge bases through the official SDK: multipart create, status lifecycle, sources, limits, delete."""

from __future__ import annotations

import json
from typing import Any

import pytest
import retell
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retell_dsl.emulator import Emulator, ManualClock
from retell_dsl.emulator.messages import EmuRequest
from tests.emulator.conftest import Api
from tests.emulator.helpers import raw_request

BOUNDARY = "xYzBoundary"


def _multipart(*parts: tuple[str, str | bytes, str | None, str | None]) -> bytes:
    """``(name, value, filename, content_type)`` parts → a multipart body with :data:`BOUNDARY`."""
    out = b""
    for name, value, filename, content_type in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n".encode()
        if content_type:
            out += f"Content-Type: {content_type}\r\n".encode()
        out += b"\r\n" + (value.encode() if isinstance(value, str) else value) + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


def _post_form(api: Api, path: str, body: bytes, content_type: str | None = None) -> Any:
    headers = {"content-type": content_type or f"multipart/form-data; boundary={BOUNDARY}"}
    return raw_request(api, "POST", path, content=body, headers=headers)


def _create(api: Api, **kwargs: Any) -> Any:
    return api.call("knowledge_base.create", **{"knowledge_base_name": "Clinic FAQ", **kwargs})


def test_create_parses_texts_urls_and_files(api: Api) -> None:
    kb = _create(
        api,
        enable_auto_refresh=True,
        knowledge_base_texts=[{"title": "Hours", "text": "We open at 9. Ünïcode ok."}],
        knowledge_base_urls=["https://example.com/faq", "https://example.com/prices"],
        knowledge_base_files=[("a.txt", b"hello", "text/plain"), ("b.pdf", b"%PDF-1.4 ...", "application/pdf")],
        max_chunk_size=1000,
    )
    assert kb.knowledge_base_id.startswith("knowledge_base_")
    assert (kb.status, kb.knowledge_base_sources) == ("in_progress", [])
    assert (kb.max_chunk_size, kb.min_chunk_size, kb.enable_auto_refresh) == (1000, 400, True)
    done = api.call("knowledge_base.retrieve", kb.knowledge_base_id)
    assert done.status == "complete"
    sources = done.knowledge_base_sources
    assert [s.type for s in sources] == ["text", "url", "url", "document", "document"]
    text, url, _, doc_a, doc_b = sources
    assert text.title == "Hours" and text.content_url.startswith("https://")
    assert "text" not in text.model_dump()  # the text itself is only exposed by URL
    assert url.url == "https://example.com/faq"
    assert (doc_a.filename, doc_a.file_size, doc_b.filename, doc_b.file_size) == ("a.txt", 5, "b.pdf", 12)
    assert len({s.source_id for s in sources}) == 5
    stored = api.emu.dump()["knowledge_base"][kb.knowledge_base_id][0]["_sources"]
    assert [s.get("_text") for s in stored] == ["We open at 9. Ünïcode ok.", None, None, "hello", None]
    assert done.last_refreshed_timestamp == api.emu.clock.now_ms()


def test_status_follows_the_emulator_clock(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api.emu.config, "kb_processing_ms", 5000)
    kb = _create(api, knowledge_base_urls=["https://example.com/a"])
    clock = api.emu.clock
    assert isinstance(clock, ManualClock)
    clock.advance(4999)
    still = api.call("knowledge_base.retrieve", kb.knowledge_base_id)
    assert (still.status, still.knowledge_base_sources) == ("in_progress", [])
    clock.advance(1)
    done = api.call("knowledge_base.retrieve", kb.knowledge_base_id)
    assert done.status == "complete" and [s.url for s in done.knowledge_base_sources] == ["https://example.com/a"]

    added = api.call("knowledge_base.add_sources", kb.knowledge_base_id, knowledge_base_urls=["https://example.com/b"])
    assert added.status == "refreshing_in_progress"
    assert [s.url for s in added.knowledge_base_sources] == ["https://example.com/a"]  # old sources stay usable
    clock.advance(5000)
    listed = api.call("knowledge_base.list")
    assert listed[0].status == "complete"
    assert [s.url for s in listed[0].knowledge_base_sources] == ["https://example.com/a", "https://example.com/b"]


def test_add_sources_answers_201_with_refreshing_status_even_without_delay(api: Api) -> None:
    kb = _create(api, knowledge_base_texts=[{"title": "A", "text": "alpha"}])
    added = api.call(
        "knowledge_base.add_sources",
        kb.knowledge_base_id,
        knowledge_base_texts=[{"title": "B", "text": "beta"}],
        knowledge_base_files=[("c.md", b"# gamma", "text/markdown")],
    )
    assert added.status == "refreshing_in_progress"
    assert [s.title for s in added.knowledge_base_sources] == ["A"]
    final = api.call("knowledge_base.retrieve", kb.knowledge_base_id)
    assert final.status == "complete"
    assert [getattr(s, "title", None) or s.filename for s in final.knowledge_base_sources] == ["A", "B", "c.md"]


def test_delete_source_returns_the_knowledge_base(api: Api) -> None:
    kb = _create(api, knowledge_base_urls=["https://a.example", "https://b.example"])
    first, second = api.call("knowledge_base.retrieve", kb.knowledge_base_id).knowledge_base_sources
    after = api.call("knowledge_base.delete_source", first.source_id, knowledge_base_id=kb.knowledge_base_id)
    assert [s.source_id for s in after.knowledge_base_sources] == [second.source_id]
    assert after.knowledge_base_id == kb.knowledge_base_id
    with pytest.raises(retell.UnprocessableEntityError, match="Cannot find requested asset"):
        api.call("knowledge_base.delete_source", first.source_id, knowledge_base_id=kb.knowledge_base_id)


def test_list_is_a_bare_array_and_delete_removes(api: Api) -> None:
    ids = [_create(api, knowledge_base_name=f"KB {i}").knowledge_base_id for i in range(3)]
    assert [kb.knowledge_base_id for kb in api.call("knowledge_base.list")] == ids
    raw = raw_request(api, "GET", "/list-knowledge-bases")
    assert isinstance(raw.json(), list)
    api.call("knowledge_base.delete", ids[1])
    assert [kb.knowledge_base_id for kb in api.call("knowledge_base.list")] == [ids[0], ids[2]]
    for method, args in (("retrieve", (ids[1],)), ("delete", (ids[1],)), ("add_sources", (ids[1],))):
        with pytest.raises(retell.UnprocessableEntityError):
            api.call(f"knowledge_base.{method}", *args)


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ({"max_chunk_size": 599}, "max_chunk_size must be between 600 and 6000, got 599"),
        ({"max_chunk_size": 6001}, "max_chunk_size must be between 600 and 6000, got 6001"),
        ({"min_chunk_size": 199}, "min_chunk_size must be between 200 and 2000, got 199"),
        ({"min_chunk_size": 2001}, "min_chunk_size must be between 200 and 2000, got 2001"),
        ({"min_chunk_size": 2000}, "min_chunk_size (2000) must be less than max_chunk_size (2000)"),
        ({"min_chunk_size": 800, "max_chunk_size": 700}, "must be less than max_chunk_size (700)"),
    ],
)
def test_chunk_size_limits(api: Api, sizes: dict[str, int], message: str) -> None:
    with pytest.raises(retell.BadRequestError) as err:
        _create(api, **sizes)
    assert message in str(err.value)
    assert api.emu.dump() == {}


@pytest.mark.parametrize(("max_size", "min_size"), [(600, 200), (6000, 2000), (601, 600)])
def test_chunk_size_bounds_are_inclusive(api: Api, max_size: int, min_size: int) -> None:
    kb = _create(api, max_chunk_size=max_size, min_chunk_size=min_size)
    assert (kb.max_chunk_size, kb.min_chunk_size) == (max_size, min_size)


def test_name_and_file_limits(api: Api) -> None:
    assert _create(api, knowledge_base_name="n" * 39).knowledge_base_name == "n" * 39
    before = api.emu.dump()
    with pytest.raises(retell.BadRequestError, match="less than 40 characters, got 40"):
        _create(api, knowledge_base_name="n" * 40)
    files = [(f"f{i}.txt", b"x", "text/plain") for i in range(26)]
    with pytest.raises(retell.BadRequestError, match="at most 25 files per request, got 26"):
        _create(api, knowledge_base_files=files)
    with pytest.raises(retell.BadRequestError, match="must be a valid http"):
        _create(api, knowledge_base_urls=["not a url"])
    assert api.emu.dump() == before
    assert len(_create(api, knowledge_base_files=files[:25]).model_dump()["knowledge_base_id"]) > 0


def test_repeated_plain_parts_are_accepted(api: Api) -> None:
    body = _multipart(
        ("knowledge_base_name", "Repeated", None, None),
        ("knowledge_base_texts", json.dumps({"title": "One", "text": "first"}), None, None),
        ("knowledge_base_texts", json.dumps([{"title": "Two", "text": "second"}]), None, None),
        ("knowledge_base_urls", "https://one.example", None, None),
        ("knowledge_base_urls", '["https://two.example"]', None, None),
        ("knowledge_base_files", b"\x00\xffbinary", "raw.bin", None),
        ("enable_auto_refresh", "false", None, None),
        ("min_chunk_size", "300", None, None),
    )
    resp = _post_form(api, "/create-knowledge-base", body)
    assert resp.status_code == 201, resp.text
    kb = api.call("knowledge_base.retrieve", resp.json()["knowledge_base_id"])
    described = [getattr(s, "title", None) or getattr(s, "url", None) or s.filename for s in kb.knowledge_base_sources]
    assert described == ["One", "Two", "https://one.example", "https://two.example", "raw.bin"]
    assert (kb.enable_auto_refresh, kb.min_chunk_size, kb.knowledge_base_sources[-1].file_size) == (False, 300, 8)


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (_multipart(("knowledge_base_name", "K", None, None), ("knowledge_base_texts", "[{oops", None, None)),
         None, "knowledge_base_texts must be a JSON array"),
        (_multipart(("knowledge_base_name", "K", None, None), ("knowledge_base_urls", "[1, 2", None, None)),
         None, "knowledge_base_urls must be a JSON array"),
        (_multipart(("knowledge_base_name", "K", None, None), ("knowledge_base_texts", '[{"title": "T"}]', None, None)),
         None, "knowledge_base_texts[0].text: missing required field"),
        (_multipart(("knowledge_base_texts", "[]", None, None)), None, "knowledge_base_name: missing required field"),
        (_multipart(("knowledge_base_name", "K", None, None), ("colour", "red", None, None)), None, "colour: unknown"),
        (_multipart(("knowledge_base_name", "K", None, None), ("max_chunk_size", "big", None, None)),
         None, "max_chunk_size must be an integer"),
        (_multipart(("knowledge_base_name", "K", None, None), ("enable_auto_refresh", "yes", None, None)),
         None, "enable_auto_refresh must be true or false"),
        (_multipart(("knowledge_base_name", "K", None, None), ("knowledge_base_files", "x", None, None)),
         None, "knowledge_base_files parts must be files"),
        (b'{"knowledge_base_name": "K"}', "application/json", "expected a multipart/form-data body"),
        (_multipart(("knowledge_base_name", "K", None, None)), "multipart/form-data", "has no boundary"),
        (_multipart(("knowledge_base_name", "K", None, None))[:-20], None, "truncated"),
        (b"no boundary here", None, "does not contain its boundary"),
        (f"--{BOUNDARY}\r\nX-Other: 1\r\n\r\nv\r\n--{BOUNDARY}--".encode(), None, "no Content-Disposition"),
    ],
)  # fmt: skip
def test_malformed_multipart_is_a_400_and_changes_nothing(
    api: Api, body: bytes, content_type: str | None, message: str
) -> None:
    resp = _post_form(api, "/create-knowledge-base", body, content_type)
    assert resp.status_code == 400, resp.text
    assert resp.json()["status"] == "error"
    assert message in resp.json()["message"]
    assert api.emu.dump() == {}


def test_add_sources_rejects_immutable_fields_and_accepts_no_sources(api: Api) -> None:
    kb = _create(api, knowledge_base_urls=["https://a.example"])
    before = api.emu.dump()
    path = f"/add-knowledge-base-sources/{kb.knowledge_base_id}"
    resp = _post_form(api, path, _multipart(("max_chunk_size", "900", None, None)))
    assert resp.status_code == 400 and "immutable after creation" in resp.json()["message"]
    # every part is optional in the SDK: no sources adds nothing and answers the knowledge base
    same = api.call("knowledge_base.add_sources", kb.knowledge_base_id)
    assert same.knowledge_base_id == kb.knowledge_base_id
    assert api.emu.dump() == before


_PIECES = st.sampled_from(
    [
        f"--{BOUNDARY}", f"--{BOUNDARY}--", "\r\n", "\n", "\r\n\r\n", 'Content-Disposition: form-data; name="',
        "knowledge_base_name", "knowledge_base_texts", "knowledge_base_urls", "knowledge_base_files", '"',
        '; filename="a.txt"', "Content-Type: text/plain", '[{"title": "T", "text": "x"}]', '["https://a.b"]',
        "[[[[", "\x00", "é", "true", "1000", "name=", ";", "K",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=30), junk=st.binary(max_size=16))
def test_any_multipart_body_is_answered_without_a_5xx(emu: Emulator, pieces: list[str], junk: bytes) -> None:
    body = "".join(pieces).encode() + junk
    headers = {"authorization": f"Bearer {emu.api_key}", "content-type": f"multipart/form-data; boundary={BOUNDARY}"}
    before = emu.dump()
    resp = emu.handle(EmuRequest("POST", "/create-knowledge-base", {}, headers, body))
    assert resp.status in (201, 400), resp.body
    assert resp.json()["status" if resp.status == 400 else "knowledge_base_id"]
    if resp.status == 400:
        assert emu.dump() == before
