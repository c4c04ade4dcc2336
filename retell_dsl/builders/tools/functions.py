"""Tools that run code or fetch data: custom HTTP functions, JS code, extraction, MCP, app tools.

A custom function's JSON-schema ``parameters`` can be written by hand, derived from a Python
function signature (:meth:`CustomTool.from_function`) or from a pydantic model
(:meth:`CustomTool.from_model`).

>>> def book_slot(date: str, party_size: int = 1) -> None:
...     "Book a table."
>>> tool = CustomTool.from_function(book_slot, url="https://api.example.com/book")
>>> tool.description, tool.parameters["required"]
('Book a table.', ('date',))
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from retell_dsl.builders.base import UNSET, Unset, require_str
from retell_dsl.builders.fields import DATA_FIELD_TYPES, DataField
from retell_dsl.builders.tools.calls import SpeakingTool, Tool
from retell_dsl.errors import InvalidArgument, InvalidSpec

HTTP_METHODS: tuple[str, ...] = ("GET", "POST", "PUT", "PATCH", "DELETE")
"""The methods of a custom tool (lint reports any other, RD406)."""
#: words written for an HTTP method by mistake → the method meant (for "did you mean")
METHOD_WORDS = {"send": "POST", "create": "POST", "submit": "POST", "fetch": "GET", "read": "GET",
                 "update": "PATCH", "replace": "PUT", "remove": "DELETE"}  # fmt: skip

__all__ = [
    "HTTP_METHODS",
    "METHOD_WORDS",
    "CodeTool",
    "CustomTool",
    "ExtractVariables",
    "IntegrationAppTool",
    "McpTool",
    "schema_from_function",
]

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CustomTool(SpeakingTool):
    """Call your HTTP endpoint with LLM-chosen arguments.

    >>> CustomTool(name="lookup", url="https://api.example.com/lookup", method="GET").method
    'GET'
    """

    TYPE: ClassVar[str] = "custom"
    url: str
    method: HttpMethod | Unset = UNSET
    headers: Mapping[str, str] | Unset = UNSET
    query_params: Mapping[str, str] | Unset = UNSET
    parameters: Mapping[str, Any] | Unset = UNSET
    parameter_type: Literal["json", "form"] | Unset = UNSET
    args_at_root: bool | Unset = UNSET
    response_variables: Mapping[str, str] | Unset = UNSET
    timeout_ms: int | Unset = UNSET
    max_retry: int | Unset = UNSET
    speak_after_execution: bool | Unset = UNSET
    enable_typing_sound: bool | Unset = UNSET

    def _check(self) -> None:
        SpeakingTool._check(self)
        require_str(self.url, f"CustomTool {self.name!r} url")
        if self.parameters is not UNSET and not isinstance(self.parameters, Mapping):
            raise InvalidArgument(f"CustomTool {self.name!r} parameters must be a JSON-schema mapping")

    @classmethod
    def from_function(cls, fn: Callable[..., Any], /, *, url: str, **kwargs: Any) -> CustomTool:
        """A tool named after ``fn`` whose parameters come from its signature and docstring."""
        doc = inspect.getdoc(fn)
        kwargs.setdefault("name", fn.__name__)
        if doc:
            kwargs.setdefault("description", doc.splitlines()[0])
        return cls(url=url, parameters=schema_from_function(fn), **kwargs)

    @classmethod
    def from_model(cls, model: type[Any], /, *, name: str, url: str, **kwargs: Any) -> CustomTool:
        """A tool whose parameters are the JSON schema of a pydantic model."""
        schema_fn = getattr(model, "model_json_schema", None)
        if schema_fn is None:
            raise InvalidArgument(f"from_model() needs a pydantic model class, got {model!r}")
        schema = dict(schema_fn())
        parameters: dict[str, Any] = {"type": "object", "properties": schema.get("properties", {})}
        if schema.get("required"):
            parameters["required"] = schema["required"]
        if schema.get("$defs"):
            parameters["$defs"] = schema["$defs"]
        if "description" not in kwargs and schema.get("description"):
            kwargs["description"] = schema["description"]
        return cls(name=name, url=url, parameters=parameters, **kwargs)


_JSON_TYPES: dict[object, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _json_schema(tp: object) -> tuple[dict[str, Any], bool]:
    """The JSON schema of an annotation and whether it admits None."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        inner, optional = _json_schema(args[0])
        for meta in args[1:]:
            if isinstance(meta, str):
                inner["description"] = meta
        return inner, optional
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        inner, _ = _json_schema(rest[0]) if len(rest) == 1 else ({}, False)
        return inner, len(rest) != len(args)
    if origin is Literal:
        return {"type": "string", "enum": [str(a) for a in args]}, False
    if origin in (list, tuple) or tp in (list, tuple):
        item = _json_schema(args[0])[0] if args else {}
        return {"type": "array", "items": item}, False
    if origin is dict or tp is dict:
        return {"type": "object"}, False
    if tp in _JSON_TYPES:
        return {"type": _JSON_TYPES[tp]}, False
    return {}, False


def schema_from_function(fn: Callable[..., Any]) -> dict[str, Any]:
    """JSON schema (``{"type": "object", ...}``) of a function's keyword-callable parameters.

    >>> from typing import Annotated
    >>> def f(city: Annotated[str, "City name"], days: int | None = None) -> None: ...
    >>> schema_from_function(f)["properties"]["city"]
    {'type': 'string', 'description': 'City name'}
    """
    try:
        hints = typing.get_type_hints(fn, include_extras=True)
    except Exception as exc:
        raise InvalidArgument(f"cannot read the annotations of {fn!r}: {exc}") from None
    properties: dict[str, Any] = {}
    required: list[str] = []
    for param in inspect.signature(fn).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD) or param.name in ("self", "cls"):
            continue
        schema, optional = _json_schema(hints.get(param.name, str))
        properties[param.name] = schema
        if param.default is inspect.Parameter.empty and not optional:
            required.append(param.name)
    result: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        result["required"] = required
    return result


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CodeTool(SpeakingTool):
    """Run JavaScript inside Retell.

    >>> CodeTool(name="total", code="return 1 + 1").TYPE
    'code'
    """

    TYPE: ClassVar[str] = "code"
    code: str
    response_variables: Mapping[str, str] | Unset = UNSET
    timeout_ms: int | Unset = UNSET
    speak_after_execution: bool | Unset = UNSET
    enable_typing_sound: bool | Unset = UNSET

    def _check(self) -> None:
        SpeakingTool._check(self)
        require_str(self.code, f"CodeTool {self.name!r} code")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ExtractVariables(Tool):
    """Let the LLM extract typed values into dynamic variables.

    >>> from retell_dsl.builders.fields import StringField
    >>> ExtractVariables(name="get_name", description="Get the name",
    ...                  variables=(StringField(name="name", description="Full name"),)).TYPE
    'extract_dynamic_variable'
    """

    TYPE: ClassVar[str] = "extract_dynamic_variable"
    variables: tuple[DataField, ...] = ()
    enable_typing_sound: bool | Unset = UNSET

    def _check(self) -> None:
        Tool._check(self)
        if self.description is UNSET:
            raise InvalidSpec(f"ExtractVariables {self.name!r} needs a description=")
        for i, v in enumerate(self.variables):
            if not isinstance(v, DATA_FIELD_TYPES):
                raise InvalidArgument(f"ExtractVariables {self.name!r} variables[{i}] must be a *Field, got {v!r}")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class McpTool(SpeakingTool):
    """A tool served by an MCP server declared on the engine (``mcp`` = the server's name).

    >>> McpTool(name="search", description="Search docs", mcp="docs").mcp
    'docs'
    """

    TYPE: ClassVar[str] = "mcp"
    mcp: str | Unset = UNSET
    input_schema: Mapping[str, Any] | Unset = UNSET
    response_variables: Mapping[str, str] | Unset = UNSET
    speak_after_execution: bool | Unset = UNSET
    enable_typing_sound: bool | Unset = UNSET

    def _check(self) -> None:
        SpeakingTool._check(self)
        if self.description is UNSET:
            raise InvalidSpec(f"McpTool {self.name!r} needs a description=")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class IntegrationAppTool(SpeakingTool):
    """A tool of a connected integration app (``output_fields=None`` returns every field).

    >>> IntegrationAppTool(name="crm", app_id="app_1", template="find_contact", provider="hubspot").TYPE
    'integration_app'
    """

    TYPE: ClassVar[str] = "integration_app"
    app_id: str
    template: str
    provider: str
    parameters: tuple[Mapping[str, Any], ...] | Unset = UNSET
    output_fields: tuple[str, ...] | Unset | None = UNSET
    response_variables: Mapping[str, str] | Unset = UNSET
    speak_after_execution: bool | Unset = UNSET
    enable_typing_sound: bool | Unset = UNSET

    def _check(self) -> None:
        SpeakingTool._check(self)
        for label, value in (("app_id", self.app_id), ("template", self.template), ("provider", self.provider)):
            require_str(value, f"IntegrationAppTool {self.name!r} {label}")


FLOW_TOOL_TYPES = (CustomTool, IntegrationAppTool)
