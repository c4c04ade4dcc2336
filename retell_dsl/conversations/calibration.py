"""Judge calibration: how far a judge model agrees with labelled transcripts, before a team gates CI on it.

The labelled set ships as package data (``data/judge_calibration.json``, written for this
project): each item is a short agent conversation in Retell's message shapes, a criterion, a
``pass`` / ``fail`` label by that criterion and why. :func:`calibrate` judges every item with a
:class:`~retell_dsl.conversations.judge.Judge` and returns a :class:`Calibration`: accuracy,
Cohen's kappa, the confusion table and the items where judge and label disagree. A team can pass
its own file in the same format (:func:`load_items`).

>>> items = load_items()
>>> len(items), sorted({i.label for i in items})
(16, ['fail', 'pass'])
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from retell_dsl.conversations.judge import Judge, Verdict
from retell_dsl.conversations.result import CallResult, events_of
from retell_dsl.conversations.statistics import Agreement, agreement, kappa_strength
from retell_dsl.errors import ConfigurationError
from retell_dsl.sim.models import InvalidModelReply

__all__ = ["Calibration", "CalibrationItem", "ItemOutcome", "calibrate", "load_items"]

_DATA = "judge_calibration.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class CalibrationItem:
    """One labelled transcript: ``label`` is whether it meets ``criterion``; ``why`` says why."""

    id: str
    criterion: str
    label: Literal["pass", "fail"]
    why: str
    result: CallResult

    @classmethod
    def from_json(cls, data: Any, where: str) -> CalibrationItem:
        if not isinstance(data, dict):
            raise ConfigurationError(f"{where}: an item must be an object, got {type(data).__name__}")
        missing = [k for k in ("id", "criterion", "label", "transcript") if k not in data]
        if missing:
            raise ConfigurationError(f"{where}: the item lacks {', '.join(missing)}")
        label = data["label"]
        if label not in ("pass", "fail"):
            raise ConfigurationError(f"{where}: label must be 'pass' or 'fail', got {label!r}")
        if not isinstance(data["transcript"], list) or not data["transcript"]:
            raise ConfigurationError(f"{where}: transcript must be a non-empty list of Retell messages")
        ident = str(data["id"])
        result = CallResult(id=ident, kind="chat", agent_id=None, status="ended", events=events_of(data["transcript"]))
        return cls(id=ident, criterion=str(data["criterion"]), label=label, why=str(data.get("why", "")), result=result)


def load_items(path: str | Path | None = None) -> tuple[CalibrationItem, ...]:
    """The labelled items of ``path`` (a JSON file: ``{"items": [...]}``), else the set shipped with retell-dsl."""
    if path is None:
        text = resources.files("retell_dsl.conversations").joinpath("data", _DATA).read_text(encoding="utf-8")
        where = f"retell_dsl/conversations/data/{_DATA}"
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(f"cannot read the labelled set {where}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigurationError(f"{where}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    raw = data.get("items") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        raise ConfigurationError(f'{where}: expected an object with a non-empty "items" list')
    items = tuple(CalibrationItem.from_json(item, f"{where}: item {i + 1}") for i, item in enumerate(raw))
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ConfigurationError(f"{where}: the id {item.id!r} is used twice")
        seen.add(item.id)
    return items


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """The judge's verdict on one item, or why it gave none (an invalid reply)."""

    item: CalibrationItem
    verdict: Verdict | None
    problem: str = ""

    @property
    def agrees(self) -> bool | None:
        return None if self.verdict is None else self.verdict.passed == (self.item.label == "pass")


@dataclass(frozen=True, slots=True)
class Calibration:
    """The outcomes of one calibration run and their agreement with the labels."""

    model: str
    outcomes: tuple[ItemOutcome, ...]

    @property
    def judged(self) -> tuple[ItemOutcome, ...]:
        return tuple(o for o in self.outcomes if o.verdict is not None)

    @property
    def agreement(self) -> Agreement:
        judged = self.judged
        return agreement(
            [o.item.label == "pass" for o in judged], [o.verdict.passed for o in judged if o.verdict is not None]
        )

    @property
    def disagreements(self) -> tuple[ItemOutcome, ...]:
        return tuple(o for o in self.outcomes if o.agrees is False)

    def render(self, width: int = 80) -> str:
        """The report, plain text no wider than ``width`` columns."""
        a = self.agreement
        kappa = "n/a" if a.kappa is None else f"{a.kappa:.2f}"
        accuracy = "n/a" if a.accuracy is None else f"{a.accuracy * 100:.1f}%"
        lines = [
            f"Judge calibration of model {self.model}: {len(self.outcomes)} labelled transcripts",
            "",
            f"  agreement      {a.agreed}/{a.total} = {accuracy}",
            f"  Cohen's kappa  {kappa} ({kappa_strength(a.kappa)})",
            "",
            "                 judge: pass  judge: fail",
            f"  label: pass    {a.pass_pass:>11}  {a.pass_fail:>11}",
            f"  label: fail    {a.fail_pass:>11}  {a.fail_fail:>11}",
        ]
        if missing := [o for o in self.outcomes if o.verdict is None]:
            lines += ["", f"No verdict ({len(missing)}):"]
            for o in missing:
                lines += _wrapped(f"{o.item.id}: {o.problem}", width, "  ", "    ")
        if self.disagreements:
            lines += ["", f"Disagreements ({len(self.disagreements)}):"]
            for o in self.disagreements:
                assert o.verdict is not None
                said = "pass" if o.verdict.passed else "fail"
                lines.append(f"  {o.item.id}: labelled {o.item.label}, judged {said}"[:width])
                lines += _wrapped(f"criterion: {o.item.criterion}", width, "    ", "      ")
                lines += _wrapped(f"label: {o.item.why}", width, "    ", "      ")
                lines += _wrapped(f"judge: {o.verdict.reason}", width, "    ", "      ")
        else:
            lines += ["", "No disagreements."]
        return "\n".join(lines)


def _wrapped(text: str, width: int, first: str, rest: str) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), width, initial_indent=first, subsequent_indent=rest) or [first]


def calibrate(judge: Judge, items: Sequence[CalibrationItem]) -> Calibration:
    """Judge every item; a reply that is no verdict is recorded as such, any other model failure raises."""
    outcomes = []
    for item in items:
        try:
            outcomes.append(ItemOutcome(item, judge.verdict(item.result, item.criterion)))
        except InvalidModelReply as exc:
            outcomes.append(ItemOutcome(item, None, str(exc)))
    return Calibration(judge.name, tuple(outcomes))
