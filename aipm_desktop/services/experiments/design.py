"""Planning an experiment: sample size per arm, duration at the eligible traffic, and the
effect the traffic can detect. Pure functions (no database, no Qt), fast enough to run on
every keystroke (well under 5 ms a plan: ``benchmarks/bench_experiments.py``).

Every plan is for a two-sided z-test of treatment against control at significance level
a (alpha per test) and power 1 - β, with ``k`` treatment units per control unit and
Z = z_{1-a/2} + z_{1-β} (standard normal quantiles):

- *Two proportions*, baseline rate p1, treatment rate p2 = p1 + δ, unpooled variance
  (Chow, Shao & Wang, *Sample Size Calculations in Clinical Research*, 2nd ed. 2008,
  §4.2, two-sample parallel design, test for equality)::

      n_control = Z² · (p1(1 - p1) + p2(1 - p2) / k) / δ²,   n_treatment = k · n_control

- *Two means*, common standard deviation s (Chow, Shao & Wang §3.2)::

      n_control = Z² · s² · (1 + 1/k) / δ²

  At a = 0.05 and 80 % power, 2 Z² ≈ 15.7: the "n = 16 s² / δ² per variant" rule of
  thumb of Kohavi, Tang & Xu, *Trustworthy Online Controlled Experiments* (2020), ch. 17.

Sizes are rounded up (a size that is whole up to floating-point noise stays whole);
``n_treatment`` is rounded up from k times the unrounded control size.

*Several treatments.* Each of the m treatment arms is compared with the control, so the
significance level is shared: a = alpha / m (Bonferroni). Holm's step-down procedure,
used for the readout, rejects everything Bonferroni rejects and sometimes more, but its
per-test level depends on the p-values that come in; planning with alpha / m is therefore
the conservative choice for Holm too (each comparison has at least the planned power).
With the correction "none", a = alpha.

*Duration.* ``daily`` is the eligible units a day across all arms; the experiment needs
``ceil(n_total / daily)`` days, rounded up to whole weeks when asked (weekday and weekend
users differ: Kohavi et al. ch. 3 recommend running full weeks). A plan that needs more
than 365 days is flagged not reachable.

*The inverse.* :func:`detectable_effect` gives the smallest absolute effect the traffic of
``days`` days detects with the same test: for means δ = Z · s · √((1 + 1/k) / n_control);
for proportions the variance depends on δ, so δ is the positive root of
(A + 1/k) δ² - ((1 - 2 p1) / k) δ - p1(1 - p1)(1 + 1/k) = 0 with A = n_control / Z²
(infinite when even a treatment rate of 100 % could not be told apart).

Other calculators use other variance conventions, and their sizes differ slightly for
the same inputs: for 10 % -> 12 % at alpha = 0.05 and 80 % power this module gives 3,839
per arm; the pooled-variance formula (Fleiss, *Statistical Methods for Rates and
Proportions*, without continuity correction) gives 3,841; Evan Miller's online calculator,
which uses the baseline's variance under the null hypothesis, gives 3,623.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypedDict, Unpack

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

from ..records import from_row
from .stats_common import (
    CORRECTIONS,
    MAX_TREATMENTS,
    METRICS,
    choice,
    finite,
    invalid,
    number,
    open_unit,
    percent,
    positive,
    tests_for,
    whole,
)

#: Days within which a plan counts as reachable.
MAX_DAYS = 365

# Slack under which a size that is whole up to floating-point noise is not rounded up.
_WHOLE_SLACK = 1e-9


@dataclass(frozen=True)
class Plan:
    """A planned experiment. ``baseline`` is the control's rate (proportions) or mean;
    ``sd`` the per-unit standard deviation (means only); ``mde_abs`` the minimum detectable
    effect in the metric's units and ``mde_rel`` as a share of the baseline (None for a
    mean of zero); ``alpha_per_test`` the level each comparison uses after the correction;
    ``n_treatment`` is per treatment arm and ``n_total`` counts every arm; ``daily``,
    ``days``, ``weeks`` and ``run_days`` (how long to run: whole weeks when rounding) are
    None without traffic; ``reachable`` is False when the days needed exceed a year;
    ``message`` says it all in a sentence or two."""

    metric: str
    baseline: float
    sd: float | None
    mde_abs: float
    mde_rel: float | None
    alpha: float
    alpha_per_test: float
    power: float
    ratio: float
    treatments: int
    correction: str
    n_control: int
    n_treatment: int
    n_total: int
    daily: float | None
    days: int | None
    weeks: int | None
    reachable: bool
    message: str
    treatment_value: float = 0.0
    run_days: int | None = None
    round_to_weeks: bool = True


class TestSettings(TypedDict, total=False):
    """The test a plan is for, as every function here takes it (each key may be left
    out): ``alpha``, the two-sided significance level (default 0.05); ``power`` (0.8);
    ``ratio``, treatment units per control unit (1.0); ``treatments``, the arms beside
    the control (1); ``correction`` over them: "holm" (the default), "bonferroni" or
    "none"."""

    alpha: float
    power: float
    ratio: float
    treatments: int
    correction: str


@dataclass(frozen=True)
class _Test:
    """Checked test settings shared by every function here."""

    alpha: float
    alpha_per_test: float
    power: float
    ratio: float
    treatments: int
    correction: str
    z: float  # z_{1-a/2} + z_{1-β}, a the level per test


def _test(
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    treatments: int = 1,
    correction: str = "holm",
) -> _Test:
    """The checked :class:`TestSettings` (their defaults are these)."""
    alpha = open_unit("alpha", "The significance level (alpha)", alpha)
    power = open_unit("power", "The power", power)
    ratio = positive("ratio", "The ratio of treatment to control units", ratio)
    treatments = whole(
        "treatments", "The number of treatment arms", treatments, low=1, high=MAX_TREATMENTS
    )
    correction = choice("correction", "The correction", correction, CORRECTIONS)
    per_test = alpha / tests_for(treatments, correction)
    z = float(np.sum(stats.norm.ppf([1.0 - per_test / 2.0, power])))
    return _Test(alpha, per_test, power, ratio, treatments, correction, z)


def _ceil(value: float) -> int:
    return math.ceil(value - _WHOLE_SLACK * max(1.0, value))


def _effect(mde: float, base: float, relative: bool) -> float:
    """The absolute effect of ``mde`` (a share of ``|base|`` when relative)."""
    mde = positive("mde", "The minimum detectable effect (mde)", mde)
    if not relative:
        return mde
    if base == 0:
        raise invalid("mde", "A relative minimum detectable effect needs a baseline other than 0.")
    return mde * abs(base)


def plan_proportion(
    *,
    baseline: float,
    mde: float,
    relative: bool = False,
    daily: float | None = None,
    round_to_weeks: bool = True,
    **test: Unpack[TestSettings],
) -> Plan:
    """The plan for a conversion-rate metric: ``baseline`` is the control's rate (0 to 1),
    ``mde`` the smallest rise worth detecting, in rate points (0.02 = 2 points) or, with
    ``relative``, as a share of the baseline (0.1 = +10 %). Raises ValidationError for a
    value out of range, naming the field."""
    p1 = open_unit("baseline", "The baseline rate", baseline)
    checked = _test(**test)
    delta = _effect(mde, p1, relative)
    p2 = p1 + delta
    if p2 >= 1.0:
        raise invalid(
            "mde",
            f"A rise of {number(delta * 100)} points takes the rate from {percent(p1)} to "
            f"{percent(p2)}: the treatment rate must stay below 100%.",
        )
    variance = p1 * (1 - p1) + p2 * (1 - p2) / checked.ratio
    raw = checked.z**2 * variance / delta**2
    return _plan("proportion", p1, None, delta, p2, raw, checked, daily, round_to_weeks)


def plan_mean(
    *,
    mean: float,
    sd: float,
    mde: float,
    relative: bool = False,
    daily: float | None = None,
    round_to_weeks: bool = True,
    **test: Unpack[TestSettings],
) -> Plan:
    """The plan for a mean metric (revenue per user, minutes per session): ``mean`` and
    ``sd`` are the control's per-unit mean and standard deviation (both arms are assumed to
    share ``sd``), ``mde`` the smallest change worth detecting, in the metric's units or,
    with ``relative``, as a share of ``|mean|``. Raises ValidationError naming the field."""
    mean = finite("mean", "The baseline mean", mean)
    sd = positive("sd", "The standard deviation (sd)", sd)
    checked = _test(**test)
    delta = _effect(mde, mean, relative)
    raw = checked.z**2 * sd**2 * (1 + 1 / checked.ratio) / delta**2
    return _plan("mean", mean, sd, delta, mean + delta, raw, checked, daily, round_to_weeks)


def _plan(
    metric: str,
    baseline: float,
    sd: float | None,
    delta: float,
    treatment_value: float,
    raw: float,
    test: _Test,
    daily: float | None,
    round_to_weeks: bool,
) -> Plan:
    if daily is not None:
        daily = positive("daily", "The eligible units a day (daily)", daily)
    n_control = _ceil(raw)
    n_treatment = _ceil(raw * test.ratio)
    n_total = n_control + test.treatments * n_treatment
    days = weeks = run_days = None
    if daily is not None:
        days = max(1, _ceil(n_total / daily))
        weeks = math.ceil(days / 7)
        run_days = weeks * 7 if round_to_weeks else days
    plan = from_row(
        Plan,
        test,  # alpha, alpha_per_test, power, ratio, treatments, correction
        metric=metric,
        baseline=baseline,
        sd=sd,
        mde_abs=delta,
        mde_rel=delta / abs(baseline) if baseline else None,
        n_control=n_control,
        n_treatment=n_treatment,
        n_total=n_total,
        daily=daily,
        days=days,
        weeks=weeks,
        reachable=days is None or days <= MAX_DAYS,
        message="",
        treatment_value=treatment_value,
        run_days=run_days,
        round_to_weeks=round_to_weeks,
    )
    return _with_message(plan)


def _with_message(plan: Plan) -> Plan:
    return replace(plan, message=f"{_sizes_text(plan)}. {_effect_text(plan)}")


def _sizes_text(plan: Plan) -> str:
    if plan.ratio == 1:
        sizes = f"{plan.n_control:,} units per arm, {plan.n_total:,} in all"
    else:
        arm = "each treatment arm" if plan.treatments > 1 else "the treatment arm"
        sizes = (
            f"{plan.n_control:,} units in the control and {plan.n_treatment:,} in {arm}, "
            f"{plan.n_total:,} in all"
        )
    if plan.daily is None or plan.days is None or plan.weeks is None:
        return f"{sizes}; give the eligible units a day to see how long that takes"
    daily = number(plan.daily)
    if not plan.reachable:
        years = number(plan.days / 365, 2)
        return (
            f"{sizes}. At {daily} a day that takes {plan.days:,} days (about {years} years): "
            "the experiment cannot reach its MDE in a year. Raise the traffic, accept a "
            "larger MDE or a lower power, or test fewer arms"
        )
    span = f"{plan.days:,} day{'s' if plan.days != 1 else ''} at {daily} a day"
    if not plan.round_to_weeks:
        return f"{sizes}: {span}"
    weeks = f"{plan.weeks} week{'s' if plan.weeks != 1 else ''}"
    if plan.days == plan.weeks * 7:
        return f"{sizes}: {span} ({weeks}, whole weeks)"
    return f"{sizes}: {span}, rounded up to {weeks} to cover whole weekly cycles"


def _effect_text(plan: Plan) -> str:
    if plan.metric == "proportion":
        effect = (
            f"a rise from {percent(plan.baseline)} to {percent(plan.treatment_value)} "
            f"(+{number(plan.mde_abs * 100)} points, +{percent(plan.mde_rel or 0)} relative)"
        )
    else:
        relative = f", {percent(plan.mde_rel)} relative" if plan.mde_rel is not None else ""
        effect = (
            f"a change of {number(plan.mde_abs)} in the mean (from {number(plan.baseline)} "
            f"to {number(plan.treatment_value)}{relative})"
        )
    text = (
        f"This detects {effect} with {percent(plan.power)} power at a "
        f"{percent(plan.alpha)} two-sided significance level"
    )
    tests = tests_for(plan.treatments, plan.correction)
    if tests > 1:
        how = (
            "Holm's correction planned as Bonferroni, conservatively"
            if (plan.correction == "holm")
            else "Bonferroni correction"
        )
        text += f", shared by {tests} comparisons ({percent(plan.alpha_per_test)} each: {how})"
    elif plan.treatments > 1:
        text += f", each of the {plan.treatments} comparisons uncorrected"
    return text + "."


def detectable_effect(
    *,
    metric: str,
    baseline: float,
    sd: float | None = None,
    daily: float,
    days: int,
    **test: Unpack[TestSettings],
) -> float:
    """The smallest absolute effect (rate points as a share, e.g. 0.02, or the mean's
    units) that ``days`` days of ``daily`` eligible units detect with the planned test:
    the inverse of :func:`plan_proportion` / :func:`plan_mean`. ``sd`` is required for
    means and ignored for proportions. ``math.inf`` when no rate up to 100 % is
    detectable."""
    days = whole("days", "The number of days", days, low=1)
    ((_, effect),) = mde_curve(
        metric=metric, baseline=baseline, sd=sd, daily=daily, days=[days], **test
    )
    return effect


def mde_curve(
    *,
    metric: str,
    baseline: float,
    sd: float | None = None,
    daily: float,
    days: Sequence[int],
    **test: Unpack[TestSettings],
) -> list[tuple[int, float]]:
    """``(day, detectable absolute effect)`` for each of ``days``: how the minimum
    detectable effect shrinks as the experiment runs longer (see
    :func:`detectable_effect`)."""
    metric = choice("metric", "The metric", metric, METRICS)
    if metric == "proportion":
        p1 = open_unit("baseline", "The baseline rate", baseline)
    else:
        finite("baseline", "The baseline mean", baseline)
        if sd is None:
            raise invalid("sd", "A mean metric needs its standard deviation (sd).")
        sd = positive("sd", "The standard deviation (sd)", sd)
    settings = _test(**test)
    daily = positive("daily", "The eligible units a day (daily)", daily)
    checked = [whole("days", "The number of days", d, low=1) for d in days]
    k = settings.ratio
    n_control = np.asarray(checked, dtype=float) * daily / (1 + k * settings.treatments)
    if metric == "mean":
        assert sd is not None
        effects = settings.z * sd * np.sqrt((1 + 1 / k) / n_control)
    else:
        a = n_control / settings.z**2 + 1 / k
        b = (1 - 2 * p1) / k
        c = p1 * (1 - p1) * (1 + 1 / k)
        effects = (b + np.sqrt(b * b + 4 * a * c)) / (2 * a)
        effects = np.where(p1 + effects < 1.0, effects, math.inf)
    return [(d, float(e)) for d, e in zip(checked, effects, strict=True)]
