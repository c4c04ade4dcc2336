"""A project using the plugin as the README shows it (its "Test your agents" file), run through ``pytester``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
#: Every Python block of the README.
README_BLOCKS: list[str] = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
#: The README's complete test file, verbatim: the plugin's tests run exactly what users copy.
SHOP = next(b for b in README_BLOCKS if "retell_chat" in b)


@pytest.fixture
def shop(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester project holding the README's test file (as ``test_shop.py``), offline."""
    # PYTEST_XDIST_WORKER: when this suite runs under -n, the inner run is not a worker (syrupy
    # and the plugin would otherwise keep their reports for a controller that is not there)
    for name in ("RETELL_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_KEY", "PYTEST_XDIST_WORKER"):
        monkeypatch.delenv(name, raising=False)
    pytester.makepyfile(test_shop=SHOP)
    return pytester
