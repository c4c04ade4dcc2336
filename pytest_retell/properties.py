"""Property tests over generated inputs: a session-scoped fixture that opens one conversation per example.

Hypothesis runs a ``@given`` test's body once per generated example within one call of the test
function, so function-scoped fixtures would be shared by every example; it fails such tests
with ``HealthCheck.function_scoped_fixture``. The plugin's conversation fixtures
(``retell_chat``, ``retell_model``, ``retell_tool_mocks`` ...) are function-scoped on purpose
(each test gets a fresh engine and its teardown checks), so a property test takes
``retell_examples`` instead: session-scoped, it deploys (cached per stack, as ``retell_deploy``
does) and opens each example's conversation *inside* the test body, with a fresh engine, the
example's own scripted model and tool mocks, closed when the example ends::

    from hypothesis import given
    from pytest_retell import Rule, ScriptedModel, callers

    @given(caller=callers(turns=["My order is {order}"], slots={"order": ["A17", "B2", "Z9"]}))
    def test_every_order_is_looked_up(retell_examples, caller):
        deployed = retell_examples.deploy(stack)
        model = ScriptedModel(Rule(node="greet", purpose="prompt_condition").transition("look up"), ...)
        with retell_examples.chat(deployed, model=model, mocks={"lookup_order": {"status": "shipped"}}) as chat:
            result = caller.play(chat)
        result.expect.called("lookup_order", times=1)

Per example there are no teardown checks of unused rules or mocks: a generated input may rightly
leave a rule unused. Build the model inside the body (a rule with ``times=`` counts its uses).

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_retell.deploying import Deployed, Deployments
    from retell_dsl.conversations import CallResult, ChatConversation, ToolMocks
    from retell_dsl.target import Target

__all__ = ["RetellExamples", "retell_examples"]


def _mocks(mocks: Any) -> ToolMocks:
    from retell_dsl.conversations import ToolMocks
    from retell_dsl.errors import InvalidArgument

    if mocks is None:
        return ToolMocks()
    if isinstance(mocks, ToolMocks):
        return mocks
    if isinstance(mocks, Mapping):
        table = ToolMocks()
        for tool, output in mocks.items():
            table.add(str(tool), output)
        return table
    raise InvalidArgument(f"mocks= takes a ToolMocks or a mapping of tool name to its output, got {mocks!r}")


class RetellExamples:
    """Deploy once, then hold one conversation per Hypothesis example (the ``retell_examples`` fixture)."""

    def __init__(self, target: Target, deployments: Deployments, config: pytest.Config) -> None:
        self.target = target
        self.deployments = deployments
        self.config = config

    def __repr__(self) -> str:
        return f"RetellExamples(target={self.target.kind!r})"

    def deploy(self, stack: Any, *, environ: Any = None) -> Deployed:
        """Deploy ``stack`` (once per session per distinct stack); an invalid stack fails with its lint errors."""
        __tracebackhide__ = True
        from retell_dsl.errors import RetellDSLError, ValidationFailed

        try:
            return self.deployments.deploy(stack, environ=environ)
        except ValidationFailed as exc:
            problem = f"retell_examples.deploy: the stack is invalid\n{exc}"
        except RetellDSLError as exc:
            problem = f"retell_examples.deploy: {type(exc).__name__}: {exc}"
        pytest.fail(problem, pytrace=False)

    @contextmanager
    def engine(self, *, model: Any = None, mocks: Any = None) -> Iterator[ToolMocks]:
        """A fresh local engine for one example (emulator targets): ``model`` writes the agent's turns,
        ``mocks`` (a ``ToolMocks`` or ``{tool: output}``) answers its tools. Yields the tool mocks."""
        from pytest_retell.plugin import option
        from retell_dsl.conversations import configured_model, plug_engine
        from retell_dsl.errors import ConfigurationError

        table = _mocks(mocks)
        if self.target.kind != "emulator":
            if model is not None or mocks is not None:
                pytest.skip("scripted models and tool mocks drive the emulator's engine: live Retell runs its own")
            yield table
            return
        try:
            fallback = configured_model(option(self.config, "model") or None)
        except ConfigurationError as exc:
            problem = str(exc)
        else:
            engine, switch = plug_engine(self.target, table, fallback)
            switch.current = model
            try:
                yield table
            except BaseException as exc:
                for error in switch.errors:
                    exc.add_note(f"retell model error: {error}")
                raise
            finally:
                engine.close()
            return
        pytest.fail(problem, pytrace=False)

    @contextmanager
    def chat(
        self, deployed: Deployed, agent: str | None = None, *, model: Any = None, mocks: Any = None, **options: Any
    ) -> Iterator[ChatConversation]:
        """A chat for one example (``options``: ``dynamic_variables``, ``version``, ``metadata``), ended on exit."""
        from retell_dsl.conversations import chat
        from retell_dsl.errors import ConfigurationError

        try:
            agent_id = deployed.chat_agent_id(agent)
        except ConfigurationError as exc:
            problem = f"retell_examples.chat: {exc}"
        else:
            problem = ""
        if problem:
            pytest.fail(problem, pytrace=False)
        from pytest_retell.coverage import record

        with self.engine(model=model, mocks=mocks):
            conversation = chat(deployed.client, agent_id, **options)
            try:
                yield conversation
            finally:
                record(self.config, conversation.end())  # every example counts in --retell-cov

    def web_call(
        self, deployed: Deployed, agent: str, *, caller: Mapping[str, Any], model: Any = None, mocks: Any = None,
        **options: Any,
    ) -> CallResult:  # fmt: skip
        """A whole web call for one example with ``caller`` (a ``CallerScript`` or the emulator's caller JSON)."""
        __tracebackhide__ = True
        from pytest_retell.coverage import record
        from retell_dsl.conversations import web_call

        with self.engine(model=model, mocks=mocks):
            result = web_call(self.target, deployed.id(f"agent.{agent}"), caller=caller, **options)
        record(self.config, result)
        return result


@pytest.fixture(scope="session")
def retell_examples(
    pytestconfig: pytest.Config, retell_target: Target, _retell_deployments: Deployments
) -> RetellExamples:
    """Session-scoped conversations for ``@given`` tests (no ``function_scoped_fixture`` health check):
    ``retell_examples.deploy(stack)``, then per example ``with retell_examples.chat(deployed, model=...) as chat``
    or ``retell_examples.web_call(deployed, "agent", caller=...)``."""
    return RetellExamples(retell_target, _retell_deployments, pytestconfig)
