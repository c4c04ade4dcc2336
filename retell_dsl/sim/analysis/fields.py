"""The fields of a post-call (or post-chat) analysis, read from the agent's wire configuration.

An agent's ``post_call_analysis_data`` (chat agents: ``post_chat_analysis_data``) lists custom
fields — ``string`` (with ``examples``), ``enum`` (``choices``), ``boolean``, ``number``, each
with ``name``, ``description`` and optional ``required`` / ``conditional_prompt`` — and may
override the system presets (``type: "system-presets"``). The presets are always analysed:
``call_summary``, ``call_successful``, ``user_sentiment`` for calls; ``chat_summary``,
``chat_successful``, ``user_sentiment`` for chats. A preset is required unless its item says
``required: false``; a custom field is optional unless it says ``required: true``. A
``conditional_prompt`` only matters for optional fields (Retell ignores it when required).

>>> fields = analysis_fields([{"type": "enum", "name": "topic", "description": "Why they called",
...                            "choices": ["booking", "refund"], "required": True}], kind="call")
>>> [(f.name, f.type, f.required, f.preset) for f in fields]  # doctest: +NORMALIZE_WHITESPACE
[('call_summary', 'string', True, True), ('call_successful', 'boolean', True, True),
 ('user_sentiment', 'enum', True, True), ('topic', 'enum', True, False)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from retell_dsl.errors import InvalidSpec

__all__ = ["SENTIMENTS", "AnalysisField", "AnalysisKind", "InvalidAnalysisConfig", "analysis_fields", "preset_names"]

AnalysisKind = Literal["call", "chat"]
FieldType = Literal["string", "enum", "boolean", "number"]
SENTIMENTS = ("Negative", "Positive", "Neutral", "Unknown")


class InvalidAnalysisConfig(InvalidSpec):
    """The agent's analysis configuration is not what Retell accepts (names the item and the fix)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AnalysisField:
    """One field to analyse: a preset or a custom field.

    >>> AnalysisField(name="vip", type="boolean", description="Is the caller a VIP?").required
    False
    """

    name: str
    type: FieldType
    description: str
    required: bool = False
    conditional_prompt: str | None = None
    examples: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    preset: bool = False


def _presets(kind: AnalysisKind) -> tuple[AnalysisField, ...]:
    noun = kind
    return (
        AnalysisField(
            name=f"{noun}_summary",
            type="string",
            description=f"A high level summary of the {noun}.",
            required=True,
            preset=True,
        ),
        AnalysisField(
            name=f"{noun}_successful",
            type="boolean",
            description=(
                f"Whether the agent seems to have had a successful {noun} with the user, where the agent "
                f"finishes the task, and the {noun} was complete without being cut off."
            ),
            required=True,
            preset=True,
        ),
        AnalysisField(
            name="user_sentiment",
            type="enum",
            description=f"Sentiment of the user in the {noun}.",
            required=True,
            choices=SENTIMENTS,
            preset=True,
        ),
    )


def preset_names(kind: AnalysisKind) -> tuple[str, ...]:
    """The preset names of ``kind``.

    >>> preset_names("chat")
    ('chat_summary', 'chat_successful', 'user_sentiment')
    """
    return tuple(f.name for f in _presets(kind))


def _text(item: Mapping[str, Any], key: str, where: str, *, required: bool) -> str | None:
    value = item.get(key)
    if value is None:
        if required:
            raise InvalidAnalysisConfig(f"{where}: {key!r} is required")
        return None
    if not isinstance(value, str):
        raise InvalidAnalysisConfig(f"{where}: {key!r} must be a string, got {type(value).__name__}")
    return value


def _strings(item: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = item.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidAnalysisConfig(f"{where}: {key!r} must be a list of strings, got {value!r}")
    return tuple(value)


def _flag(item: Mapping[str, Any], key: str, where: str) -> bool | None:
    value = item.get(key)
    if value is not None and not isinstance(value, bool):
        raise InvalidAnalysisConfig(f"{where}: {key!r} must be true or false, got {value!r}")
    return value


def analysis_fields(items: Iterable[Mapping[str, Any]] | None, *, kind: AnalysisKind = "call") -> list[AnalysisField]:
    """The presets (with any overrides), then the custom fields in order.

    Raises :class:`InvalidAnalysisConfig` for an item Retell would reject: an unknown type, a
    missing name or description, an enum without choices, a duplicate name, a preset name of
    the other kind.

    >>> analysis_fields([{"type": "string", "name": "x"}])
    Traceback (most recent call last):
    ...
    retell_dsl.sim.analysis.fields.InvalidAnalysisConfig: post_call_analysis_data[0] ('x'): 'description' is required
    """
    presets = {f.name: f for f in _presets(kind)}
    custom: list[AnalysisField] = []
    seen: set[str] = set()
    key = "post_call_analysis_data" if kind == "call" else "post_chat_analysis_data"
    for index, item in enumerate(items or ()):
        if not isinstance(item, Mapping):
            raise InvalidAnalysisConfig(f"{key}[{index}] must be an object, got {type(item).__name__}")
        name = item.get("name")
        where = f"{key}[{index}]" + (f" ({name!r})" if isinstance(name, str) else "")
        name = _text(item, "name", where, required=True)
        assert name is not None
        kind_of = item.get("type")
        if name in seen:
            raise InvalidAnalysisConfig(f"{where}: the name {name!r} is used twice")
        seen.add(name)
        conditional = _text(item, "conditional_prompt", where, required=False)
        required = _flag(item, "required", where)
        if kind_of == "system-presets":
            if name not in presets:
                raise InvalidAnalysisConfig(
                    f"{where}: {name!r} is not a {kind} preset; use one of {', '.join(preset_names(kind))}"
                )
            base = presets[name]
            description = _text(item, "description", where, required=False) or base.description
            presets[name] = replace(
                base,
                description=description,
                required=base.required if required is None else required,
                conditional_prompt=conditional,
            )
            continue
        if kind_of not in ("string", "enum", "boolean", "number"):
            raise InvalidAnalysisConfig(
                f"{where}: unknown type {kind_of!r}; use string, enum, boolean, number or system-presets"
            )
        if name in presets:
            raise InvalidAnalysisConfig(f"{where}: {name!r} is a preset name; give the item type 'system-presets'")
        text = _text(item, "description", where, required=True)
        assert text is not None
        choices = _strings(item, "choices", where)
        if kind_of == "enum" and not choices:
            raise InvalidAnalysisConfig(f"{where}: an enum needs a non-empty 'choices' list")
        custom.append(
            AnalysisField(
                name=name,
                type=kind_of,
                description=text,
                required=bool(required),
                conditional_prompt=conditional,
                examples=_strings(item, "examples", where) if kind_of == "string" else (),
                choices=choices if kind_of == "enum" else (),
            )
        )
    return [*presets.values(), *custom]
