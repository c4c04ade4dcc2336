"""Deploying stacks for a test session (imported by the fixtures, never at plugin load).

:class:`Deployments` plans and applies each distinct stack once per session (keyed by the
compiled stack's JSON) into a state directory of its own; :class:`Deployed` finds the remote
ids of its agents by name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retell_dsl.deploy import Project
from retell_dsl.errors import ConfigurationError

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
                agent = self.client.agent.retrieve(self.ids[f"agent.{name}"])
                engine = agent.response_engine.model_dump(exclude_none=True)
                made = self.client.chat_agent.create(response_engine=engine, agent_name=f"{name} (chat)")  # type: ignore[arg-type]
                self._chat_agents[name] = made.agent_id
            return self._chat_agents[name]
        raise ConfigurationError(
            f"stack {self.name!r} has no agent named {name!r}: chat agents {chats}, voice agents {voices}"
        )


class Deployments:
    """Each distinct stack deployed once per session to ``target`` (state under ``root``)."""

    def __init__(self, target: Target, root: Path, *, on_deploy: OnDeploy | None = None) -> None:
        self.target = target
        self.root = root
        self.on_deploy = on_deploy
        self.cache: dict[str, Deployed] = {}
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
        key = hashlib.sha256(compiled.to_json(indent=None).encode()).hexdigest()
        if key not in self.cache:
            project = Project(self.root / key[:16], environment="pytest", target=self.target.kind)
            plan = project.plan(compiled, self.client, environ=environ)
            project.apply(plan, self.client, environ=environ)
            ids = {a: o.remote_id for a, o in project.state().items() if o.remote_id}
            self.cache[key] = Deployed(compiled.name, ids, self.client)
            if self.on_deploy is not None:
                self.on_deploy(key, compiled, self.cache[key])
        return self.cache[key]

    def destroy(self) -> None:
        """Delete what the session deployed (live targets: nothing is left behind)."""
        for key in list(self.cache):
            project = Project(self.root / key[:16], environment="pytest", target=self.target.kind)
            plan = project.destroy_plan(self.cache.pop(key).name, force=True)
            project.apply(plan, self.client)
