"""Snapshots of conversations and compiled payloads through ``pytester``: written, matched, mismatched, updated."""

from __future__ import annotations

from pathlib import Path

import pytest

SNAPSHOTS = """
import os

from test_shop import stack, Rule

STATUS = "shipped"


def test_order_transcript(retell_deploy, retell_chat, retell_model, retell_tool_mocks, retell_transcript_snapshot):
    retell_model.add(
        Rule(node="greet", purpose="prompt_condition").transition("look up"),
        Rule(node="look up", purpose="tool_arguments").call("lookup_order", {"order": "A17"}),
    )
    retell_tool_mocks.add("lookup_order", {"status": STATUS}, args={"order": "A17"})
    chat = retell_chat(retell_deploy(stack), "shop chat")
    chat.send("It's A17")
    assert chat.end() == retell_transcript_snapshot


def test_shop_payload(retell_payload_snapshot):
    assert stack == retell_payload_snapshot
"""


def _write(pytester: pytest.Pytester, status: str = "shipped") -> None:
    pytester.makepyfile(test_snap=SNAPSHOTS.replace('STATUS = "shipped"', f"STATUS = {status!r}"))


def test_explore(shop: pytest.Pytester) -> None:
    _write(shop)
    r = shop.runpytest("test_snap.py")
    print(r.stdout.str())
    r = shop.runpytest("test_snap.py", "--snapshot-update")
    print(r.stdout.str())
    for p in sorted(Path(shop.path, "__snapshots__").rglob("*")):
        print(p)
        if p.is_file():
            print(p.read_text())
    _write(shop, "lost")
    r = shop.runpytest("test_snap.py")
    print(r.stdout.str())
    r = shop.runpytest("test_snap.py", "--snapshot-update")
    print(r.stdout.str())
    assert 0
