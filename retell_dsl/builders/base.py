"""Shared machinery of every builder: the ``UNSET`` sentinel, frozen JSON, source capture, reprs.

Builders are frozen, slotted, keyword-only dataclasses. Every one derives from :class:`Spec`,
whose ``__post_init__`` records where in the *user's* code the value was built (the first stack
frame outside ``retell_dsl``) and runs the class's cheap local checks (``_check``). Fluent methods
go through :func:`dataclasses.replace`, so the checks and the capture run again for every step.

>>> UNSET
UNSET
>>> bool(UNSET)
False
>>> freeze({"a": [1, {"b": 2}]}) == freeze({"a": [1, {"b": 2}]})
True
>>> thaw(freeze({"a": [1, {"b": 2}]}))
{'a': [1, {'b': 2}]}
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Self

from retell_dsl.errors import InvalidArgument, InvalidSpec, user_frame
from retell_dsl.wire.hints import did_you_mean

__all__ = [
    "UNSET",
    "FrozenMap",
    "SourceLocation",
    "Spec",
    "Unset",
    "freeze",
    "thaw",
]


class Unset(enum.Enum):
    """The type of :data:`UNSET`: a field the user never set (left out of payloads)."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final = Unset.UNSET
"""Marks a field that was never set. Unset fields are omitted; an explicit ``None`` sends ``null``."""


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where in the user's code a spec value was built."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def capture_source() -> SourceLocation | None:
    """The first stack frame outside retell_dsl (and outside generated dataclass code)."""
    found = user_frame(sys._getframe(1))
    return SourceLocation(*found) if found else None


_UNEXPECTED = re.compile(r".*__init__\(\) got an unexpected keyword argument '(?P<name>\w+)'")
_MISSING = re.compile(r".*__init__\(\) missing \d+ required keyword-only arguments?: (?P<names>.+)")
_POSITIONAL = re.compile(r".*__init__\(\) takes \d+ positional arguments? but \d+ (were|was) given")


class _SpecMeta(type):
    """Turns Python's ``TypeError`` for a misspelt, missing or positional argument into one line.

    ``ConversationNode(promt=...)`` raises :class:`~retell_dsl.errors.InvalidArgument` (still a
    ``TypeError``) naming the user's file:line and the closest field. Only the exact messages of a
    generated dataclass ``__init__`` are translated; the normal path costs one extra call.
    """

    @property
    def __signature__(cls) -> inspect.Signature:
        """The dataclass ``__init__``'s keywords (what ``inspect``, Hypothesis and IDEs read)."""
        sig = inspect.signature(cls.__init__)  # type: ignore[misc]
        return sig.replace(parameters=list(sig.parameters.values())[1:])

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except TypeError as exc:
            if type(exc) is not TypeError:
                raise
            _signature_error(cls, str(exc), kwargs.get("name"))
            raise


def _signature_error(cls: type, message: str, spec_name: object = None) -> None:
    """Raise the one-line InvalidArgument for a dataclass ``__init__`` TypeError it recognises."""
    __tracebackhide__ = True
    fields = [f.name for f in dataclasses.fields(cls) if f.init]
    name = cls.__name__
    if m := _UNEXPECTED.fullmatch(message):
        given = m["name"]
        hint = did_you_mean(given, fields, ignore_case=True) or f"{name} takes {', '.join(fields)}"
        label = f"{name} {spec_name!r}" if isinstance(spec_name, str) else f"{name}()"
        raise InvalidArgument(
            f"{label} got an unexpected keyword argument {given!r}", code="RD705", hint=hint
        ) from None
    if m := _MISSING.fullmatch(message):
        raise InvalidArgument(f"{name}() needs {m['names']}", code="RD705") from None
    if _POSITIONAL.fullmatch(message):
        raise InvalidArgument(
            f"{name}() takes keyword arguments only", code="RD705", hint=f"write {name}({fields[0]}=...)"
        ) from None


class FrozenMap(Mapping[str, Any]):
    """An immutable, hashable mapping (keys kept in insertion order, compared as a dict)."""

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data: dict[str, Any] = dict(data or {})
        self._hash: int | None = None

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return repr(self._data)


def freeze(value: Any) -> Any:
    """Turn JSON-like data into hashable values (dict → FrozenMap, list → tuple), recursively."""
    if isinstance(value, FrozenMap):
        return value
    if isinstance(value, Mapping):
        return FrozenMap({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """The inverse of :func:`freeze`: plain dicts and lists again."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    return value


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Spec(metaclass=_SpecMeta):
    """Base class of every builder value."""

    _source: SourceLocation | None = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_source", capture_source())
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, list | tuple | Mapping) and not isinstance(value, FrozenMap):
                object.__setattr__(self, f.name, freeze(value))
        self._check()

    def _check(self) -> None:
        """Cheap local checks; raise InvalidArgument / InvalidSpec at the user's call site."""

    @property
    def source(self) -> SourceLocation | None:
        """Where the user built this value (file:line), if known."""
        return self._source

    def _replace(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)

    def __repr__(self) -> str:
        parts: list[str] = []
        for f in dataclasses.fields(self):
            if not f.repr or f.name.startswith("_"):
                continue
            value = getattr(self, f.name)
            if f.default is not dataclasses.MISSING:
                default: Any = f.default
            elif f.default_factory is not dataclasses.MISSING:
                default = f.default_factory()
            else:
                default = dataclasses.MISSING
            if default is not dataclasses.MISSING and value == default and type(value) is type(default):
                continue
            parts.append(f"{f.name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


def require_str(value: object, what: str, *, allow_empty: bool = False) -> None:
    """Raise InvalidArgument unless ``value`` is a (non-empty) string."""
    __tracebackhide__ = True
    if not isinstance(value, str):
        raise InvalidArgument(f"{what} must be a string, got {type(value).__name__} {value!r}", code="RD701")
    if not allow_empty and not value.strip():
        raise InvalidSpec(f"{what} must not be empty", code="RD702")


def require_tuple_of(value: object, kind: type | tuple[type, ...], what: str) -> None:
    """Raise InvalidArgument unless ``value`` is a tuple of ``kind`` items."""
    __tracebackhide__ = True
    if not isinstance(value, tuple):
        raise InvalidArgument(f"{what} must be a tuple or list, got {type(value).__name__}", code="RD701")
    for i, item in enumerate(value):
        if not isinstance(item, kind):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise InvalidArgument(f"{what}[{i}] must be {names}, got {type(item).__name__} {item!r}", code="RD701")


def require_mapping(value: object, what: str) -> None:
    """Raise InvalidArgument unless ``value`` is a mapping (``extra=``, headers, ...)."""
    __tracebackhide__ = True
    if not isinstance(value, Mapping):
        raise InvalidArgument(f"{what} must be a mapping, got {type(value).__name__} {value!r}", code="RD701")


def one_of(value: object, allowed: tuple[object, ...], what: str, *, aliases: Mapping[str, str] | None = None) -> None:
    """Raise InvalidSpec unless ``value`` is UNSET or one of ``allowed`` (with a "did you mean")."""
    __tracebackhide__ = True
    if value is not UNSET and value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        hint = did_you_mean(value, allowed, aliases=aliases, ignore_case=True)
        raise InvalidSpec(f"{what} must be one of {choices}; got {value!r}", code="RD703", hint=hint)
