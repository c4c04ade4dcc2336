"""The pytest plugin acts on its own namespaced marker only, never on a project's ``live`` marker."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import pytest_retell

UNRELATED_PROJECT = """
import pytest

@pytest.mark.live
def test_own_live_marker_passes():
    assert True

@pytest.mark.live
def test_own_live_marker_fails():
    assert False, "this project's live test really ran"

@pytest.mark.retell_live
def test_needs_retell():
    assert True
"""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """An unrelated project with its own ``live`` marker; pytest runs in a subprocess that loads the
    installed plugins (this checkout's pytest_retell first on the path)."""
    checkout = str(Path(pytest_retell.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [checkout, os.environ.get("PYTHONPATH")])))
    monkeypatch.delenv("RETELL_API_KEY", raising=False)
    pytester.makeini("[pytest]\nmarkers =\n    live: this project's own marker\naddopts = --strict-markers\n")
    pytester.makepyfile(test_unrelated=UNRELATED_PROJECT)
    return pytester


def test_unrelated_live_marker_runs_and_retell_live_skips_without_key(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("-rs")
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] test_unrelated.py:11: needs RETELL_API_KEY*"])
    result.stdout.fnmatch_lines(["*this project's live test really ran*"])


def test_retell_live_runs_with_a_key(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETELL_API_KEY", "key_for_the_marker_test")
    result = project.runpytest_subprocess()
    result.assert_outcomes(passed=2, failed=1)


def test_plugin_registers_the_namespaced_marker(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.retell_live: needs a real Retell account*"])
    assert not any(line.startswith("@pytest.mark.live: needs a real Retell") for line in result.stdout.lines)


def test_plugin_is_the_pytest11_entry_point() -> None:
    from importlib.metadata import entry_points

    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins.get("retell") == "pytest_retell.plugin"


def test_loading_the_plugin_imports_no_sdk() -> None:
    checkout = str(Path(pytest_retell.__file__).resolve().parents[1])
    code = (
        "import sys, pytest_retell.plugin\n"
        "heavy = ('retell', 'retell_dsl', 'httpx', 'mcp', 'pydantic')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    env = {**os.environ, "PYTHONPATH": checkout}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True)
    assert run.stdout.strip() == "[]"
