"""One arm's aggregates (:class:`ArmTotals`) and the moments the readout takes from them.

An arm is described by sums only, so a readout over a year of daily aggregates never
touches unit-level rows: ``units`` and ``conversions`` for a proportion; the sum and sum
of squares of the per-unit value for a mean; and, for CUPED, the pre-period covariate's
sum, sum of squares and the sum of covariate x metric. :func:`combine` adds daily totals.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .stats_common import METRICS, choice, finite, invalid, whole

# Relative slack for a sum of squares that is a rounding error below its square of sums.
_SLACK = 1e-9


def _spread(n: int, total: float, total_sq: float) -> float:
    """Σ(v - mean)² from the sums; tiny negative rounding errors become 0."""
    return max(0.0, total_sq - total * total / n)


def _consistent(n: int, total: float, total_sq: float) -> bool:
    return total_sq - total * total / n >= -_SLACK * max(1.0, abs(total_sq))


@dataclass(frozen=True)
class ArmTotals:
    """The aggregates of one arm. ``units``: units assigned (> 0); ``conversions``: units
    that converted (proportions); ``total`` / ``total_sq``: sum and sum of squares of the
    per-unit metric (means); ``pre_total`` / ``pre_total_sq`` / ``cross_total``: the
    pre-period covariate's sum and sum of squares and the sum of covariate x metric, for
    CUPED (for a proportion the metric is the 0/1 conversion). Fields an analysis does not
    need may be None. Raises ValidationError for inconsistent sums."""

    name: str
    units: int
    conversions: int | None = None
    total: float | None = None
    total_sq: float | None = None
    pre_total: float | None = None
    pre_total_sq: float | None = None
    cross_total: float | None = None

    def __post_init__(self) -> None:
        arm = f"Arm {self.name!r}"
        whole("units", f"{arm}: the units", self.units, low=1)
        if self.conversions is not None:
            whole("conversions", f"{arm}: the conversions", self.conversions, low=0)
            if self.conversions > self.units:
                raise invalid(
                    "conversions",
                    f"{arm}: the conversions ({self.conversions:,}) cannot exceed the units "
                    f"({self.units:,}).",
                )
        for total, total_sq, what in (
            (self.total, self.total_sq, "metric"),
            (self.pre_total, self.pre_total_sq, "pre-period covariate"),
        ):
            if total is None or total_sq is None:
                continue
            finite("total", f"{arm}: the {what}'s sum", total)
            finite("total_sq", f"{arm}: the {what}'s sum of squares", total_sq)
            if not _consistent(self.units, total, total_sq):
                raise invalid(
                    "total_sq",
                    f"{arm}: the {what}'s sum of squares ({total_sq:g}) is below its sum "
                    f"squared over the units ({total * total / self.units:g}): the variance "
                    "would be negative.",
                )
        if self.cross_total is not None:
            finite("cross_total", f"{arm}: the covariate x metric sum", self.cross_total)


def combine(parts: Iterable[ArmTotals]) -> ArmTotals:
    """The totals of several periods (or segments) of one arm added up; a field is None in
    the sum when any part lacks it. The name is the first part's."""
    items = list(parts)
    if not items:
        raise invalid("parts", "There are no totals to add up.")

    def add(field: str) -> float | None:
        values = [getattr(arm, field) for arm in items]
        return None if None in values else math.fsum(values)

    conversions = add("conversions")
    return ArmTotals(
        items[0].name,
        sum(arm.units for arm in items),
        None if conversions is None else round(conversions),
        total=add("total"),
        total_sq=add("total_sq"),
        pre_total=add("pre_total"),
        pre_total_sq=add("pre_total_sq"),
        cross_total=add("cross_total"),
    )


@dataclass(frozen=True)
class Moments:
    """An arm's estimate and the variance of one unit's value (``var / n`` is the
    estimate's variance). ``var`` is p(1 - p) for a proportion (the z-test's plug-in) and
    the sample variance (n - 1) for a mean."""

    n: int
    mean: float
    var: float


def moments(arm: ArmTotals, metric: str) -> Moments:
    """The :class:`Moments` of ``arm`` for ``metric``; ValidationError when the sums that
    metric needs are missing or too few units for a variance."""
    choice("metric", "The metric", metric, METRICS)
    n = arm.units
    if metric == "proportion":
        if arm.conversions is None:
            raise invalid("conversions", f"Arm {arm.name!r} has no conversions to compare.")
        p = arm.conversions / n
        return Moments(n, p, p * (1 - p))
    if arm.total is None or arm.total_sq is None:
        raise invalid("total", f"Arm {arm.name!r} needs the metric's sum and sum of squares.")
    if n < 2:
        raise invalid("units", f"Arm {arm.name!r} needs at least 2 units for a variance.")
    return Moments(n, arm.total / n, _spread(n, arm.total, arm.total_sq) / (n - 1))


def metric_sums(arm: ArmTotals, metric: str) -> tuple[float, float]:
    """Sum and sum of squares of the per-unit metric (a 0/1 conversion: both are the
    conversions)."""
    if metric == "proportion":
        conversions = float(arm.conversions or 0)
        return conversions, conversions
    return float(arm.total or 0.0), float(arm.total_sq or 0.0)


def has_covariate(arm: ArmTotals) -> bool:
    return None not in (arm.pre_total, arm.pre_total_sq, arm.cross_total)


@dataclass(frozen=True)
class Cuped:
    """CUPED applied to two arms (Deng, Xu, Kohavi & Walker 2013): ``theta`` and, per arm,
    the adjusted mean and per-unit variance; ``reduction`` is the share of the difference's
    variance removed."""

    theta: float
    control: Moments
    treatment: Moments
    reduction: float


def cuped(control: ArmTotals, treatment: ArmTotals, metric: str) -> Cuped:
    """The CUPED adjustment Y - θ(X - x̄) with θ = cov(X, Y) / var(X), both from the two
    arms pooled *within* arms (each arm around its own means, so the treatment's shift
    of Y does not leak into θ) and x̄ the covariate's mean over both arms. Per arm:
    adjusted mean ȳ - θ(x̄_arm - x̄), adjusted variance var(Y) + θ² var(X) - 2θ cov(X, Y)."""
    arms = (control, treatment)
    rows = []
    for arm in arms:
        n = arm.units
        if n < 2:
            raise invalid("units", f"Arm {arm.name!r} needs at least 2 units for CUPED.")
        sy, syy = metric_sums(arm, metric)
        sx, sxx = float(arm.pre_total or 0), float(arm.pre_total_sq or 0)
        sxy = float(arm.cross_total or 0)
        cxx, cyy = _spread(n, sx, sxx), _spread(n, sy, syy)
        cxy = sxy - sx * sy / n
        if cxy * cxy > cxx * cyy * (1 + 1e-6) + _SLACK:
            raise invalid(
                "cross_total",
                f"Arm {arm.name!r}: the covariate x metric sum is inconsistent with the other "
                "sums (the correlation would exceed 1).",
            )
        rows.append((n, sx, sy, cxx, cyy, cxy))
    table = np.array(rows)
    n, sx, sy, cxx, cyy, cxy = table.T
    pooled_xx, pooled_xy = cxx.sum(), cxy.sum()
    theta = float(pooled_xy / pooled_xx) if pooled_xx > 0 else 0.0
    x_bar = sx.sum() / n.sum()
    means = sy / n - theta * (sx / n - x_bar)
    var_y = cyy / (n - 1)
    var_adj = np.maximum(0.0, (cyy + theta * theta * cxx - 2 * theta * cxy) / (n - 1))
    before = float(np.sum(var_y / n))
    after = float(np.sum(var_adj / n))
    reduction = 1 - after / before if before > 0 else 0.0
    adjusted = [
        Moments(a.units, float(m), float(v)) for a, m, v in zip(arms, means, var_adj, strict=True)
    ]
    return Cuped(theta, adjusted[0], adjusted[1], reduction)
