"""The local engine of an emulator target, re-plugged per test: its model and its tool mocks.

:class:`ToolMocks` answers custom tools in process with Retell's mock matching (``any`` or
``partial_match``: a subset of the arguments, compared as JSON, first match wins) or with a
Python callable, and remembers which mocks were used so a test can fail on one nobody called.

>>> mocks = ToolMocks()
>>> mock = mocks.add("book", output={"ok": True}, args={"day": "Mon"})
>>> mocks.handler("book")({"day": "Mon", "time": "9"}, {})
{'ok': True}
>>> [m.describe() for m in mocks.unused()]
[]
>>> mocks.add("cancel", output="done").describe()
"cancel (any args) -> 'done'"
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from retell_dsl.errors import ConfigurationError
from retell_dsl.sim.models import Model, NoModel, OpenAICompatible, default_model
from retell_dsl.sim.tools.mocks import ToolMock
from retell_dsl.simulator import LocalEngine

if TYPE_CHECKING:
    from retell_dsl.target import Target

__all__ = ["MockedTool", "ModelSwitch", "ToolMocks", "configured_model", "plug_engine"]


@dataclass(eq=False)
class MockedTool:
    """One registered mock: Retell's matching plus an ``output`` (any JSON value) or a ``call``able."""

    mock: ToolMock
    value: Any = None
    call: Callable[[Mapping[str, Any], Mapping[str, Any]], Any] | None = None
    uses: int = 0

    def describe(self) -> str:
        rule = "any args" if self.mock.match == "any" else f"args ⊇ {json.dumps(dict(self.mock.args), sort_keys=True)}"
        answer = getattr(self.call, "__name__", "a callable") + "()" if self.call else repr(self.value)
        return f"{self.mock.tool_name} ({rule}) -> {answer}"


class ToolMocks:
    """Tool mocks for one test (see the module docs); :meth:`unused` lists those never called."""

    def __init__(self) -> None:
        self.mocks: list[MockedTool] = []
        self._table: dict[str, Any] | None = None

    def bind(self, table: dict[str, Any]) -> None:
        """Answer through an engine's handler table (by tool name), now and for mocks added later."""
        self._table = table
        for name in self.names():
            table[name] = self.handler(name)

    def add(
        self,
        tool: str,
        output: Any = None,
        *,
        args: Mapping[str, Any] | None = None,
        call: Callable[[Mapping[str, Any], Mapping[str, Any]], Any] | None = None,
    ) -> MockedTool:
        """Answer calls of ``tool`` (args including ``args``, if given) with ``output`` or ``call(args, call)``."""
        if (output is None) == (call is None):
            raise ConfigurationError(f"a mock of tool {tool!r} takes exactly one of output= or call=")
        text = output if isinstance(output, str) else json.dumps(output)
        match: Literal["any", "partial_match"] = "partial_match" if args else "any"
        entry = MockedTool(ToolMock(tool_name=tool, output=text, match=match, args=dict(args or {})), output, call)
        self.mocks.append(entry)
        if self._table is not None:
            self._table[tool] = self.handler(tool)
        return entry

    def names(self) -> list[str]:
        return sorted({m.mock.tool_name for m in self.mocks})

    def handler(self, tool: str) -> Callable[[Mapping[str, object], Mapping[str, object]], object]:
        """The engine's handler for ``tool``: the first matching mock answers; none matching fails the tool."""

        def answer(args: Mapping[str, object], call: Mapping[str, object]) -> object:
            for entry in self.mocks:
                if entry.mock.matches(tool, args):
                    entry.uses += 1
                    return entry.call(args, call) if entry.call else entry.value
            listed = "; ".join(m.describe() for m in self.mocks if m.mock.tool_name == tool)
            raise LookupError(f"no mock of tool {tool!r} matches args {json.dumps(dict(args))} (mocks: {listed})")

        answer.__name__ = f"mock_{tool}"
        return answer

    def unused(self) -> list[MockedTool]:
        return [m for m in self.mocks if m.uses == 0]


class ModelSwitch:
    """The engine's model: the test's scripted model when it has one, else the configured model.

    ``errors`` records every model failure (e.g. a request no scripted rule matches), which ends
    a conversation with Retell's reason but no words on the wire: a test report can show them.
    """

    def __init__(self, fallback: Model) -> None:
        self.fallback = fallback
        self.current: Model | None = None
        self.errors: list[str] = []

    def __repr__(self) -> str:
        return f"model for this test: {self.current or self.fallback!r}"

    async def complete(self, request: Any) -> Any:
        try:
            return await (self.current or self.fallback).complete(request)
        except Exception as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")
            raise


def configured_model(name: str | None = None, environ: Mapping[str, str] | None = None) -> Model:
    """The engine's model: ``name`` on the OpenAI-compatible server ``OPENAI_BASE_URL``, else the environment's default.

    >>> configured_model("llama3", {})
    Traceback (most recent call last):
    ...
    retell_dsl.ConfigurationError: --retell-model 'llama3' needs OPENAI_BASE_URL (an OpenAI-compatible server) ...
    >>> type(configured_model(None, {})).__name__
    'NoModel'
    """
    import os

    env = os.environ if environ is None else environ
    if name:
        if not (env.get("OPENAI_BASE_URL") or env.get("OPENAI_API_KEY")):
            raise ConfigurationError(
                f"--retell-model {name!r} needs OPENAI_BASE_URL (an OpenAI-compatible server) or OPENAI_API_KEY "
                "in the environment; without a model, script the test's turns with the retell_model fixture"
            )
        return OpenAICompatible(model=name, environ=env)
    model = default_model(env)
    return model if not isinstance(model, NoModel) else NoModel()


def plug_engine(target: Target, mocks: ToolMocks, fallback: Model) -> tuple[LocalEngine, ModelSwitch]:
    """Plug a fresh local engine into ``target``'s emulator, answering tools with ``mocks``.

    Its model is the returned switch: ``fallback`` until a test sets ``switch.current`` (e.g. a
    :class:`~retell_dsl.sim.models.ScriptedModel`). Mocks added later still answer.
    """
    switch = ModelSwitch(fallback)
    engine = LocalEngine(switch)
    table = engine.factory.handlers
    if not isinstance(table, dict):  # pragma: no cover - LocalEngine always builds a dict
        raise TypeError("the engine's handler table is not a dict")
    mocks.bind(table)
    target.emulator.use_engine(engine)
    return engine, switch
