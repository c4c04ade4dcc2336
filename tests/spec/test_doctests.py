"""Run the runnable examples in the DSL's docstrings (the default pytest run has no --doctest-modules)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = [importlib.import_module(f"retell_dsl.{p}") for p in ("spec", "compile", "validate")]
MODULES = sorted(
    {info.name for package in PACKAGES for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")}
    | {
        "retell_dsl.spec",
        "retell_dsl.compile",
        "retell_dsl.validate",
        "examples.clinic_receptionist",
        "examples.outbound_reminders",
        "examples.support_agent",
    }
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
