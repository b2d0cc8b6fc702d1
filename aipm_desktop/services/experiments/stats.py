"""Reading out an experiment: treatment against control with intervals and plain-language
verdicts, multiple-comparison corrections, the sample-ratio check, guardrails and "can we
stop now?". Pure functions over arm aggregates (:class:`ArmTotals`); no database, no Qt.

Methods and sources:

- *Proportions*: the two-proportion z-test. The test uses the pooled standard error
  √(p̂(1 - p̂)(1/n_c + 1/n_t)), p̂ the conversions of both arms over their units (its z² is
  Pearson's chi-square of the 2 x 2 table); the interval of the difference uses the
  unpooled (Wald) standard error √(p_c(1 - p_c)/n_c + p_t(1 - p_t)/n_t), which does not
  assume the difference is zero. Near the threshold the two can disagree; the verdict
  follows the p-value.
- *Means*: Welch's t-test (Welch 1947) with the Welch-Satterthwaite degrees of freedom
  df = (s_c²/n_c + s_t²/n_t)² / ((s_c²/n_c)²/(n_c - 1) + (s_t²/n_t)²/(n_t - 1)); the
  interval uses the same t quantile.
- *Relative lift* m_t/m_c - 1 with its interval by the delta method (Deng, Knoblich & Lu,
  "Applying the Delta Method in Metric Analytics", KDD 2018; Kohavi, Tang & Xu,
  *Trustworthy Online Controlled Experiments*, 2020, ch. 18):
  Var ≈ Var(m_t)/m_c² + m_t² Var(m_c)/m_c⁴, with the absolute interval's critical value.
- *CUPED* (Deng, Xu, Kohavi & Walker, "Improving the Sensitivity of Online Controlled
  Experiments by Utilizing Pre-Experiment Data", WSDM 2013): see
  :func:`.stats_arms.cuped`. The adjusted means and variances replace the raw ones
  (for a proportion the adjusted metric is no longer 0/1, so the test becomes a z-test on
  the adjusted means with unpooled variances); ``cuped_variance_reduction`` reports the
  share of the difference's variance removed (about rho² for a covariate with correlation rho).
- *Holm* (Holm 1979, "A simple sequentially rejective multiple test procedure") and
  *Bonferroni* adjusted p-values. Intervals are not widened for multiple comparisons;
  a verdict says so when the correction changes the conclusion.
- *Sample ratio mismatch*: the chi-square goodness-of-fit test of the units against the
  planned allocation (Fabijan et al., "Diagnosing Sample Ratio Mismatch in Online
  Controlled Experiments", KDD 2019), flagged at p < 0.001.
- *Peeking*: :mod:`.stats_sequential` (mSPRT always-valid intervals, O'Brien-Fleming-type
  alpha spending), brought together by :func:`can_stop`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

from .stats_arms import ArmTotals as ArmTotals
from .stats_arms import combine as combine
from .stats_arms import cuped as cuped_adjustment
from .stats_arms import has_covariate, moments
from .stats_common import (
    CORRECTIONS,
    METRICS,
    choice,
    finite,
    fixed,
    invalid,
    number,
    open_unit,
    p_text,
    percent,
    points,
    span,
    whole,
)
from .stats_sequential import always_valid_interval as always_valid_interval
from .stats_sequential import always_valid_p_value as always_valid_p_value
from .stats_sequential import obf_boundary as obf_boundary

#: p-value under which the sample-ratio check reports a mismatch.
SRM_THRESHOLD = 0.001
#: What :func:`guardrail_verdict` answers.
GUARDRAIL_VERDICTS = ("ok", "breach", "inconclusive")
#: Peeking methods :func:`can_stop` knows.
STOP_METHODS = ("msprt", "obf")

_CORRECTION_NAMES = {"holm": "Holm", "bonferroni": "Bonferroni"}


@dataclass(frozen=True)
class Comparison:
    """One treatment against the control on one metric.

    ``control_value`` / ``treatment_value``: the arms' rates or means (CUPED-adjusted when
    CUPED was applied); ``abs_lift`` = treatment - control with its (1 - alpha) interval
    ``abs_ci``; ``rel_lift`` = treatment / control - 1 with ``rel_ci`` (None when the
    control's value is 0); ``p_value`` raw, ``p_adjusted`` after the correction named in
    ``correction`` (equal to ``p_value`` until :func:`adjust_comparisons`);
    ``significant`` is ``p_adjusted < alpha``; ``statistic`` the z or t value with
    ``df`` (None for z); ``std_error`` that of ``abs_lift``; ``verdict`` a sentence."""

    metric: str
    label: str
    control: str
    treatment: str
    control_value: float
    treatment_value: float
    abs_lift: float
    abs_ci: tuple[float, float]
    rel_lift: float | None
    rel_ci: tuple[float, float] | None
    p_value: float
    p_adjusted: float
    significant: bool
    verdict: str
    method: str
    cuped_variance_reduction: float | None
    alpha: float
    statistic: float
    df: float | None
    std_error: float
    control_units: int
    treatment_units: int
    correction: str = "none"


def compare(
    control: ArmTotals,
    treatment: ArmTotals,
    *,
    metric: str,
    alpha: float = 0.05,
    cuped: bool = False,
    label: str | None = None,
) -> Comparison:
    """``treatment`` against ``control`` on ``metric`` ("proportion": the conversions;
    "mean": the per-unit sums): a two-proportion z-test or Welch's t-test, the absolute
    and relative lift with (1 - ``alpha``) intervals, and a verdict naming ``label`` (the
    metric's name; "conversion" or "the mean" by default). With ``cuped`` and covariate
    sums in both arms, CUPED-adjusted (otherwise the raw analysis, and
    ``cuped_variance_reduction`` is None). Raises ValidationError for missing sums or
    values out of range."""
    metric = choice("metric", "The metric", metric, METRICS)
    alpha = open_unit("alpha", "The significance level (alpha)", alpha)
    if label is None:
        label = "conversion" if metric == "proportion" else "the mean"
    reduction = None
    if cuped and has_covariate(control) and has_covariate(treatment):
        adjusted = cuped_adjustment(control, treatment, metric)
        c, t, reduction = adjusted.control, adjusted.treatment, adjusted.reduction
    else:
        c, t = moments(control, metric), moments(treatment, metric)
    diff = t.mean - c.mean
    v_c, v_t = c.var / c.n, t.var / t.n
    se = float(np.sqrt(v_c + v_t))
    df: float | None = None
    if metric == "proportion" and reduction is None:
        method = "two-proportion z-test"
        statistic = _pooled_z(control, treatment, diff)
        p_value = float(2 * stats.norm.sf(abs(statistic)))
        critical = float(stats.norm.isf(alpha / 2))
    elif metric == "proportion":
        method = "z-test on CUPED-adjusted proportions"
        statistic = _ratio(diff, se)
        p_value = float(2 * stats.norm.sf(abs(statistic)))
        critical = float(stats.norm.isf(alpha / 2))
    else:
        method = "Welch's t-test" + (" with CUPED" if reduction is not None else "")
        df = _welch_df(v_c, v_t, c.n, t.n)
        statistic = _ratio(diff, se)
        p_value = float(2 * stats.t.sf(abs(statistic), df))
        critical = float(stats.t.isf(alpha / 2, df))
    rel_lift = rel_ci = None
    if c.mean != 0:
        rel_lift = t.mean / c.mean - 1
        rel_se = float(np.sqrt(v_t / c.mean**2 + t.mean**2 * v_c / c.mean**4))
        rel_ci = (rel_lift - critical * rel_se, rel_lift + critical * rel_se)
    result = Comparison(
        metric=metric,
        label=label,
        control=control.name,
        treatment=treatment.name,
        control_value=c.mean,
        treatment_value=t.mean,
        abs_lift=diff,
        abs_ci=(diff - critical * se, diff + critical * se),
        rel_lift=rel_lift,
        rel_ci=rel_ci,
        p_value=p_value,
        p_adjusted=p_value,
        significant=p_value < alpha,
        verdict="",
        method=method,
        cuped_variance_reduction=reduction,
        alpha=alpha,
        statistic=statistic,
        df=df,
        std_error=se,
        control_units=control.units,
        treatment_units=treatment.units,
    )
    return replace(result, verdict=_verdict(result))


def _ratio(diff: float, se: float) -> float:
    """diff / se; with no spread at all, 0 for no difference and ±inf for one."""
    if se > 0:
        return diff / se
    return 0.0 if diff == 0 else float(np.copysign(np.inf, diff))


def _pooled_z(control: ArmTotals, treatment: ArmTotals, diff: float) -> float:
    n_c, n_t = control.units, treatment.units
    pooled = ((control.conversions or 0) + (treatment.conversions or 0)) / (n_c + n_t)
    return _ratio(diff, float(np.sqrt(pooled * (1 - pooled) * (1 / n_c + 1 / n_t))))


def _welch_df(v_c: float, v_t: float, n_c: int, n_t: int) -> float:
    denominator = v_c**2 / (n_c - 1) + v_t**2 / (n_t - 1)
    if denominator <= 0:  # neither arm varies: fall back to the pooled test's df
        return float(n_c + n_t - 2)
    return (v_c + v_t) ** 2 / denominator


def _scale(metric: str) -> tuple[float, str]:
    """How a difference of ``metric`` is shown: rates in points, means as they are."""
    return (100.0, " points") if metric == "proportion" else (1.0, "")


def _level(alpha: float) -> str:
    return f"{number((1 - alpha) * 100)}%"


def _amount(comparison: Comparison, value: float, decimals: int) -> str:
    return fixed(value * _scale(comparison.metric)[0], decimals)


def _verdict(c: Comparison) -> str:
    """The plain-language sentence of a comparison (after any correction)."""
    scale, unit = _scale(c.metric)
    shown, decimals = span(*c.abs_ci, scale=scale, unit=unit)
    ci = f"{_level(c.alpha)} CI {shown}"
    relative = ""
    if c.rel_lift is not None:
        relative = f"; {'+' if c.rel_lift >= 0 else '-'}{percent(abs(c.rel_lift))} relative"
    name = _CORRECTION_NAMES.get(c.correction)
    if c.significant:
        direction = "raised" if c.abs_lift > 0 else "lowered"
        size = _amount(c, abs(c.abs_lift), decimals) + unit
        where = f"after {name} correction" if name else f"at the {percent(c.alpha)} level"
        p = p_text(c.p_adjusted) if name is None else f"adjusted {p_text(c.p_adjusted)}"
        text = (
            f"{c.treatment} {direction} {c.label} by {size} ({ci}{relative}); "
            f"significant {where} ({p})."
        )
    else:
        signed = ("+" if c.abs_lift > 0 else "") + _amount(c, c.abs_lift, decimals) + unit
        text = (
            f"No detectable difference in {c.label} between {c.treatment} and {c.control}: "
            f"{signed} ({ci}), {p_text(c.p_value)}"
        )
        if name and c.p_value < c.alpha:
            text += (
                f", but not significant after {name} correction (adjusted "
                f"{p_text(c.p_adjusted)}; the interval is not corrected for the other "
                "comparisons)"
            )
        text += "."
    if c.cuped_variance_reduction is not None:
        text += (
            f" CUPED removed {percent(max(0.0, c.cuped_variance_reduction), 2)} of the variance."
        )
    return text


def adjust(pvalues: Sequence[float], method: str = "holm") -> list[float]:
    """Adjusted p-values in the order given: "holm" (step-down: the i-th smallest times
    m - i + 1, made non-decreasing, capped at 1), "bonferroni" (each times m, capped at
    1) or "none". Compare each with the family's alpha."""
    method = choice("method", "The correction", method, CORRECTIONS)
    p = np.asarray([finite("pvalues", "A p-value", v) for v in pvalues], dtype=float)
    if np.any((p < 0) | (p > 1)):
        raise invalid("pvalues", "Every p-value must be between 0 and 1.")
    m = len(p)
    if method == "none" or m == 0:
        return [float(v) for v in p]
    if method == "bonferroni":
        return [float(v) for v in np.minimum(1.0, p * m)]
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate(p[order] * (m - np.arange(m)))
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(1.0, stepped)
    return [float(v) for v in adjusted]


def adjust_comparisons(comparisons: Sequence[Comparison], method: str = "holm") -> list[Comparison]:
    """``comparisons`` (one family: e.g. every treatment on the primary metric) with
    ``p_adjusted``, ``significant``, ``correction`` and ``verdict`` updated for
    ``method``. The family's level is the first comparison's ``alpha``."""
    if not comparisons:
        return []
    alpha = comparisons[0].alpha
    adjusted = adjust([c.p_value for c in comparisons], method)
    result = []
    for c, p in zip(comparisons, adjusted, strict=True):
        updated = replace(c, p_adjusted=p, significant=p < alpha, correction=method)
        result.append(replace(updated, verdict=_verdict(updated)))
    return result


@dataclass(frozen=True)
class SrmResult:
    """The sample-ratio check: ``observed`` units per arm, ``expected`` under the planned
    allocation, Pearson's ``chi2`` with ``dof`` degrees of freedom and its ``p_value``;
    ``mismatch`` when p < 0.001; ``message`` says what it means."""

    observed: list[int]
    expected: list[float]
    chi2: float
    dof: int
    p_value: float
    mismatch: bool
    message: str


def srm_check(units: Sequence[int], allocation: Sequence[float]) -> SrmResult:
    """Chi-square goodness of fit of the ``units`` each arm got against the planned
    ``allocation`` (weights in the same order, normalised: 50/50, 1:1 and 0.5/0.5 are the
    same). A mismatch (p < 0.001) means the assignment or the logging is broken and the
    readout cannot be trusted."""
    if len(units) != len(allocation):
        raise invalid(
            "allocation",
            f"The allocation has {len(allocation)} weights for {len(units)} arms.",
        )
    if len(units) < 2:
        raise invalid("units", "The sample-ratio check needs at least two arms.")
    observed = [whole("units", "The units of an arm", u, low=0) for u in units]
    weights = np.array(
        [finite("allocation", "An allocation weight", w) for w in allocation], dtype=float
    )
    if np.any(weights <= 0):
        raise invalid("allocation", "Every allocation weight must be above zero.")
    total = sum(observed)
    if total == 0:
        raise invalid("units", "No units have been assigned yet.")
    expected = weights / weights.sum() * total
    chi2 = float(np.sum((np.asarray(observed) - expected) ** 2 / expected))
    dof = len(observed) - 1
    p_value = float(stats.chi2.sf(chi2, dof))
    mismatch = p_value < SRM_THRESHOLD
    split = " / ".join(f"{u:,}" for u in observed)
    planned = " / ".join(percent(w) for w in weights / weights.sum())
    if mismatch:
        message = (
            f"Sample ratio mismatch: the arms got {split} units where {planned} was planned "
            f"(chi-square {p_text(p_value)}). Find the assignment or logging fault before "
            "trusting any result of this experiment."
        )
    else:
        message = (
            f"The arms got {split} units, in line with the planned {planned} "
            f"(chi-square {p_text(p_value)})."
        )
    return SrmResult(observed, [float(e) for e in expected], chi2, dof, p_value, mismatch, message)


@dataclass(frozen=True)
class GuardrailResult:
    """A guardrail's ``verdict`` (one of :data:`GUARDRAIL_VERDICTS`) and why."""

    verdict: str
    message: str


def guardrail_check(
    comparison: Comparison,
    *,
    margin: float,
    higher_is_better: bool,
    relative: bool = False,
) -> GuardrailResult:
    """A non-inferiority reading of a guardrail metric. ``margin`` (>= 0) is how much
    worse the treatment may be: in the metric's units (a proportion's as a share: 0.005 =
    half a point) or, with ``relative``, as a share of the control (0.02 = 2 %). The bad
    side is below zero when ``higher_is_better``, above it otherwise. With the
    comparison's (1 - alpha) interval:

    - "ok": the interval's bad-side bound is within the margin (at most ``margin`` worse):
      the treatment is shown to be no worse than tolerated;
    - "breach": the whole interval is worse than the margin: the treatment is shown to
      harm the metric beyond tolerance;
    - "inconclusive": the interval straddles the margin: not enough data either way
      (whatever the point estimate says).

    The two-sided (1 - alpha) interval makes this a one-sided non-inferiority test at alpha/2."""
    margin = finite("margin", "The guardrail margin", margin)
    if margin < 0:
        raise invalid("margin", f"The guardrail margin must be zero or more, not {margin:g}.")
    if relative:
        if comparison.rel_ci is None:
            raise invalid("relative", "A relative margin needs a control value other than zero.")
        lo, hi = comparison.rel_ci
    else:
        lo, hi = comparison.abs_ci
    # Worse is negative: flip a metric where lower is better.
    best, worst = (hi, lo) if higher_is_better else (-lo, -hi)
    if relative:
        what, shown = f"{percent(margin)} of the control", span(lo, hi, scale=100, unit="%")[0]
    else:
        scale, unit = _scale(comparison.metric)
        what = points(margin) if comparison.metric == "proportion" else number(margin)
        shown = span(lo, hi, scale=scale, unit=unit)[0]
    harm = f"a {'drop' if higher_is_better else 'rise'} in {comparison.label} of more than {what}"
    interval = f"the {_level(comparison.alpha)} CI ({shown})"
    if worst >= -margin:
        verdict, message = "ok", f"Ok: {interval} rules out {harm}."
    elif best < -margin:
        verdict, message = "breach", f"Breach: {interval} shows {harm}."
    else:
        message = f"Inconclusive: {interval} neither rules out nor shows {harm}; more data needed."
        verdict = "inconclusive"
    return GuardrailResult(verdict, message)


def guardrail_verdict(
    comparison: Comparison,
    *,
    margin: float,
    higher_is_better: bool,
    relative: bool = False,
) -> str:
    """ "ok", "breach" or "inconclusive": see :func:`guardrail_check`."""
    return guardrail_check(
        comparison, margin=margin, higher_is_better=higher_is_better, relative=relative
    ).verdict


@dataclass(frozen=True)
class StopDecision:
    """The answer to "can we stop now?": ``stop`` and ``reason``; the ``method`` used,
    the ``information_fraction`` reached, and for "obf" the |z| ``statistic`` against the
    ``boundary``, for "msprt" the always-valid ``interval``."""

    stop: bool
    reason: str
    method: str
    information_fraction: float
    statistic: float | None = None
    boundary: float | None = None
    interval: tuple[float, float] | None = None


def can_stop(
    control: ArmTotals,
    treatment: ArmTotals,
    *,
    metric: str,
    method: str,
    planned_units: int,
    alpha: float = 0.05,
    looks: Sequence[float] = (),
    tau: float | None = None,
) -> StopDecision:
    """Whether a running experiment may stop now, by the peeking ``method`` its design
    recorded: "msprt" (stop once the always-valid interval excludes zero) or "obf" (stop
    once |z| reaches the O'Brien-Fleming-type boundary at this look, given the earlier
    ``looks``' information fractions). ``planned_units`` is the plan's size for these two
    arms together; the information fraction is the units so far over it (capped at 1).
    Either way the experiment stops without a difference once the planned size is
    reached. ``alpha`` is the level of this comparison (already divided when several
    treatments share it). For "obf" the z value is the readout's (the pooled z for a
    proportion, Welch's t for a mean, taken as normal)."""
    metric = choice("metric", "The metric", metric, METRICS)
    method = choice("method", "The peeking method", method, STOP_METHODS)
    alpha = open_unit("alpha", "The significance level (alpha)", alpha)
    planned = whole("planned_units", "The planned units", planned_units, low=2)
    fraction = min(1.0, (control.units + treatment.units) / planned)
    done = f"{percent(fraction)} of the planned {planned:,} units"
    if method == "msprt":
        interval = always_valid_interval(
            control, treatment, metric=metric, alpha=alpha, tau=tau, planned_units=planned
        )
        shown = f"always-valid {_level(alpha)} interval {_pair(interval, metric)}"
        if interval[0] > 0 or interval[1] < 0:
            side = "above" if interval[0] > 0 else "below"
            reason = f"Stop: the {shown} lies wholly {side} zero, at {done}."
            return StopDecision(True, reason, method, fraction, interval=interval)
        return _no_difference_yet(method, fraction, done, f"the {shown}", interval=interval)
    readout = compare(control, treatment, metric=metric, alpha=alpha)
    boundary = obf_boundary(information_fraction=fraction, alpha=alpha, looks=list(looks))
    z = abs(readout.statistic)
    if z >= boundary:
        reason = (
            f"Stop: |z| = {z:.2f} reaches the boundary {boundary:.2f} at {done}; "
            "the difference is significant."
        )
        return StopDecision(True, reason, method, fraction, statistic=z, boundary=boundary)
    if math.isinf(boundary):
        shown = f"|z| = {z:.2f}; this early the design spends no alpha yet"
    else:
        shown = f"|z| = {z:.2f}, below the boundary {boundary:.2f}"
    return _no_difference_yet(method, fraction, done, shown, statistic=z, boundary=boundary)


def _no_difference_yet(
    method: str,
    fraction: float,
    done: str,
    shown: str,
    *,
    interval: tuple[float, float] | None = None,
    statistic: float | None = None,
    boundary: float | None = None,
) -> StopDecision:
    if fraction >= 1:
        reason = (
            f"Stop: the planned size is reached with no difference shown ({shown}); "
            "running longer would spend traffic on an effect below the one planned for."
        )
    else:
        reason = f"Keep running: {done} so far and no difference shown yet ({shown})."
    return StopDecision(fraction >= 1, reason, method, fraction, statistic, boundary, interval)


def _pair(interval: tuple[float, float], metric: str) -> str:
    scale, unit = _scale(metric)
    return span(*interval, scale=scale, unit=unit)[0]
