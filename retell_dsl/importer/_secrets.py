"""Secrets found while importing become ``$env:NAME`` markers: never generated code, never state.

A fetched object can carry secret values: the ``headers`` of custom tools and MCP servers (an
``Authorization`` header, an API key) and SIP trunk passwords. :func:`extract_secrets` replaces
each value with a marker whose variable name is derived from where it was found (the tool's or
server's name and the header's), and returns the values by name — kept in memory, used only to
seal the adopted state with a keyed digest, so the next plan sees them as unchanged.

>>> payload = {"general_tools": [{"name": "lookup", "headers": {"Authorization": "Bearer abc"}}]}
>>> found = extract_secrets([payload])
>>> payload["general_tools"][0]["headers"], sorted(found)
({'Authorization': '$env:LOOKUP_AUTHORIZATION'}, ['LOOKUP_AUTHORIZATION'])
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["extract_secrets"]

_PASSWORDS = ("sip_trunk_auth_password", "auth_password")
_MARKER = "$env:"


def _name(owner: str, key: str) -> str:
    raw = f"{owner}_{key}" if owner else key
    name = re.sub(r"[^A-Z0-9]+", "_", raw.upper()).strip("_") or "SECRET"
    return "_" + name if name[0].isdigit() else name


def _marker(found: dict[str, str], owner: str, key: str, value: str) -> str:
    base = _name(owner, key)
    name, i = base, 2
    while name in found and found[name] != value:
        name, i = f"{base}_{i}", i + 1
    found[name] = value
    return _MARKER + name


def _walk(node: Any, owner: str, found: dict[str, str]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, owner, found)
        return
    if not isinstance(node, dict):
        return
    here = str(node.get("name") or node.get("nickname") or node.get("phone_number") or owner)
    for key, value in list(node.items()):
        if key == "headers" and isinstance(value, dict):
            for header, secret in list(value.items()):
                if isinstance(secret, str) and not secret.startswith(_MARKER):
                    value[header] = _marker(found, here, header, secret)
        elif key in _PASSWORDS and isinstance(value, str) and value and not value.startswith(_MARKER):
            node[key] = _marker(found, here, "SIP_PASSWORD", value)
        else:
            _walk(value, here, found)


def extract_secrets(payloads: Iterable[Any]) -> dict[str, str]:
    """Replace secret values in ``payloads`` (in place) with markers; returns variable name → value."""
    found: dict[str, str] = {}
    for payload in payloads:
        _walk(payload, "", found)
    return found
