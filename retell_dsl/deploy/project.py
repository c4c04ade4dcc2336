"""Putting the deploy layer together: stack → compiled resources → observed remote → plan → apply.

>>> from retell_dsl import RetellLLM, Stack
>>> from retell_dsl.emulator import Emulator
>>> import tempfile, pathlib
>>> project = Project(pathlib.Path(tempfile.mkdtemp()), environment="staging")
>>> stack = Stack(name="demo").add(RetellLLM(name="support", general_prompt="Be kind."))
>>> client = Emulator().client()
>>> plan = project.plan(stack, client)
>>> [(s.action, s.address) for s in plan.steps]
[('create', 'llm.support')]
>>> _ = project.apply(plan, client)
>>> project.plan(stack, client).has_changes
False
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retell_dsl.deploy.apply import ApplyResult, Progress, apply_plan, check_current
from retell_dsl.deploy.gateway import Gateway
from retell_dsl.deploy.kinds import KINDS
from retell_dsl.deploy.lost import check_lost_state
from retell_dsl.deploy.plan import Desired, Plan, make_plan
from retell_dsl.deploy.secrets import Secrets
from retell_dsl.deploy.state import StateFile
from retell_dsl.errors import ConfigurationError, PreflightFailed
from retell_dsl.wire.voices import near_misses, provider_of

if TYPE_CHECKING:
    from retell import Retell

    from retell_dsl.builders.stack import Stack
    from retell_dsl.compiler import CompiledStack

__all__ = ["Project", "desired_of", "preflight"]


def desired_of(compiled: CompiledStack) -> list[Desired]:
    return [
        Desired(r.address, r.kind, dict(r.payload), tuple(r.depends_on), tuple(r.files)) for r in compiled.resources
    ]


@dataclass
class Project:
    """A working directory's deploy context: where state lives and which environment is active.

    Plans are made without the lock (read-only); :meth:`apply` takes the environment's lock, then
    re-checks the plan against fresh state (and, for a saved plan, fresh remote reads) before any
    change: a plan another apply has overtaken is refused with :class:`StalePlan`, never applied.
    """

    root: Path
    environment: str = "default"
    target: str = "emulator"
    concurrency: int = 24
    #: How long :meth:`lock` waits for another apply of the same environment to finish.
    lock_wait_s: float = 30.0

    @property
    def state_path(self) -> Path:
        return self.root / ".retell" / "state" / f"{self.environment}.json"

    def state(self) -> StateFile:
        """The environment's state, read-only (a journal left by a crash is replayed in memory)."""
        return StateFile.load(self.state_path, environment=self.environment)

    def gateway(self, client: Retell) -> Gateway:
        return Gateway(client)

    def observe(self, gw: Gateway, state: StateFile, addresses: list[str]) -> dict[str, dict[str, Any] | None]:
        """Read every owned object concurrently (one request each)."""
        targets = []
        for address in addresses:
            owned = state.get(address)
            if owned and owned.remote_id and owned.status == "applied" and KINDS[owned.kind].readable:
                targets.append((address, owned.kind, owned.remote_id))
        if not targets:  # nothing to read: still prove the target answers and the key is accepted
            gw.request("GET", "/get-concurrency", what="checking the API key")
            return {}
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            futures = {a: pool.submit(KINDS[k].read, gw, rid, a) for a, k, rid in targets}
        return {a: f.result() for a, f in futures.items()}

    def plan(
        self,
        stack: Stack | CompiledStack,
        client: Retell,
        *,
        publish: bool = False,
        force: bool = False,
        gateway: Gateway | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Plan:
        from retell_dsl.checked import compile
        from retell_dsl.compiler import CompiledStack

        compiled = stack if isinstance(stack, CompiledStack) else compile(stack)
        gw = gateway or self.gateway(client)
        state = self.state()
        desired = desired_of(compiled)
        addresses = sorted({d.address for d in desired} | set(state.addresses()))
        observed = self.observe(gw, state, addresses)
        owned = dict(state.items())
        secrets = Secrets(state.secret_key(), os.environ if environ is None else environ)
        return make_plan(
            desired, owned, observed, stack=compiled.name, environment=self.environment, target=self.target,
            publish=publish, force=force, secrets=secrets, state_serial=state.serial,
        )  # fmt: skip

    def destroy_plan(self, stack_name: str, *, force: bool = False) -> Plan:
        """A plan deleting everything the state owns (protected kinds only with ``force``)."""
        state = self.state()
        return make_plan(
            [], dict(state.items()), {}, stack=stack_name, environment=self.environment, target=self.target,
            force=force, state_serial=state.serial, destroying=True,
        )  # fmt: skip

    def apply(
        self,
        plan: Plan,
        client: Retell,
        *,
        saved: bool = False,
        progress: Progress | None = None,
        environ: Mapping[str, str] | None = None,
        gateway: Gateway | None = None,
        allow_duplicates: bool = False,
    ) -> ApplyResult:
        """Apply ``plan`` under the environment's lock (see the class docstring).

        Raises :class:`StalePlan` if another apply ran since the plan was made,
        :class:`~retell_dsl.errors.PreflightFailed` when the target lacks a voice the plan uses (see
        :func:`preflight`), and :class:`~retell_dsl.deploy.lost.RemoteDuplicates` when the state knows
        nothing of objects Retell already has (unless ``allow_duplicates``); nothing is changed in
        any of these cases. (The plan itself was made from a validated stack: ``plan`` compiles with
        ``validate()``.)
        """
        with self.lock():
            state = StateFile.load(self.state_path, environment=self.environment, writable=True)
            try:
                gw = gateway or self.gateway(client)
                check_current(plan, gw, state, saved=saved, concurrency=self.concurrency)
                preflight(plan, gw, strict=self.target == "live")
                if not allow_duplicates:
                    check_lost_state(plan, gw, state)
                state.secret_key(create=True)
                state.set_meta("serial", state.serial + 1)  # from here on, every older plan is stale
                result = apply_plan(
                    plan, gw, state, concurrency=self.concurrency, saved=saved, progress=progress,
                    environ=environ, checked=True,
                )  # fmt: skip
                state.set_meta("last_applied_stack_hash", plan.stack_hash)
            finally:
                state.close()
        return result

    @contextmanager
    def lock(self) -> Iterator[None]:
        """One writer per environment: an exclusive ``flock`` on ``<env>.lock``, held for the duration.

        The kernel releases it when the holder exits, however it dies, so there are no stale locks.
        The file keeps the holder's pid for messages only. A second apply says on stderr that it is
        waiting, and gives up after :attr:`lock_wait_s` seconds.
        """
        path = self.state_path.with_suffix(".lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            deadline = time.monotonic() + self.lock_wait_s
            told = False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    holder = _holder(fd)
                    if time.monotonic() >= deadline:
                        raise ConfigurationError(
                            f"another apply ({holder}) is changing environment {self.environment!r} and still held "
                            f"its lock after {self.lock_wait_s:g}s; wait for it to finish, then run again"
                        ) from None
                    if not told:
                        sys.stderr.write(f"waiting for the lock held by {holder} (environment {self.environment!r})\n")
                        told = True
                    time.sleep(0.05)
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            try:
                yield
            finally:
                os.ftruncate(fd, 0)  # the file stays: removing it would let a waiter lock a dead inode
        finally:
            os.close(fd)  # releases the flock


def _holder(fd: int) -> str:
    raw = os.pread(fd, 32, 0).decode(errors="replace").strip()
    return f"pid {raw}" if raw.isdigit() else "another process"


def _voices_of(plan: Plan) -> list[tuple[str, str, str]]:
    """``(address, field, voice id)`` of every voice the plan's creates and updates send."""
    out: list[tuple[str, str, str]] = []
    for step in plan.steps:
        if step.kind != "agent" or step.action not in {"create", "update", "replace"} or not step.payload:
            continue
        voice = step.payload.get("voice_id")
        if isinstance(voice, str):
            out.append((step.address, "voice_id", voice))
        for i, fallback in enumerate(step.payload.get("fallback_voice_ids") or []):
            if isinstance(fallback, str):
                out.append((step.address, f"fallback_voice_ids[{i}]", fallback))
    return out


def preflight(plan: Plan, gw: Gateway, *, strict: bool) -> None:
    """Check what can be checked before the first change; raise PreflightFailed listing every problem.

    Voices: the target's ``list-voices`` (one request, only when the plan sends a voice). A voice
    the target does not list is refused when it is a near miss of one it lists or has no
    provider's form; with ``strict`` (live Retell, whose list is the account's own, cloned voices
    included) every unlisted voice is refused. On the emulator an unlisted voice of a provider's
    form passes, as the emulator accepts it.
    """
    used = _voices_of(plan)
    if not used:
        return
    listed = gw.request("GET", "/list-voices", what="listing the target's voices") or []
    known = [str(v.get("voice_id")) for v in listed if isinstance(v, Mapping)]
    problems: list[str] = []
    for address, field_name, voice in used:
        if voice in known or "{{" in voice:
            continue
        near = near_misses(voice, known)
        if near:
            problems.append(
                f"{address} {field_name}: {voice!r} is not a voice of the target; did you mean {near[0]!r}?"
            )
        elif strict or provider_of(voice) is None:
            problems.append(
                f"{address} {field_name}: {voice!r} is not a voice of the target (see `retell-dsl voices list`)"
            )
    if problems:
        raise PreflightFailed(problems)
