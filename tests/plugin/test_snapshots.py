"""Snapshots of conversations and compiled payloads through ``pytester``: written, mismatched (a line diff), updated."""

from __future__ import annotations

import json

import pytest

SNAPSHOTS = """
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

TRANSCRIPT = """\
chat <chat 1> · agent <agent 1> · ended · agent_hangup
→ node greet
agent: Hi! What is your order number?
user: It's A17
→ node look up
tool lookup_order({"order": "A17"}) → {"status": "shipped"}
→ node bye
agent: Your order has shipped. Bye!
"""


def _write(pytester: pytest.Pytester, status: str) -> None:
    pytester.makepyfile(test_snap=SNAPSHOTS.replace('STATUS = "shipped"', f"STATUS = {status!r}"))


def test_snapshots_are_written_then_a_change_shows_a_line_diff_then_updated(shop: pytest.Pytester) -> None:
    folder = shop.path / "__snapshots__" / "test_snap"
    _write(shop, "shipped")
    written = shop.runpytest("test_snap.py", "--snapshot-update")
    written.assert_outcomes(passed=2)
    written.stdout.fnmatch_lines(["2 snapshots generated."])
    assert (folder / "test_order_transcript.txt").read_text(encoding="utf-8") == TRANSCRIPT
    payload = (folder / "test_shop_payload.json").read_text(encoding="utf-8")
    data = json.loads(payload)
    assert payload == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert [r["address"] for r in data["resources"]] == ["conversation_flow.shop", "chat_agent.shop chat"]
    assert data["resources"][1]["payload"]["response_engine"]["conversation_flow_id"] == "$ref:conversation_flow.shop"

    # a new session (fresh emulator, new ids): the payload and the rest of the transcript still match
    _write(shop, "lost")
    changed = shop.runpytest("test_snap.py")
    changed.assert_outcomes(passed=1, failed=1)
    changed.stdout.fnmatch_lines(
        [
            "E       assert [[]+ received[]] == [[]- snapshot[]]",
            "E           chat <chat 1> · agent <agent 1> · ended · agent_hangup",
            "E           ...",
            "E           → node look up",
            'E         - tool lookup_order({"order": "A17"}) → {"status": "shipped"}',
            'E         + tool lookup_order({"order": "A17"}) → {"status": "lost"}',
            "E           → node bye",
            "*1 snapshot failed. 1 snapshot passed.*",
        ]
    )
    assert (folder / "test_order_transcript.txt").read_text(encoding="utf-8") == TRANSCRIPT  # untouched

    updated = shop.runpytest("test_snap.py", "--snapshot-update")
    updated.assert_outcomes(passed=2)
    updated.stdout.fnmatch_lines(["1 snapshot passed. 1 snapshot updated."])
    assert (folder / "test_order_transcript.txt").read_text(encoding="utf-8") == TRANSCRIPT.replace(
        '"shipped"}', '"lost"}'
    )
