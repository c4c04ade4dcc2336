"""Which Retell API a command talks to: the embedded emulator (default) or the live service.

``auto`` picks the live API when ``RETELL_API_KEY`` is set and the emulator otherwise.
The emulator target persists to ``.retell/emulator.sqlite`` so state survives between
commands. The API key is read from the environment only and never shown.

>>> t = resolve_target("emulator", emulator_db=":memory:", environ={})
>>> t.kind, t.describe()
('emulator', 'embedded Retell emulator (in memory)')
>>> resolve_target("auto", environ={"RETELL_API_KEY": "key_secret"}).describe()
'live Retell API at https://api.retellai.com'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from retell_dsl.errors import ConfigurationError

if TYPE_CHECKING:
    from retell import AsyncRetell, Retell

    from retell_dsl.emulator import Emulator

__all__ = [
    "DEFAULT_EMULATOR_DB",
    "ENGINE_ENV",
    "LIVE_BASE_URL",
    "LOCAL_EMULATOR_KEY",
    "Target",
    "TargetName",
    "resolve_target",
]

#: Set to ``off`` for an emulator target without the local conversation engine.
ENGINE_ENV = "RETELL_DSL_ENGINE"

TargetName = Literal["auto", "emulator", "live"]
DEFAULT_EMULATOR_DB = Path(".retell") / "emulator.sqlite"
LIVE_BASE_URL = "https://api.retellai.com"
#: The fixed key of the persisted local emulator: it guards nothing and is not a secret.
LOCAL_EMULATOR_KEY = "key_local_emulator"


@dataclass
class Target:
    """A resolved target; make clients from it with :meth:`client` / :meth:`async_client`."""

    kind: Literal["emulator", "live"]
    base_url: str | None = None
    emulator_db: str | None = None
    engine: bool = True
    _api_key: str | None = field(default=None, repr=False)
    _emulator: Emulator | None = field(default=None, repr=False)

    def describe(self) -> str:
        """One line for humans; never contains a secret."""
        if self.kind == "live":
            return f"live Retell API at {self.base_url or LIVE_BASE_URL}"
        where = "in memory" if self.emulator_db in (None, ":memory:") else f"at {self.emulator_db}"
        return f"embedded Retell emulator ({where})"

    @property
    def emulator(self) -> Emulator:
        """The in-process emulator behind an emulator target (created on first use).

        It holds conversations with the local engine (:class:`~retell_dsl.simulator.LocalEngine`)
        on the model the environment configures (none: the places that need one say so). With
        ``RETELL_DSL_ENGINE=off`` it has no engine: calls stay ``registered`` until driven by hand
        (``Emulator.start_call``/``end_call``) and conversational endpoints answer 501.
        """
        if self.kind != "emulator":
            raise ConfigurationError("this target is the live Retell API, not the emulator")
        if self._emulator is None:
            from retell_dsl.emulator import Emulator

            engine = None
            if self.engine:
                from retell_dsl.simulator import LocalEngine

                engine = LocalEngine()
            self._emulator = Emulator(self.emulator_db or ":memory:", api_key=LOCAL_EMULATOR_KEY, engine=engine)
        return self._emulator

    def client(self, **kwargs: Any) -> Retell:
        """A ``retell.Retell`` client for this target."""
        if self.kind == "emulator":
            return self.emulator.client(**kwargs)
        from retell import Retell

        return Retell(api_key=self._api_key, base_url=self.base_url or LIVE_BASE_URL, **kwargs)

    def async_client(self, **kwargs: Any) -> AsyncRetell:
        """A ``retell.AsyncRetell`` client for this target."""
        if self.kind == "emulator":
            return self.emulator.async_client(**kwargs)
        from retell import AsyncRetell

        return AsyncRetell(api_key=self._api_key, base_url=self.base_url or LIVE_BASE_URL, **kwargs)


def resolve_target(
    target: TargetName | str = "auto",
    *,
    emulator_db: str | Path = DEFAULT_EMULATOR_DB,
    environ: Mapping[str, str] | None = None,
) -> Target:
    """Resolve ``auto`` / ``emulator`` / ``live`` against the environment."""
    env = os.environ if environ is None else environ
    key = env.get("RETELL_API_KEY") or None
    base_url = env.get("RETELL_BASE_URL") or None
    if target == "auto":
        target = "live" if key else "emulator"
    if target == "live":
        if not key:
            raise ConfigurationError(
                "--target live needs RETELL_API_KEY in the environment (the key is never read from flags or files)"
            )
        return Target("live", base_url=base_url, _api_key=key)
    if target == "emulator":
        engine = env.get(ENGINE_ENV, "on").strip().lower() not in ("off", "0", "false", "none")
        return Target("emulator", emulator_db=str(emulator_db), engine=engine)
    raise ConfigurationError(f"unknown target {target!r}: use auto, emulator or live")
