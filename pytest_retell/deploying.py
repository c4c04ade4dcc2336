"""Deploying stacks for a test session (imported by the fixtures, never at plugin load).

:class:`Deployments` plans and applies each distinct stack once per session (keyed by the
compiled stack's JSON) into a state directory of its own; :class:`Deployed` finds the remote
ids of its agents by name, and the agent version each conversation is pinned to (the draft the
deploy wrote). With a ``prefix`` (live targets: ``rdt-<run id>-``) every object is named with it,
and :meth:`Deployments.destroy` removes everything the session made, a deploy cut short included.

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retell_dsl.deploy import Project, run_scoped
from retell_dsl.errors import ConfigurationError, RetellDSLError

if TYPE_CHECKING:
    from retell import Retell

    from retell_dsl import CompiledStack, Stack
    from retell_dsl.target import Target

__all__ = ["Deployed", "Deployments", "OnDeploy"]

_AGENTS = ("agent", "chat_agent")
#: Called once per distinct stack a session deploys: (spec hash, the compiled stack, what it deployed).
OnDeploy = Callable[[str, "CompiledStack", "Deployed"], None]


@dataclass
class Deployed:
    """A stack deployed to the session's target: ``ids`` maps each address (``chat_agent.<name>``) to its remote id."""

    name: str
    ids: dict[str, str]
    client: Retell = field(repr=False)
    _chat_agents: dict[str, str] = field(default_factory=dict, repr=False)
    #: remote agent id → the version conversations are pinned to (the draft the deploy wrote).
    versions: dict[str, int] = field(default_factory=dict)
    prefix: str = ""

    def version_of(self, agent_id: str) -> int | None:
        """The pinned version of agent ``agent_id`` (``None``: not one this stack deployed)."""
        return self.versions.get(agent_id)

    def id(self, address: str) -> str:
        """The remote id of ``address`` (e.g. ``"agent.Front desk"``)."""
        if address not in self.ids:
            raise ConfigurationError(f"stack {self.name!r} has no {address!r}; it has {sorted(self.ids)}")
        return self.ids[address]

    def address_of(self, agent_id: str | None) -> str | None:
        """The address of the agent with remote id ``agent_id`` (a chat agent made for a voice agent: the voice's)."""
        for name, made in self._chat_agents.items():
            if made == agent_id:
                return f"agent.{name}"
        return next((a for a, i in self.ids.items() if i == agent_id and a.split(".", 1)[0] in _AGENTS), None)

    def _names(self, kind: str) -> list[str]:
        return sorted(a.split(".", 1)[1] for a in self.ids if a.split(".", 1)[0] == kind)

    def chat_agent_id(self, name: str | None = None) -> str:
        """The chat agent ``name`` (default: the stack's only one).

        A stack with no chat agent of that name but a voice agent of it gets a chat agent on the
        voice agent's response engine (created once, so the chat runs the same flow or LLM).
        """
        chats, voices = self._names("chat_agent"), self._names("agent")
        if name is None:
            if len(chats) == 1:
                name = chats[0]
            elif not chats and len(voices) == 1:
                name = voices[0]
            else:
                raise ConfigurationError(
                    f"stack {self.name!r} has {len(chats)} chat agents ({chats}) and {len(voices)} voice agents "
                    f"({voices}): name the agent to chat with"
                )
        if name in chats:
            return self.ids[f"chat_agent.{name}"]
        if name in voices:
            if name not in self._chat_agents:
                from retell_dsl.conversations import engine_of_agent

                voice_id = self.ids[f"agent.{name}"]
                engine = engine_of_agent(self.client, voice_id, self.versions.get(voice_id), chat=False)
                made = self.client.chat_agent.create(response_engine=engine, agent_name=f"{self.prefix}{name} (chat)")  # type: ignore[arg-type]
                self._chat_agents[name] = made.agent_id
                self.versions[made.agent_id] = int(made.version or 0)
            return self._chat_agents[name]
        raise ConfigurationError(
            f"stack {self.name!r} has no agent named {name!r}: chat agents {chats}, voice agents {voices}"
        )


class Deployments:
    """Each distinct stack deployed once per session to ``target`` (state under ``root``)."""

    def __init__(
        self,
        target: Target,
        root: Path,
        *,
        prefix: str = "",
        allow_phone: bool = True,
        on_deploy: OnDeploy | None = None,
    ) -> None:
        self.target = target
        self.root = root
        self.prefix = prefix
        #: Whether stacks may buy phone numbers and launch campaigns (live: only with the opt-in flag).
        self.allow_phone = allow_phone
        self.on_deploy = on_deploy
        self.cache: dict[str, Deployed] = {}
        #: Every stack whose apply started (key → name), finished or not: destroy covers them all.
        self.started: dict[str, str] = {}
        self._client: Retell | None = None

    @property
    def client(self) -> Retell:
        if self._client is None:
            self._client = self.target.client()
        return self._client

    def deploy(self, stack: Stack, *, environ: Any = None) -> Deployed:
        """Plan and apply ``stack`` (a cached result when the same stack was deployed before).

        An invalid stack raises :class:`~retell_dsl.ValidationFailed` naming each issue's file:line.
        """
        from retell_dsl import compile

        compiled = compile(stack)
        if self.prefix:
            compiled = run_scoped(compiled, self.prefix)
        key = hashlib.sha256(compiled.to_json(indent=None).encode()).hexdigest()
        if key not in self.cache:
            costly = sorted(r.address for r in compiled.resources if r.kind in ("phone_number", "batch_call"))
            if costly and not self.allow_phone:
                raise ConfigurationError(
                    f"stack {compiled.name!r} has {', '.join(costly)}: on live Retell that buys numbers or places "
                    "calls; pass --retell-allow-phone-calls to allow it"
                )
            project = Project(self.root / key[:16], environment="pytest", target=self.target.kind)
            self.started[key] = compiled.name
            plan = project.plan(compiled, self.client, environ=environ)
            # Each stack has its own state, and a session's objects are its own (a fresh emulator, or
            # run-scoped names on live): two stacks of a session that share an agent name (a variant of
            # a stack under test) are two deployments, not one object lost from state.
            project.apply(plan, self.client, environ=environ, allow_duplicates=True)
            state = project.state()
            ids = {a: o.remote_id for a, o in state.items() if o.remote_id}
            versions = {
                o.remote_id: o.draft_version for _, o in state.items() if o.remote_id and o.draft_version is not None
            }
            self.cache[key] = Deployed(compiled.name, ids, self.client, versions=versions, prefix=self.prefix)
            if self.on_deploy is not None:
                self.on_deploy(key, compiled, self.cache[key])
        return self.cache[key]

    def destroy(self) -> list[str]:
        """Delete what the session deployed, an apply cut short included; returns the problems (never raises them).

        Chat agents made for voice agents go first, then each stack's own objects (protected kinds too).
        """
        problems: list[str] = []
        for deployed in self.cache.values():
            for agent_id in deployed._chat_agents.values():
                try:
                    self.client.chat_agent.delete(agent_id)
                except Exception as exc:  # one failure must not keep the rest alive
                    problems.append(f"chat agent {agent_id}: {type(exc).__name__}: {exc}")
            deployed._chat_agents.clear()
        for key, name in list(self.started.items()):
            project = Project(self.root / key[:16], environment="pytest", target=self.target.kind)
            try:
                project.apply(project.destroy_plan(name, force=True), self.client)
            except (RetellDSLError, OSError) as exc:
                problems.append(f"stack {name!r}: {exc}")
                continue
            self.started.pop(key)
            self.cache.pop(key, None)
        return problems
