"""Near misses: the names closest to a mistyped one, and the ``"did you mean 'x'?"`` phrase.

One implementation for every layer's hints (builder arguments, validation issues, schema checks of
wire JSON, voice ids, toolkit arguments); it sits in ``wire`` because that is the layer all of them
may import. Matching is :func:`difflib.get_close_matches`; only strings are ever suggested.

>>> closest("promt", ("name", "prompt", "static_text"))
('prompt',)
>>> closest("AGNT", ("user", "agent"))
()
>>> closest("AGNT", ("user", "agent"), ignore_case=True)
('agent',)
>>> did_you_mean("SEND", ("GET", "POST"), aliases={"send": "POST"})
"did you mean 'POST'?"
>>> did_you_mean("bot", ("user", "agent"))
''
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

__all__ = ["closest", "did_you_mean"]


def closest(
    value: object,
    candidates: Iterable[object],
    *,
    n: int = 1,
    cutoff: float = 0.6,
    ignore_case: bool = False,
) -> tuple[str, ...]:
    """Up to ``n`` string candidates close to ``value`` (closest first), or ``()``.

    With ``ignore_case`` the comparison ignores case and white space around ``value``, and the
    candidates come back as written (of two that differ only in case, the later one). A ``value``
    that is not a string has no near misses.
    """
    if not isinstance(value, str):
        return ()
    names = [c for c in candidates if isinstance(c, str)]
    if not ignore_case:
        return tuple(difflib.get_close_matches(value, names, n=n, cutoff=cutoff))
    written = {name.lower(): name for name in names}
    matches = difflib.get_close_matches(value.strip().lower(), list(written), n=n, cutoff=cutoff)
    return tuple(written[m] for m in matches)


def did_you_mean(
    value: object,
    candidates: Iterable[object],
    *,
    aliases: Mapping[str, str] | None = None,
    cutoff: float = 0.6,
    ignore_case: bool = False,
) -> str:
    """``"did you mean 'x'?"`` for the candidate closest to ``value``, or ``""``.

    ``aliases`` maps words people write by mistake (compared stripped and lower-case) to the value
    they mean (``send`` → ``POST``); they win over the closest candidate.
    """
    if aliases and isinstance(value, str) and value.strip().lower() in aliases:
        return f"did you mean {aliases[value.strip().lower()]!r}?"
    found = closest(value, candidates, cutoff=cutoff, ignore_case=ignore_case)
    return f"did you mean {found[0]!r}?" if found else ""
