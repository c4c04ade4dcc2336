"""A small, strict ``multipart/form-data`` parser for the emulator's multipart endpoints.

The SDK sends knowledge-base bodies as multipart (retell-api.md §1.7): scalar fields
as plain text parts, ``knowledge_base_texts``/``knowledge_base_urls`` as one text part
holding a JSON string, and one ``knowledge_base_files`` part per file. Anything that is
not well-formed multipart becomes a 400, never a 500.

>>> body = b'--b\\r\\nContent-Disposition: form-data; name="a"\\r\\n\\r\\n1\\r\\n--b--\\r\\n'
>>> req = EmuRequest("POST", "/x", headers={"content-type": "multipart/form-data; boundary=b"}, body=body)
>>> [(p.name, p.text()) for p in parse_form(req)]
[('a', '1')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retell_dsl.emulator.errors import bad_request
from retell_dsl.emulator.messages import EmuRequest

__all__ = ["MAX_PARTS", "Part", "parse_form"]

#: More parts than this in one request is refused (a guard, not a Retell limit).
MAX_PARTS = 1000

_BOUNDARY = re.compile(r"""(?:^|;)\s*boundary\s*=\s*(?:"([^"]{1,200})"|([^;\s"]{1,200}))""", re.IGNORECASE)
_PARAM = re.compile(r""";\s*([A-Za-z0-9_*.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))""")


@dataclass(frozen=True, slots=True)
class Part:
    """One form part: its field ``name``, raw ``data`` and, for files, ``filename`` and ``content_type``."""

    name: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None

    @property
    def is_file(self) -> bool:
        return self.filename is not None

    def text(self) -> str:
        """The part's value as text; a 400 when it is not UTF-8."""
        try:
            return self.data.decode("utf-8")
        except UnicodeDecodeError:
            raise bad_request(f"Invalid request format: form field {self.name!r} is not UTF-8 text") from None


def _boundary(req: EmuRequest) -> bytes:
    content_type = req.header("content-type") or ""
    media_type, _, params = content_type.partition(";")
    if media_type.strip().lower() != "multipart/form-data":
        got = media_type.strip() or "none"
        raise bad_request(f"Invalid request format: expected a multipart/form-data body, got content type {got!r}")
    match = _BOUNDARY.search(params)
    if match is None:
        raise bad_request("Invalid request format: the multipart/form-data content type has no boundary")
    try:
        return (match.group(1) or match.group(2)).encode("ascii")
    except UnicodeEncodeError:
        raise bad_request("Invalid request format: the multipart boundary must be ASCII") from None


def _headers(block: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in block.decode("utf-8", "replace").splitlines():
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise bad_request(f"Invalid request format: malformed multipart header line {line[:60]!r}")
        headers[name.strip().lower()] = value.strip()
    return headers


def _disposition(value: str) -> dict[str, str]:
    kind, _, rest = value.partition(";")
    if kind.strip().lower() != "form-data":
        raise bad_request(f"Invalid request format: part disposition must be form-data, got {kind.strip()[:40]!r}")
    params: dict[str, str] = {}
    for m in _PARAM.finditer(";" + rest):
        raw = m.group(2) if m.group(2) is not None else (m.group(3) or "").strip()
        params[m.group(1).lower()] = re.sub(r"\\(.)", r"\1", raw) if m.group(2) is not None else raw
    return params


def _part(segment: bytes, newline: bytes) -> Part:
    if segment.startswith(newline):
        raise bad_request("Invalid request format: a multipart part has no Content-Disposition header")
    head, sep, data = segment.partition(newline * 2)
    if not sep:
        raise bad_request("Invalid request format: a multipart part has no blank line after its headers")
    headers = _headers(head)
    disposition = headers.get("content-disposition")
    if disposition is None:
        raise bad_request("Invalid request format: a multipart part has no Content-Disposition header")
    params = _disposition(disposition)
    name = params.get("name")
    if not name:
        raise bad_request("Invalid request format: a multipart part has no field name")
    filename = params.get("filename")
    content_type = headers.get("content-type")
    return Part(name=name, data=data, filename=filename, content_type=content_type)


def parse_form(req: EmuRequest) -> list[Part]:
    """The parts of a ``multipart/form-data`` request, in order; an empty body is an empty form."""
    delimiter = b"--" + _boundary(req)
    body = req.body
    if not body.strip():
        return []
    newline = b"\r\n" if b"\r\n" in body else b"\n"
    if body.startswith(delimiter):
        body = newline + body
    segments = body.split(newline + delimiter)
    # segments[0] is the preamble (ignored); every later one is a part or the closing delimiter.
    if len(segments) < 2:
        raise bad_request("Invalid request format: the multipart body does not contain its boundary")
    parts: list[Part] = []
    for segment in segments[1:]:
        if segment.startswith(b"--"):
            return parts  # the closing delimiter; anything after it is the epilogue
        rest = segment.lstrip(b" \t")
        if not rest.startswith(newline):
            raise bad_request("Invalid request format: malformed multipart delimiter line")
        parts.append(_part(rest[len(newline) :], newline))
        if len(parts) > MAX_PARTS:
            raise bad_request(f"Invalid request format: more than {MAX_PARTS} multipart parts")
    raise bad_request("Invalid request format: the multipart body is truncated (no closing boundary)")
