"""pytest-retell: test Retell voice agents with pytest, offline against the embedded emulator.

The fixtures come from the ``pytest11`` entry point (:mod:`pytest_retell.plugin`). The names a
test file needs are importable from here, loaded on first use (so the plugin stays light):
:class:`Rule` / :class:`ScriptedModel` (script the agent's turns), :class:`ToolMocks`, and the
results (:class:`CallResult`, its :class:`Expect` cursor, a :class:`ChatConversation`); the
syrupy extensions (:class:`TranscriptSnapshotExtension`, :class:`PayloadSnapshotExtension`); the
Hypothesis strategies (:func:`callers`, :func:`utterances`, :func:`paraphrases`, :func:`asr_noise`,
:func:`dtmf`, :func:`phone_numbers`, :func:`dates`, :func:`dynamic_variables`) and their types
(:class:`CallerScript`, :class:`E164`, :class:`DtmfDigits`).

>>> from pytest_retell import Rule
>>> Rule(node="greet").say("Hi!").describe()
"node='greet' → say 'Hi!'"

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_retell.properties import RetellExamples
    from pytest_retell.snapshots import PayloadSnapshotExtension, TranscriptSnapshotExtension
    from pytest_retell.strategies import CallerScript, CallerStep, asr_noise, callers, paraphrases, utterances
    from pytest_retell.values import E164, DtmfDigits, dates, dtmf, phone_numbers
    from pytest_retell.variables import declared_variables, dynamic_variables
    from retell_dsl.conversations import CallResult, ChatConversation, Expect, Rule, ScriptedModel, ToolMocks

#: public name → the module that defines it (imported when the name is first used).
_FROM = {
    **dict.fromkeys(("CallResult", "ChatConversation", "Expect", "Rule", "ScriptedModel", "ToolMocks"),
                    "retell_dsl.conversations"),
    **dict.fromkeys(("PayloadSnapshotExtension", "TranscriptSnapshotExtension"), "pytest_retell.snapshots"),
    **dict.fromkeys(("CallerScript", "CallerStep", "asr_noise", "callers", "paraphrases", "utterances"),
                    "pytest_retell.strategies"),
    **dict.fromkeys(("E164", "DtmfDigits", "dates", "dtmf", "phone_numbers"), "pytest_retell.values"),
    "dynamic_variables": "pytest_retell.variables",
    "declared_variables": "pytest_retell.variables",
    "RetellExamples": "pytest_retell.properties",
}  # fmt: skip

__all__ = [
    "E164",
    "CallResult",
    "CallerScript",
    "CallerStep",
    "ChatConversation",
    "DtmfDigits",
    "Expect",
    "PayloadSnapshotExtension",
    "RetellExamples",
    "Rule",
    "ScriptedModel",
    "ToolMocks",
    "TranscriptSnapshotExtension",
    "asr_noise",
    "callers",
    "dates",
    "declared_variables",
    "dtmf",
    "dynamic_variables",
    "paraphrases",
    "phone_numbers",
    "utterances",
]


def __getattr__(name: str) -> Any:
    if name in _FROM:
        return getattr(importlib.import_module(_FROM[name]), name)
    raise AttributeError(f"module 'pytest_retell' has no attribute {name!r}")
