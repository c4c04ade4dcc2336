"""The ``pytest11`` entry point of retell-dsl (options, markers, fixtures).

Kept light: importing it must not import the Retell SDK, so plain pytest runs of
unrelated projects stay fast (the fixtures import what they need when a test uses them).

Options (one ``retell`` group; each has an ini twin, the flag wins):

- ``--retell-target`` / ``retell_target``: ``emulator`` (default: an in-process emulator per
  session, so per xdist worker, holding conversations with the local engine) or ``live``
  (Retell itself; needs ``RETELL_API_KEY``).
- ``--retell-model`` / ``retell_model``: the OpenAI-compatible model (on ``OPENAI_BASE_URL``)
  the local engine uses when a test scripts no turns.
- ``--retell-verbose-transcripts`` / ``retell_verbose_transcripts``: attach every
  conversation's transcript to the test's report (shown for failures and with ``-rA``).
- ``--retell-cov``, ``--retell-cov-report``, ``--retell-cov-fail-under``, ``--retell-cov-graph``:
  which nodes, edges, states, transitions and tools of the deployed agents the session exercised
  (:mod:`pytest_retell.coverage`).

Fixtures: ``retell_target``, ``retell_deploy``, ``retell_chat``, ``retell_playground``,
``retell_web_call``, ``retell_model`` and ``retell_tool_mocks`` (see each one's docstring).

Markers (namespaced, so they never clash with a project's own markers):

- ``retell_live``: the test needs a real Retell account; it is skipped unless
  ``RETELL_API_KEY`` is set. The plugin acts on this marker only: a project's own
  ``@pytest.mark.live`` (or any other marker) is left alone.

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_retell.deploying import Deployments
    from retell_dsl.conversations import CallResult, ChatConversation, ModelSwitch, ScriptedModel, ToolMocks
    from retell_dsl.target import Target

#: The plugin's other modules (each keeps its own options, fixtures and hooks).
pytest_plugins = [
    "pytest_retell.coverage",
    "pytest_retell.snapshots",
    "pytest_retell.properties",
    "pytest_retell.calls",  # phone, batch and inbound calls, webhooks
    "pytest_retell.recording",  # --retell-record / --retell-replay cassettes
    "pytest_retell.live",  # the live target: run-scoped names, teardown, simulation tests
    "pytest_retell.judging",  # retell_judge (opt-in LLM judging)
    "pytest_retell.repeat",  # retell_repeat: N runs, pass rates, flaky tests
    "pytest_retell.reporting",  # JUnit XML properties
]

__all__ = [
    "LIVE_MARKER",
    "pytest_addoption",
    "pytest_collection_modifyitems",
    "pytest_configure",
    "pytest_runtest_makereport",
    "retell_chat",
    "retell_deploy",
    "retell_model",
    "retell_playground",
    "retell_target",
    "retell_tool_mocks",
    "retell_web_call",
]


LIVE_MARKER = "retell_live"
TARGETS = ("emulator", "live")
_FAILED = pytest.StashKey[bool]()
#: The conversations a test opened (their transcripts go to its report with verbose transcripts).
_OPENED = pytest.StashKey[list[Any]]()
#: The engine's model switch of a test (its model errors go to the report).
_SWITCH = pytest.StashKey[Any]()
#: The test's transcripts as rendered for its call report (and the phase they were rendered for).
_TRANSCRIPTS = pytest.StashKey[tuple[object, list[tuple[str, str]]]]()


def _listed(request: pytest.FixtureRequest) -> list[Any]:
    """The conversations of the running test, which its reports show (every fixture adds what it holds)."""
    listed: list[Any] = request.node.stash.setdefault(_OPENED, [])
    return listed


def _transcripts(item: pytest.Item, call: pytest.CallInfo[None]) -> list[tuple[str, str]]:
    """``(id, text)`` of each conversation ``item`` opened, as it stands after the body; rendered once per phase.

    Both the verbose report sections and the JUnit properties show them: one ``get-chat`` per
    conversation, not one per report. A transcript that cannot be read says why instead (a report
    must never become an INTERNALERROR).
    """
    cached = item.stash.get(_TRANSCRIPTS, None)
    if cached is not None and cached[0] is call:
        return cached[1]
    out: list[tuple[str, str]] = []
    for conversation in item.stash.get(_OPENED, []):
        try:
            result = conversation.result()
            out.append((result.id, result.render()))
        except Exception as exc:
            why = f"(the transcript could not be read: {type(exc).__name__}: {exc})"
            out.append((str(getattr(conversation, "chat_id", "?")), why))
    item.stash[_TRANSCRIPTS] = (call, out)
    return out


@dataclass(frozen=True)
class _Held:
    """A finished call, listed with the test's conversations (its transcript goes to verbose reports)."""

    held: CallResult

    @property
    def chat_id(self) -> str:
        return self.held.id

    def result(self) -> CallResult:
        return self.held

    def end(self) -> CallResult:  # a call has ended already
        return self.held

    def close(self) -> None:
        return None


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``--retell-*`` options and their ini twins."""
    group = parser.getgroup("retell", "Retell agents (retell-dsl)")
    group.addoption(
        "--retell-target", choices=TARGETS, default=None,
        help="where conversations run: emulator (default, in process) or live (needs RETELL_API_KEY)",
    )  # fmt: skip
    group.addoption(
        "--retell-model", default=None, metavar="NAME",
        help="OpenAI-compatible model (on OPENAI_BASE_URL) for the local engine's unscripted turns",
    )  # fmt: skip
    group.addoption(
        "--retell-verbose-transcripts", action="store_true", default=None,
        help="attach every conversation's transcript to its test's report",
    )  # fmt: skip
    parser.addini("retell_target", "default --retell-target (emulator or live)", default="emulator")
    parser.addini("retell_model", "default --retell-model", default="")
    parser.addini("retell_verbose_transcripts", "default --retell-verbose-transcripts", type="bool", default=False)


def option(config: pytest.Config, name: str) -> Any:
    """The value of ``--retell-<name>``, else of the ini setting ``retell_<name>``."""
    value = config.getoption(f"--retell-{name.replace('_', '-')}")
    return config.getini(f"retell_{name}") if value is None else value


def pytest_configure(config: pytest.Config) -> None:
    """Register the plugin's markers (so ``--strict-markers`` accepts them); check the ini target."""
    config.addinivalue_line(
        "markers", f"{LIVE_MARKER}: needs a real Retell account (RETELL_API_KEY); skipped without it (retell-dsl)"
    )
    if (target := option(config, "target")) not in TARGETS:
        raise pytest.UsageError(f"retell_target = {target!r} in the ini file: use emulator or live")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the ``retell_live`` tests when no ``RETELL_API_KEY`` is set."""
    if os.environ.get("RETELL_API_KEY"):
        return
    skip_live = pytest.mark.skip(reason="needs RETELL_API_KEY (a real Retell account)")
    for item in items:
        if item.get_closest_marker(LIVE_MARKER) is not None:
            item.add_marker(skip_live)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach transcripts (``--retell-verbose-transcripts``); remember whether the test body failed."""
    if call.when == "call" and option(item.config, "verbose_transcripts"):
        for name, text in _transcripts(item, call):
            item.add_report_section("call", f"retell transcript {name}", text)
    switch = item.stash.get(_SWITCH, None)
    if call.when == "call" and switch is not None and switch.errors:
        item.add_report_section("call", "retell model errors", "\n\n".join(switch.errors))
    report: pytest.TestReport = yield
    if report.when == "call" and report.failed:
        item.stash[_FAILED] = True
    return report


def _passed(request: pytest.FixtureRequest) -> bool:
    return not request.node.stash.get(_FAILED, False)


# ---------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def retell_target(pytestconfig: pytest.Config) -> Target:
    """The session's target: an in-process emulator (one per session, so per xdist worker) or live Retell."""
    from retell_dsl.errors import ConfigurationError
    from retell_dsl.target import resolve_target

    try:
        target = resolve_target(option(pytestconfig, "target"), emulator_db=":memory:")
    except ConfigurationError as exc:
        problem = f"--retell-target: {exc}"
    else:
        if target.kind == "live":
            from pytest_retell import live

            live.start(pytestconfig, target)  # the key check: a refused key ends the session in one line
        return target
    pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def _retell_deployments(
    pytestconfig: pytest.Config, retell_target: Target, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployments]:
    from pytest_retell import live
    from pytest_retell.coverage import on_deploy
    from pytest_retell.deploying import Deployments

    root = tmp_path_factory.mktemp("retell-deploy")
    options = live.deploy_options(pytestconfig, retell_target)
    deployments = Deployments(retell_target, root, on_deploy=on_deploy(pytestconfig), **options)
    yield deployments
    if retell_target.kind == "live":
        live.finish(pytestconfig, deployments)  # also after failures, Ctrl-C and SIGTERM


@pytest.fixture
def retell_deploy(_retell_deployments: Deployments) -> Callable[..., Any]:
    """``retell_deploy(stack)``: deploy a ``Stack`` to the target (once per distinct stack per session).

    Returns a :class:`~pytest_retell.deploying.Deployed` (remote ids by address). An invalid stack
    fails the test with its lint errors, each at the file:line where it was built.
    """
    from retell_dsl.errors import RetellDSLError, ValidationFailed

    def deploy(stack: Any, *, environ: Any = None) -> Any:
        __tracebackhide__ = True
        try:
            return _retell_deployments.deploy(stack, environ=environ)
        except ValidationFailed as exc:
            problem = f"retell_deploy: the stack is invalid\n{exc}"
        except RetellDSLError as exc:
            problem = f"retell_deploy: {type(exc).__name__}: {exc}"
        pytest.fail(problem, pytrace=False)  # outside the handler: no chained traceback

    return deploy


@pytest.fixture
def _retell_mocks() -> ToolMocks:
    from retell_dsl.conversations import ToolMocks

    return ToolMocks()


@pytest.fixture
def retell_tool_mocks(
    request: pytest.FixtureRequest, retell_target: Target, _retell_mocks: ToolMocks, _retell_switch: ModelSwitch | None
) -> Iterator[ToolMocks]:
    """Tool mocks for this test: ``retell_tool_mocks.add("tool", output, args={...})`` or ``call=fn``.

    Matching is Retell's: any arguments, or ``args`` as a subset of the call's. A mock no
    conversation used fails the test at teardown, listing it (as pytest_httpx does).
    """
    if retell_target.kind == "live":
        pytest.skip("tool mocks answer tools in the emulator's engine: live Retell calls the real tools")
    mocks = _retell_mocks
    yield mocks
    if (unused := mocks.unused()) and _passed(request):
        listed = "\n".join(f"  - {m.describe()}" for m in unused)
        from retell_dsl.errors import count

        were = "was" if len(unused) == 1 else "were"
        pytest.fail(f"{count(len(unused), 'tool mock')} {were} never used by a conversation:\n{listed}", pytrace=False)


@pytest.fixture
def _retell_switch(
    request: pytest.FixtureRequest, pytestconfig: pytest.Config, retell_target: Target, _retell_mocks: ToolMocks
) -> Iterator[ModelSwitch | None]:
    """The engine of this test (emulator targets): plugged fresh, closed after."""
    from retell_dsl.conversations import configured_model, plug_engine
    from retell_dsl.errors import ConfigurationError

    if retell_target.kind != "emulator":
        yield None
        return
    try:
        fallback = configured_model(option(pytestconfig, "model") or None)
    except ConfigurationError as exc:
        problem = str(exc)
    else:
        engine, switch = plug_engine(retell_target, _retell_mocks, fallback)
        request.node.stash[_SWITCH] = switch
        yield switch
        engine.close()
        return
    pytest.fail(problem, pytrace=False)


@pytest.fixture
def retell_model(request: pytest.FixtureRequest, _retell_switch: ModelSwitch | None) -> Iterator[ScriptedModel]:
    """A ``ScriptedModel`` writing this test's agent turns: ``retell_model.add(Rule(...).say(...))``.

    A rule no conversation used fails the test at teardown, listing it.
    """
    from retell_dsl.conversations import ScriptedModel, ScriptIncomplete

    if _retell_switch is None:
        pytest.skip("a scripted model drives the emulator's engine: live Retell runs its own LLM")
    model = ScriptedModel()
    _retell_switch.current = model
    yield model
    if _passed(request):
        try:
            model.assert_complete()  # unused rules, and times=N rules used fewer than N times
        except ScriptIncomplete as exc:
            problem = str(exc)
        else:
            return
        pytest.fail(problem, pytrace=False)


@pytest.fixture
def retell_chat(
    request: pytest.FixtureRequest, retell_target: Target, _retell_switch: ModelSwitch | None
) -> Iterator[Callable[..., ChatConversation]]:
    """``retell_chat(deployed, "agent name", dynamic_variables=..., version=...)``: open a chat.

    ``deployed`` is what ``retell_deploy`` returned; the agent is a ``ChatAgent`` of the stack
    by name (or a voice agent's engine, see ``Deployed.chat_agent_id``). Chats still ongoing
    are ended after the test.
    """
    from retell_dsl.conversations import chat
    from retell_dsl.errors import ConfigurationError

    listed = _listed(request)
    opened: list[ChatConversation] = []  # this fixture's own: ended and counted at teardown

    def open_chat(deployed: Any, agent: str | None = None, **options: Any) -> ChatConversation:
        __tracebackhide__ = True
        try:
            agent_id = deployed.chat_agent_id(agent)
        except ConfigurationError as exc:
            problem = f"retell_chat: {exc}"
        else:
            options.setdefault("version", deployed.version_of(agent_id))  # the draft the deploy wrote
            conversation = chat(deployed.client, agent_id, **options)
            opened.append(conversation)
            listed.append(conversation)
            return conversation
        pytest.fail(problem, pytrace=False)

    yield open_chat
    from pytest_retell.coverage import record

    for conversation in opened:
        record(request.config, conversation.end())


@pytest.fixture
def retell_playground(
    request: pytest.FixtureRequest, retell_target: Target, _retell_switch: ModelSwitch | None
) -> Iterator[Callable[..., Any]]:
    """``retell_playground(deployed, "agent", start_at_node=..., state=..., tool_mocks=[...])``: playground turns."""
    from pytest_retell.coverage import record
    from retell_dsl.conversations import playground
    from retell_dsl.errors import ConfigurationError

    opened: list[Any] = []

    def open_playground(deployed: Any, agent: str | None = None, **options: Any) -> Any:
        __tracebackhide__ = True
        try:
            agent_id = deployed.chat_agent_id(agent)
            options.setdefault("version", deployed.version_of(agent_id))
            opened.append(playground(deployed.client, agent_id, **options))
            _listed(request).append(opened[-1])
            return opened[-1]
        except ConfigurationError as exc:
            problem = f"retell_playground: {exc}"
        pytest.fail(problem, pytrace=False)

    yield open_playground
    for session in opened:
        record(request.config, session.result())


@pytest.fixture
def retell_web_call(
    request: pytest.FixtureRequest, retell_target: Target, _retell_switch: ModelSwitch | None
) -> Callable[..., Any]:
    """``retell_web_call(deployed, "voice agent", caller={...}, dynamic_variables=...)``: a whole web call.

    The caller is the emulator's simulated caller JSON. On live Retell the call is created and read
    back without ``caller``; a test giving one is skipped (no headless audio client yet).
    """
    from pytest_retell.coverage import record
    from retell_dsl.conversations import web_call
    from retell_dsl.errors import ConfigurationError

    def hold(deployed: Any, agent: str, **options: Any) -> Any:
        __tracebackhide__ = True
        try:
            agent_id = deployed.id(f"agent.{agent}")
            if retell_target.kind == "live":
                from pytest_retell import live

                result = live.web_call(retell_target, deployed, agent_id, options)
            else:
                options.setdefault("version", deployed.version_of(agent_id))
                result = web_call(retell_target, agent_id, **options)
            record(request.config, result)
            _listed(request).append(_Held(result))
            return result
        except ConfigurationError as exc:
            problem = f"retell_web_call: {exc}"
        pytest.fail(problem, pytrace=False)

    return hold
