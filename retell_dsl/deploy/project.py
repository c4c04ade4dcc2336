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

import os
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retell_dsl.deploy.apply import ApplyResult, Progress, apply_plan
from retell_dsl.deploy.gateway import Gateway
from retell_dsl.deploy.kinds import KINDS
from retell_dsl.deploy.plan import Desired, Plan, make_plan
from retell_dsl.deploy.state import StateFile
from retell_dsl.errors import ConfigurationError

if TYPE_CHECKING:
    from retell import Retell

    from retell_dsl.builders.stack import Stack
    from retell_dsl.compiler import CompiledStack

__all__ = ["Project", "desired_of"]


def desired_of(compiled: CompiledStack) -> list[Desired]:
    return [
        Desired(r.address, r.kind, dict(r.payload), tuple(r.depends_on), tuple(r.files)) for r in compiled.resources
    ]


@dataclass
class Project:
    """A working directory's deploy context: where state lives and which environment is active."""

    root: Path
    environment: str = "default"
    target: str = "emulator"
    concurrency: int = 24

    @property
    def state_path(self) -> Path:
        return self.root / ".retell" / "state" / f"{self.environment}.json"

    def state(self) -> StateFile:
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
        return make_plan(
            desired, owned, observed, stack=compiled.name, environment=self.environment, target=self.target,
            publish=publish, force=force,
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
    ) -> ApplyResult:
        with self.lock():
            state = self.state()
            try:
                result = apply_plan(
                    plan, gateway or self.gateway(client), state, concurrency=self.concurrency, saved=saved,
                    progress=progress, environ=environ,
                )  # fmt: skip
                state.set_meta("last_applied_stack_hash", plan.stack_hash)
            finally:
                state.close()
        return result

    @contextmanager
    def lock(self) -> Iterator[None]:
        """One apply per environment at a time; a lock left by a killed process is taken over."""
        path = self.state_path.with_suffix(".lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            holder = path.read_text(encoding="utf-8").strip()
            if holder.isdigit() and _alive(int(holder)):
                raise ConfigurationError(
                    f"another apply (pid {holder}) is changing environment {self.environment!r}; "
                    f"wait for it, or delete {path} if that process is gone"
                ) from None
            path.unlink(missing_ok=True)  # stale: its process died
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        try:
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            yield
        finally:
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
