"""The plugin's live target against the real Retell API (needs RETELL_API_KEY; skipped without it).

A live session runs the static-text ``HELLO`` stack (no LLM turn is billed for its replies): it
deploys under a run-scoped prefix, chats with the pinned version, creates a web call and reads it
back, runs one simulation test (billed by Retell: one short persona conversation), and removes
everything at the end; a sweep of its prefix then finds nothing.
"""

from __future__ import annotations

import os
import secrets

import pytest

from retell_dsl.deploy import find_leftovers
from retell_dsl.target import resolve_target
from tests.plugin.live_standin import HELLO

pytestmark = pytest.mark.retell_live

SESSION = """
from retell_dsl.conversations import Scenario
from test_hello import stack

def test_chat(retell_deploy, retell_chat):
    chat = retell_chat(retell_deploy(stack), "hello chat")
    chat.send("hello")
    assert chat.end().path[:1] == ["greet"]

def test_web_call(retell_deploy, retell_web_call):
    assert retell_web_call(retell_deploy(stack), "hello voice").status == "registered"

def test_simulation(retell_deploy, retell_simulation):
    scenario = Scenario("greets", user_prompt="You say hello, then goodbye.", metrics=["The agent greets the user"])
    retell_simulation(retell_deploy(stack), scenario, agent="hello chat")
"""


def test_a_live_session_leaves_nothing_behind(pytester: pytest.Pytester) -> None:
    run_id = "live" + secrets.token_hex(3)
    pytester.makepyfile(test_hello=HELLO, test_session=SESSION)
    result = pytester.runpytest("--retell-target", "live", "--retell-run-id", run_id, "-p", "no:randomly")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines([f"*retell: removed every object of rdt-{run_id}-…*"])
    assert os.environ["RETELL_API_KEY"] not in result.stdout.str() + result.stderr.str()
    client = resolve_target("live").client(max_retries=3)
    assert find_leftovers(client, prefix=f"rdt-{run_id}-", older_than_s=0).leftovers == []
