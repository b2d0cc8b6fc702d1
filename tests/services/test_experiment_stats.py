"""Experiment readouts: every test statistic, p-value and interval against hand
calculations and independent references (the standard library's ``NormalDist`` and
``math.erfc``, scipy's own implementations of the textbook tests), CUPED against the
correlation of generated data, Holm on a textbook list, the sample-ratio check, guardrail
verdicts, always-valid intervals and O'Brien-Fleming boundaries against published values,
and a clear ValidationError for every invalid input."""

from __future__ import annotations

import dataclasses
import math
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from aipm_desktop.errors import ValidationError
from aipm_desktop.services.experiments.stats import (
    ArmTotals,
    Comparison,
    adjust,
    adjust_comparisons,
    always_valid_interval,
    always_valid_p_value,
    can_stop,
    combine,
    compare,
    guardrail_check,
    guardrail_verdict,
    obf_boundary,
    srm_check,
)
from aipm_desktop.services.experiments.stats_sequential import boundaries, mixing_tau

NORMAL = NormalDist()


def arm(name: str, values: np.ndarray, pre: np.ndarray | None = None) -> ArmTotals:
    """An arm's sums from unit-level values (and a pre-period covariate)."""
    sums = {}
    if pre is not None:
        sums = dict(
            pre_total=float(pre.sum()),
            pre_total_sq=float((pre * pre).sum()),
            cross_total=float((pre * values).sum()),
        )
    return ArmTotals(
        name, len(values), total=float(values.sum()), total_sq=float((values**2).sum()), **sums
    )


# Two proportions, by hand: control 1,000 / 10,000 = 10 %, B 1,120 / 10,000 = 11.2 %.
#   pooled p̂ = 2,120 / 20,000 = 0.106; SE₀ = √(0.106 x 0.894 x (2 / 10,000))
#     = √1.895280e-5 = 0.004353482; z = 0.012 / 0.004353482 = 2.756415
#   p = 2 (1 - Φ(2.756415)) = 0.005844
#   unpooled SE = √(0.1 x 0.9 / 10,000 + 0.112 x 0.888 / 10,000) = √1.89456e-5 = 0.004352654
#   95 % CI = 0.012 ± 1.959964 x 0.004352654 = 0.012 ± 0.008531046 = (0.003469, 0.020531)
#   relative lift 0.112 / 0.1 - 1 = 0.12; delta method:
#     Var = 9.9456e-6 / 0.1² + 0.112² x 9e-6 / 0.1⁴ = 9.9456e-4 + 1.12896e-3 = 2.12352e-3
#     SE = 0.0460817; CI = 0.12 ± 0.0903184 = (0.02968, 0.21032)
CONTROL = ArmTotals("control", 10_000, conversions=1_000)
B = ArmTotals("B", 10_000, conversions=1_120)


def test_two_proportion_z_test_by_hand() -> None:
    result = compare(CONTROL, B, metric="proportion")
    assert result.method == "two-proportion z-test"
    assert (result.control_value, result.treatment_value) == (0.1, 0.112)
    assert result.abs_lift == pytest.approx(0.012)
    assert result.statistic == pytest.approx(2.756415, abs=1e-6)
    assert result.p_value == pytest.approx(2 * (1 - NORMAL.cdf(2.756415)), rel=1e-5)
    assert result.p_value == pytest.approx(0.005844, abs=1e-6)
    assert result.std_error == pytest.approx(0.004352654, abs=1e-9)
    assert result.abs_ci == pytest.approx((0.003469, 0.020531), abs=1e-6)
    assert result.rel_lift == pytest.approx(0.12)
    assert result.rel_ci == pytest.approx((0.02968, 0.21032), abs=1e-5)
    assert result.df is None and result.significant and result.p_adjusted == result.p_value
    assert result.verdict == (
        "B raised conversion by 1.2 points (95% CI 0.3 to 2.1 points; +12% relative); "
        "significant at the 5% level (p = 0.0058)."
    )


def test_pooled_z_squared_is_pearsons_chi_square() -> None:
    # An independent reference: the pooled two-proportion z² is Pearson's chi-square of
    # the 2 x 2 table (no continuity correction), and the p-values are the same.
    result = compare(CONTROL, B, metric="proportion")
    table = [[1_000, 9_000], [1_120, 8_880]]
    chi2, p, _, _ = scipy_stats.chi2_contingency(table, correction=False)
    assert result.statistic**2 == pytest.approx(chi2, rel=1e-10)
    assert result.p_value == pytest.approx(p, rel=1e-10)


def test_a_drop_and_no_difference_read_plainly() -> None:
    lower = compare(CONTROL, ArmTotals("C", 10_000, conversions=880), metric="proportion")
    assert lower.abs_lift == pytest.approx(-0.012) and lower.significant
    # SE = √(0.1 x 0.9 / 10,000 + 0.088 x 0.912 / 10,000) = √1.70256e-5 = 0.0041262;
    # CI = -0.012 ± 0.0080872 = (-2.0, -0.4) points.
    assert lower.verdict.startswith("C lowered conversion by 1.2 points (95% CI -2.0 to -0.4")
    same = compare(CONTROL, ArmTotals("D", 10_000, conversions=1_030), metric="proportion")
    assert not same.significant
    assert same.verdict.startswith("No detectable difference in conversion between D and control")
    # p̂ = 0.1015, SE₀ = √(0.1015 x 0.8985 x 0.0002) = 0.00427078, z = 0.003 / 0.00427078
    # = 0.70245, p = 2 (1 - Φ(0.70245)) = 0.482.
    assert same.p_value == pytest.approx(2 * (1 - NORMAL.cdf(0.70245)), abs=1e-5)
    assert same.verdict == (
        "No detectable difference in conversion between D and control: +0.3 points "
        "(95% CI -0.5 to 1.1 points), p = 0.48."
    )


def test_no_conversions_at_all() -> None:
    result = compare(
        ArmTotals("control", 50, conversions=0),
        ArmTotals("B", 50, conversions=0),
        metric="proportion",
    )
    assert (result.p_value, result.abs_ci, result.significant) == (1.0, (0.0, 0.0), False)
    assert result.rel_lift is None and result.rel_ci is None


# Welch by hand: control 1, 2, 3, 4, 5 (sum 15, sum of squares 55; mean 3, s² = (55 -
# 45) / 4 = 2.5); B 2, 4, ..., 12 (sum 42, squares 364; mean 7, s² = (364 - 294) / 5 = 14).
#   SE² = 2.5 / 5 + 14 / 6 = 0.5 + 2.333333 = 2.833333; SE = 1.683251
#   t = 4 / 1.683251 = 2.376354
#   df = 2.833333² / (0.5² / 4 + 2.333333² / 5) = 8.027778 / (0.0625 + 1.088889)
#      = 8.027778 / 1.151389 = 6.972256
SMALL_CONTROL = ArmTotals("A", 5, total=15, total_sq=55)
SMALL_B = ArmTotals("B", 6, total=42, total_sq=364)


def test_welch_t_test_by_hand() -> None:
    result = compare(SMALL_CONTROL, SMALL_B, metric="mean", label="revenue per user")
    assert result.method == "Welch's t-test"
    assert (result.control_value, result.treatment_value, result.abs_lift) == (3.0, 7.0, 4.0)
    assert result.std_error == pytest.approx(1.683251, abs=1e-6)
    assert result.statistic == pytest.approx(2.376354, abs=1e-6)
    assert result.df == pytest.approx(6.972256, abs=1e-6)
    # p and CI from the t distribution at that df (scipy's t, not the function's code path)
    assert result.p_value == pytest.approx(2 * scipy_stats.t.sf(2.376354, 6.972256), rel=1e-5)
    assert result.p_value == pytest.approx(0.04928, abs=1e-5)
    half = scipy_stats.t.ppf(0.975, 6.972256) * 1.683251
    assert result.abs_ci == pytest.approx((4 - half, 4 + half), abs=1e-5)
    # relative: 7 / 3 - 1 = 1.333333, Var = 2.333333 / 9 + 49 x 0.5 / 81 = 0.561728
    rel_half = scipy_stats.t.ppf(0.975, 6.972256) * math.sqrt(0.561728)
    assert result.rel_ci == pytest.approx((4 / 3 - rel_half, 4 / 3 + rel_half), abs=1e-5)
    # scipy's Welch test on the raw values agrees
    raw = scipy_stats.ttest_ind([2, 4, 6, 8, 10, 12], [1, 2, 3, 4, 5], equal_var=False)
    assert (result.statistic, result.p_value) == pytest.approx((raw.statistic, raw.pvalue))
    assert result.verdict == (
        "B raised revenue per user by 4.00 (95% CI 0.02 to 7.98; +133% relative); "
        "significant at the 5% level (p = 0.049)."
    )


def test_welch_against_scipy_from_stats() -> None:
    rng = np.random.default_rng(7)
    control = rng.gamma(2.0, 10.0, size=3_000)
    treatment = rng.gamma(2.1, 10.0, size=2_000)
    result = compare(arm("control", control), arm("B", treatment), metric="mean")
    reference = scipy_stats.ttest_ind_from_stats(
        treatment.mean(),
        treatment.std(ddof=1),
        len(treatment),
        control.mean(),
        control.std(ddof=1),
        len(control),
        equal_var=False,
    )
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-9)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9)


def _correlated(rng: np.random.Generator, n: int, rho: float) -> tuple[np.ndarray, np.ndarray]:
    x = rng.normal(10.0, 2.0, size=n)
    y = 5.0 + rho * (x - 10.0) / 2.0 + math.sqrt(1 - rho**2) * rng.normal(size=n)
    return x, y


def test_cuped_removes_exactly_rho_squared_of_the_generated_data() -> None:
    # Both arms hold the same units' values, the treatment's metric shifted by 0.1: θ is
    # the same in both arms, so the variance removed is exactly the sample ρ² and the
    # adjusted difference is exactly 0.1.
    x, y = _correlated(np.random.default_rng(1), 5_000, 0.6)
    rho = np.corrcoef(x, y)[0, 1]
    plain = compare(arm("control", y, x), arm("B", y + 0.1, x), metric="mean")
    result = compare(arm("control", y, x), arm("B", y + 0.1, x), metric="mean", cuped=True)
    assert result.method == "Welch's t-test with CUPED"
    assert result.cuped_variance_reduction == pytest.approx(rho**2, rel=1e-9)
    assert result.abs_lift == pytest.approx(0.1, abs=1e-9)
    assert result.std_error == pytest.approx(plain.std_error * math.sqrt(1 - rho**2), rel=1e-9)
    assert result.p_value < plain.p_value
    assert plain.cuped_variance_reduction is None
    assert result.verdict.endswith(f"CUPED removed {round(rho**2 * 100)}% of the variance.")


def test_cuped_on_independent_arms_removes_about_rho_squared() -> None:
    rng = np.random.default_rng(2)
    xc, yc = _correlated(rng, 50_000, 0.7)
    xt, yt = _correlated(rng, 50_000, 0.7)
    result = compare(arm("control", yc, xc), arm("B", yt + 0.05, xt), metric="mean", cuped=True)
    assert result.cuped_variance_reduction == pytest.approx(0.49, abs=0.01)
    assert result.abs_lift == pytest.approx(0.05, abs=3 * result.std_error)


def test_cuped_on_conversions() -> None:
    rng = np.random.default_rng(3)
    before = (rng.random(20_000) < 0.3).astype(float)
    after = np.where(rng.random(20_000) < 0.6, before, (rng.random(20_000) < 0.3)).astype(float)
    rho = np.corrcoef(before, after)[0, 1]
    sums = dict(
        pre_total=before.sum(), pre_total_sq=before.sum(), cross_total=(before * after).sum()
    )
    conversions = int(after.sum())
    control = ArmTotals("control", 20_000, conversions=conversions, **sums)
    treatment = ArmTotals("B", 20_000, conversions=conversions, **sums)
    result = compare(control, treatment, metric="proportion", cuped=True)
    assert result.method == "z-test on CUPED-adjusted proportions"
    assert result.cuped_variance_reduction == pytest.approx(rho**2, rel=1e-9)
    assert result.abs_lift == pytest.approx(0.0, abs=1e-12)


def test_cuped_without_covariates_is_the_plain_readout() -> None:
    plain = compare(CONTROL, B, metric="proportion")
    assert compare(CONTROL, B, metric="proportion", cuped=True) == plain


def test_holm_on_the_textbook_example() -> None:
    # Holm (1979) as in the usual textbook example (also Wikipedia, "Holm-Bonferroni
    # method"): p = 0.01, 0.04, 0.03, 0.005 at alpha = 0.05. Sorted: 0.005 x 4 = 0.02,
    # 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> raised to 0.06 (monotone).
    # H1 and H4 are rejected, H2 and H3 not.
    pvalues = [0.01, 0.04, 0.03, 0.005]
    assert adjust(pvalues, "holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert adjust(pvalues, "bonferroni") == pytest.approx([0.04, 0.16, 0.12, 0.02])
    assert adjust(pvalues, "none") == pvalues
    assert adjust([0.5, 0.6], "bonferroni") == [1.0, 1.0]
    assert adjust([0.3, 0.6, 0.9], "holm") == pytest.approx([0.9, 1.0, 1.0])
    assert adjust([], "holm") == []


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=12))
def test_holm_properties(pvalues: list[float]) -> None:
    holm, bonferroni = adjust(pvalues, "holm"), adjust(pvalues, "bonferroni")
    for raw, h, b in zip(pvalues, holm, bonferroni, strict=True):
        assert raw <= h + 1e-15 and h <= b + 1e-15 and h <= 1.0
    ranked = sorted(range(len(pvalues)), key=pvalues.__getitem__)
    ordered = [holm[i] for i in ranked]
    assert ordered == sorted(ordered)


def test_adjusted_comparisons_say_which_correction() -> None:
    # C: 1,090 / 10,000: p̂ = 0.1045, SE₀ = √(0.1045 x 0.8955 x 0.0002) = 0.00432619,
    # z = 0.009 / 0.00432619 = 2.08035, p = 0.0375. D: 1,030, p = 0.48.
    # Holm: 0.005844 x 3 = 0.0175 (B), 0.0375 x 2 = 0.075 (C), 0.48 (D): B stays
    # significant, C no longer is.
    results = [
        compare(CONTROL, B, metric="proportion"),
        compare(CONTROL, ArmTotals("C", 10_000, conversions=1_090), metric="proportion"),
        compare(CONTROL, ArmTotals("D", 10_000, conversions=1_030), metric="proportion"),
    ]
    assert results[1].p_value == pytest.approx(0.0375, abs=1e-4) and results[1].significant
    adjusted = adjust_comparisons(results, "holm")
    assert [c.p_adjusted for c in adjusted] == pytest.approx(
        adjust([c.p_value for c in results], "holm")
    )
    assert [c.significant for c in adjusted] == [True, False, False]
    assert all(c.correction == "holm" for c in adjusted)
    assert adjusted[0].verdict.endswith("significant after Holm correction (adjusted p = 0.018).")
    assert "but not significant after Holm correction (adjusted p = 0.075" in adjusted[1].verdict
    assert "not corrected for the other comparisons" in adjusted[1].verdict
    assert adjust_comparisons([], "holm") == []


def test_srm_two_arms_by_hand() -> None:
    # 50/50 planned, 50,000 vs 51,000 observed: expected 50,500 each;
    # χ² = 2 x 500² / 50,500 = 9.900990; with 1 dof p = erfc(√(χ²/2)) = 0.001652.
    result = srm_check([50_000, 51_000], [50, 50])
    assert result.expected == [50_500.0, 50_500.0]
    assert result.chi2 == pytest.approx(9.900990, abs=1e-6)
    assert result.dof == 1
    assert result.p_value == pytest.approx(math.erfc(math.sqrt(9.900990 / 2)), rel=1e-6)
    assert result.p_value == pytest.approx(0.00165, abs=1e-5)
    assert result.mismatch is False  # 0.0017 is not below 0.001
    assert "in line with the planned 50% / 50%" in result.message


def test_srm_three_arms_by_hand() -> None:
    # 2:1:1 planned, 5,200 / 2,400 / 2,400 observed: expected 5,000 / 2,500 / 2,500;
    # χ² = 200² / 5,000 + 2 x 100² / 2,500 = 8 + 8 = 16; with 2 dof p = e^(-χ²/2) = e^-8.
    result = srm_check([5_200, 2_400, 2_400], [2, 1, 1])
    assert result.chi2 == pytest.approx(16.0)
    assert result.p_value == pytest.approx(math.exp(-8), rel=1e-9)
    assert result.mismatch is True
    assert result.message.startswith("Sample ratio mismatch: the arms got 5,200 / 2,400 / 2,400")
    assert "50% / 25% / 25% was planned" in result.message


@pytest.mark.parametrize(
    ("units", "allocation", "field"),
    [
        ([100, 100], [1], "allocation"),
        ([100], [1], "units"),
        ([100, -1], [1, 1], "units"),
        ([0, 0], [1, 1], "units"),
        ([100, 100], [1, 0], "allocation"),
        ([100, 100], [1, math.nan], "allocation"),
    ],
)
def test_invalid_srm_input(units: list[int], allocation: list[float], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        srm_check(units, allocation)
    assert caught.value.errors[0][0] == field


def _with_ci(lo: float, hi: float, *, rel: tuple[float, float] | None = None) -> Comparison:
    base = compare(CONTROL, B, metric="proportion", label="retention")
    return dataclasses.replace(base, abs_ci=(lo, hi), rel_ci=rel)


@pytest.mark.parametrize(
    ("ci", "higher_is_better", "verdict"),
    [
        ((-0.004, 0.010), True, "ok"),  # worst case 0.4 points down, within 0.5
        ((-0.004, -0.001), True, "ok"),  # surely down, but within the margin
        ((-0.005, 0.010), True, "ok"),  # the bound exactly at the margin is tolerated
        ((-0.020, -0.006), True, "breach"),  # surely more than 0.5 points down
        ((-0.010, 0.002), True, "inconclusive"),  # straddles the margin
        ((-0.010, -0.003), True, "inconclusive"),  # estimate past it, CI not wholly
        ((-0.010, 0.004), False, "ok"),  # lower is better: a rise of at most 0.4 points
        ((0.006, 0.020), False, "breach"),
        ((-0.002, 0.010), False, "inconclusive"),
    ],
)
def test_guardrail_verdicts(ci: tuple[float, float], higher_is_better: bool, verdict: str) -> None:
    comparison = _with_ci(*ci)
    assert guardrail_verdict(comparison, margin=0.005, higher_is_better=higher_is_better) == verdict
    result = guardrail_check(comparison, margin=0.005, higher_is_better=higher_is_better)
    assert result.verdict == verdict
    assert result.message.startswith(verdict.capitalize())
    assert "retention of more than 0.5 points" in result.message


def test_relative_guardrail() -> None:
    # Relative CI -1.5 % to +3 % of the control.
    comparison = _with_ci(-1.0, 1.0, rel=(-0.015, 0.03))
    check = guardrail_check(comparison, margin=0.02, higher_is_better=True, relative=True)
    assert check.verdict == "ok"
    assert check.message == (
        "Ok: the 95% CI (-2 to 3%) rules out a drop in retention of more than 2% of the control."
    )
    assert (
        guardrail_verdict(comparison, margin=0.01, higher_is_better=True, relative=True)
        == "inconclusive"
    )
    assert (
        guardrail_verdict(comparison, margin=0.01, higher_is_better=False, relative=True)
        == "inconclusive"
    )
    worse = _with_ci(-1.0, 1.0, rel=(0.02, 0.05))
    assert guardrail_verdict(worse, margin=0.01, higher_is_better=False, relative=True) == "breach"
    with pytest.raises(ValidationError, match="control value other than zero"):
        guardrail_verdict(_with_ci(-1, 1), margin=0.02, higher_is_better=True, relative=True)
    with pytest.raises(ValidationError, match="zero or more"):
        guardrail_verdict(comparison, margin=-0.01, higher_is_better=True)


# Always-valid interval by hand: two arms of 100 units with variance 4, means 10 and 11
# (sum of squares = 4 x 99 + sum² / 100). V = 4/100 + 4/100 = 0.08; with τ = 0.5, τ² = 0.25:
#   half-width² = V (V + τ²) / τ² x (ln((V + τ²) / V) - 2 ln 0.05)
#               = 0.08 x 0.33 / 0.25 x (ln 4.125 + 5.991465) = 0.1056 x 7.408531 = 0.782341
#   half-width = 0.884500; interval 1 ± 0.884500
#   ln Λ(0) = ½ ln(0.08 / 0.33) + 0.25 x 1² / (2 x 0.08 x 0.33) = -0.708533 + 4.734848
#   = 4.026315; p = e^-4.026315 = 0.017840
MEAN_CONTROL = ArmTotals("control", 100, total=1_000, total_sq=396 + 10_000)
MEAN_B = ArmTotals("B", 100, total=1_100, total_sq=396 + 12_100)


def test_always_valid_interval_by_hand() -> None:
    lo, hi = always_valid_interval(MEAN_CONTROL, MEAN_B, metric="mean", tau=0.5)
    assert (lo, hi) == pytest.approx((1 - 0.884500, 1 + 0.884500), abs=1e-6)
    p = always_valid_p_value(MEAN_CONTROL, MEAN_B, metric="mean", tau=0.5)
    assert p == pytest.approx(0.017840, abs=1e-6)
    # At alpha = 0.01 the interval includes zero exactly because p > 0.01 ...
    lo, hi = always_valid_interval(MEAN_CONTROL, MEAN_B, metric="mean", tau=0.5, alpha=0.01)
    assert lo < 0 < hi
    # ... and it is always wider than the fixed-horizon interval.
    fixed = compare(MEAN_CONTROL, MEAN_B, metric="mean").abs_ci
    wide = always_valid_interval(MEAN_CONTROL, MEAN_B, metric="mean")
    assert wide[0] < fixed[0] and wide[1] > fixed[1]


def test_default_tau_is_tuned_for_the_planned_size() -> None:
    # u* solves u = ln(1 + u) - 2 ln 0.05 (fixed-point iteration, by hand: 8.211968);
    # the default plan of 10,000 units gives 5,000 per arm here: V_N = 4 / 5,000 x 2 =
    # 0.0016, τ = √(8.211968 x 0.0016) = √0.01313915 = 0.114626.
    u = 6.0
    for _ in range(60):
        u = math.log1p(u) - 2 * math.log(0.05)
    assert u == pytest.approx(8.211968, abs=1e-6)
    assert mixing_tau(MEAN_CONTROL, MEAN_B, metric="mean") == pytest.approx(0.114626, abs=1e-6)
    tau = mixing_tau(MEAN_CONTROL, MEAN_B, metric="mean", planned_units=400)
    assert tau == pytest.approx(math.sqrt(u * 0.04), rel=1e-9)


def test_always_valid_interval_survives_peeking() -> None:
    # No true difference; 200 experiments looked at 20 times each (every 50 units per arm
    # up to 1,000). Declaring a winner as soon as the fixed-horizon 95 % CI excludes zero
    # is wrong far more often than 5 %; the always-valid interval keeps to 5 %.
    rng = np.random.default_rng(11)
    runs, looks, step = 200, 20, 50
    naive = valid = 0
    for _ in range(runs):
        a = rng.normal(0.0, 1.0, size=looks * step)
        b = rng.normal(0.0, 1.0, size=looks * step)
        fooled_naive = fooled_valid = False
        for k in range(1, looks + 1):
            control, treatment = arm("control", a[: k * step]), arm("B", b[: k * step])
            lo, hi = compare(control, treatment, metric="mean").abs_ci
            fooled_naive |= lo > 0 or hi < 0
            lo, hi = always_valid_interval(
                control, treatment, metric="mean", planned_units=2 * looks * step
            )
            fooled_valid |= lo > 0 or hi < 0
        naive += fooled_naive
        valid += fooled_valid
    assert naive / runs > 0.12
    assert valid / runs <= 0.05


def test_obrien_fleming_boundaries_match_published_values() -> None:
    # Lan-DeMets O'Brien-Fleming-type spending, two-sided alpha = 0.05 as two one-sided
    # 0.025 sides: the values gsDesign (sfLDOF) and rpact (asOF) print for equally spaced
    # looks. K = 2: 2.963, 1.969; K = 3: 3.710, 2.511, 1.993; K = 4: 4.333, 2.963,
    # 2.359, 2.014.
    def series(times: list[float]) -> list[float]:
        return [obf_boundary(information_fraction=t, looks=times[:i]) for i, t in enumerate(times)]

    assert series([0.5, 1.0]) == pytest.approx([2.963, 1.969], abs=6e-4)
    assert series([1 / 3, 2 / 3, 1.0]) == pytest.approx([3.710, 2.511, 1.993], abs=6e-4)
    assert series([0.25, 0.5, 0.75, 1.0]) == pytest.approx([4.333, 2.963, 2.359, 2.014], abs=6e-4)
    # One look at the end is the fixed-horizon test.
    assert obf_boundary(information_fraction=1.0) == pytest.approx(NORMAL.inv_cdf(0.975))


def test_obrien_fleming_first_look_and_total_alpha() -> None:
    # First look at t = 0.5 by hand: each side spends 2 - 2Φ(z_{0.9875} / √0.5)
    #   = 2 - 2Φ(2.241403 / 0.707107) = 2 - 2Φ(3.169829) = 0.0015249, so the boundary
    #   is z_{1 - 0.0015249} = 2.962588.
    side = 2 - 2 * NORMAL.cdf(NORMAL.inv_cdf(0.9875) / math.sqrt(0.5))
    assert obf_boundary(information_fraction=0.5) == pytest.approx(
        NORMAL.inv_cdf(1 - side), abs=1e-6
    )
    # Both looks together keep the total type I error at 5 %: P(|Z1| < c1, |Z2| < c2)
    # = 0.95 with corr(Z1, Z2) = √(0.5 / 1) (multivariate normal integration).
    c1 = obf_boundary(information_fraction=0.5)
    c2 = obf_boundary(information_fraction=1.0, looks=[0.5])
    r = math.sqrt(0.5)
    mvn = scipy_stats.multivariate_normal(mean=[0, 0], cov=[[1, r], [r, 1]], seed=0)
    inside = mvn.cdf([c1, c2], lower_limit=[-c1, -c2])
    assert inside == pytest.approx(0.95, abs=2e-4)


def test_obrien_fleming_irregular_looks_keep_alpha() -> None:
    # Looks at 20 %, 55 % and 100 % of the information: the three boundaries together
    # reject with probability 5 % when there is no difference (corr(Z_i, Z_j) =
    # √(t_i / t_j)), and the first two spend exactly alpha(0.2) and alpha(0.55).
    times = [0.2, 0.55, 1.0]
    bounds = [obf_boundary(information_fraction=t, looks=times[:i]) for i, t in enumerate(times)]
    cov = [[math.sqrt(min(a, b) / max(a, b)) for b in times] for a in times]
    mvn = scipy_stats.multivariate_normal(mean=[0, 0, 0], cov=cov, seed=0)
    assert mvn.cdf(bounds, lower_limit=[-b for b in bounds]) == pytest.approx(0.95, abs=3e-4)
    first_two = scipy_stats.multivariate_normal(mean=[0, 0], cov=[r[:2] for r in cov[:2]], seed=0)
    spent = 1 - first_two.cdf(bounds[:2], lower_limit=[-b for b in bounds[:2]])
    side = 2 - 2 * NORMAL.cdf(NORMAL.inv_cdf(0.9875) / math.sqrt(0.55))
    assert spent == pytest.approx(2 * side, abs=2e-5)


def test_obrien_fleming_with_daily_looks() -> None:
    # A look every day of a 365-day plan: nothing can be rejected in the first days (no
    # alpha is spent yet), the boundary falls as information accrues, and the last is
    # above the fixed-horizon 1.96 (the price of 364 earlier looks).
    times = [d / 365 for d in range(1, 366)]
    assert obf_boundary(information_fraction=times[0]) == math.inf
    bounds = boundaries(times)
    assert bounds[-1] == obf_boundary(information_fraction=1.0, looks=times[:-1])
    assert bounds[30] > bounds[182] > bounds[-1] > 1.96
    # Independent check by simulation: 20,000 experiments with no difference, the z value
    # of each look from a Brownian motion; the share that ever crosses is 5 % (standard
    # error 0.15 points).
    rng = np.random.default_rng(5)
    steps = np.sqrt(np.diff(times, prepend=0.0))
    crossed = 0
    for _ in range(4):
        paths = np.cumsum(rng.standard_normal((5_000, len(times))) * steps, axis=1)
        crossed += int(np.any(np.abs(paths) / np.sqrt(times) >= bounds, axis=1).sum())
    assert crossed / 20_000 == pytest.approx(0.05, abs=0.005)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (dict(information_fraction=0.0), "information_fraction"),
        (dict(information_fraction=1.2), "information_fraction"),
        (dict(information_fraction=0.5, looks=[0.6]), "looks"),
        (dict(information_fraction=0.8, looks=[0.5, 0.4]), "looks"),
        (dict(information_fraction=0.8, looks=[0.0]), "looks"),
        (dict(information_fraction=0.8, alpha=1.0), "alpha"),
    ],
)
def test_invalid_boundary_input(kwargs: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        obf_boundary(**kwargs)
    assert caught.value.errors[0][0] == field


def test_can_stop_with_obrien_fleming() -> None:
    # |z| = 2.756 (the hand example above): below 2.963 at half the plan, past 1.969 at
    # the end.
    early = can_stop(CONTROL, B, metric="proportion", method="obf", planned_units=40_000)
    assert (early.stop, early.information_fraction) == (False, 0.5)
    assert early.boundary == pytest.approx(2.963, abs=6e-4)
    assert early.reason.startswith("Keep running: 50% of the planned 40,000 units")
    assert "|z| = 2.76, below the boundary 2.96" in early.reason
    final = can_stop(
        CONTROL, B, metric="proportion", method="obf", planned_units=20_000, looks=[0.5]
    )
    assert final.stop and final.boundary == pytest.approx(1.969, abs=6e-4)
    assert final.reason.startswith("Stop: |z| = 2.76 reaches the boundary 1.97")
    tiny = can_stop(CONTROL, B, metric="proportion", method="obf", planned_units=20_000_000)
    assert not tiny.stop and tiny.boundary == math.inf
    assert "this early the design spends no alpha yet" in tiny.reason
    flat = ArmTotals("D", 10_000, conversions=1_030)
    done = can_stop(CONTROL, flat, metric="proportion", method="obf", planned_units=20_000)
    assert done.stop and "planned size is reached with no difference" in done.reason


def test_can_stop_with_msprt() -> None:
    big = ArmTotals("B", 10_000, conversions=1_300)
    stop = can_stop(CONTROL, big, metric="proportion", method="msprt", planned_units=40_000)
    assert stop.stop and stop.interval is not None and stop.interval[0] > 0
    assert "lies wholly above zero" in stop.reason
    wait = can_stop(CONTROL, B, metric="proportion", method="msprt", planned_units=40_000)
    assert not wait.stop and wait.interval is not None and wait.interval[0] < 0 < wait.interval[1]
    assert wait.reason.startswith("Keep running")
    with pytest.raises(ValidationError) as caught:
        can_stop(CONTROL, B, metric="proportion", method="bayes", planned_units=100)
    assert caught.value.errors[0][0] == "method"


def test_combine_adds_daily_totals() -> None:
    days = [
        ArmTotals("B", 10, conversions=1, total=5.0, total_sq=9.0),
        ArmTotals("B", 20, conversions=3, total=7.5, total_sq=12.0),
        ArmTotals("B", 5, conversions=0, total=0.5, total_sq=0.25),
    ]
    total = combine(days)
    assert (total.name, total.units, total.conversions) == ("B", 35, 4)
    assert (total.total, total.total_sq) == (13.0, 21.25)
    assert total.pre_total is None and total.cross_total is None
    partial = combine([days[0], ArmTotals("B", 4, conversions=1)])
    assert partial.conversions == 2 and partial.total is None
    with pytest.raises(ValidationError, match="no totals"):
        combine([])


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (dict(units=0), "units"),
        (dict(units=-3), "units"),
        (dict(units=2.5), "units"),
        (dict(units=math.nan), "units"),
        (dict(conversions=11), "conversions"),
        (dict(conversions=-1), "conversions"),
        (dict(total=10.0, total_sq=5.0), "total_sq"),  # 5 < 10² / 10: negative variance
        (dict(total=math.nan, total_sq=10.0), "total"),
        (dict(pre_total=10.0, pre_total_sq=1.0), "total_sq"),
        (dict(cross_total=math.inf), "cross_total"),
    ],
)
def test_invalid_arm_totals(fields: dict, field: str) -> None:
    values = {"units": 10, **fields}
    with pytest.raises(ValidationError) as caught:
        ArmTotals("B", **values)
    assert caught.value.errors[0][0] == field
    assert "Arm 'B'" in str(caught.value)


def test_valid_arms_at_the_edges() -> None:
    # Σv² = (Σv)² / n up to rounding: variance 0, not an error.
    constant = ArmTotals("B", 3, total=0.3, total_sq=0.03)
    assert compare(constant, constant, metric="mean").p_value == 1.0
    # Counts straight from numpy arrays are whole numbers too.
    counts = ArmTotals("B", np.int64(10), conversions=np.int64(3))
    assert compare(counts, counts, metric="proportion").abs_lift == 0.0


@pytest.mark.parametrize(
    ("control", "treatment", "kwargs", "field"),
    [
        (ArmTotals("A", 10), ArmTotals("B", 10, conversions=1), {}, "conversions"),
        (
            ArmTotals("A", 10, conversions=1),
            ArmTotals("B", 10, conversions=1),
            dict(metric="mean"),
            "total",
        ),
        (
            ArmTotals("A", 1, total=1.0, total_sq=1.0),
            ArmTotals("B", 5, total=1.0, total_sq=1.0),
            dict(metric="mean"),
            "units",
        ),
        (CONTROL, B, dict(metric="median"), "metric"),
        (CONTROL, B, dict(alpha=1.0), "alpha"),
        (
            ArmTotals("A", 10, conversions=5, pre_total=5.0, pre_total_sq=5.0, cross_total=9.0),
            ArmTotals("B", 10, conversions=5, pre_total=5.0, pre_total_sq=5.0, cross_total=5.0),
            dict(cuped=True),
            "cross_total",
        ),
    ],
)
def test_invalid_comparisons(
    control: ArmTotals, treatment: ArmTotals, kwargs: dict, field: str
) -> None:
    values = {"metric": "proportion", **kwargs}
    with pytest.raises(ValidationError) as caught:
        compare(control, treatment, **values)
    assert caught.value.errors[0][0] == field


def test_invalid_p_values_and_correction() -> None:
    with pytest.raises(ValidationError, match="between 0 and 1"):
        adjust([0.2, 1.5])
    with pytest.raises(ValidationError) as caught:
        adjust([0.2], "sidak")
    assert caught.value.errors[0][0] == "method"
