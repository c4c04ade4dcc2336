"""Phone calls, batch calls and inbound calls with simulated people, through the official SDK client.

On the emulator, the person who answers is a *simulated phone user*: :func:`phone_call` lists
``to_number`` as answered by a ``caller`` (the emulator's caller JSON: ``{"type": "script",
"steps": [...]}`` or ``{"type": "persona", "user_prompt": ...}``), creates the call with
``client.call.create_phone_call`` exactly as an app would, waits (bounded) for its end and returns
its :class:`~retell_dsl.conversations.CallResult`. :func:`batch_call` does the same for a
campaign (one caller and its own dynamic variables per task; one result per task, in task order)
and :func:`inbound_call` has a simulated person ring a number of the account.

On live Retell a phone call rings a real phone: :func:`phone_call` and :func:`batch_call` refuse
unless ``allow_live=True`` (the pytest plugin sets it from ``--retell-allow-phone-calls`` or
``RETELL_ALLOW_PHONE_CALLS=1``), and then take no simulated ``caller``: whoever answers the
number is the caller. Inbound calls need a person dialling and are emulator only.

>>> Dial.of({"to_number": "+14155550111", "dynamic_variables": {"name": "Ada"}}).dynamic_variables
{'name': 'Ada'}
>>> Dial.of({"to": "+1"})
Traceback (most recent call last):
...
retell_dsl.ConfigurationError: a batch task needs 'to_number'; unknown keys ['to'] (known: caller, ...)
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from retell_dsl.conversations.driver import NotSupported
from retell_dsl.conversations.result import CallResult
from retell_dsl.errors import ConfigurationError

if TYPE_CHECKING:
    from retell import Retell

__all__ = [
    "LIVE_PHONE_CALLS_ENV",
    "BatchResult",
    "CallTimedOut",
    "Dial",
    "batch_call",
    "inbound_call",
    "live_phone_calls_allowed",
    "phone_call",
]

#: Set to ``1`` to let phone and batch calls ring real numbers on a live target.
LIVE_PHONE_CALLS_ENV = "RETELL_ALLOW_PHONE_CALLS"
#: Call statuses after which nothing more happens to a call.
FINAL_STATUSES = frozenset({"ended", "not_connected", "error"})
_TASK_KEYS = ("caller", "dynamic_variables", "metadata", "to_number")


class CallTimedOut(ConfigurationError, TimeoutError):
    """A call (or a batch's calls) did not end within the bound given."""


def live_phone_calls_allowed(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``RETELL_ALLOW_PHONE_CALLS`` opts in to real phone calls on a live target.

    >>> live_phone_calls_allowed({"RETELL_ALLOW_PHONE_CALLS": "1"}), live_phone_calls_allowed({})
    (True, False)
    """
    env = os.environ if environ is None else environ
    return env.get(LIVE_PHONE_CALLS_ENV, "").strip().lower() in ("1", "true", "yes")


@dataclass(frozen=True, slots=True)
class Dial:
    """One outbound call of a batch: the number, who answers it (emulator), its dynamic variables."""

    to_number: str
    caller: Mapping[str, Any] | None = None
    dynamic_variables: Mapping[str, str] = field(default_factory=dict)
    metadata: Mapping[str, Any] | None = None

    @classmethod
    def of(cls, task: Any, callers: Mapping[str, Mapping[str, Any]] | None = None) -> Dial:
        """A :class:`Dial` from a ``Dial``, a ``retell_dsl.CallTask`` or a mapping (``to_number`` ...).

        ``callers`` (number → caller JSON) fills in the caller of a task that has none.
        """
        if isinstance(task, Dial):
            dial = task
        elif isinstance(task, Mapping):
            unknown = sorted(str(k) for k in task if k not in _TASK_KEYS)
            if "to_number" not in task or unknown:
                raise ConfigurationError(
                    f"a batch task needs 'to_number'; unknown keys {unknown} (known: {', '.join(_TASK_KEYS)})"
                )
            dial = cls(str(task["to_number"]), task.get("caller"), dict(task.get("dynamic_variables") or {}),
                       task.get("metadata"))  # fmt: skip
        elif isinstance(getattr(task, "to_number", None), str) and isinstance(
            getattr(task, "variables", None), Mapping
        ):
            metadata = getattr(task, "metadata", None)
            dial = cls(task.to_number, None, dict(task.variables), metadata if isinstance(metadata, Mapping) else None)
        else:
            raise ConfigurationError(f"a batch task is a Dial, a CallTask or a mapping with 'to_number', got {task!r}")
        if dial.caller is None and callers and dial.to_number in callers:
            return cls(dial.to_number, callers[dial.to_number], dial.dynamic_variables, dial.metadata)
        return dial

    def task(self) -> dict[str, Any]:
        """The ``tasks[]`` item of Retell's create-batch-call request."""
        item: dict[str, Any] = {"to_number": self.to_number}
        if self.dynamic_variables:
            item["retell_llm_dynamic_variables"] = {k: str(v) for k, v in self.dynamic_variables.items()}
        if self.metadata is not None:
            item["metadata"] = dict(self.metadata)
        return item


@dataclass(frozen=True, slots=True)
class BatchResult(Sequence[CallResult]):
    """What became of a batch call: one :class:`CallResult` per task, in task order."""

    batch_call_id: str
    calls: tuple[CallResult, ...]
    to_numbers: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.calls)

    def __getitem__(self, index: Any) -> Any:
        return self.calls[index]

    def __iter__(self) -> Iterator[CallResult]:
        return iter(self.calls)

    def to(self, number: str) -> CallResult:
        """The result of the task that called ``number``."""
        if number not in self.to_numbers:
            raise KeyError(f"batch {self.batch_call_id} called {list(self.to_numbers)}, not {number}")
        return self.calls[self.to_numbers.index(number)]


# ---------------------------------------------------------------------------------------------- targets


def _emulator(where: Any) -> Any | None:
    """The emulator behind ``where`` (a Target or an Emulator), ``None`` for a live target."""
    if getattr(where, "kind", None) == "emulator":
        return where.emulator
    if getattr(where, "kind", None) == "live":
        return None
    if callable(getattr(where, "add_phone_user", None)):
        return where
    raise ConfigurationError(f"pass the Target (retell_dsl.target) or the Emulator to call through, got {where!r}")


def _live_client(where: Any, what: str, allow_live: bool, caller: object) -> Retell:
    if not allow_live:
        raise ConfigurationError(
            f"{what} on live Retell rings a real phone number: opt in with --retell-allow-phone-calls "
            f"(ini retell_allow_phone_calls = true) or {LIVE_PHONE_CALLS_ENV}=1, or run on the emulator "
            "(--retell-target emulator), where a simulated caller answers"
        )
    if caller is not None:
        raise NotSupported(
            f"{what} on live Retell is answered by whoever picks up the number, not a simulated caller: "
            "pass caller=None (simulated callers answer on the emulator only)"
        )
    client: Retell = where.client()
    return client


class _Listed:
    """Lists numbers as simulated phone users for the duration of a ``with`` block, then restores them."""

    def __init__(self, emulator: Any, callers: Mapping[str, Mapping[str, Any]]) -> None:
        self.emulator = emulator
        self.callers = callers
        self.before: dict[str, dict[str, Any]] = {}
        self.added: list[str] = []

    def __enter__(self) -> _Listed:
        listed = self.emulator.phone_users
        try:
            for number, caller in self.callers.items():
                if number in listed:
                    self.before[number] = listed[number]
                with _Refused(f"the caller answering {number}"):  # the emulator's 400 lists every problem
                    self.emulator.add_phone_user(number, caller)
                self.added.append(number)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for number in self.added:
            if number in self.before:
                self.emulator.add_phone_user(number, self.before[number])
            else:
                self.emulator.remove_phone_user(number)


def _api_message(exc: BaseException) -> str:
    """Retell's (or the emulator's) reason for refusing a request."""
    body = getattr(exc, "body", None)
    if isinstance(body, Mapping) and body.get("message"):
        details = body.get("errors") or body.get("details")
        return str(body["message"]) + (f": {details}" if details else "")
    return str(getattr(exc, "message", None) or exc)


class _Refused:
    """Turns an API error of the request made inside the ``with`` block into a :class:`ConfigurationError`."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        from retell import APIStatusError

        if exc is not None and (isinstance(exc, APIStatusError) or type(exc).__name__ == "ApiError"):
            raise ConfigurationError(f"{self.what} was refused: {_api_message(exc)}") from None


def _settle(emulator: Any, timeout_s: float, what: str) -> None:
    try:
        emulator.wait_idle(timeout_s, webhooks=False)
    except TimeoutError as exc:
        raise CallTimedOut(f"{what} did not end within timeout_s={timeout_s}: {exc}") from None


def _poll(client: Retell, call_id: str, timeout_s: float, interval_s: float = 2.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        call = client.call.retrieve(call_id)
        if call.call_status in FINAL_STATUSES:
            return call
        if time.monotonic() >= deadline:
            raise CallTimedOut(f"call {call_id} was still {call.call_status} after timeout_s={timeout_s}")
        time.sleep(min(interval_s, max(0.0, deadline - time.monotonic())))


def _create_options(
    dynamic_variables: Mapping[str, str] | None, metadata: Mapping[str, Any] | None, agent_id: str | None,
    version: int | None,
) -> dict[str, Any]:  # fmt: skip
    options: dict[str, Any] = {}
    if dynamic_variables:
        options["retell_llm_dynamic_variables"] = {k: str(v) for k, v in dynamic_variables.items()}
    if metadata is not None:
        options["metadata"] = dict(metadata)
    if agent_id is not None:
        options["override_agent_id"] = agent_id
        if version is not None:
            options["override_agent_version"] = version
    elif version is not None:
        raise ConfigurationError("version= pins a version of agent_id=: name the agent too")
    return options


# ---------------------------------------------------------------------------------------------- calls


def phone_call(
    where: Any,
    *,
    from_number: str,
    to_number: str,
    caller: Mapping[str, Any] | None,
    agent_id: str | None = None,
    version: int | None = None,
    dynamic_variables: Mapping[str, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
    timeout_s: float = 60.0,
    allow_live: bool = False,
) -> CallResult:
    """Call ``to_number`` from ``from_number`` (a number of the account) and hold the call to its end.

    ``agent_id`` (with ``version``) overrides the number's outbound agent for this call. On the
    emulator ``caller`` answers ``to_number`` for this call only (``None``: whoever is listed
    already answers; an unlisted number ends ``not_connected`` / ``dial_no_answer``). Raises
    :class:`CallTimedOut` when the call has not ended after ``timeout_s``.
    """
    options = _create_options(dynamic_variables, metadata, agent_id, version)
    emulator = _emulator(where)
    if emulator is None:
        client = _live_client(where, "a phone call", allow_live, caller)
        with _Refused(f"the phone call from {from_number} to {to_number}"):
            call_id = client.call.create_phone_call(from_number=from_number, to_number=to_number, **options).call_id
        return CallResult.from_call(_poll(client, call_id, timeout_s))
    client = emulator.client()
    with _Listed(emulator, {to_number: caller} if caller is not None else {}):
        with _Refused(f"the phone call from {from_number} to {to_number}"):
            call_id = client.call.create_phone_call(from_number=from_number, to_number=to_number, **options).call_id
        _settle(emulator, timeout_s, f"call {call_id} to {to_number}")
    return _final(client, call_id, timeout_s, emulator)


def _final(client: Retell, call_id: str, timeout_s: float, emulator: Any) -> CallResult:
    """The ended call (with the emulator's state transitions in place, see ``CallResult.from_call``)."""
    call = client.call.retrieve(call_id)
    if call.call_status not in FINAL_STATUSES:
        hint = (
            " (a batch's call_time_window or trigger_timestamp may hold it)" if call.call_status == "registered" else ""
        )
        raise CallTimedOut(f"call {call_id} was still {call.call_status} after timeout_s={timeout_s}{hint}")
    return CallResult.from_call(call, events=emulator.call_events(call_id))


def batch_call(
    where: Any,
    *,
    from_number: str,
    tasks: Sequence[Any],
    callers: Mapping[str, Mapping[str, Any]] | None = None,
    name: str | None = None,
    call_time_window: Mapping[str, Any] | None = None,
    reserved_concurrency: int | None = None,
    timeout_s: float = 120.0,
    allow_live: bool = False,
) -> BatchResult:
    """Run a batch call (a campaign) from ``from_number`` to its end: one :class:`CallResult` per task.

    ``tasks`` are :class:`Dial` s, ``retell_dsl.CallTask`` s (a ``BatchCall`` spec's ``.tasks``)
    or mappings ``{"to_number", "dynamic_variables", "caller", "metadata"}``; ``callers`` (number
    → caller JSON) answers the tasks that name no caller. On the emulator a task without a caller
    rings an unlisted number (``dial_no_answer``) unless the number is listed already.
    """
    dials = [Dial.of(t, callers) for t in tasks]
    if not dials:
        raise ConfigurationError("a batch call needs at least one task")
    numbers = [d.to_number for d in dials]
    if len(set(numbers)) != len(numbers):
        raise ConfigurationError(f"each task of a batch must call a different number, got {numbers}")
    body: dict[str, Any] = {"from_number": from_number, "tasks": [d.task() for d in dials]}
    for key, value in (("name", name), ("call_time_window", call_time_window)):
        if value is not None:
            body[key] = dict(value) if isinstance(value, Mapping) else value
    if reserved_concurrency is not None:
        body["reserved_concurrency"] = reserved_concurrency
    emulator = _emulator(where)
    if emulator is None:
        client = _live_client(where, "a batch call", allow_live, next((d.caller for d in dials if d.caller), None))
        with _Refused(f"the batch call from {from_number}"):
            batch_id = client.batch_call.create_batch_call(**body).batch_call_id
        deadline = time.monotonic() + timeout_s
        ids = _batch_call_ids(client, batch_id, numbers, timeout_s)
        calls = [_poll(client, ids[n], max(0.0, deadline - time.monotonic())) for n in numbers]
        return BatchResult(batch_id, tuple(CallResult.from_call(c) for c in calls), tuple(numbers))
    client = emulator.client()
    with _Listed(emulator, {d.to_number: d.caller for d in dials if d.caller is not None}):
        with _Refused(f"the batch call from {from_number}"):
            batch_id = client.batch_call.create_batch_call(**body).batch_call_id
        _settle(emulator, timeout_s, f"batch call {batch_id}")
    ids = _batch_call_ids(client, batch_id, numbers, 0.0)
    return BatchResult(batch_id, tuple(_final(client, ids[n], timeout_s, emulator) for n in numbers), tuple(numbers))


def _batch_call_ids(client: Retell, batch_id: str, numbers: Sequence[str], timeout_s: float) -> dict[str, str]:
    """number → call id of the batch's calls (waiting up to ``timeout_s`` for every task to get a call)."""
    criteria: Any = {"batch_call_id": {"type": "string", "op": "eq", "value": batch_id}}
    deadline = time.monotonic() + timeout_s
    while True:
        page = client.call.list(limit=1000, filter_criteria=criteria)
        found = {str(n): c.call_id for c in page.items if (n := getattr(c, "to_number", None))}
        missing = [n for n in numbers if n not in found]
        if not missing:
            return found
        if time.monotonic() >= deadline:
            raise CallTimedOut(f"batch call {batch_id} has placed no call to {missing} after timeout_s={timeout_s}")
        time.sleep(2.0)


def inbound_call(
    where: Any, *, from_number: str, to_number: str, caller: Mapping[str, Any], timeout_s: float = 60.0
) -> CallResult:
    """A simulated ``caller`` at ``from_number`` rings ``to_number`` (of the account); its inbound agent answers.

    The emulator only: on live Retell an inbound call needs a person dialling the number.
    """
    emulator = _emulator(where)
    if emulator is None:
        raise NotSupported(
            "an inbound call on live Retell needs a person (or a phone line) dialling the number: not supported; "
            "run inbound-call tests on the emulator (--retell-target emulator)"
        )
    client = emulator.client()
    with _Listed(emulator, {from_number: caller}):
        with _Refused(f"the inbound call from {from_number} to {to_number}"):
            doc = emulator.place_inbound_call(from_number, to_number, wait=False)
        call_id = str(doc["call_id"])
        _settle(emulator, timeout_s, f"inbound call {call_id} to {to_number}")
    return _final(client, call_id, timeout_s, emulator)
