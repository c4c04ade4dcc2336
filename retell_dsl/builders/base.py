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
import sys
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Self

from retell_dsl.errors import InvalidArgument, InvalidSpec

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

_PACKAGE_DIR = str(Path(__file__).resolve().parent.parent)
_DATACLASSES_FILE = dataclasses.__file__


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where in the user's code a spec value was built."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def capture_source() -> SourceLocation | None:
    """The first stack frame outside retell_dsl (and outside generated dataclass code)."""
    frame: types.FrameType | None = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        generated = filename == "<string>" and frame.f_code.co_name == "__init__"
        if not (filename.startswith(_PACKAGE_DIR) or filename == _DATACLASSES_FILE or generated):
            return SourceLocation(_short_path(filename), frame.f_lineno)
        frame = frame.f_back
    return None


def _short_path(filename: str) -> str:
    try:
        return str(Path(filename).relative_to(Path.cwd()))
    except ValueError:
        return filename


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
class Spec:
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
        raise InvalidArgument(f"{what} must be a string, got {type(value).__name__} {value!r}")
    if not allow_empty and not value.strip():
        raise InvalidSpec(f"{what} must not be empty")


def require_tuple_of(value: object, kind: type | tuple[type, ...], what: str) -> None:
    """Raise InvalidArgument unless ``value`` is a tuple of ``kind`` items."""
    __tracebackhide__ = True
    if not isinstance(value, tuple):
        raise InvalidArgument(f"{what} must be a tuple or list, got {type(value).__name__}")
    for i, item in enumerate(value):
        if not isinstance(item, kind):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise InvalidArgument(f"{what}[{i}] must be {names}, got {type(item).__name__} {item!r}")


def require_mapping(value: object, what: str) -> None:
    """Raise InvalidArgument unless ``value`` is a mapping (``extra=``, headers, ...)."""
    __tracebackhide__ = True
    if not isinstance(value, Mapping):
        raise InvalidArgument(f"{what} must be a mapping, got {type(value).__name__} {value!r}")


def one_of(value: object, allowed: tuple[object, ...], what: str) -> None:
    """Raise InvalidSpec unless ``value`` is UNSET or one of ``allowed``."""
    __tracebackhide__ = True
    if value is not UNSET and value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise InvalidSpec(f"{what} must be one of {choices}; got {value!r}")
