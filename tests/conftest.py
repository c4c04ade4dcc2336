"""Shared pytest configuration of the test suite.

This repository's own tests that need a real Retell account use the plugin's namespaced
``@pytest.mark.retell_live`` marker (pytest_retell.plugin skips them without RETELL_API_KEY).
"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def pytest_configure(config: pytest.Config) -> None:
    # ``--collect-only`` runs no test, so syrupy would call every snapshot "unused", exit 1 and
    # advise ``--snapshot-update``, which would delete snapshots that are in use. Collecting needs
    # no snapshot session at all.
    syrupy = config.pluginmanager.get_plugin("syrupy")
    if config.option.collectonly and syrupy is not None:
        config.pluginmanager.unregister(syrupy)
