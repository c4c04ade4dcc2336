"""Bounded pools of daemon threads for the emulator's background work (held calls, webhook deliveries).

A :class:`WorkerPool` runs submitted jobs on at most ``workers`` threads, started lazily
(an emulator that never calls or posts a webhook starts none). Jobs given the same
``lane`` key run one after another in submission order (webhooks of one call stay in
order); jobs without a key go to whichever thread is free. :meth:`WorkerPool.wait_idle`
waits, for a bounded time, until every submitted job has finished. A job that raises
is logged and counted in ``failures``; it never kills its thread.

>>> pool = WorkerPool(2, "doc")
>>> seen = []
>>> for i in range(5):
...     pool.submit(lambda i=i: seen.append(i), lane="one")
>>> pool.wait_idle(5)
True
>>> seen
[0, 1, 2, 3, 4]
>>> pool.close()
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import zlib
from collections.abc import Callable

__all__ = ["WorkerPool"]

log = logging.getLogger(__name__)

_STOP = object()


class WorkerPool:
    """At most ``workers`` daemon threads; per-lane FIFO order; bounded waits."""

    def __init__(self, workers: int, name: str) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = workers
        self.name = name
        self.failures = 0
        self._queues: list[queue.SimpleQueue[object]] = [queue.SimpleQueue() for _ in range(workers)]
        self._shared: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._pending = 0
        self._cond = threading.Condition()
        self._closed = False

    def _start(self) -> None:
        if self._threads:
            return
        for index in range(self.workers):
            thread = threading.Thread(target=self._loop, args=(index,), name=f"{self.name}-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def submit(self, job: Callable[[], object], *, lane: str | None = None) -> None:
        """Run ``job`` in the background (after the earlier jobs of the same ``lane``)."""
        with self._cond:
            if self._closed:
                raise RuntimeError(f"the {self.name} worker pool is closed")
            self._start()
            self._pending += 1
        if lane is None:
            self._shared.put(job)
        else:
            self._queues[zlib.crc32(lane.encode()) % self.workers].put(job)

    def _next(self, index: int) -> object:
        own = self._queues[index]
        while True:
            try:
                return own.get_nowait()
            except queue.Empty:
                pass
            try:
                return self._shared.get(timeout=0.02)
            except queue.Empty:
                continue

    def _loop(self, index: int) -> None:
        while True:
            job = self._next(index)
            if job is _STOP:
                return
            try:
                job()  # type: ignore[operator]
            except BaseException:
                self.failures += 1
                log.exception("background job of the %s pool failed", self.name)
            finally:
                with self._cond:
                    self._pending -= 1
                    self._cond.notify_all()

    @property
    def pending(self) -> int:
        """Jobs submitted and not finished yet."""
        with self._cond:
            return self._pending

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait at most ``timeout_s`` seconds for every submitted job to finish; whether they did."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def close(self) -> None:
        """Stop the threads once their queued jobs are done (jobs submitted later are refused)."""
        with self._cond:
            self._closed = True
            threads = list(self._threads)
        for index in range(len(threads)):
            self._queues[index].put(_STOP)
