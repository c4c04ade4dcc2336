"""Shared pytest configuration of the test suite.

This repository's own tests that need a real Retell account use the plugin's namespaced
``@pytest.mark.retell_live`` marker (pytest_retell.plugin skips them without RETELL_API_KEY).
"""

from __future__ import annotations

pytest_plugins = ["pytester"]
