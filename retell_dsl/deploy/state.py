"""The ownership record: ``.retell/state/<environment>.json`` maps logical addresses to remote ids.

Retell objects carry no tags, so this file is how retell-dsl knows what it owns. Every change is
made durable *before* each remote change (an intent) and *after* it (the outcome), so a crash at
any point leaves a record from which the next ``apply`` reconciles: an intent without an outcome
means "look for the object before creating it again".

Durability is a write-ahead journal: each change appends one fsync'd JSON line to
``<environment>.journal`` (cheap, whatever the size of the state), and :meth:`StateFile.compact`
folds the journal into the readable ``<environment>.json`` snapshot (written atomically: temporary
file, fsync, rename). Loading replays any journal left by a crash *in memory*; replaying is
idempotent because each line carries a resource's whole record, and a torn last line (a crash
mid-write) is skipped.

Only the holder of the environment's lock writes: :meth:`StateFile.load` is read-only unless
``writable=True`` (``plan``, ``drift`` and state inspection never touch the state directory). A
writer folds a leftover journal first, and before every record checks that its journal is still
the file it opened: if it vanished, it stops with :class:`JournalLost` rather than lose records.

Everything read back goes through the versioned models of :mod:`retell_dsl.deploy.records`.
Secrets never reach this file: payloads keep ``$env:NAME`` markers sealed with a keyed digest
(:mod:`retell_dsl.deploy.secrets`), never values.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "staging.json"
>>> st = StateFile.load(path, environment="staging", writable=True)
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
import secrets as _random
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from retell_dsl.deploy.records import (
    FORMAT_VERSION,
    RECOVER_STATE,
    Owned,
    StateCorrupted,
    read_journal_line,
    read_state_text,
)
from retell_dsl.deploy.secrets import unseal
from retell_dsl.errors import RetellDSLError

__all__ = ["STATE_FORMAT", "JournalLost", "Owned", "StateCorrupted", "StateFile", "payload_hash"]

STATE_FORMAT = FORMAT_VERSION


class JournalLost(RetellDSLError):
    """The journal a running apply writes to was removed or replaced; the apply stops."""


def payload_hash(payload: object) -> str:
    """A stable hash of a JSON payload (sorted keys)."""
    data = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(data.encode()).hexdigest()


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StateCorrupted(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}); {RECOVER_STATE}") from None
    except OSError as exc:
        raise StateCorrupted(f"cannot read {path}: {exc.strerror or exc}") from None


class StateFile:
    """Thread-safe, atomically persisted map of address → :class:`Owned`."""

    def __init__(self, path: Path, environment: str, data: dict[str, Any], *, writable: bool = False) -> None:
        self.path = path
        self.environment = environment
        self.writable = writable
        self._lock = threading.RLock()
        self._data = data
        self._journal: TextIO | None = None
        self._journal_id: tuple[int, int] | None = None

    @classmethod
    def load(cls, path: Path, *, environment: str, writable: bool = False) -> StateFile:
        """Read the snapshot and replay the journal in memory; ``writable`` (lock holders only) folds it."""
        if path.exists():
            record = read_state_text(_read_text(path), f"state file {path}")
            data = record.model_dump(mode="json", exclude={"version"})
        else:
            data = {"environment": environment, "resources": {}, "meta": {}}
        state = cls(path, environment, data, writable=writable)
        if state.journal_path.exists() and state._replay() and writable:
            state.compact()
        return state

    @property
    def journal_path(self) -> Path:
        return self.path.with_suffix(".journal")

    def _replay(self) -> bool:
        """Apply the journal's records to the snapshot in memory; a torn last line (crash mid-write) is skipped."""
        text = _read_text(self.journal_path)
        lines = text.split("\n")
        replayed = False
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            what = f"journal {self.journal_path} (line {number})"
            torn = number == len(lines) and not text.endswith("\n")
            try:
                entry = read_journal_line(line, what)
            except StateCorrupted:
                if torn:  # the crash interrupted this write: the change it describes was never made durable
                    continue
                raise
            self._apply_entry(entry.model_dump(mode="json", exclude={"version"}))
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
            return Owned.model_validate(raw) if raw is not None else None

    def addresses(self) -> list[str]:
        with self._lock:
            return list(self._data["resources"])

    def items(self) -> list[tuple[str, Owned]]:
        with self._lock:
            return [(a, Owned.model_validate(raw)) for a, raw in self._data["resources"].items()]

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

    @property
    def serial(self) -> int:
        """How many applies started on this environment: a plan made at serial N is stale at N+1."""
        return int(self.meta("serial", 0) or 0)

    def secret_key(self, *, create: bool = False) -> bytes | None:
        """The environment's key for secret digests (made by the first writer that needs one)."""
        key = self.meta("secret_digest_key")
        if key is None and create:
            key = _random.token_hex(32)
            self.set_meta("secret_digest_key", key)
        return bytes.fromhex(key) if isinstance(key, str) else None

    # ------------------------------------------------------------------ writing (each call persists)

    def intend_create(self, address: str, *, kind: str) -> None:
        """Record that a create is about to be sent (so a crash leaves a trace)."""
        intent = {"kind": kind, "status": "creating", "intent_at_ms": time.time_ns() // 1_000_000}
        self._put(address, Owned.model_validate(intent))

    def record(self, address: str, *, kind: str, remote_id: str, payload: dict[str, Any], **extra: Any) -> None:
        """Record the outcome of a create or update."""
        current = self.get(address)
        later = dict(current.model_extra or {}) if current is not None else {}  # fields of a newer minor version
        owned = Owned.model_validate(
            {**later, "kind": kind, "remote_id": remote_id, "payload": payload, "hash": payload_hash(unseal(payload))}
        )
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
        self._write({"op": "put", "address": address, "value": owned.model_dump(mode="json")})

    def _check_journal(self) -> None:
        """Stop if the journal this writer appends to is no longer the file at :attr:`journal_path`."""
        try:
            st = self.journal_path.stat()
        except FileNotFoundError:
            st = None
        if st is None or (st.st_dev, st.st_ino) != self._journal_id:
            raise JournalLost(
                f"the journal {self.journal_path} was removed or replaced while this apply was writing to it; "
                "stopping so that no record is lost. Nothing more was sent; run apply again"
            )

    def _write(self, entry: dict[str, Any]) -> None:
        """Apply a change in memory and make it durable with one appended, fsync'd journal line."""
        if not self.writable:
            raise RetellDSLError(f"{self.path} was opened read-only; only the holder of the apply lock writes it")
        line = json.dumps({"version": FORMAT_VERSION, **entry}, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False) + "\n"  # fmt: skip
        with self._lock:
            if self._journal is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._journal = self.journal_path.open("a", encoding="utf-8")
                st = os.fstat(self._journal.fileno())
                self._journal_id = (st.st_dev, st.st_ino)
            else:
                self._check_journal()
            self._journal.write(line)
            self._journal.flush()
            os.fsync(self._journal.fileno())
            self._apply_entry(entry)

    def compact(self, *, even_if_lost: bool = False) -> None:
        """Write the readable snapshot atomically, then empty the journal (safe to repeat after a crash).

        If the journal vanished, this raises :class:`JournalLost` unless ``even_if_lost``: the
        snapshot is then written from memory, which holds every record this writer made.
        """
        if not self.writable:
            raise RetellDSLError(f"{self.path} was opened read-only; only the holder of the apply lock writes it")
        with self._lock:
            if self._journal is not None and not even_if_lost:
                self._check_journal()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            data = {**self._data, "version": FORMAT_VERSION}
            text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
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
                self._journal_id = None
            self.journal_path.unlink(missing_ok=True)

    def close(self) -> None:
        """Fold the journal into the snapshot (writers) and release the file."""
        if self.writable:
            self.compact(even_if_lost=True)
