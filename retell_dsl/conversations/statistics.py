"""The statistics of repeated tests and of judge calibration: pass rates with a confidence interval, agreement.

A repeated test reports ``passes/runs`` with a 95% Wilson score interval (well behaved at 0/n and
n/n, unlike the normal approximation) and a class: ``stable-pass`` (every run passed),
``stable-fail`` (none did) or ``flaky`` (some did). It passes when the observed rate reaches the
required one. A judge's agreement with labels is accuracy plus Cohen's kappa (agreement beyond
what chance would give with the same marginals) and a 2x2 confusion table.

>>> rate = PassRate(passes=4, runs=5, required=0.8)
>>> rate.classification, rate.ok
('flaky', True)
>>> rate.describe()
'4/5 passed (80%, 95% CI 38%-96%), required >= 80%: flaky'
>>> agreement([True, True, False, False], [True, False, False, False]).kappa
0.5
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from retell_dsl.errors import InvalidArgument

__all__ = [
    "Z95",
    "Agreement",
    "Classification",
    "PassRate",
    "agreement",
    "classify",
    "kappa_strength",
    "wilson_interval",
]

#: The two-sided 95% normal quantile.
Z95 = 1.959963984540054

Classification = Literal["stable-pass", "flaky", "stable-fail"]


def wilson_interval(passes: int, runs: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a pass rate (95% by default), as ``(low, high)`` in [0, 1].

    >>> [round(x, 3) for x in wilson_interval(5, 5)]
    [0.566, 1.0]
    >>> [round(x, 3) for x in wilson_interval(0, 10)]
    [0.0, 0.278]
    """
    if runs < 1 or not 0 <= passes <= runs:
        raise InvalidArgument(f"a pass rate needs 0 <= passes <= runs and runs >= 1, got {passes}/{runs}")
    p = passes / runs
    denominator = 1 + z * z / runs
    centre = (p + z * z / (2 * runs)) / denominator
    half = z * math.sqrt(p * (1 - p) / runs + z * z / (4 * runs * runs)) / denominator
    low = 0.0 if passes == 0 else max(0.0, centre - half)  # exact at the ends (no rounding residue)
    high = 1.0 if passes == runs else min(1.0, centre + half)
    return low, high


def classify(passes: int, runs: int) -> Classification:
    """``stable-pass`` when every run passed, ``stable-fail`` when none did, else ``flaky``.

    >>> classify(3, 3), classify(0, 3), classify(1, 3)
    ('stable-pass', 'stable-fail', 'flaky')
    """
    if runs < 1 or not 0 <= passes <= runs:
        raise InvalidArgument(f"a pass rate needs 0 <= passes <= runs and runs >= 1, got {passes}/{runs}")
    return "stable-pass" if passes == runs else "stable-fail" if passes == 0 else "flaky"


def _percent(x: float) -> str:
    return f"{x * 100:.0f}%"


@dataclass(frozen=True, slots=True, kw_only=True)
class PassRate:
    """``passes`` of ``runs`` against the ``required`` rate (a fraction in [0, 1])."""

    passes: int
    runs: int
    required: float = 1.0

    def __post_init__(self) -> None:
        if self.runs < 1 or not 0 <= self.passes <= self.runs:
            raise InvalidArgument(f"a pass rate needs 0 <= passes <= runs and runs >= 1, got {self.passes}/{self.runs}")
        if not 0.0 <= self.required <= 1.0:
            raise InvalidArgument(f"the required pass rate must be between 0 and 1, got {self.required!r}")

    @property
    def rate(self) -> float:
        return self.passes / self.runs

    @property
    def interval(self) -> tuple[float, float]:
        """The 95% Wilson interval of the rate."""
        return wilson_interval(self.passes, self.runs)

    @property
    def classification(self) -> Classification:
        return classify(self.passes, self.runs)

    @property
    def ok(self) -> bool:
        """The observed rate reaches the required one (compared as counts, so 4/5 meets 0.8 exactly)."""
        return self.passes >= math.ceil(self.required * self.runs - 1e-9)

    def describe(self) -> str:
        low, high = self.interval
        return (
            f"{self.passes}/{self.runs} passed ({_percent(self.rate)}, 95% CI {_percent(low)}-{_percent(high)}), "
            f"required >= {_percent(self.required)}: {self.classification}"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Agreement:
    """How a judge's verdicts agree with labels: counts of the 2x2 table (``label_judge``) and derived figures."""

    pass_pass: int
    pass_fail: int
    fail_pass: int
    fail_fail: int

    @property
    def total(self) -> int:
        return self.pass_pass + self.pass_fail + self.fail_pass + self.fail_fail

    @property
    def agreed(self) -> int:
        return self.pass_pass + self.fail_fail

    @property
    def accuracy(self) -> float | None:
        return self.agreed / self.total if self.total else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa; ``None`` when chance agreement is total (both sides gave one answer only)."""
        n = self.total
        if not n:
            return None
        label_pass = (self.pass_pass + self.pass_fail) / n
        judge_pass = (self.pass_pass + self.fail_pass) / n
        chance = label_pass * judge_pass + (1 - label_pass) * (1 - judge_pass)
        if math.isclose(chance, 1.0):
            return None
        return (self.agreed / n - chance) / (1 - chance)


def agreement(labels: Sequence[bool], verdicts: Sequence[bool]) -> Agreement:
    """The agreement of ``verdicts`` with ``labels`` (``True``: pass), item by item.

    >>> agreement([True, False], [True, True])
    Agreement(pass_pass=1, pass_fail=0, fail_pass=1, fail_fail=0)
    """
    if len(labels) != len(verdicts):
        raise InvalidArgument(f"{len(labels)} labels but {len(verdicts)} verdicts")
    pairs = list(zip(labels, verdicts, strict=True))
    return Agreement(
        pass_pass=pairs.count((True, True)),
        pass_fail=pairs.count((True, False)),
        fail_pass=pairs.count((False, True)),
        fail_fail=pairs.count((False, False)),
    )


def kappa_strength(kappa: float | None) -> str:
    """Landis and Koch's words for a kappa.

    >>> kappa_strength(0.75), kappa_strength(0.1), kappa_strength(None)
    ('substantial', 'slight', 'undefined')
    """
    if kappa is None:
        return "undefined"
    if kappa < 0:
        return "poor"
    for bound, word in ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial")):
        if kappa <= bound:
            return word
    return "almost perfect"
