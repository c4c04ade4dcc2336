"""Private helpers of the compiler: write set fields, apply ``extra=``, write refs, model and KB config."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retell_dsl.builders._base import UNSET, Unset
from retell_dsl.builders.stack import Ref, Resource
from retell_dsl.compiler.values import JSON, plain

__all__ = ["kb_config", "merge_extra", "model_config", "put", "put_all", "ref_or_id"]


def put(out: JSON, key: str, value: object) -> None:
    """Set ``out[key]`` unless the value is UNSET (``None`` is kept: it sends ``null``)."""
    if value is not UNSET:
        out[key] = plain(value)


def put_all(out: JSON, spec: object, names: tuple[str, ...]) -> None:
    """Copy same-named fields of ``spec`` into ``out`` when set."""
    for name in names:
        put(out, name, getattr(spec, name))


def merge_extra(out: JSON, extra: Mapping[str, Any]) -> JSON:
    """Apply the user's ``extra=`` fields last (the escape hatch wins)."""
    for key, value in extra.items():
        out[key] = plain(value)
    return out


def ref_or_id(value: Resource | str) -> str:
    """A resource spec becomes its ``$ref:`` marker; a string is an existing remote id."""
    if isinstance(value, str):
        return value
    return Ref.to(value).marker


def model_config(
    *,
    model: str | Unset,
    s2s_model: str | Unset,
    temperature: float | Unset,
    tier: str | Unset,
    backup: str | Unset | None,
    backup_timeout_ms: int | Unset = UNSET,
) -> JSON | None:
    """The 6.x ``model_config`` object, or None when nothing about the model was set."""
    if s2s_model is not UNSET:
        cfg: JSON = {"type": "s2s", "primary": {"model": s2s_model}}
        put(cfg, "temperature", temperature)
        return cfg
    if model is UNSET and temperature is UNSET and tier is UNSET and backup is UNSET:
        return None
    cfg = {"type": "cascading"}
    if model is not UNSET:
        primary: JSON = {"model": model}
        put(primary, "tier", tier)
        cfg["primary"] = primary
    if backup is None:
        cfg["backup"] = None
    elif backup is not UNSET:
        b: JSON = {"model": backup}
        put(b, "kick_in_timeout_ms", backup_timeout_ms)
        cfg["backup"] = b
    put(cfg, "temperature", temperature)
    return cfg


def kb_config(top_k: int | Unset, filter_score: float | Unset) -> JSON | None:
    """``kb_config`` when any retrieval setting was given."""
    if top_k is UNSET and filter_score is UNSET:
        return None
    cfg: JSON = {}
    put(cfg, "top_k", top_k)
    put(cfg, "filter_score", filter_score)
    return cfg
