"""Thin request handlers: parse the body and query (``body.py``), call the domain, render the answer.

Every handler is a named function ``(state, request, path_params) -> response``;
:mod:`retell_dsl.emulator.routes` binds them to paths in one literal table.
"""

from __future__ import annotations

__all__: list[str] = []
