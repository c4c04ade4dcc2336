"""Typed data fields: what to extract into dynamic variables, and what post-call analysis reports.

The same four shapes serve extraction (``ExtractVariables`` tool, ``Extract`` flow node) and the
agent's post-call analysis; ``SystemPreset`` is analysis-only.

>>> StringField(name="preferred_date", description="Date the caller wants, YYYY-MM-DD")
StringField(name='preferred_date', description='Date the caller wants, YYYY-MM-DD')
>>> EnumField(name="reason", description="Why they call", choices=("book", "cancel")).choices
('book', 'cancel')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from retell_dsl.builders.base import UNSET, Spec, Unset, one_of, require_str
from retell_dsl.errors import InvalidSpec

__all__ = [
    "AnalysisField",
    "BooleanField",
    "DataField",
    "EnumField",
    "NumberField",
    "StringField",
    "SystemPreset",
]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class _Field(Spec):
    TYPE: ClassVar[str] = ""

    name: str
    description: str
    required: bool | Unset = UNSET
    conditional_prompt: str | Unset = UNSET

    def _check(self) -> None:
        require_str(self.name, f"{type(self).__name__} name")
        require_str(self.description, f"{type(self).__name__} {self.name!r} description", allow_empty=True)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class StringField(_Field):
    """A free-text value, with optional examples.

    >>> StringField(name="name", description="Caller's full name", examples=("Ada Lovelace",)).examples
    ('Ada Lovelace',)
    """

    TYPE: ClassVar[str] = "string"
    examples: tuple[str, ...] | Unset = UNSET


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class EnumField(_Field):
    """One of a fixed set of choices.

    >>> EnumField(name="tier", description="Plan", choices=("free", "pro")).TYPE
    'enum'
    """

    TYPE: ClassVar[str] = "enum"
    choices: tuple[str, ...] = ()

    def _check(self) -> None:
        _Field._check(self)
        if not self.choices:
            raise InvalidSpec(f"EnumField {self.name!r} needs at least one choice")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class BooleanField(_Field):
    """A yes/no value.

    >>> BooleanField(name="consent", description="Caller agreed").TYPE
    'boolean'
    """

    TYPE: ClassVar[str] = "boolean"


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class NumberField(_Field):
    """A numeric value.

    >>> NumberField(name="party_size", description="How many people").TYPE
    'number'
    """

    TYPE: ClassVar[str] = "number"


PRESETS = ("call_summary", "call_successful", "user_sentiment")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class SystemPreset(Spec):
    """One of Retell's built-in analysis outputs, optionally with a custom description.

    >>> SystemPreset(name="call_summary", description="Summarise in one sentence")
    SystemPreset(name='call_summary', description='Summarise in one sentence')
    """

    TYPE: ClassVar[str] = "system-presets"
    name: Literal["call_summary", "call_successful", "user_sentiment"]
    description: str | Unset = UNSET
    required: bool | Unset = UNSET
    conditional_prompt: str | Unset = UNSET

    def _check(self) -> None:
        one_of(self.name, PRESETS, "SystemPreset name")


DataField = StringField | EnumField | BooleanField | NumberField
"""A field extracted into a dynamic variable."""
AnalysisField = StringField | EnumField | BooleanField | NumberField | SystemPreset
"""A post-call analysis field."""
DATA_FIELD_TYPES = (StringField, EnumField, BooleanField, NumberField)
ANALYSIS_FIELD_TYPES = (*DATA_FIELD_TYPES, SystemPreset)
