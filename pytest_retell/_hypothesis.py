"""The ``hypothesis`` entry point of retell-dsl: the types ``st.from_type`` finds.

Hypothesis runs :func:`_hypothesis_setup_hook` at the end of ``import hypothesis`` in every
environment where retell-dsl is installed. It lives in its own module, not in
:mod:`pytest_retell.strategies`, because that module imports Hypothesis itself: when a user
imports the strategies first, Hypothesis would otherwise re-enter a half-imported module (an
``AttributeError``). In that case the hook leaves the registering to the strategies module, which
calls :func:`~pytest_retell.strategies.register_types` once it is complete.

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

import sys

__all__: list[str] = []


def _hypothesis_setup_hook() -> None:
    """Register retell-dsl's strategies for ``st.from_type`` (unless the strategies are importing)."""
    module = sys.modules.get("pytest_retell.strategies")
    if module is not None and not hasattr(module, "register_types"):
        return  # pytest_retell.strategies is importing hypothesis right now: it registers them when done
    from pytest_retell.strategies import register_types

    register_types()
