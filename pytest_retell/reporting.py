"""Conversations in reports: with ``--junitxml``, each conversation's transcript becomes a property.

A test's conversations (chats, playground sessions, web, phone, batch and inbound calls) are
rendered as they stand after the test body and attached as ``retell_transcript[<id>]`` user
properties (the chat or call id; a playground session's is its agent's), which pytest writes into the
JUnit XML as ``<property>`` elements (and which travel from xdist workers). Repeated tests add
their pass rate (:mod:`pytest_retell.repeat`); judged ones their verdicts
(:mod:`pytest_retell.judging`). Without ``--junitxml`` nothing is rendered.

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

__all__ = ["TRANSCRIPT", "pytest_runtest_makereport"]

#: The property name of a transcript, per conversation id.
TRANSCRIPT = "retell_transcript[{id}]"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Before the call report is made, add the transcripts of the test's conversations to its properties."""
    if call.when == "call" and getattr(item.config.option, "xmlpath", None):
        from pytest_retell.plugin import _transcripts

        for name, text in _transcripts(item, call):
            item.user_properties.append((TRANSCRIPT.format(id=name), text))
    report: pytest.TestReport = yield
    return report
