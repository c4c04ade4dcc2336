"""Carry out a plan: dependency-ordered, concurrent where independent, crash-safe, convergent.

* Steps start as soon as the steps they wait for are done (a bounded thread pool), so the wall
  time approaches the depth of the dependency graph times the request latency.
* Every create is preceded by an *intent* in the state file and followed by its outcome. A run
  that finds an intent without an outcome first looks for the object (same content, made since
  the intent) and adopts it, so a crash never leaves a duplicate or an orphan.
* Every plan is re-checked first, by the lock holder: a plan made before another apply changed
  the environment (its ``state_serial`` is behind) is refused, never applied; so is a step whose
  object the state no longer maps as the plan saw it. A saved plan is also refused if anything it
  touches changed remotely since.
* Secrets (``$env:NAME``) are read from the environment just before sending; state records the
  marker sealed with a keyed digest (:mod:`retell_dsl.deploy.secrets`), never the value.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from retell_dsl.deploy.gateway import AmbiguousCreate, ApiRefused, Gateway
from retell_dsl.deploy.kinds import KINDS, AgentKind
from retell_dsl.deploy.plan import Plan, Step, fingerprint_of, resolve_known
from retell_dsl.deploy.secrets import Secrets, is_marker, marker_name
from retell_dsl.deploy.state import StateFile
from retell_dsl.errors import ConfigurationError, RetellDSLError

__all__ = ["ApplyFailed", "ApplyResult", "StalePlan", "apply_plan", "check_current", "resolve_env"]

Progress = Callable[[Step, str, str], None]


class StalePlan(RetellDSLError):
    """The live state changed since the plan was made: nothing was applied."""


class ApplyFailed(RetellDSLError):
    """Some steps failed; everything else was applied and recorded, so a re-run continues."""

    def __init__(self, failures: Mapping[str, str], skipped: list[str]) -> None:
        self.failures = dict(failures)
        self.skipped = skipped
        lines = [f"  {step}: {msg}" for step, msg in failures.items()]
        if skipped:
            lines.append(f"  not started because of the failures above: {', '.join(skipped)}")
        super().__init__("apply failed; fix the cause and run apply again:\n" + "\n".join(lines))


@dataclass
class ApplyResult:
    done: list[str] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    requests: int = 0


def resolve_env(payload: Any, environ: Mapping[str, str]) -> Any:
    """Replace ``$env:NAME`` markers with values from the environment (secrets)."""
    if is_marker(payload):
        name = marker_name(payload)
        if name not in environ:
            raise ConfigurationError(f"the environment variable {name} is not set (a secret the stack needs)")
        return environ[name]
    if isinstance(payload, Mapping):
        return {k: resolve_env(v, environ) for k, v in payload.items()}
    if isinstance(payload, list):
        return [resolve_env(v, environ) for v in payload]
    return payload


class _Run:
    def __init__(self, plan: Plan, gw: Gateway, state: StateFile, environ: Mapping[str, str]) -> None:
        self.plan = plan
        self.gw = gw
        self.state = state
        self.environ = environ
        self.secrets = Secrets(state.secret_key(), environ)
        self.lock = threading.Lock()
        self.ids = {a: o.remote_id for a, o in state.items() if o.remote_id and o.status == "applied"}
        self.drafts: dict[str, int] = {}
        self.retired: list[tuple[str, str, str]] = []  # (address, kind, old id) left after a replace
        self.result = ApplyResult()

    # ------------------------------------------------------------------ payloads

    def resolved(self, step: Step) -> dict[str, Any]:
        with self.lock:
            ids = dict(self.ids)
        payload = resolve_known(step.payload or {}, ids)
        unresolved = _markers(payload)
        if unresolved:
            raise ConfigurationError(f"{step.address}: no remote id yet for {', '.join(sorted(unresolved))}")
        return payload  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ steps

    def run_step(self, step: Step) -> None:
        getattr(self, f"_do_{step.action}")(step)

    def _do_create(self, step: Step) -> None:
        kind = KINDS[step.kind]
        payload = self.resolved(step)
        owned = self.state.get(step.address)
        if owned is not None and owned.status == "creating" and owned.intent_at_ms is not None:
            if self._adopt(step, payload, owned.intent_at_ms):
                return
            if step.kind == "batch_call":
                raise RetellDSLError(
                    f"{step.address}: an earlier apply was interrupted while launching this campaign and Retell "
                    "cannot list campaigns; check `retell-dsl calls list` and, to launch it again, remove its "
                    "entry from the state file"
                )
        for _ in range(5):
            self.state.intend_create(step.address, kind=step.kind)
            intent = self.state.get(step.address)
            assert intent is not None and intent.intent_at_ms is not None
            try:
                remote_id, _ = kind.create(self.gw, step.address, resolve_env(payload, self.environ), tuple(step.files))
            except AmbiguousCreate:
                if self._adopt(step, payload, intent.intent_at_ms):
                    return
                continue
            self._record(step, remote_id, payload, draft_version=0 if isinstance(kind, AgentKind) else None)
            return
        raise RetellDSLError(f"{step.address}: the create kept failing ambiguously; run apply again")

    def _adopt(self, step: Step, payload: dict[str, Any], since_ms: int) -> bool:
        kind = KINDS[step.kind]
        found = kind.find_created(  # compared in memory with the values that were sent
            self.gw, step.address, resolve_env(payload, self.environ), since_ms=since_ms,
            owned=self.state.owned_ids(step.kind),
        )  # fmt: skip
        if found is None:
            return False
        self._record(step, found, payload)
        with self.lock:
            self.result.adopted.append(step.address)
        return True

    def _record(self, step: Step, remote_id: str, payload: dict[str, Any], **extra: Any) -> None:
        extra = {k: v for k, v in extra.items() if v is not None}
        sealed = self.secrets.seal(payload)
        self.state.record(step.address, kind=step.kind, remote_id=remote_id, payload=sealed, **extra)
        with self.lock:
            self.ids[step.address] = remote_id

    def _do_update(self, step: Step) -> None:
        kind = KINDS[step.kind]
        assert step.remote_id is not None
        payload = self.resolved(step)
        owned = self.state.get(step.address)
        last = (owned.payload if owned else None) or {}
        body = {k: v for k, v in payload.items() if k not in kind.version_fields}
        body.update({k: None for k in last if k not in payload and k not in kind.create_only | kind.version_fields})
        body = resolve_env(body, self.environ)
        if isinstance(kind, AgentKind) and step.address in self.drafts:
            kind.update_draft(self.gw, step.address, step.remote_id, body, self.drafts[step.address])
        else:
            needs_remote = isinstance(kind, AgentKind) or step.kind == "knowledge_base"
            remote = kind.read(self.gw, step.remote_id, step.address) if needs_remote else {}
            if remote is None:
                raise RetellDSLError(f"{step.address}: {step.remote_id} disappeared during apply; run apply again")
            kind.update(self.gw, step.address, step.remote_id, body, remote=remote, last_applied=last)
        self._record(step, step.remote_id, payload)

    def _do_replace(self, step: Step) -> None:
        assert step.remote_id is not None
        old = step.remote_id
        self._do_create(step)
        with self.lock:
            self.retired.append((step.address, step.kind, old))

    def _do_delete(self, step: Step) -> None:
        assert step.remote_id is not None
        KINDS[step.kind].delete(self.gw, step.address, step.remote_id)
        self.state.forget(step.address)

    def _do_open_draft(self, step: Step) -> None:
        kind = KINDS[step.kind]
        assert isinstance(kind, AgentKind) and step.remote_id is not None
        remote = kind.read(self.gw, step.remote_id, step.address)
        if remote is None:
            raise RetellDSLError(f"{step.address}: {step.remote_id} disappeared during apply; run apply again")
        version = int(remote["version"])
        if remote.get("is_published"):
            version = kind.open_draft(self.gw, step.address, step.remote_id, version)
        with self.lock:
            self.drafts[step.address] = version
        self.state.update(step.address, draft_version=version)

    def _do_publish(self, step: Step) -> None:
        kind = KINDS[step.kind]
        assert isinstance(kind, AgentKind)
        with self.lock:
            remote_id = step.remote_id or self.ids.get(step.address)
            version = self.drafts.get(step.address)
        assert remote_id is not None
        if version is None:
            remote = kind.read(self.gw, remote_id, step.address)
            if remote is None:
                raise RetellDSLError(f"{step.address}: {remote_id} disappeared during apply; run apply again")
            if remote.get("is_published"):
                self.state.update(step.address, published_version=int(remote["version"]))
                return
            version = int(remote["version"])
        kind.publish(self.gw, step.address, remote_id, version, step.payload)
        self.state.update(step.address, published_version=version)

    def retire(self) -> None:
        for address, kind, old in self.retired:
            KINDS[kind].delete(self.gw, address, old)


def _markers(payload: Any) -> set[str]:
    if isinstance(payload, str):
        return {payload[5:]} if payload.startswith("$ref:") else set()
    if isinstance(payload, Mapping):
        return set().union(*(_markers(v) for v in payload.values())) if payload else set()
    if isinstance(payload, list):
        return set().union(*(_markers(v) for v in payload)) if payload else set()
    return set()


def check_current(plan: Plan, gw: Gateway, state: StateFile, *, saved: bool, concurrency: int = 8) -> None:
    """Refuse a plan the environment moved past (run by the lock holder, before any change).

    Every plan: another apply ran since it was made (the state's serial moved on), or a step's
    object is no longer where the plan saw it in the state. Saved plans also: what a step touches
    changed remotely since (its fingerprint).
    """
    if plan.state_serial is not None and plan.state_serial != state.serial:
        raise StalePlan(
            f"the plan is stale: another apply changed environment {plan.environment!r} after this plan was made "
            f"(state serial {plan.state_serial}, now {state.serial}); nothing was applied; run plan again"
        )
    stale: list[str] = []
    for s in plan.steps:
        owned = state.get(s.address)
        created = s.action == "create" and owned is not None and owned.status == "applied"
        if created and owned is not None and owned.remote_id != s.seen_id:
            stale.append(s.address)  # another apply created it since
        elif s.remote_id is not None and (owned is None or owned.remote_id != s.remote_id):
            stale.append(s.address)  # another apply replaced or deleted it since
    checks = [s for s in plan.steps if saved and s.fingerprint and s.remote_id and s.action != "publish"]
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        reads = {s.id: pool.submit(KINDS[s.kind].read, gw, s.remote_id or "", s.address) for s in checks}
    for s in checks:
        remote = reads[s.id].result()
        owned = state.get(s.address)
        if remote is None or fingerprint_of(remote, s.payload, owned.payload if owned else None) != s.fingerprint:
            stale.append(s.address)
    if stale:
        raise StalePlan(
            "the plan is stale: " + ", ".join(sorted(set(stale))) + " changed since it was made; run plan again "
            "(nothing was applied)"
        )


def apply_plan(
    plan: Plan,
    gw: Gateway,
    state: StateFile,
    *,
    concurrency: int = 8,
    saved: bool = False,
    progress: Progress | None = None,
    environ: Mapping[str, str] | None = None,
    checked: bool = False,
) -> ApplyResult:
    """Run every step of ``plan`` (see the module docstring). Raises :class:`ApplyFailed` on errors.

    ``checked`` says the caller (the lock holder) already ran :func:`check_current`.
    """
    if not checked:
        check_current(plan, gw, state, saved=saved, concurrency=concurrency)
    run = _Run(plan, gw, state, os.environ if environ is None else environ)
    steps = {s.id: s for s in plan.steps}
    pending = dict(steps)
    done: set[str] = set()
    failures: dict[str, str] = {}
    report = progress or (lambda step, status, detail: None)
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        running: dict[Future[None], Step] = {}
        while pending or running:
            blocked = {sid for sid, s in pending.items() if any(a in failures for a in s.after)}
            for sid in blocked:
                failures.setdefault(sid, "skipped")
                del pending[sid]
            ready = [s for s in pending.values() if all(a in done or a not in steps for a in s.after)]
            for step in ready:
                del pending[step.id]
                report(step, "start", "")
                running[pool.submit(run.run_step, step)] = step
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                step = running.pop(future)
                error = future.exception()
                if error is None:
                    done.add(step.id)
                    run.result.done.append(step.id)
                    report(step, "done", "")
                else:
                    message = str(error) if isinstance(error, RetellDSLError | ApiRefused) else repr(error)
                    failures[step.id] = message
                    report(step, "failed", message)
    real = {k: v for k, v in failures.items() if v != "skipped"}
    if real:
        raise ApplyFailed(real, sorted(k for k, v in failures.items() if v == "skipped"))
    run.retire()
    run.result.requests = gw.requests
    return run.result
