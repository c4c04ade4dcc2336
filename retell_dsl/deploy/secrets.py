"""One mechanism for every secret: ``$env:NAME`` markers, compared by keyed digest, shown as a mask.

Wherever a compiled payload holds a string ``"$env:NAME"`` — a SIP trunk password, a custom
tool's or an MCP server's ``headers``, any other path — the value is read from the environment
only when a request is sent. Nothing else ever holds the value:

* **State and journal** record the marker *sealed* with a digest: ``"$env:NAME@hmac-sha256:…"``.
  The digest is HMAC-SHA256 keyed with a random per-environment key that the first apply stores
  in the state file's ``meta.secret_digest_key``. It lets the next plan tell "same secret" from
  "rotated secret" without the value, and it cannot be looked up in precomputed tables or matched
  across environments. (Whoever holds the state file holds the key: a weak secret can still be
  guessed offline. Keep strong secrets, as always.)
* **Plans and drift** compare digests. :func:`align` rewrites both sides of a comparison at each
  secret path: the desired side becomes the bare marker; the remote side becomes the same marker
  when its digest matches, or :data:`CHANGED` when it does not. A value from the remote at a path
  the code no longer marks as secret but last applied as one becomes :data:`HIDDEN`.
* **Output** (text, ``--json``, ``--out``) therefore only ever carries markers and masks.

>>> s = Secrets(b"k" * 32, {"TOKEN": "abc"})
>>> sealed = s.seal({"headers": {"Authorization": "$env:TOKEN"}})
>>> sealed["headers"]["Authorization"].startswith("$env:TOKEN@hmac-sha256:")
True
>>> align({"headers": {"Authorization": "$env:TOKEN"}}, {"headers": {"Authorization": "abc"}}, sealed, s)
({'headers': {'Authorization': '$env:TOKEN'}}, {'headers': {'Authorization': '$env:TOKEN'}})
>>> align({"a": "$env:TOKEN"}, {"a": "rotated"}, None, s)[1]
{'a': '$secret:changed'}
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

__all__ = ["CHANGED", "ENV_PREFIX", "HIDDEN", "Secrets", "align", "is_marker", "marker_name", "mask", "unseal"]

ENV_PREFIX = "$env:"
#: The remote side of a secret whose digest differs from the one wanted.
CHANGED = "$secret:changed"
#: A remote value at a path last applied as a secret.
HIDDEN = "$secret:hidden"
_SEP = "@"


def is_marker(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(ENV_PREFIX)


def marker_name(value: str) -> str:
    return value[len(ENV_PREFIX) :].split(_SEP, 1)[0]


def _sealed_digest(value: Any) -> str | None:
    if is_marker(value) and _SEP in value:
        return str(value.split(_SEP, 1)[1])
    return None


class Secrets:
    """Digests of secret values with one environment's key; ``environ`` supplies the wanted values."""

    def __init__(self, key: bytes | None, environ: Mapping[str, str]) -> None:
        self.key = key
        self.environ = environ

    def digest(self, value: str) -> str | None:
        if self.key is None:
            return None
        return "hmac-sha256:" + hmac.new(self.key, value.encode(), hashlib.sha256).hexdigest()

    def wanted(self, marker: str, last: Any) -> str | None:
        """The digest the code asks for: of the environment's value, else the one sealed last time."""
        name = marker_name(marker)
        if name in self.environ:
            return self.digest(self.environ[name])
        if is_marker(last) and marker_name(last) == name:
            return _sealed_digest(last)
        return _sealed_digest(marker)

    def seal(self, payload: Any) -> Any:
        """The payload with each ``$env:NAME`` marker sealed with the digest of the value sent."""
        if is_marker(payload):
            name = marker_name(payload)
            digest = self.digest(self.environ[name]) if name in self.environ else _sealed_digest(payload)
            return ENV_PREFIX + name + (_SEP + digest if digest else "")
        if isinstance(payload, Mapping):
            return {k: self.seal(v) for k, v in payload.items()}
        if isinstance(payload, list):
            return [self.seal(v) for v in payload]
        return payload


def unseal(payload: Any) -> Any:
    """The payload with sealed markers back to ``$env:NAME`` (what the code says)."""
    if is_marker(payload):
        return ENV_PREFIX + marker_name(payload)
    if isinstance(payload, Mapping):
        return {k: unseal(v) for k, v in payload.items()}
    if isinstance(payload, list):
        return [unseal(v) for v in payload]
    return payload


def mask(remote: Any, template: Any) -> Any:
    """``remote`` with :data:`HIDDEN` wherever ``template`` (a last-applied payload) holds a secret."""
    if is_marker(template):
        return HIDDEN if remote is not None else None
    if isinstance(template, Mapping) and isinstance(remote, Mapping):
        return {k: mask(v, template.get(k)) for k, v in remote.items()}
    if isinstance(template, list) and isinstance(remote, list):
        return [mask(v, template[i] if i < len(template) else None) for i, v in enumerate(remote)]
    return remote


def align(want: Any, have: Any, last: Any, secrets: Secrets) -> tuple[Any, Any]:
    """Both sides of a comparison with every secret replaced by a marker or a mask (see the module doc)."""
    if is_marker(want):
        if is_marker(have):  # write-only fields: the remote side is what was applied last
            have_digest = _sealed_digest(have)
        elif isinstance(have, str):
            have_digest = secrets.digest(have)
        else:
            return ENV_PREFIX + marker_name(want), have if have is None else HIDDEN
        expected = secrets.wanted(want, last)
        renamed = is_marker(have) and marker_name(have) != marker_name(want)
        if expected is None or have_digest is None:
            same = not renamed  # nothing to compare with: only the variable's name can tell
        else:
            same = hmac.compare_digest(expected, have_digest)
        return ENV_PREFIX + marker_name(want), ENV_PREFIX + marker_name(want) if same else CHANGED
    if isinstance(want, Mapping) and isinstance(have, Mapping):
        last_map = last if isinstance(last, Mapping) else {}
        w_out: dict[str, Any] = {}
        h_out: dict[str, Any] = {}
        for k, v in want.items():
            if k in have:
                w_out[k], h_out[k] = align(v, have[k], last_map.get(k), secrets)
            else:
                w_out[k] = unseal(v)
        for k, v in have.items():
            if k not in want:
                h_out[k] = mask(v, last_map.get(k))
        return w_out, h_out
    if isinstance(want, list) and isinstance(have, list):
        last_list = last if isinstance(last, list) else []
        w_list: list[Any] = []
        h_list: list[Any] = []
        for i, w in enumerate(want):
            if i < len(have):
                a, b = align(w, have[i], _at(last_list, i), secrets)
                w_list.append(a)
                h_list.append(b)
            else:
                w_list.append(unseal(w))
        h_list += [mask(have[i], _at(last_list, i)) for i in range(len(want), len(have))]
        return w_list, h_list
    return unseal(want), mask(have, last)


def _at(items: list[Any], i: int) -> Any:
    return items[i] if i < len(items) else None
