"""Derive JSON Schema from the request ``TypedDict`` types of the official ``retell-sdk``.

The MCP server publishes these schemas as tool input schemas, and the CLI reads
the field descriptions for its help. Nested ``TypedDict`` classes become
``$defs`` entries (recursive types stay finite); field descriptions come from the
docstrings Stainless writes under each field, which the SDK keeps in source only,
so they are read with :mod:`ast`.

>>> from retell.types import agent_publish_params
>>> schema = json_schema(agent_publish_params.AgentPublishParams)
>>> schema["required"], schema["properties"]["version"]["type"]
(['version'], 'integer')
"""

from __future__ import annotations

import ast
import functools
import inspect
import sys
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, Union

import typing_extensions

from retell_dsl.wire.schema import alias_of, is_required

__all__ = ["field_docs", "json_schema"]

JSONSchema = dict[str, Any]

_REQUIRED = (typing_extensions.Required, typing.Required)
_OPTIONAL = (typing_extensions.NotRequired, typing.NotRequired)
_ANNOTATED = (typing.Annotated, typing_extensions.Annotated)
_MAX_DESCRIPTION = 400


def json_schema(
    params: type | None,
    *,
    extra: Mapping[str, JSONSchema] | None = None,
    required: Sequence[str] = (),
    drop: Sequence[str] = (),
    max_depth: int | None = None,
) -> JSONSchema:
    """The JSON Schema of an object whose fields are ``extra`` (first) and those of ``params``.

    ``required`` names extra fields that must be given; ``drop`` removes fields of ``params``.
    Unknown keys are rejected (``additionalProperties: false``), as the API does. Objects nested
    deeper than ``max_depth`` are described as plain objects to keep huge schemas (a conversation
    flow's nodes) small; the toolkit still checks them fully against the SDK type before sending.
    """
    builder = _Builder(max_depth)
    properties: dict[str, JSONSchema] = dict(extra or {})
    required_keys = list(required)
    if params is not None:
        body = builder.struct_body(params)
        for key, value in body["properties"].items():
            if key not in drop:
                properties.setdefault(key, value)  # an extra field overrides the SDK's description
        required_keys += [k for k in body.get("required", ()) if k not in drop and k not in required_keys]
    schema: JSONSchema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required_keys:
        schema["required"] = required_keys
    if builder.defs:
        schema["$defs"] = builder.defs
    return schema


def field_docs(cls: type) -> dict[str, str]:
    """The docstring written under each field of a ``TypedDict`` (empty if the source is unavailable)."""
    return _module_docs(cls.__module__).get(cls.__name__, {})


@functools.cache
def _module_docs(module_name: str) -> dict[str, dict[str, str]]:
    module = sys.modules.get(module_name)
    try:
        tree = ast.parse(inspect.getsource(module)) if module is not None else None
    except (OSError, TypeError):
        return {}
    found: dict[str, dict[str, str]] = {}
    for node in tree.body if tree is not None else ():
        if not isinstance(node, ast.ClassDef):
            continue
        docs = found.setdefault(node.name, {})
        body = node.body
        for stmt, after in zip(body, [*body[1:], None], strict=True):
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[stmt.target.id] = inspect.cleandoc(after.value.value)
    return found


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_DESCRIPTION else text[: _MAX_DESCRIPTION - 3] + "..."


class _Builder:
    """Turns SDK type annotations into JSON Schema, collecting nested TypedDicts in ``defs``."""

    def __init__(self, max_depth: int | None = None) -> None:
        self.defs: dict[str, JSONSchema] = {}
        self.names: dict[type, str] = {}
        self.max_depth = max_depth
        self.depth = 0

    def struct_body(self, cls: type) -> JSONSchema:
        hints = typing_extensions.get_type_hints(cls, include_extras=True)
        total = bool(getattr(cls, "__total__", True))
        docs = field_docs(cls)
        properties: dict[str, JSONSchema] = {}
        required: list[str] = []
        for attr, hint in hints.items():
            wire = alias_of(hint) or attr
            prop = self.build(hint)
            if attr in docs:
                prop = {**prop, "description": _short(docs[attr])}
            properties[wire] = prop
            if is_required(hint, total=total):
                required.append(wire)
        body: JSONSchema = {"type": "object", "properties": properties, "additionalProperties": False}
        if required:
            body["required"] = required
        return body

    def ref(self, cls: type) -> JSONSchema:
        name = self.names.get(cls)
        if name is None and self.max_depth is not None and self.depth >= self.max_depth:
            doc = inspect.getdoc(cls) if cls.__doc__ is not None else None
            shallow: JSONSchema = {"type": "object"}
            shallow["description"] = _short(
                (doc + " " if doc and "TypedDict" not in doc else "")
                + f"(an object of type {cls.__name__}; see the Retell API reference)"
            )
            return shallow
        if name is None:
            name = cls.__name__
            n = 2
            while name in self.defs:
                name = f"{cls.__name__}{n}"
                n += 1
            self.names[cls] = name
            self.defs[name] = {}  # placeholder: recursion refers to it by name
            self.depth += 1
            try:
                body = self.struct_body(cls)
            finally:
                self.depth -= 1
            doc = inspect.getdoc(cls)
            if doc and cls.__doc__ is not None and "TypedDict" not in doc:
                body["description"] = _short(doc)
            self.defs[name] = body
        return {"$ref": f"#/$defs/{name}"}

    def build(self, tp: object) -> JSONSchema:
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if tp is Any or tp is object:
            return {}
        if origin in _ANNOTATED or origin in _REQUIRED or origin in _OPTIONAL:
            return self.build(args[0])
        if tp is str:
            return {"type": "string"}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is float:
            return {"type": "number"}
        if tp is None or tp is type(None):
            return {"type": "null"}
        if origin is Literal or origin is typing_extensions.Literal:
            return _literal(args)
        if origin in (Union, types.UnionType):
            options = [self.build(a) for a in args]
            unique: list[JSONSchema] = []
            for option in options:
                if option not in unique:
                    unique.append(option)
            if any(o == {} for o in unique):
                return {}
            return unique[0] if len(unique) == 1 else {"anyOf": unique}
        if origin in (list, tuple, Iterable, Sequence) or (
            origin is not None and getattr(origin, "__name__", "") in ("SequenceNotStr", "Sequence", "Iterable")
        ):
            return {"type": "array", "items": self.build(args[0]) if args else {}}
        if origin in (dict, Mapping) or tp is dict:
            schema: JSONSchema = {"type": "object"}
            if len(args) == 2:
                value = self.build(args[1])
                if value:
                    schema["additionalProperties"] = value
            return schema
        if isinstance(tp, type) and typing_extensions.is_typeddict(tp):
            return self.ref(tp)
        # File uploads and other client-side types: described by the operation, not the SDK.
        return {}


def _literal(values: tuple[object, ...]) -> JSONSchema:
    kinds = {type(v) for v in values}
    schema: JSONSchema = {"enum": list(values)}
    names = {str: "string", bool: "boolean", int: "integer", float: "number"}
    if len(kinds) == 1 and next(iter(kinds)) in names:
        schema = {"type": names[next(iter(kinds))], **schema}
    return schema
