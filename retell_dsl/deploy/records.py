"""The on-disk boundary: versioned pydantic models for the state file, journal records and saved plans.

Everything retell-dsl reads back from disk goes through these models. They accept *additive*
changes (unknown keys are kept, so a newer minor release's fields survive a rewrite) and reject
what they cannot read — invalid JSON or UTF-8, the wrong shape, a missing or wrong-typed field, a
newer major ``version`` — with one :class:`StateCorrupted` naming the file, what is wrong and how
to recover. Files written before the ``version`` key existed carry ``format`` instead; both are read.

>>> read_state_text('{"version": 1, "environment": "dev", "resources": {}, "later": 1}', "dev.json").environment
'dev'
>>> read_state_text('[]', "dev.json")
Traceback (most recent call last):
...
retell_dsl.deploy.records.StateCorrupted: dev.json is not a retell-dsl state file: ...
"""

from __future__ import annotations

import json
from typing import Any, Literal, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from retell_dsl.errors import ConfigurationError

__all__ = [
    "FORMAT_VERSION",
    "JournalRecord",
    "Owned",
    "PlanRecord",
    "StateCorrupted",
    "StateRecord",
    "parse_json",
    "read_journal_line",
    "read_plan_text",
    "read_state_text",
]

#: The major version of every file below; a file with a higher one was written by a newer retell-dsl.
FORMAT_VERSION = 1

RECOVER_STATE = (
    "restore it from version control or a backup; or move it away and adopt the existing objects again with "
    "`retell-dsl import --agent ID -o app.py --env ENV`"
)
RECOVER_PLAN = "make a new plan with `retell-dsl plan APP --out PLAN`"


class StateCorrupted(ConfigurationError):
    """A state file, journal or saved plan cannot be read; nothing was changed remotely."""


class _Versioned(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    version: int = Field(default=FORMAT_VERSION, validation_alias=AliasChoices("version", "format"))


class Owned(BaseModel):
    """One resource this environment owns (or is in the middle of creating)."""

    model_config = ConfigDict(extra="allow")

    kind: Literal[
        "knowledge_base", "llm", "component", "conversation_flow", "agent", "chat_agent", "phone_number", "batch_call"
    ]
    remote_id: str | None = None
    #: The payload last applied (refs resolved, secrets sealed as ``$env:NAME@digest``), for diffs and drift.
    payload: dict[str, Any] | None = None
    hash: str | None = None
    #: ``applied`` normally; ``creating`` between the create intent and its outcome.
    status: str = "applied"
    intent_at_ms: int | None = None
    #: Agents: the draft version apply last wrote, and the version last published.
    draft_version: int | None = None
    published_version: int | None = None
    extra: dict[str, Any] = Field(default_factory=dict)


class StateRecord(_Versioned):
    """``.retell/state/<environment>.json``."""

    environment: str
    resources: dict[str, Owned] = Field(default_factory=dict)
    meta: dict[str, Any] = Field(default_factory=dict)


class JournalRecord(_Versioned):
    """One line of ``<environment>.journal``: ``put`` a whole record, ``forget`` one, or set a ``meta`` key."""

    op: Literal["put", "forget", "meta"]
    address: str | None = None
    key: str | None = None
    value: Any = None


class PlanRecord(_Versioned):
    """A plan saved by ``plan --out`` (steps are read by :meth:`Plan.from_json`)."""

    stack: str
    environment: str
    target: str
    steps: list[dict[str, Any]]
    warnings: list[str] = Field(default_factory=list)
    stack_hash: str = ""
    unchanged: list[str] = Field(default_factory=list)
    state_serial: int | None = None


_Record = TypeVar("_Record", bound=BaseModel)


def _problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    return f"{where}: {first['msg']}"


def parse_json(text: str, what: str, recover: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise StateCorrupted(f"{what} is not valid JSON ({exc}); {recover}") from None


def _check_version(data: Any, what: str, recover: str) -> None:
    if isinstance(data, dict):
        version = data.get("version", data.get("format", FORMAT_VERSION))
        if isinstance(version, int) and version > FORMAT_VERSION:
            raise StateCorrupted(
                f"{what} was written by a newer retell-dsl (format {version}; this one reads {FORMAT_VERSION}); "
                f"upgrade retell-dsl to use it (or {recover})"
            )


def _read_record(text: str, what: str, model: type[_Record], label: str, recover: str) -> _Record:
    """Parse, version-check and validate one JSON document; StateCorrupted says what is wrong and ``recover``."""
    data = parse_json(text, what, recover)
    _check_version(data, what, recover)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise StateCorrupted(f"{what} is not {label}: {_problem(exc)}; {recover}") from None


def read_state_text(text: str, what: str) -> StateRecord:
    return _read_record(text, what, StateRecord, "a retell-dsl state file", RECOVER_STATE)


def read_journal_line(line: str, what: str) -> JournalRecord:
    data = parse_json(line, what, RECOVER_STATE)
    _check_version(data, what, RECOVER_STATE)
    try:
        record = JournalRecord.model_validate(data)
        if record.op == "put":
            Owned.model_validate(record.value)
    except ValidationError as exc:
        raise StateCorrupted(f"{what} holds an unreadable record: {_problem(exc)}; {RECOVER_STATE}") from None
    if (record.op in ("put", "forget") and not record.address) or (record.op == "meta" and not record.key):
        raise StateCorrupted(f"{what} holds an incomplete {record.op!r} record; {RECOVER_STATE}")
    return record


def read_plan_text(text: str, what: str) -> PlanRecord:
    return _read_record(text, what, PlanRecord, "a retell-dsl plan", RECOVER_PLAN)
