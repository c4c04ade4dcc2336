"""One Retell toolkit operation, described once for every adapter (Python, CLI, MCP).

An :class:`Operation` names the SDK call, the path parameters, the SDK request
``TypedDict`` that types the rest of the input, and whether it only reads, writes
or destroys. The input JSON Schema is derived from the SDK type on first use.

>>> op = Operation(
...     name="get_voice", title="Get Voice", description="Fetch one voice.",
...     kind="read", sdk="voice.retrieve", path=(PathParam("voice_id", "The voice id."),),
... )
>>> op.input_schema()["required"]
['voice_id']
>>> op.annotations()["readOnlyHint"]
True
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from retell_dsl.toolkit.schema import JSONSchema, json_schema

if TYPE_CHECKING:
    from retell import Retell

__all__ = ["Call", "Kind", "Operation", "PathParam"]

Kind = Literal["read", "write", "destructive"]
#: A custom SDK call: ``(client, path_values, body) -> SDK result``.
Call = Callable[["Retell", dict[str, str], dict[str, Any]], object]


@dataclass(frozen=True, slots=True)
class PathParam:
    """An identifier that goes into the URL path (``agent_id``, ``phone_number``...)."""

    name: str
    description: str


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Operation:
    """A Retell API operation as the toolkit exposes it (compared by identity: each is unique)."""

    name: str
    """snake_case tool name, e.g. ``list_voices``."""
    title: str
    """Human title as Retell's docs spell it, e.g. ``List Voices``."""
    description: str
    """When an AI agent (or a person) should use it, and what it returns."""
    kind: Kind
    sdk: str
    """``resource.method`` on a ``retell.Retell`` client, e.g. ``agent.retrieve``."""
    path: tuple[PathParam, ...] = ()
    params: type | None = None
    """The SDK request ``TypedDict`` for the query/body fields, if any."""
    idempotent: bool = False
    overwrites: bool = False
    """Whether a ``write`` replaces data in place (an update, a publish) rather than only adding new objects."""
    open_world: bool = False
    """Whether it reaches beyond Retell (dials a phone, buys a number)."""
    paginated: bool = False
    """Whether the response is ``{items, has_more, pagination_key}`` with ``limit``/``pagination_key``."""
    extra: Mapping[str, JSONSchema] = field(default_factory=dict)
    """Input fields the SDK type does not describe (or describes differently)."""
    drop: tuple[str, ...] = ()
    """Fields of ``params`` the toolkit does not accept as input."""
    optional: tuple[str, ...] = ()
    """Fields ``params`` requires that the toolkit fills in itself when missing."""
    file_fields: tuple[str, ...] = ()
    """Fields holding local file paths to upload (multipart)."""
    schema_depth: int = 2
    """How deep nested objects are spelled out in the published JSON Schema."""
    call: Call | None = None
    """A custom implementation; ``None`` calls ``sdk`` with the path values and the body."""

    def input_schema(self) -> JSONSchema:
        """The JSON Schema of this operation's arguments (path params first)."""
        return _input_schema(self)

    def annotations(self) -> dict[str, Any]:
        """MCP tool annotations (``readOnlyHint``, ``destructiveHint``, ...).

        As the MCP specification defines them: ``destructiveHint`` is true for every tool that may
        perform destructive updates (deletes, and writes that overwrite: updates and publishing) and
        false only for purely additive writes (creates); it is false for read-only tools too.
        """
        return {
            "title": self.title,
            "readOnlyHint": self.kind == "read",
            "destructiveHint": self.kind == "destructive" or (self.kind == "write" and self.overwrites),
            "idempotentHint": self.idempotent or self.kind == "read",
            "openWorldHint": self.open_world,
        }

    @property
    def body_fields(self) -> frozenset[str]:
        """Every non-path input field name."""
        props = self.input_schema()["properties"]
        return frozenset(props) - {p.name for p in self.path}


@functools.cache
def _input_schema(op: Operation) -> JSONSchema:
    extra: dict[str, JSONSchema] = {p.name: {"type": "string", "description": p.description} for p in op.path}
    extra.update(op.extra)
    schema = json_schema(
        op.params,
        extra=extra,
        required=[p.name for p in op.path],
        drop=op.drop,
        max_depth=op.schema_depth,
    )
    if op.optional and "required" in schema:
        schema["required"] = [k for k in schema["required"] if k not in op.optional]
        if not schema["required"]:
            del schema["required"]
    return schema
