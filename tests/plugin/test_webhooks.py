"""The ``retell_webhooks`` fixture through ``pytester``: signed deliveries recorded, bad or missing signatures fail."""

from __future__ import annotations

import pytest

from retell_dsl.conversations import WebhookReceiver

HOOKED = """
from retell_dsl import Agent, ConversationFlow, ConversationNode, EndNode, Stack

flow = (
    ConversationFlow(name="hi", start_speaker="agent", model="gpt-4.1")
    .start_at("hello")
    .node(ConversationNode(name="hello", static_text="Hello! Anything else?").otherwise("bye"))
    .node(EndNode(name="bye", static_text="Goodbye!"))
)
NO = {"type": "script", "steps": [{"say": "No, thanks.", "after": "Anything else"}]}
events = ("call_started", "call_ended")


def hooked_stack(url):
    agent = Agent(name="hooked", voice="11labs-Adrian", engine=flow).webhook(url, events=events)
    return Stack(name="hooked").add(agent)


def forge(url, signature):
    import httpx
    body = b'{"event": "call_ended", "call": {"call_id": "call_forged"}}'
    headers = {} if signature is None else {"x-retell-signature": signature}
    return httpx.post(url, content=body, headers=headers).status_code
"""


@pytest.fixture
def hooked(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    for name in ("RETELL_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    pytester.makepyfile(hooked=HOOKED)
    return pytester


def test_a_calls_webhooks_arrive_signed_and_are_waited_for(hooked: pytest.Pytester) -> None:
    hooked.makepyfile(
        test_hooks="""
        import pytest
        from hooked import NO, hooked_stack

        def test_call_events(retell_deploy, retell_web_call, retell_webhooks):
            deployed = retell_deploy(hooked_stack(retell_webhooks.url))
            result = retell_web_call(deployed, "hooked", caller=NO)
            ended = retell_webhooks.wait_for("call_ended", call_id=result.id, timeout=10)
            assert ended.verified and ended.body["call"]["transcript"].endswith("Agent: Goodbye!")
            assert retell_webhooks.events(result.id) == ["call_started", "call_ended"]

        def test_the_same_url_deploys_once(retell_deploy, retell_webhooks):
            retell_deploy(hooked_stack(retell_webhooks.url))  # cached: the receiver's URL is the session's
            assert retell_webhooks.deliveries == []  # nothing of the previous test leaks into this one

        def test_waiting_is_bounded(retell_webhooks):
            retell_webhooks.wait_for("call_analyzed", call_id="call_nope", timeout=0.2)
        """
    )
    result = hooked.runpytest("-v", "test_hooks.py")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "test_hooks.py::test_call_events PASSED*",
            "test_hooks.py::test_the_same_url_deploys_once PASSED*",
            "test_hooks.py::test_waiting_is_bounded FAILED*",
        ]
    )
    result.stdout.fnmatch_lines(
        ["E       AssertionError: no 'call_analyzed' webhook for call_nope within 0.2s; received 0: nothing"]
    )


def test_a_bad_or_missing_signature_fails_the_test_at_teardown(hooked: pytest.Pytester) -> None:
    hooked.makepyfile(
        test_forged="""
        from hooked import forge

        def test_forged(retell_webhooks):
            assert forge(retell_webhooks.url, "v=1700000000000,d=" + "0" * 64) == 401
            assert forge(retell_webhooks.url, None) == 401

        def test_failed_already(retell_webhooks):
            forge(retell_webhooks.url, None)
            assert False, "the test's own failure"

        def test_signed_with_the_targets_key(retell_webhooks, retell_target):
            from retell.lib import webhook_auth
            import httpx
            body = '{"event": "call_started", "call": {"call_id": "call_ok"}}'
            signature = webhook_auth.symmetric["sign"](body, retell_target.client().api_key)
            answer = httpx.post(retell_webhooks.url, content=body, headers={"x-retell-signature": signature})
            assert answer.status_code == 204 and retell_webhooks.bad() == []
        """
    )
    result = hooked.runpytest("test_forged.py")
    result.assert_outcomes(passed=2, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at teardown of test_forged _*",
            "2 webhook deliveries to retell_webhooks were not signed with the target's API key "
            "(x-retell-signature, checked with retell.lib.verify):",
            "  - call_ended (call_forged): signature invalid",
            "  - call_ended (call_forged): signature missing",
        ]
    )
    text = result.stdout.str()
    assert "ERROR at teardown of test_failed_already" not in text  # its own failure is reported, nothing on top
    assert "key_local_emulator" not in text  # the key is never shown


def test_the_receiver_never_shows_its_key() -> None:
    with WebhookReceiver("key_secret_value") as hooks:
        assert "key_secret_value" not in repr(hooks) + hooks.url
        with pytest.raises(AssertionError, match="received 0: nothing") as failure:
            hooks.wait_for("call_ended", timeout=0.05)
        assert "key_secret_value" not in str(failure.value)
    with pytest.raises(RuntimeError, match="not started"):
        _ = hooks.url
