"""Serving the emulator over HTTP with uvicorn, in the foreground or on a background thread."""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from retell_dsl.emulator.emulator import Emulator

__all__ = ["ServedEmulator", "serve_forever", "serve_in_thread"]


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class _QuietInjectedDrops(logging.Filter):
    """Injected connection drops are on purpose: keep uvicorn from logging each one as an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "returned without completing response" not in record.getMessage()


def _config(emulator: Emulator, host: str, port: int, log_level: str) -> Any:
    import uvicorn

    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietInjectedDrops) for f in logger.filters):
        logger.addFilter(_QuietInjectedDrops())
    return uvicorn.Config(emulator.asgi(), host=host, port=port, log_level=log_level, lifespan="on", access_log=False)


def serve_forever(emulator: Emulator, host: str = "127.0.0.1", port: int = 8080, log_level: str = "warning") -> None:
    """Serve until interrupted (what ``retell-dsl emulator`` runs)."""
    import uvicorn

    uvicorn.Server(_config(emulator, host, port, log_level)).run()


@dataclass
class ServedEmulator:
    """An emulator listening on a loopback port, served by a background thread."""

    emulator: Emulator
    base_url: str
    _server: Any = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def client(self, **kwargs: Any) -> Any:
        """A real ``retell.Retell`` client talking HTTP to this server."""
        from retell import Retell

        kwargs.setdefault("max_retries", 0)
        return Retell(api_key=self.emulator.api_key, base_url=self.base_url, **kwargs)

    def async_client(self, **kwargs: Any) -> Any:
        from retell import AsyncRetell

        kwargs.setdefault("max_retries", 0)
        return AsyncRetell(api_key=self.emulator.api_key, base_url=self.base_url, **kwargs)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


def serve_in_thread(emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> ServedEmulator:
    """Start serving on a background thread; returns once the port accepts connections."""
    import uvicorn

    port = port or _free_port(host)
    server = uvicorn.Server(_config(emulator, host, port, "error"))
    thread = threading.Thread(target=server.run, name=f"retell-emulator:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the emulator could not start on {host}:{port}")
        time.sleep(0.01)
    return ServedEmulator(emulator, f"http://{host}:{port}", server, thread)
