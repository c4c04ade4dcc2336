"""A project using the plugin, written as a user would (``shop_project.py``), run through ``pytester``."""

from __future__ import annotations

from pathlib import Path

import pytest

SHOP = (Path(__file__).parent / "shop_project.py").read_text()


@pytest.fixture
def shop(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester project holding the shop stack's test file (``test_shop.py``), offline."""
    for name in ("RETELL_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    pytester.makepyfile(test_shop=SHOP)
    return pytester
