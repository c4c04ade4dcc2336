"""``retell_dsl.wire.signature`` against retell-sdk's own ``retell.lib`` (both directions)."""

from __future__ import annotations

import time

import pytest
import retell.lib
from hypothesis import given
from hypothesis import strategies as st
from retell.lib import webhook_auth

from retell_dsl.wire.signature import FIVE_MINUTES_MS, sign, verify


def sdk_sign(body: str, api_key: str, timestamp_ms: int) -> str:
    result = webhook_auth.symmetric["sign"](body, api_key, timestamp_ms)
    assert isinstance(result, str)
    return result


def sdk_verify(body: str, api_key: str, signature: str) -> bool:
    result = retell.lib.verify(body, api_key, signature)  # type: ignore[no-untyped-call]
    assert isinstance(result, bool)
    return result


@given(body=st.text(), api_key=st.text(min_size=1), offset=st.integers(0, 10_000))
def test_sign_matches_the_sdk_byte_for_byte(body: str, api_key: str, offset: int) -> None:
    stamp = 1_700_000_000_000 + offset
    assert sign(body, api_key, stamp) == sdk_sign(body, api_key, stamp)
    assert sign(body.encode(), api_key, stamp) == sdk_sign(body, api_key, stamp)


@given(body=st.text(), api_key=st.text(min_size=1))
def test_the_sdk_verifies_what_we_sign_and_we_verify_what_it_signs(body: str, api_key: str) -> None:
    now = int(time.time() * 1000)
    assert sdk_verify(body, api_key, sign(body, api_key))
    assert verify(body, api_key, sdk_sign(body, api_key, now))
    assert verify(body.encode(), api_key, sdk_sign(body, api_key, now))


def test_default_timestamp_is_now_in_milliseconds() -> None:
    before = int(time.time() * 1000)
    header = sign("x", "k")
    after = int(time.time() * 1000)
    stamp = int(header.split(",")[0].removeprefix("v="))
    assert before <= stamp <= after


@pytest.mark.parametrize(
    "tamper",
    [
        lambda h: h.replace("d=", "d=0", 1)[:-1],  # digest changed
        lambda h: h.upper(),  # uppercase hex is not accepted
        lambda h: h + " ",  # trailing garbage
        lambda h: "",  # empty
        lambda h: h.split(",")[1],  # no timestamp
    ],
)
def test_malformed_or_tampered_headers_are_rejected_like_the_sdk(tamper: object) -> None:
    assert callable(tamper)
    header = tamper(sign("body", "key"))
    assert isinstance(header, str)
    assert verify("body", "key", header) is False
    assert sdk_verify("body", "key", header) is False


def test_wrong_key_or_body_is_rejected() -> None:
    header = sign("body", "key")
    assert not verify("body", "other", header)
    assert not verify("body2", "key", header)
    assert not sdk_verify("body", "other", header)


def test_five_minute_window_both_ways() -> None:
    stamp = 1_700_000_000_000
    header = sign("b", "k", stamp)
    assert verify("b", "k", header, now_ms=stamp + FIVE_MINUTES_MS)
    assert verify("b", "k", header, now_ms=stamp - FIVE_MINUTES_MS)
    assert not verify("b", "k", header, now_ms=stamp + FIVE_MINUTES_MS + 1)
    assert not verify("b", "k", header, now_ms=stamp - FIVE_MINUTES_MS - 1)
    # the SDK applies the same window against the real clock
    old = sign("b", "k", int(time.time() * 1000) - FIVE_MINUTES_MS - 5_000)
    assert not sdk_verify("b", "k", old)
    assert not verify("b", "k", old)


def test_tolerance_is_configurable() -> None:
    header = sign("b", "k", 0)
    assert verify("b", "k", header, now_ms=10, tolerance_ms=10)
    assert not verify("b", "k", header, now_ms=11, tolerance_ms=10)
