"""The ``pytest11`` entry point of retell-dsl (options, markers, fixtures).

Kept light: importing it must not import the Retell SDK, so plain pytest runs of
unrelated projects stay fast.

Markers (namespaced, so they never clash with a project's own markers):

- ``retell_live``: the test needs a real Retell account; it is skipped unless
  ``RETELL_API_KEY`` is set. The plugin acts on this marker only: a project's own
  ``@pytest.mark.live`` (or any other marker) is left alone.
"""

from __future__ import annotations

import os

import pytest

__all__ = ["LIVE_MARKER", "pytest_collection_modifyitems", "pytest_configure"]

LIVE_MARKER = "retell_live"


def pytest_configure(config: pytest.Config) -> None:
    """Register the plugin's markers (so ``--strict-markers`` accepts them)."""
    config.addinivalue_line(
        "markers", f"{LIVE_MARKER}: needs a real Retell account (RETELL_API_KEY); skipped without it (retell-dsl)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the ``retell_live`` tests when no ``RETELL_API_KEY`` is set."""
    if os.environ.get("RETELL_API_KEY"):
        return
    skip_live = pytest.mark.skip(reason="needs RETELL_API_KEY (a real Retell account)")
    for item in items:
        if item.get_closest_marker(LIVE_MARKER) is not None:
            item.add_marker(skip_live)
