"""Phone, batch and inbound call fixtures, and the webhook receiver (registered by :mod:`pytest_retell.plugin`).

Kept light like the entry module: nothing of the SDK is imported until a fixture runs.

- ``retell_phone_call(deployed, "agent", to=..., caller={...})``: an outbound call to a simulated
  phone user (emulator), held to its end; a :class:`~retell_dsl.conversations.CallResult`.
- ``retell_batch_call(deployed, tasks_or_campaign, callers={...})``: a batch call; one result per task.
- ``retell_inbound_call(deployed, caller={...})``: a simulated person rings the stack's number.
- ``retell_webhooks``: a local receiver (``.url`` for an agent's ``webhook_url``) that records
  every delivery and fails the test at teardown when one was not signed with the target's key.

With ``--retell-target live``, phone and batch calls ring the real numbers they name only with
``--retell-allow-phone-calls`` (ini ``retell_allow_phone_calls``, or ``RETELL_ALLOW_PHONE_CALLS=1``;
see :mod:`pytest_retell.live`). Without it they fail with a message saying how to opt in.

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from pytest_retell.plugin import _Held, _listed, _passed

if TYPE_CHECKING:
    from retell_dsl.conversations import CallResult, WebhookReceiver
    from retell_dsl.target import Target

__all__ = [
    "SIMULATED_CALLER_NUMBER",
    "retell_batch_call",
    "retell_inbound_call",
    "retell_phone_call",
    "retell_webhooks",
]

_T = TypeVar("_T")
#: The number a simulated inbound caller rings from unless a test gives one.
SIMULATED_CALLER_NUMBER = "+14155550999"
#: How long teardown waits for the emulator's pending webhook deliveries.
WEBHOOK_SETTLE_S = 10.0


def _allow_live(config: pytest.Config) -> bool:
    from pytest_retell.live import phone_calls_allowed

    return phone_calls_allowed(config)


def _only_number(deployed: Any, given: str | None, what: str) -> str:
    from retell_dsl.errors import ConfigurationError

    if given is not None:
        return given
    numbers = sorted(v for a, v in deployed.ids.items() if a.startswith("phone_number."))
    if len(numbers) != 1:
        raise ConfigurationError(f"stack {deployed.name!r} has {len(numbers)} phone numbers {numbers}: pass {what}=")
    return str(numbers[0])


def _agent_id(deployed: Any, agent: str | None) -> str | None:
    return None if agent is None else str(deployed.id(f"agent.{agent}"))


def _run(request: pytest.FixtureRequest, name: str, start: Callable[[], _T]) -> _T:
    """Run a call; a configuration problem fails the test with its message (no traceback), results are listed."""
    __tracebackhide__ = True
    from retell_dsl.errors import ConfigurationError

    try:
        done = start()
    except ConfigurationError as exc:
        problem = f"{name}: {exc}"
    else:
        from pytest_retell.coverage import record

        results: tuple[CallResult, ...] = tuple(getattr(done, "calls", None) or (done,))  # type: ignore[arg-type]
        _listed(request).extend(_Held(r) for r in results)
        for result in results:
            record(request.config, result)  # coverage counts each ended call
        return done
    pytest.fail(problem, pytrace=False)


@pytest.fixture
def retell_phone_call(
    request: pytest.FixtureRequest, pytestconfig: pytest.Config, retell_target: Target, _retell_switch: Any
) -> Callable[..., CallResult]:
    """``retell_phone_call(deployed, "agent", to="+1...", caller={...}, dynamic_variables=...)``: an outbound call.

    The call goes from the stack's phone number (``from_number=`` when it has several) to ``to``,
    where ``caller`` (the emulator's caller JSON, a script or a persona) answers. ``agent`` (a
    voice agent of the stack, optional) overrides the number's outbound agent. Returns the ended
    call's result (``timeout_s``: the bound on waiting, default 60 s).
    """
    from retell_dsl.conversations import phone_call

    def call(
        deployed: Any, agent: str | None = None, *, to: str, caller: Mapping[str, Any] | None,
        from_number: str | None = None, **options: Any,
    ) -> CallResult:  # fmt: skip
        __tracebackhide__ = True
        return _run(request, "retell_phone_call", lambda: phone_call(
            retell_target, from_number=_only_number(deployed, from_number, "from_number"), to_number=to,
            caller=caller, agent_id=_agent_id(deployed, agent), allow_live=_allow_live(pytestconfig), **options,
        ))  # fmt: skip

    return call


@pytest.fixture
def retell_batch_call(
    request: pytest.FixtureRequest, pytestconfig: pytest.Config, retell_target: Target, _retell_switch: Any
) -> Callable[..., Any]:
    """``retell_batch_call(deployed, tasks, callers={number: caller})``: a batch call; one result per task.

    ``tasks`` is a ``BatchCall`` spec (its tasks and name; its schedule and calling window are not
    applied: the emulator runs on real time) or a list of ``Dial`` s, ``CallTask`` s or mappings
    ``{"to_number", "dynamic_variables", "caller"}``. Returns a
    :class:`~retell_dsl.conversations.BatchResult` (``result.to(number)``; iterate for each call).
    """
    from retell_dsl.conversations import batch_call

    def run(
        deployed: Any, tasks: Any, *, callers: Mapping[str, Mapping[str, Any]] | None = None,
        from_number: str | None = None, **options: Any,
    ) -> Any:  # fmt: skip
        __tracebackhide__ = True
        if hasattr(tasks, "tasks") and not isinstance(tasks, list | tuple):
            options.setdefault("name", getattr(tasks, "name", None))
            tasks = tasks.tasks
        return _run(request, "retell_batch_call", lambda: batch_call(
            retell_target, from_number=_only_number(deployed, from_number, "from_number"), tasks=tasks,
            callers=callers, allow_live=_allow_live(pytestconfig), **options,
        ))  # fmt: skip

    return run


@pytest.fixture
def retell_inbound_call(
    request: pytest.FixtureRequest, retell_target: Target, _retell_switch: Any
) -> Callable[..., CallResult]:
    """``retell_inbound_call(deployed, caller={...})``: a simulated person rings the stack's number (emulator only).

    ``to_number=`` picks the number when the stack has several; ``from_number=`` is the caller's
    (default :data:`SIMULATED_CALLER_NUMBER`). The number's inbound agent answers.
    """
    from retell_dsl.conversations import inbound_call

    def ring(
        deployed: Any, *, caller: Mapping[str, Any], to_number: str | None = None,
        from_number: str = SIMULATED_CALLER_NUMBER, timeout_s: float = 60.0,
    ) -> CallResult:  # fmt: skip
        __tracebackhide__ = True
        return _run(request, "retell_inbound_call", lambda: inbound_call(
            retell_target, from_number=from_number, to_number=_only_number(deployed, to_number, "to_number"),
            caller=caller, timeout_s=timeout_s,
        ))  # fmt: skip

    return ring


@pytest.fixture(scope="session")
def _retell_webhook_server(retell_target: Target) -> Iterator[WebhookReceiver | None]:
    """One receiver per session (a stable URL, so a stack that names it deploys once); tests record in turn."""
    if retell_target.kind != "emulator":
        yield None
        return
    from retell_dsl.conversations import WebhookReceiver

    server = WebhookReceiver(retell_target.client().api_key, record=False).start()
    yield server
    server.stop()


@pytest.fixture
def retell_webhooks(
    request: pytest.FixtureRequest, retell_target: Target, _retell_webhook_server: WebhookReceiver | None
) -> Iterator[WebhookReceiver]:
    """A webhook receiver for this test: put ``retell_webhooks.url`` on an agent's ``webhook_url``.

    It records each delivery (``.deliveries``, ``.events(call_id)``; ``.wait_for("call_ended",
    call_id=..., timeout=10)``) and checks its ``x-retell-signature`` with ``retell.lib.verify``
    and the target's API key. A delivery with a missing or wrong signature fails the test at
    teardown, listing it. On live Retell the receiver is not reachable: the test is skipped.
    """
    server = _retell_webhook_server
    if server is None:
        pytest.skip("retell_webhooks listens on 127.0.0.1, which live Retell cannot reach")
    server.start_recording()
    yield server
    # the test's calls' deliveries land in its own record; any still pending are not this test's failure
    with contextlib.suppress(TimeoutError):
        retell_target.emulator.wait_idle(WEBHOOK_SETTLE_S)
    bad = [d for d in server.stop_recording() if not d.verified]
    if bad and _passed(request):
        listed = "\n".join(f"  - {d.describe()}" for d in bad)
        pytest.fail(
            f"{len(bad)} webhook deliveries to retell_webhooks were not signed with the target's API key "
            f"(x-retell-signature, checked with retell.lib.verify):\n{listed}",
            pytrace=False,
        )
