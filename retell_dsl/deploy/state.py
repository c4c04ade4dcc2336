"""The ownership record: ``.retell/state/<environment>.json`` maps logical addresses to remote ids.

Retell objects carry no tags, so this file is how retell-dsl knows what it owns. Every change is
made durable *before* each remote change (an intent) and *after* it (the outcome), so a crash at
any point leaves a record from which the next ``apply`` reconciles: an intent without an outcome
means "look for the object before creating it again".

Durability is a write-ahead journal: each change appends one fsync'd JSON line to
``<environment>.journal`` (cheap, whatever the size of the state), and :meth:`StateFile.compact`
folds the journal into the readable ``<environment>.json`` snapshot (written atomically: temporary
file, fsync, rename). Loading replays any journal left by a crash; replaying is idempotent because
each line carries a resource's whole record.

Secrets never reach this file: payloads keep ``$env:NAME`` markers, not values.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "staging.json"
>>> st = StateFile.load(path, environment="staging")
>>> st.record("llm.support", kind="llm", remote_id="llm_1", payload={"general_prompt": "hi"})
>>> StateFile.load(path, environment="staging").get("llm.support").remote_id  # replayed from the journal
'llm_1'
>>> st.close(); path.exists(), st.journal_path.exists()
(True, False)
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
from typing import Any, TextIO

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
        self._journal: TextIO | None = None

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
        state = cls(path, environment, data)
        if state.journal_path.exists() and state._replay():
            state.compact()
        return state

    @property
    def journal_path(self) -> Path:
        return self.path.with_suffix(".journal")

    def _replay(self) -> bool:
        """Apply the journal's entries to the snapshot in memory; a torn last line (crash mid-write) is skipped."""
        replayed = False
        for line in self.journal_path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            self._apply_entry(entry)
            replayed = True
        return replayed

    def _apply_entry(self, entry: dict[str, Any]) -> None:
        if entry["op"] == "put":
            self._data["resources"][entry["address"]] = entry["value"]
        elif entry["op"] == "forget":
            self._data["resources"].pop(entry["address"], None)
        elif entry["op"] == "meta":
            self._data.setdefault("meta", {})[entry["key"]] = entry["value"]

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
        self._write({"op": "forget", "address": address})

    def set_meta(self, key: str, value: Any) -> None:
        self._write({"op": "meta", "key": key, "value": value})

    def _put(self, address: str, owned: Owned) -> None:
        self._write({"op": "put", "address": address, "value": asdict(owned)})

    def _write(self, entry: dict[str, Any]) -> None:
        """Apply a change in memory and make it durable with one appended, fsync'd journal line."""
        line = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
        with self._lock:
            self._apply_entry(entry)
            if self._journal is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._journal = self.journal_path.open("a", encoding="utf-8")
            self._journal.write(line)
            self._journal.flush()
            os.fsync(self._journal.fileno())

    def compact(self) -> None:
        """Write the readable snapshot atomically, then empty the journal (safe to repeat after a crash)."""
        with self._lock:
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
            if self._journal is not None:
                self._journal.close()
                self._journal = None
            self.journal_path.unlink(missing_ok=True)

    def close(self) -> None:
        """Fold the journal into the snapshot and release the file."""
        self.compact()
