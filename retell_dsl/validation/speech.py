"""Agent speech rules: voice ids (RD410 error / RD411 warning) and languages (RD412).

Voice ids are checked against Retell's catalogue (:mod:`retell_dsl.wire.voices`): an id one
letter away from a known voice is an error with "did you mean"; an id of a known provider's form
that the catalogue does not list (a new voice, a cloned ``custom_voice_*``) is only a warning,
since Retell's list is per account. ``apply`` checks the same ids against the target's own list.

>>> from retell_dsl import Agent, RetellLLM, validate
>>> agent = Agent(name="a", voice="11labs-Marisa", engine=RetellLLM(name="l"))
>>> print(validate(agent).errors[0].message)
voice '11labs-Marisa' is not a Retell voice
"""

from __future__ import annotations

import typing
from functools import cache

from retell_dsl.builders.agent import Agent
from retell_dsl.builders.base import UNSET
from retell_dsl.validation._collect import Collector
from retell_dsl.validation.issues import path
from retell_dsl.wire.hints import did_you_mean
from retell_dsl.wire.voices import CATALOGUE, classify, provider_of

__all__ = ["LANGUAGE_HINT", "check_speech", "languages"]

LANGUAGE_HINT = "retell_dsl.validation.languages() lists every locale"


@cache
def languages() -> tuple[str, ...]:
    """The locales Retell accepts for an agent's ``language`` (from retell-sdk's ``AgentCreateParams``)."""
    from retell_dsl.wire.sdk_types import sdk_types

    (agent_create_params,) = sdk_types("agent_create_params")  # not the whole SDK: lint stays quick
    hint = typing.get_type_hints(agent_create_params.AgentCreateParams)["language"]
    found: list[str] = []
    for arg in typing.get_args(hint) or (hint,):
        if typing.get_origin(arg) is typing.Literal:
            found.extend(str(v) for v in typing.get_args(arg))
    return tuple(dict.fromkeys(found))


def check_speech(c: Collector, agent: Agent) -> bool:
    """Voice ids and languages of one agent; True when a language issue was reported."""
    where = f"agent '{agent.name}'"
    _voice(c, path(where, "voice"), agent, agent.voice, "voice")
    if agent.fallback_voices is not UNSET:
        for i, voice in enumerate(agent.fallback_voices):
            _voice(c, path(where, f"fallback_voices[{i}]"), agent, voice, "fallback voice")
    return _languages(c, where, agent)


def _voice(c: Collector, where: str, agent: Agent, voice: object, what: str) -> None:
    if not isinstance(voice, str) or "{{" in voice:
        return
    found = classify(voice)
    if found.kind == "known":
        return
    if found.kind == "unknown":
        hint = (
            f"did you mean {found.near[0]!r}?"
            if found.near
            else ("use an id from `retell-dsl voices list`, e.g. '11labs-Adrian', or a cloned 'custom_voice_…' id")
        )
        c.add("RD410", where, f"{what} {voice!r} is not a Retell voice", at=agent, hint=hint)
        return
    if provider_of(voice) == "custom":
        message = f"{what} {voice!r} is a custom (cloned or added) voice: lint cannot know it exists"
    else:
        message = f"{what} {voice!r} is not in retell-dsl's voice catalogue ({len(CATALOGUE)} known ids)"
    c.add(
        "RD411",
        where,
        message,
        at=agent,
        hint="if the voice is in your account's `retell-dsl voices list`, ignore this warning; apply checks it",
    )


def _languages(c: Collector, where: str, agent: Agent) -> bool:
    value = agent.language
    if value is UNSET:
        return False
    items = value if isinstance(value, tuple) else (value,)
    allowed = languages()
    reported = False
    for i, item in enumerate(items):
        if not isinstance(item, str) or item in allowed:
            continue
        here = path(where, f"language[{i}]" if isinstance(value, tuple) else "language")
        close = did_you_mean(item, allowed, ignore_case=True)
        c.add(
            "RD412",
            here,
            f"language {item!r} is not a locale Retell knows",
            at=agent,
            hint=f"{close} ({LANGUAGE_HINT})" if close else f"write a locale like 'en-US'; {LANGUAGE_HINT}",
        )
        reported = True
    return reported
