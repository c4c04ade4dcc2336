"""The ownership record: ``.retell/state/<environment>.json`` maps logical addresses to remote ids.

Retell objects carry no tags, so this file is how retell-dsl knows what it owns. It is written
atomically (temporary file, fsync, rename) *before* each remote change (an intent) and *after* it
(the outcome), so a crash at any point leaves a record from which the next ``apply`` reconciles:
an intent without an outcome means "look for the object before creating it again".

Secrets never reach this file: payloads keep ``$env:NAME`` markers, not values.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "staging.json"
>>> st = StateFile.load(path, environment="staging")
>>> st.record("llm.support", kind="llm", remote_id="llm_1", payload={"general_prompt": "hi"})
>>> StateFile.load(path, environment="staging").get("llm.support").remote_id
'llm_1'
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from retell_dsl.errors import ConfigurationError

__all__ = ["STATE_FORMAT", "Owned", "StateFile", "payload_hash"]

STATE_FORMAT = 1


def payload_hash(payload: object) -> str:
    """A stable hash of a JSON payload (sorted keys)."""
    data = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(data.encode()).hexdigest()


@dataclass
class Owned:
    """One resource this environment owns (or is in the middle of creating)."""

    kind: str
    remote_id: str | None = None
    #: The payload last applied (refs resolved), for 3-way diffs and drift.
    payload: dict[str, Any] | None = None
    hash: str | None = None
    #: ``applied`` normally; ``creating`` between the create intent and its outcome.
    status: str = "applied"
    intent_at_ms: int | None = None
    #: Agents: the draft version apply last wrote, and the version last published.
    draft_version: int | None = None
    published_version: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class StateFile:
    """Thread-safe, atomically persisted map of address → :class:`Owned`."""

    def __init__(self, path: Path, environment: str, data: dict[str, Any]) -> None:
        self.path = path
        self.environment = environment
        self._lock = threading.RLock()
        self._data = data

    @classmethod
    def load(cls, path: Path, *, environment: str) -> StateFile:
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ConfigurationError(f"cannot read state file {path}: {exc}") from exc
            if data.get("format") != STATE_FORMAT:
                raise ConfigurationError(f"state file {path} has format {data.get('format')!r}; expected 1")
        else:
            data = {"format": STATE_FORMAT, "environment": environment, "resources": {}}
        return cls(path, environment, data)

    # ------------------------------------------------------------------ reading

    def get(self, address: str) -> Owned | None:
        with self._lock:
            raw = self._data["resources"].get(address)
            return Owned(**raw) if raw is not None else None

    def addresses(self) -> list[str]:
        with self._lock:
            return list(self._data["resources"])

    def items(self) -> list[tuple[str, Owned]]:
        with self._lock:
            return [(a, Owned(**raw)) for a, raw in self._data["resources"].items()]

    def meta(self, key: str, default: Any = None) -> Any:
        with self._lock:
            return self._data.get("meta", {}).get(key, default)

    def owned_ids(self, kind: str) -> set[str]:
        with self._lock:
            return {
                raw["remote_id"]
                for raw in self._data["resources"].values()
                if raw["kind"] == kind and raw.get("remote_id")
            }

    # ------------------------------------------------------------------ writing (each call persists)

    def intend_create(self, address: str, *, kind: str) -> None:
        """Record that a create is about to be sent (so a crash leaves a trace)."""
        self._put(address, Owned(kind=kind, status="creating", intent_at_ms=time.time_ns() // 1_000_000))

    def record(self, address: str, *, kind: str, remote_id: str, payload: dict[str, Any], **extra: Any) -> None:
        """Record the outcome of a create or update."""
        current = self.get(address)
        owned = Owned(kind=kind, remote_id=remote_id, payload=payload, hash=payload_hash(payload))
        if current is not None:
            owned.draft_version = current.draft_version
            owned.published_version = current.published_version
            owned.extra = current.extra
        for key, value in extra.items():
            setattr(owned, key, value)
        self._put(address, owned)

    def update(self, address: str, **fields: Any) -> None:
        current = self.get(address)
        if current is None:
            raise KeyError(address)
        for key, value in fields.items():
            setattr(current, key, value)
        self._put(address, current)

    def forget(self, address: str) -> None:
        with self._lock:
            self._data["resources"].pop(address, None)
            self._save()

    def set_meta(self, key: str, value: Any) -> None:
        with self._lock:
            self._data.setdefault("meta", {})[key] = value
            self._save()

    def _put(self, address: str, owned: Owned) -> None:
        with self._lock:
            self._data["resources"][address] = asdict(owned)
            self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self._data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            Path(tmp).replace(self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
