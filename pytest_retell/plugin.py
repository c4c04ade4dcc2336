"""The ``pytest11`` entry point of retell-dsl (options, markers, fixtures).

Kept light: importing it must not import the Retell SDK, so plain pytest runs of
unrelated projects stay fast.
"""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "live: needs a real Retell account (RETELL_API_KEY); skipped without it")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("RETELL_API_KEY"):
        return
    skip_live = pytest.mark.skip(reason="needs RETELL_API_KEY (a real Retell account)")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip_live)
