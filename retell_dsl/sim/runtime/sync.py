"""One generic synchronous facade over any object with ``async`` methods (no hand-written twins).

The wrapped object lives on a private event loop in a dedicated daemon thread; each coroutine
method is exposed as a plain method that submits the call to that loop and waits for it, up to
``timeout_s`` (every wait is bounded). Other attributes are read through unchanged. It works
inside a running event loop too (a notebook, an async test), since the calls never touch the
caller's loop.

>>> class Counter:
...     def __init__(self) -> None:
...         self.n = 0
...     async def add(self, k: int) -> int:
...         self.n += k
...         return self.n
>>> with Synchronous(Counter()) as counter:
...     counter.add(2), counter.add(3), counter.n
(2, 5, 5)
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import inspect
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from retell_dsl.errors import RetellDSLError

__all__ = ["Synchronous"]

T = TypeVar("T")


class Synchronous(Generic[T]):
    """Expose ``target``'s coroutine methods synchronously, running them on a private loop."""

    def __init__(self, target: T, *, timeout_s: float = 900.0) -> None:
        self._target = target
        self._timeout = timeout_s
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="retell-dsl-sync", daemon=True)
        self._thread.start()

    @property
    def wrapped(self) -> T:
        """The asynchronous object behind this facade."""
        return self._target

    def __repr__(self) -> str:
        return f"Synchronous({self._target!r})"

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._target, name)
        if not inspect.iscoroutinefunction(attribute):
            return attribute

        @functools.wraps(attribute)
        def call(*args: Any, **kwargs: Any) -> Any:
            return self.run(attribute, *args, **kwargs)

        return call

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run the coroutine function ``fn(*args, **kwargs)`` on the private loop and wait for it (bounded)."""
        if self._loop.is_closed():
            raise RetellDSLError("this synchronous facade is closed")
        future = asyncio.run_coroutine_threadsafe(fn(*args, **kwargs), self._loop)
        try:
            return future.result(self._timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise RetellDSLError(
                f"{getattr(fn, '__name__', 'the call')} did not finish within {self._timeout:g} s"
            ) from None

    def close(self) -> None:
        """Stop the private loop and its thread."""
        if self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        if not self._thread.is_alive():
            self._loop.close()

    def __enter__(self) -> Synchronous[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
