"""Callers from JSON: the documented ``caller`` object of a simulated call, as a :class:`Caller`.

The JSON (``engine_port.CallSession.caller`` in the emulator documents it) is either a script,
``{"type": "script", "steps": [...]}`` with steps ``{"say": text, "after": pattern?}``,
``{"interrupt": text}`` (said over the agent), ``{"press": digits}``, ``{"silence_ms": n}`` and
``{"hang_up": true}`` (each may carry ``after``: wait until an agent utterance contains this
text, or matches it when written as ``/regex/``, and ``within``: how many agent turns to wait), or a persona,
``{"type": "persona", "user_prompt": text, "llm_model": name?}`` (an LLM playing the caller,
with ``model``). Bad JSON raises :class:`~retell_dsl.InvalidArgument` naming the step and key.

>>> import re
>>> caller = caller_from_json({"type": "script", "steps": [{"say": "Hi"}, {"press": "1", "after": "/press \\\\d/"}]})
>>> caller, caller.steps[1].after == re.compile(r"press \\d")
(ScriptCaller(2 steps, 0 done), True)
>>> caller_from_json({"type": "robot"})
Traceback (most recent call last):
...
retell_dsl.InvalidArgument: caller.type must be 'script' or 'persona', got 'robot'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.callers.persona import PersonaCaller
from retell_dsl.sim.callers.script import Condition, ScriptCaller, Step, hang_up, interrupt, press, say, silence
from retell_dsl.sim.models import Model, NoModel

__all__ = ["caller_from_json"]

_ACTIONS = ("say", "interrupt", "press", "silence_ms", "hang_up")


def _condition(value: object, where: str) -> Condition | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise InvalidArgument(f"{where}.after must be a non-empty string (text, or /regex/), got {value!r}")
    if len(value) >= 2 and value.startswith("/") and value.endswith("/"):
        try:
            return re.compile(value[1:-1])
        except re.error as err:
            raise InvalidArgument(f"{where}.after is not a valid regular expression: {err}") from None
    return value


def _step(item: object, where: str) -> Step:
    if not isinstance(item, Mapping):
        raise InvalidArgument(f"{where} must be an object such as {{'say': 'Hello'}}, got {item!r}")
    actions = [key for key in _ACTIONS if key in item]
    if len(actions) != 1:
        raise InvalidArgument(f"{where} needs exactly one of {', '.join(_ACTIONS)}; got keys {sorted(item)}")
    unknown = set(item) - {*_ACTIONS, "after", "within"}
    if unknown:
        raise InvalidArgument(f"{where} has unknown keys {sorted(unknown)}")
    after = _condition(item.get("after"), where)
    within = item.get("within", 3)
    if isinstance(within, bool) or not isinstance(within, int):
        raise InvalidArgument(f"{where}.within must be a whole number of agent turns, got {within!r}")
    action, value = actions[0], item[actions[0]]
    if action in ("say", "interrupt"):
        if not isinstance(value, str):
            raise InvalidArgument(f"{where}.{action} must be text, got {value!r}")
        return (say if action == "say" else interrupt)(value, after=after, within=within)
    if action == "press":
        return press(
            str(value) if isinstance(value, int) and not isinstance(value, bool) else value, after=after, within=within
        )
    if action == "silence_ms":
        return silence(value, after=after, within=within)
    if value is not True:
        raise InvalidArgument(f"{where}.hang_up must be true, got {value!r}")
    return hang_up(after=after, within=within)


def caller_from_json(spec: Mapping[str, Any], model: Model | None = None) -> ScriptCaller | PersonaCaller:
    """The caller ``spec`` describes; a persona plays on ``model`` (``NoModel`` when none is given)."""
    if not isinstance(spec, Mapping):
        raise InvalidArgument(f"a caller is a JSON object with a 'type', got {spec!r}")
    kind = spec.get("type")
    if kind == "script":
        steps = spec.get("steps")
        if not isinstance(steps, list) or not steps:
            raise InvalidArgument("a script caller needs 'steps': a non-empty list of steps")
        return ScriptCaller(*(_step(item, f"caller.steps[{i}]") for i, item in enumerate(steps)))
    if kind == "persona":
        prompt = spec.get("user_prompt")
        llm_model = spec.get("llm_model")
        if llm_model is not None and not isinstance(llm_model, str):
            raise InvalidArgument(f"caller.llm_model must be a model name, got {llm_model!r}")
        if not isinstance(prompt, str):
            raise InvalidArgument("a persona caller needs 'user_prompt': the persona and goal of the simulated user")
        return PersonaCaller(model=model or NoModel(), user_prompt=prompt, llm_model=llm_model)
    raise InvalidArgument(f"caller.type must be 'script' or 'persona', got {kind!r}")
