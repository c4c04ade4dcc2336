"""``retell-dsl emulator`` serves the API over HTTP as a separate process."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from retell import Retell


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(args: list[str]) -> tuple[subprocess.Popen[str], int]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "retell_dsl", "emulator", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    deadline = time.monotonic() + 60  # a loaded 2-core CI machine can take long to import
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, port
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"emulator did not start: {proc.stdout.read() if proc.stdout else ''}")


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "state" / "emulator.sqlite"


def test_generated_key_is_printed_and_state_survives_a_restart(db: Path) -> None:
    proc, port = _start(["--db", str(db)])
    time.sleep(0.3)
    out = ""
    try:
        base = f"http://127.0.0.1:{port}"
        # The key is printed on start; read it from a second process's perspective via the banner.
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    key = re.search(r"api key: (key_[0-9a-f]{28}) \(generated", out)
    assert key, out
    assert f"listening on {base}" in out

    proc, port = _start(["--db", str(db), "--api-key", "key_fixed"])
    try:
        client = Retell(api_key="key_fixed", base_url=f"http://127.0.0.1:{port}", max_retries=0)
        llm = client.llm.create(general_prompt="kept across restarts")
    finally:
        banner = _stop(proc)
    assert "key_fixed" not in banner  # a key the user chose is not echoed

    proc, port = _start(["--db", str(db), "--api-key", "key_fixed"])
    try:
        client = Retell(api_key="key_fixed", base_url=f"http://127.0.0.1:{port}", max_retries=0)
        assert client.llm.retrieve(llm.llm_id).general_prompt == "kept across restarts"
        with pytest.raises(Exception, match="401"):
            Retell(api_key="key_wrong", base_url=f"http://127.0.0.1:{port}", max_retries=0).voice.list()
    finally:
        _stop(proc)


def test_memory_db_keeps_nothing() -> None:
    proc, port = _start(["--db", ":memory:", "--api-key", "key_m"])
    try:
        client = Retell(api_key="key_m", base_url=f"http://127.0.0.1:{port}", max_retries=0)
        assert client.llm.list().items == []
    finally:
        out = _stop(proc)
    assert "in memory (nothing is kept)" in out
