"""Values callers give: :class:`E164` phone numbers, :class:`DtmfDigits`, and dates as people say them.

:func:`phone_numbers` draws from ranges set aside for fiction by default (a generated number is
never a real person, so a live test can dial it); :func:`dtmf` draws keypad digits; :func:`dates`
draws dates written in the styles callers use. (Re-exported by :mod:`pytest_retell.strategies`.)

>>> from hypothesis import find
>>> find(phone_numbers(), lambda n: n.startswith("+44")), find(dates(styles=["spoken"]), lambda d: True)
('+447700900000', 'January 1st')

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Callable, Sequence

from hypothesis import strategies as st

from retell_dsl.errors import InvalidArgument

__all__ = ["E164", "DtmfDigits", "dates", "dtmf", "phone_numbers"]

Strategy = st.SearchStrategy


class E164(str):
    """A phone number in E.164 form (``+`` and 2 to 15 digits, no leading zero): ``E164("+14155550123")``."""

    __slots__ = ()
    PATTERN = re.compile(r"\+[1-9]\d{1,14}")

    def __new__(cls, value: str) -> E164:
        if not isinstance(value, str) or not cls.PATTERN.fullmatch(value):
            raise InvalidArgument(f"an E.164 number is '+' and 2 to 15 digits, not starting with 0; got {value!r}")
        return super().__new__(cls, value)


class DtmfDigits(str):
    """Keypad digits a caller presses (``0``-``9``, ``*``, ``#``): ``DtmfDigits("12#")``."""

    __slots__ = ()
    ALPHABET = "0123456789*#"

    def __new__(cls, value: str) -> DtmfDigits:
        if not isinstance(value, str) or not value or set(value) - set(cls.ALPHABET):
            raise InvalidArgument(f"DTMF digits are one or more of 0-9, * and #; got {value!r}")
        return super().__new__(cls, value)


def dtmf(*, min_size: int = 1, max_size: int = 4, alphabet: str = DtmfDigits.ALPHABET) -> Strategy[DtmfDigits]:
    """Keypad digits (a menu choice, a PIN, ``#`` to confirm)."""
    if not alphabet or set(alphabet) - set(DtmfDigits.ALPHABET):
        raise InvalidArgument(f"dtmf(alphabet=...) takes keys among 0-9, * and #, got {alphabet!r}")
    if min_size < 1 or max_size < min_size:
        raise InvalidArgument(f"dtmf needs 1 <= min_size <= max_size, got {min_size} and {max_size}")
    return st.text(st.sampled_from(alphabet), min_size=min_size, max_size=max_size).map(DtmfDigits)


#: Numbers set aside for fiction and tests: (country code, fixed prefix, digits to draw).
_FICTIONAL = (
    ("1", "", 0),  # +1 NXX 555 01XX (North America), built below
    ("44", "7700900", 3),  # Ofcom's drama range
    ("61", "491570", 3),  # ACMA's fictional mobile range
)
_COUNTRY_CODES = ("1", "7", "20", "27", "31", "33", "34", "39", "44", "49", "52", "55", "61", "81", "86", "91", "234")


def phone_numbers(*, fictional: bool = True, country_codes: Sequence[str] | None = None) -> Strategy[E164]:
    """E.164 numbers. ``fictional`` (the default) draws from ranges reserved for fiction (+1 NXX 555 01XX,
    +44 7700 900XXX, +61 491 570 XXX), safe to dial from a live test; ``fictional=False`` draws any
    well-formed number of ``country_codes``."""
    if fictional:
        if country_codes is not None:
            raise InvalidArgument("phone_numbers(fictional=True) has its own ranges: pass fictional=False to choose")
        nanp = st.tuples(st.integers(2, 9), st.integers(0, 99), st.integers(0, 99)).map(
            lambda t: E164(f"+1{t[0]}{t[1]:02d}5550{100 + t[2]:03d}")
        )

        def ranged(code: str, prefix: str, size: int) -> Strategy[E164]:
            return st.integers(0, 10**size - 1).map(lambda x: E164(f"+{code}{prefix}{x:0{size}d}"))

        others = [ranged(c, p, n) for c, p, n in _FICTIONAL if n]
        return st.one_of(nanp, *others)
    codes = list(country_codes or _COUNTRY_CODES)
    for code in codes:
        if not re.fullmatch(r"[1-9]\d{0,2}", str(code)):
            raise InvalidArgument(f"a country code is 1 to 3 digits, not starting with 0; got {code!r}")

    @st.composite
    def number(draw: st.DrawFn) -> E164:
        code = str(draw(st.sampled_from(codes)))
        size = draw(st.integers(max(4, 8 - len(code)), 15 - len(code)))
        rest = draw(st.text(st.sampled_from(string.digits), min_size=size - 1, max_size=size - 1))
        return E164(f"+{code}{draw(st.integers(1, 9))}{rest}")

    return number()


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 11 <= n % 100 <= 13 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


_DATE_STYLES: dict[str, Callable[[dt.date], str]] = {
    "iso": lambda d: d.isoformat(),
    "spoken": lambda d: f"{d:%B} {_ordinal(d.day)}",
    "spoken_long": lambda d: f"the {_ordinal(d.day)} of {d:%B}, {d.year}",
    "us": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    "eu": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "weekday": lambda d: f"{d:%A}, {d:%B} {_ordinal(d.day)}",
}


def dates(
    *,
    min_value: dt.date = dt.date(2000, 1, 1),
    max_value: dt.date = dt.date(2040, 12, 31),
    styles: Sequence[str] = tuple(_DATE_STYLES),
) -> Strategy[str]:
    """Dates as text, in ``styles`` (``iso`` 2026-05-01, ``spoken`` May 1st, ``spoken_long`` the 1st of
    May, 2026, ``us`` 05/01/2026, ``eu`` 01/05/2026, ``weekday`` Friday, May 1st)."""
    unknown = sorted(set(styles) - set(_DATE_STYLES))
    if unknown or not styles:
        raise InvalidArgument(f"dates(styles=...) takes some of {sorted(_DATE_STYLES)}, got {list(styles)!r}")

    def write(day: dt.date, style: str) -> str:
        return _DATE_STYLES[style](day)

    return st.builds(write, st.dates(min_value=min_value, max_value=max_value), st.sampled_from(list(styles)))
