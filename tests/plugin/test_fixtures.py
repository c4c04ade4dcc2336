"""The plugin end to end through ``pytester``: deploy, chat, assert, teardown checks, bad input, ini options."""

from __future__ import annotations

import pytest

FAILING = """
from test_shop import stack, Rule

def test_wrong_expectation(retell_deploy, retell_chat, retell_model, retell_tool_mocks):
    retell_model.add(
        Rule(node="greet", purpose="prompt_condition").transition("look up"),
        Rule(node="look up", purpose="tool_arguments").call("lookup_order", {"order": "B2"}),
    )
    retell_tool_mocks.add("lookup_order", {"status": "lost"})
    retell_tool_mocks.add("refund_order", {"ok": True})  # unused, but the test has failed already
    chat = retell_chat(retell_deploy(stack))
    chat.send("B2 please")
    result = chat.end()
    result.expect.skip_until(transition="look up").next_tool_call("lookup_order", args={"order": "A17"})
"""


def test_a_users_conversation_test_passes(shop: pytest.Pytester) -> None:
    result = shop.runpytest("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["test_shop.py::test_order_status PASSED*"])


def test_a_failing_expectation_prints_the_marked_transcript(shop: pytest.Pytester) -> None:
    shop.makepyfile(test_failing=FAILING)
    result = shop.runpytest("test_failing.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: expected the next event to be a call of tool 'lookup_order' with args ⊇ "
            '{"order": "A17"}',
            'E         actual: tool lookup_order({"order": "B2"}) -> {"status":"lost"}',
            "E         at: event 4 (node 'look up') of chat chat_*",
            "E       transcript:",
            "E            0 node begin -> greet  [[]node: greet[]]",
            "E            1 agent: Hi! What is your order number?  [[]node: greet[]]",
            "E            2 user: B2 please  [[]node: greet[]]",
            "E            3 node greet -> look up  [[]node: look up[]]",
            'E       >>>  4 tool lookup_order({"order": "B2"}) -> {"status":"lost"}  [[]node: look up[]]',
            "E            5 node look up -> bye  [[]node: bye[]]",
            "E            6 agent: Your order has shipped. Bye!  [[]node: bye[]]",
        ]
    )
    assert "plugin.py" not in result.stdout.str() and "expect.py" not in result.stdout.str()  # helpers hidden
    # the test failed already: its unused mock check stays quiet (no teardown error on top)
    assert "never used" not in result.stdout.str() and "ERROR at teardown" not in result.stdout.str()


def test_an_unused_tool_mock_fails_the_test_at_teardown(shop: pytest.Pytester) -> None:
    shop.makepyfile(
        test_mocks="""
        from test_shop import stack, Rule

        def test_mock_nobody_calls(retell_deploy, retell_chat, retell_tool_mocks):
            retell_tool_mocks.add("refund_order", {"ok": True}, args={"order": "A17"})
            chat = retell_chat(retell_deploy(stack))
            assert chat.chat_id.startswith("chat_")
        """
    )
    result = shop.runpytest("test_mocks.py")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_mock_nobody_calls*",
            "1 tool mock was never used by a conversation:",
            '  - refund_order (args ⊇ {"order": "A17"}) -> {*ok*: True}',
        ]
    )


def test_an_unused_scripted_rule_fails_the_test_at_teardown(shop: pytest.Pytester) -> None:
    shop.makepyfile(
        test_rules="""
        from test_shop import stack, Rule

        def test_rule_nobody_hits(retell_deploy, retell_chat, retell_model):
            retell_model.add(Rule(node="bye", purpose="reply").say("See you!"))
            retell_chat(retell_deploy(stack))
        """
    )
    result = shop.runpytest("test_rules.py")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_rule_nobody_hits*",
            "1 scripted rule was not used up:",
            "  1. node='bye', purpose='reply' → say 'See you!' (used 0/unlimited)",
        ]
    )


def test_an_invalid_stack_fails_with_the_lint_error_at_the_users_line(shop: pytest.Pytester) -> None:
    shop.makepyfile(
        test_bad="""
        from retell_dsl import ChatAgent, ConversationFlow, ConversationNode, Stack

        flow = ConversationFlow(name="broken", start_speaker="agent", model="gpt-4.1").node(
            ConversationNode(name="greet", static_text="Hi")
        )

        def test_deploys_a_broken_stack(retell_deploy):
            retell_deploy(Stack(name="broken").add(ChatAgent(name="c", engine=flow)))
        """
    )
    result = shop.runpytest("test_bad.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["retell_deploy: the stack is invalid", "*test_bad.py:3: error RD106 flow 'broken': the flow has no start node"]
    )
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    assert "During handling" not in result.stdout.str()


def test_options_come_from_the_ini_file(shop: pytest.Pytester) -> None:
    shop.makeini("[pytest]\nretell_target = emulator\nretell_verbose_transcripts = true\n")
    result = shop.runpytest("-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*retell transcript chat_*", "     2 user: It's A17  [[]node: greet[]]"])


def test_no_transcripts_are_attached_without_the_option(shop: pytest.Pytester) -> None:
    result = shop.runpytest("-rA")
    result.assert_outcomes(passed=1)
    assert "retell transcript" not in result.stdout.str()


def test_the_flag_wins_over_the_ini_file(shop: pytest.Pytester) -> None:
    shop.makeini("[pytest]\nretell_target = live\n")
    result = shop.runpytest("--retell-target", "emulator")
    result.assert_outcomes(passed=1)


def test_a_live_target_without_a_key_says_what_to_set(shop: pytest.Pytester) -> None:
    shop.makeini("[pytest]\nretell_target = live\n")
    result = shop.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*--retell-target: --target live needs RETELL_API_KEY in the environment*"])
    assert "INTERNALERROR" not in result.stdout.str()


def test_a_bad_ini_target_is_a_usage_error(shop: pytest.Pytester) -> None:
    shop.makeini("[pytest]\nretell_target = staging\n")
    result = shop.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*retell_target = 'staging' in the ini file: use emulator or live*"])


def test_a_model_name_without_a_server_says_what_to_set(shop: pytest.Pytester) -> None:
    result = shop.runpytest("--retell-model", "llama3")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*--retell-model 'llama3' needs OPENAI_BASE_URL*"])


def test_the_options_are_listed_in_one_group(shop: pytest.Pytester) -> None:
    result = shop.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "Retell agents (retell-dsl):",
            "  --retell-target=*",
            "  --retell-model=NAME*",
            "  --retell-verbose-transcripts*",
        ]
    )


def test_a_stack_is_deployed_once_per_session(shop: pytest.Pytester) -> None:
    shop.makepyfile(
        test_twice="""
        from test_shop import stack

        seen = []

        def test_first(retell_deploy):
            seen.append(retell_deploy(stack).ids)

        def test_second(retell_deploy, retell_target):
            assert retell_deploy(stack).ids == seen[0]
            flows = retell_target.client().conversation_flow.list()
            assert len(flows.items) == 1
            assert sorted(seen[0]) == ["chat_agent.shop chat", "conversation_flow.shop"]
        """
    )
    result = shop.runpytest("test_twice.py")
    result.assert_outcomes(passed=2)


def test_two_variants_of_a_stack_sharing_an_agent_name_both_deploy(shop: pytest.Pytester) -> None:
    shop.makepyfile(
        test_variants="""
        import dataclasses

        from test_shop import stack

        def test_a_variant_of_the_stack_under_test(retell_deploy):
            variant = dataclasses.replace(stack, name="shop variant")
            first, second = retell_deploy(stack), retell_deploy(variant)
            assert first.id("chat_agent.shop chat") != second.id("chat_agent.shop chat")
        """
    )
    result = shop.runpytest("test_variants.py")
    result.assert_outcomes(passed=1)


def test_a_chat_with_an_agent_the_stack_lacks_says_which_it_has(shop: pytest.Pytester) -> None:
    shop.makepyfile(
        test_missing="""
        from test_shop import stack

        def test_missing_agent(retell_deploy, retell_chat):
            retell_chat(retell_deploy(stack), "front desk")
        """
    )
    result = shop.runpytest("test_missing.py")
    result.assert_outcomes(failed=1)
    assert "deploying.py" not in result.stdout.str()
    result.stdout.fnmatch_lines(
        ["retell_chat: stack 'shop' has no agent named 'front desk': chat agents ['shop chat'], voice agents []"]
    )


def test_web_calls_and_playground_turns_through_the_fixtures(shop: pytest.Pytester) -> None:
    shop.makepyfile(
        test_voice="""
        from retell_dsl import Agent, Stack
        from test_shop import flow, Rule

        voice = Stack(name="shop voice").add(Agent(name="shop line", voice="11labs-Adrian", engine=flow))
        RULES = (
            Rule(node="greet", purpose="prompt_condition", user="A17").transition("look up"),
            Rule(node="look up", purpose="tool_arguments").call("lookup_order", {"order": "A17"}),
        )

        def test_web_call(retell_deploy, retell_web_call, retell_model, retell_tool_mocks):
            retell_model.add(*RULES)
            retell_tool_mocks.add("lookup_order", {"status": "shipped"})
            caller = {"type": "script", "steps": [{"say": "It's A17", "after": "order number?"}]}
            result = retell_web_call(retell_deploy(voice), "shop line", caller=caller)
            result.expect.ended_by("agent_hangup").path("greet", "look up", "bye")
            assert result.kind == "call"

        def test_playground(retell_deploy, retell_playground, retell_model):
            retell_model.add(*RULES)
            mock = {"tool_name": "lookup_order", "input_match_rule": {"type": "any"}, "output": '{"status": "late"}'}
            session = retell_playground(retell_deploy(voice), "shop line", start_at_node="greet", tool_mocks=[mock])
            assert session.send("It's A17").ended
            session.result().expect.skip_until(tool="lookup_order").next_transition(to="bye")

        def test_web_call_to_a_chat_agent(retell_deploy, retell_web_call):
            from test_shop import stack
            retell_web_call(retell_deploy(stack), "shop chat", caller={"type": "script", "steps": []})
        """
    )
    result = shop.runpytest("test_voice.py")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "retell_web_call: stack 'shop' has no 'agent.shop chat'; "
            "it has ['chat_agent.shop chat', 'conversation_flow.shop']"
        ]
    )
    assert "During handling" not in result.stdout.str()


def test_a_conversation_the_model_could_not_answer_shows_why(shop: pytest.Pytester) -> None:
    shop.makepyfile(
        test_unscripted="""
        from test_shop import stack

        def test_no_rule_for_the_turn(retell_deploy, retell_chat, retell_model):
            chat = retell_chat(retell_deploy(stack))
            chat.send("hello")
            chat.end().expect.skip_until(transition="look up")
        """
    )
    result = shop.runpytest("test_unscripted.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*Captured retell model errors call*",
            "ScriptMismatch: node 'greet' (greet): no scripted rule matches this request (purpose 'prompt_condition')",
            "  last user turn: 'hello'",
        ]
    )
