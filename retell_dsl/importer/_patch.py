"""Decompiling helpers: read wire JSON into spec keyword arguments, then verify by compiling.

Every decompiled spec is compiled again and compared with the wire object it came from; keys the
builders could not reproduce exactly are carried in the spec's ``extra=`` escape hatch, so the
round trip is exact by construction (``surplus`` lists keys the compiler adds that the wire lacked).

>>> from retell_dsl.builders.tools import EndCall
>>> from retell_dsl.compiler.tools import compile_tool
>>> spec, surplus = verified(EndCall(name="end"), compile_tool, {"type": "end_call", "name": "end", "x": 1})
>>> dict(spec.extra), surplus
({'x': 1}, ())
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from retell_dsl.builders._base import FrozenMap, Spec
from retell_dsl.compiler.values import plain

__all__ = ["JSON", "copy_same_named", "verified"]

JSON = dict[str, Any]
S = TypeVar("S", bound=Spec)
_SCALARS = (str, int, float, bool)


def _plain(value: Any) -> bool:
    """Scalars, lists of scalars and flat string maps: safe to copy into a same-named spec field."""
    if value is None or isinstance(value, _SCALARS):
        return True
    if isinstance(value, list):
        return all(isinstance(v, _SCALARS) for v in value)
    if isinstance(value, Mapping):
        return all(isinstance(v, _SCALARS) for v in value.values())
    return False


def copy_same_named(cls: type[Spec], data: Mapping[str, Any], handled: set[str], kwargs: JSON, *,
                    deep: frozenset[str] = frozenset()) -> None:  # fmt: skip
    """Copy keys of ``data`` that are fields of ``cls`` (plain values, or any value for ``deep``)."""
    names = {f.name for f in dataclasses.fields(cls)} - {"name", "extra", "id", "edge_ids"}
    for key, value in data.items():
        if key in handled or key not in names or key in kwargs:
            continue
        if key in deep or _plain(value):
            kwargs[key] = tuple(value) if isinstance(value, list) else value
            handled.add(key)


def verified(spec: S, compile_fn: Callable[[S], JSON], expected: Mapping[str, Any],
             resolve: Callable[[Any], Any] | None = None) -> tuple[S, tuple[str, ...]]:  # fmt: skip
    """``spec`` with ``extra`` patched so that it compiles to ``expected``; also the surplus keys."""
    got = plain(compile_fn(spec))
    if resolve is not None:
        got = resolve(got)
    patch = {k: v for k, v in expected.items() if k not in got or not _same(got[k], v)}
    surplus = tuple(sorted(k for k in got if k not in expected))
    if patch:
        extra = getattr(spec, "extra", None)
        if extra is None:
            raise ValueError(f"{type(spec).__name__} cannot carry fields {sorted(patch)}")
        spec = dataclasses.replace(spec, extra=FrozenMap({**extra, **patch}))  # type: ignore[call-arg]
    return spec, surplus


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and bool(a == b)
