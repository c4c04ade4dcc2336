"""Field-level differences between what the code wants and what Retell has.

The comparison is a *subset* match: every key the desired payload sets must be equal in the
remote object, recursively; keys the server adds (ids, versions, timestamps, defaults) are
ignored. Keys that were applied before but are gone from the code are found with the last
applied payload (a 3-way merge) and sent as ``null`` so they really go away.

>>> changes = diff_fields({"a": 1, "b": {"c": [1, 2]}}, {"a": 1, "b": {"c": [1, 3]}, "id": "x"})
>>> [(c.path, c.before, c.after) for c in changes]
[('b.c[1]', 3, 2)]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["MISSING", "FieldChange", "diff_fields", "removed_keys", "subset_equal"]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: Marks a side of a change where the key does not exist.
MISSING: Any = _Missing()


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field that differs: ``before`` is remote (or MISSING), ``after`` is desired (or MISSING)."""

    path: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path}
        if self.before is not MISSING:
            out["before"] = self.before
        if self.after is not MISSING:
            out["after"] = self.after
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FieldChange:
        return cls(data["path"], data.get("before", MISSING), data.get("after", MISSING))


def _numbers_equal(a: Any, b: Any) -> bool:
    return (
        isinstance(a, int | float)
        and isinstance(b, int | float)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and float(a) == float(b)
    )


def subset_equal(desired: Any, remote: Any) -> bool:
    """Whether ``remote`` has everything ``desired`` sets (extra remote keys are fine)."""
    if isinstance(desired, Mapping):
        if not isinstance(remote, Mapping):
            return False
        # A desired null also matches a key the remote leaves out.
        return all(subset_equal(v, remote[k]) if k in remote else v is None for k, v in desired.items())
    if isinstance(desired, list | tuple):
        if not isinstance(remote, list | tuple) or len(desired) != len(remote):
            return False
        return all(subset_equal(d, r) for d, r in zip(desired, remote, strict=True))
    return desired == remote or _numbers_equal(desired, remote)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def diff_fields(desired: Any, remote: Any, path: str = "") -> list[FieldChange]:
    """Every leaf where ``remote`` does not match ``desired``, as precise as the shapes allow."""
    if subset_equal(desired, remote):
        return []
    if isinstance(desired, Mapping) and isinstance(remote, Mapping):
        out: list[FieldChange] = []
        for key, value in desired.items():
            if key not in remote:
                if value is not None:
                    out.append(FieldChange(_join(path, key), MISSING, value))
                continue
            out.extend(diff_fields(value, remote[key], _join(path, key)))
        return out
    if isinstance(desired, list | tuple) and isinstance(remote, list | tuple) and len(desired) == len(remote):
        out = []
        for i, (d, r) in enumerate(zip(desired, remote, strict=True)):
            out.extend(diff_fields(d, r, f"{path}[{i}]"))
        return out
    return [FieldChange(path, remote, desired)]


def removed_keys(desired: Mapping[str, Any], last_applied: Mapping[str, Any] | None) -> list[str]:
    """Top-level keys applied last time that the code no longer sets."""
    if not last_applied:
        return []
    return sorted(k for k in last_applied if k not in desired)
