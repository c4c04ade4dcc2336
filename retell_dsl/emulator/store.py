"""The emulator's state: JSON documents in SQLite, one row per object version.

Every request runs inside one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``), so a
rejected request leaves no trace and concurrent clients, threads or processes
sharing a database file lose nothing.

>>> s = Store(":memory:")
>>> with s.transaction():
...     s.put("agent", "a1", {"agent_id": "a1", "version": 0}, version=0)
>>> s.get("agent", "a1")["version"]
0
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["Document", "Store"]

Document = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (kind, id, version)
);
CREATE TABLE IF NOT EXISTS seqs (
    kind TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS seqs_by_seq ON seqs (kind, seq);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Store:
    """A small document store over one SQLite connection guarded by a lock."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._depth = 0
        self._owner: int | None = None
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block atomically; nested use joins the outer transaction."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth, self._owner = 1, threading.get_ident()
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._depth, self._owner = 0, None

    @contextmanager
    def released(self) -> Iterator[None]:
        """Let other threads use the store while this one waits for something slow.

        Handlers run in a transaction; the conversation engine they wait for may itself
        need the store (a call the engine holds records its transcript as it goes, on the
        engine's own thread), and holding the lock across that wait would deadlock, and
        would stall every other request for as long as a tool or a model takes. Inside a
        transaction the work so far is committed, the lock is let go for the block, and a
        new transaction begins after it; code after the block must read again what it
        read before. Outside a transaction (or on a thread that does not hold it) this
        does nothing.

        >>> store = Store()
        >>> with store.transaction():
        ...     store.meta_set("k", 1)
        ...     with store.released():
        ...         pass  # another thread could write here
        ...     store.meta_get("k")
        1
        """
        if self._owner != threading.get_ident() or not self._depth:
            yield
            return
        depth = self._depth
        self._conn.execute("COMMIT")
        self._depth, self._owner = 0, None
        for _ in range(depth):
            self._lock.release()
        try:
            yield
        finally:
            for _ in range(depth):
                self._lock.acquire()
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth, self._owner = depth, threading.get_ident()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def reset(self) -> None:
        """Forget everything (cheap: three DELETEs)."""
        with self.transaction():
            for table in ("objects", "seqs", "meta"):
                self._conn.execute(f"DELETE FROM {table}")

    # ------------------------------------------------------------------ counters and meta

    def counter(self, name: str) -> int:
        """Increment and return a named counter (starts at 1)."""
        with self.transaction():
            current = self.meta_get(f"counter:{name}", 0)
            value = int(current) + 1
            self.meta_set(f"counter:{name}", value)
            return value

    def meta_get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def meta_set(self, key: str, value: object) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, _dumps(value)),
            )

    def meta_delete(self, key: str) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM meta WHERE key = ?", (key,))

    # ------------------------------------------------------------------ documents

    def put(self, kind: str, ident: str, data: Document, version: int = 0) -> None:
        """Insert or replace one version of an object; creating (or re-creating) it fixes its list position."""
        with self._lock:
            fresh = (
                self._conn.execute("SELECT 1 FROM objects WHERE kind = ? AND id = ? LIMIT 1", (kind, ident)).fetchone()
                is None
            )
            self._conn.execute(
                "INSERT INTO objects (kind, id, version, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(kind, id, version) DO UPDATE SET data = excluded.data",
                (kind, ident, version, _dumps(data)),
            )
            if fresh:  # new, or re-created after a delete: it goes to the end of lists
                self._conn.execute(
                    "INSERT INTO seqs (kind, id, seq) VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM seqs)) "
                    "ON CONFLICT(kind, id) DO UPDATE SET seq = excluded.seq",
                    (kind, ident),
                )

    def get(self, kind: str, ident: str, version: int | None = None) -> Document | None:
        """One version of an object; the highest version when ``version`` is None."""
        with self._lock:
            if version is None:
                row = self._conn.execute(
                    "SELECT data FROM objects WHERE kind = ? AND id = ? ORDER BY version DESC LIMIT 1",
                    (kind, ident),
                ).fetchone()
            else:
                row = self._conn.execute(
                    "SELECT data FROM objects WHERE kind = ? AND id = ? AND version = ?",
                    (kind, ident, version),
                ).fetchone()
        return json.loads(row[0]) if row else None

    def versions(self, kind: str, ident: str) -> list[Document]:
        """Every version of an object, lowest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT data FROM objects WHERE kind = ? AND id = ? ORDER BY version",
                (kind, ident),
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def delete(self, kind: str, ident: str, version: int | None = None) -> bool:
        """Delete one version, or every version when ``version`` is None."""
        with self._lock:
            if version is None:
                cur = self._conn.execute("DELETE FROM objects WHERE kind = ? AND id = ?", (kind, ident))
            else:
                cur = self._conn.execute(
                    "DELETE FROM objects WHERE kind = ? AND id = ? AND version = ?", (kind, ident, version)
                )
        return cur.rowcount > 0

    def list_latest(self, kind: str) -> list[tuple[int, Document]]:
        """The highest version of every object of a kind, with its creation sequence, oldest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT s.seq, o.data FROM objects o JOIN seqs s ON s.kind = o.kind AND s.id = o.id "
                "WHERE o.kind = ? AND o.version = "
                "(SELECT MAX(version) FROM objects i WHERE i.kind = o.kind AND i.id = o.id) "
                "ORDER BY s.seq",
                (kind,),
            ).fetchall()
        return [(int(r[0]), json.loads(r[1])) for r in rows]

    def list_all_versions(self, kind: str) -> list[Document]:
        """Every version of every object of a kind (for reference checks)."""
        with self._lock:
            rows = self._conn.execute("SELECT data FROM objects WHERE kind = ?", (kind,)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def seq_of(self, kind: str, ident: str) -> int | None:
        """The creation sequence of an id, kept after deletion so cursors stay valid."""
        with self._lock:
            row = self._conn.execute("SELECT seq FROM seqs WHERE kind = ? AND id = ?", (kind, ident)).fetchone()
        return int(row[0]) if row else None

    def dump(self) -> dict[str, dict[str, list[Document]]]:
        """Everything, for white-box assertions: ``{kind: {id: [versions…]}}``."""
        out: dict[str, dict[str, list[Document]]] = {}
        with self._lock:
            rows = self._conn.execute("SELECT kind, id, data FROM objects ORDER BY kind, id, version").fetchall()
        for kind, ident, data in rows:
            out.setdefault(kind, {}).setdefault(ident, []).append(json.loads(data))
        return out
