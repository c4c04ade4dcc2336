"""Run the runnable examples in every module's docstrings (the default pytest run has no --doctest-modules)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import retell_dsl

MODULES = sorted(
    {
        info.name
        for info in pkgutil.walk_packages(retell_dsl.__path__, "retell_dsl.")
        if info.name != "retell_dsl.__main__"
    }
    | {"retell_dsl", "examples.clinic_receptionist", "examples.outbound_reminders", "examples.support_agent"}
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
