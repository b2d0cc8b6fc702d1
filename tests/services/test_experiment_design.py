"""Experiment planning: sample sizes against published worked examples and hand
calculations, durations and the "not reachable in a year" message, the inverse
(detectable effect), and a clear ValidationError for every invalid input.

Quantiles in the hand calculations come from the standard library's ``NormalDist``, not
from scipy, so they are independent of the module under test."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aipm_desktop.errors import ValidationError
from aipm_desktop.services.experiments.design import (
    detectable_effect,
    mde_curve,
    plan_mean,
    plan_proportion,
)

Z = NormalDist().inv_cdf
# z_{0.975} + z_{0.80} = 1.959964 + 0.841621 = 2.801585; squared 7.848880.
Z_SUM = Z(0.975) + Z(0.8)


def test_ten_to_twelve_percent_by_hand_with_the_unpooled_formula() -> None:
    # n = (z_{0.975} + z_{0.8})² (p1 q1 + p2 q2) / δ²
    #   = 7.848880 x (0.10 x 0.90 + 0.12 x 0.88) / 0.02²
    #   = 7.848880 x (0.09 + 0.1056) / 0.0004 = 7.848880 x 489 = 3,838.10 -> 3,839 per arm.
    by_hand = Z_SUM**2 * 489
    assert by_hand == pytest.approx(3838.10, abs=0.01)
    plan = plan_proportion(baseline=0.10, mde=0.02)
    assert (plan.n_control, plan.n_treatment, plan.n_total) == (3839, 3839, 7678)
    assert plan.treatment_value == pytest.approx(0.12)
    assert plan.mde_rel == pytest.approx(0.2)
    assert plan.alpha_per_test == 0.05
    # The figure usually quoted, 3,841, is the pooled-variance (Fleiss) formula:
    #   (z_{0.975} √(2 p̄ q̄) + z_{0.8} √(p1 q1 + p2 q2))² / δ², p̄ = 0.11
    #   = (1.959964 x 0.442493 + 0.841621 x 0.442267)² / 0.0004 = 3,840.85 -> 3,841;
    # Evan Miller's calculator puts the baseline's variance under H0, √(2 p1 q1):
    #   (1.959964 x 0.424264 + 0.841621 x 0.442267)² / 0.0004 = 3,622.62 -> 3,623.
    pooled = (Z(0.975) * math.sqrt(2 * 0.11 * 0.89) + Z(0.8) * math.sqrt(0.1956)) ** 2 / 0.0004
    miller = (Z(0.975) * math.sqrt(2 * 0.09) + Z(0.8) * math.sqrt(0.1956)) ** 2 / 0.0004
    assert (math.ceil(pooled), math.ceil(miller)) == (3841, 3623)
    # The three conventions agree to 3 significant figures except Miller's (-5.6 %).
    assert f"{plan.n_control:.3g}" == f"{math.ceil(pooled):.3g}" == "3.84e+03"


def test_chow_shao_wang_two_proportions_example() -> None:
    # Chow, Shao & Wang (2008) §4.2, test for equality: cure rates 65 % (control) and
    # 85 % (test), alpha = 0.05, 80 % power, equal allocation: n = (1.96 + 0.84)² x
    # (0.65 x 0.35 + 0.85 x 0.15) / 0.2² ≈ 70 per arm (also powerandsamplesize.com,
    # "Compare 2 Proportions: 2-Sample Equality"). Exact quantiles: 69.66 -> 70.
    by_hand = Z_SUM**2 * (0.65 * 0.35 + 0.85 * 0.15) / 0.04
    assert by_hand == pytest.approx(69.66, abs=0.01)
    assert plan_proportion(baseline=0.65, mde=0.20).n_control == 70


def test_chow_shao_wang_two_means_example() -> None:
    # Chow, Shao & Wang (2008) p. 58 as worked on powerandsamplesize.com ("Compare 2
    # Means: 2-Sample Equality"): means 5 and 10, sd = 10, alpha = 0.05, 80 % power, κ = 1:
    # n = (1 + 1) x (10 x 2.801585 / 5)² = 2 x 31.3956 = 62.79 -> 63 per arm.
    plan = plan_mean(mean=5, sd=10, mde=5)
    assert plan.n_control == plan.n_treatment == 63
    assert plan.n_total == 126
    assert plan.sd == 10 and plan.mde_rel == pytest.approx(1.0)


def test_kohavi_rule_of_thumb() -> None:
    # Kohavi, Tang & Xu (2020) ch. 17: n ≈ 16 sd² / δ² per variant at alpha = 0.05, 80 %
    # power. Exactly: 2 x 7.848880 = 15.6978, so sd = 10, δ = 1 gives 1,569.78 -> 1,570.
    plan = plan_mean(mean=100, sd=10, mde=1)
    assert plan.n_control == 1570
    assert plan.n_control == pytest.approx(16 * 10**2 / 1**2, rel=0.02)
    assert plan_mean(mean=100, sd=10, mde=0.01, relative=True).n_control == 1570


def test_unequal_allocation_by_hand() -> None:
    # k = 2 treatment units per control unit, 10 % -> 12 %:
    # n_c = 7.848880 x (0.09 + 0.1056 / 2) / 0.0004 = 7.848880 x 357 = 2,802.05 -> 2,803;
    # n_t = 2 x 2,802.05 = 5,604.10 -> 5,605.
    plan = plan_proportion(baseline=0.10, mde=0.02, ratio=2)
    assert (plan.n_control, plan.n_treatment, plan.n_total) == (2803, 5605, 8408)
    assert "2,803 units in the control and 5,605 in the treatment arm" in plan.message


def test_several_treatments_share_alpha() -> None:
    # Three treatments, Holm planned as Bonferroni: alpha' = 0.05 / 3, z_{1 - alpha'/2} =
    # z_{0.991667} = 2.393980; (2.393980 + 0.841621)² x 489 = 5,119.40 -> 5,120 per arm.
    expected = math.ceil((Z(1 - 0.05 / 6) + Z(0.8)) ** 2 * 489)
    assert expected == 5120
    for correction in ("holm", "bonferroni"):
        plan = plan_proportion(baseline=0.10, mde=0.02, treatments=3, correction=correction)
        assert plan.alpha_per_test == pytest.approx(0.05 / 3)
        assert (plan.n_control, plan.n_treatment, plan.n_total) == (5120, 5120, 20480)
    holm = plan_proportion(baseline=0.10, mde=0.02, treatments=3)
    assert "shared by 3 comparisons (1.67% each" in holm.message
    assert "Holm's correction planned as Bonferroni" in holm.message
    plain = plan_proportion(baseline=0.10, mde=0.02, treatments=3, correction="none")
    assert plain.n_control == 3839 and plain.n_total == 4 * 3839
    assert "uncorrected" in plain.message


def test_relative_and_absolute_mde_agree() -> None:
    relative = plan_proportion(baseline=0.10, mde=0.2, relative=True)
    absolute = plan_proportion(baseline=0.10, mde=0.02)
    assert relative.n_control == absolute.n_control
    assert relative.mde_abs == pytest.approx(0.02)


def test_duration_rounds_up_to_whole_weeks() -> None:
    plan = plan_proportion(baseline=0.10, mde=0.02, daily=5000)
    # 7,678 / 5,000 = 1.54 -> 2 days -> 1 week.
    assert (plan.days, plan.weeks, plan.run_days, plan.reachable) == (2, 1, 7, True)
    assert plan.message.startswith(
        "3,839 units per arm, 7,678 in all: 2 days at 5,000 a day, rounded up to 1 week"
    )
    assert "a rise from 10% to 12% (+2 points, +20% relative)" in plan.message
    assert "80% power at a 5% two-sided significance level" in plan.message
    exact = plan_proportion(baseline=0.10, mde=0.02, daily=7678 / 14)
    assert (exact.days, exact.weeks, exact.run_days) == (14, 2, 14)
    assert "14 days at 548 a day (2 weeks, whole weeks)" in exact.message
    unrounded = plan_proportion(baseline=0.10, mde=0.02, daily=5000, round_to_weeks=False)
    assert (unrounded.days, unrounded.weeks, unrounded.run_days) == (2, 1, 2)
    assert "rounded" not in unrounded.message


def test_without_traffic_there_is_no_duration() -> None:
    plan = plan_mean(mean=20, sd=8, mde=1)
    assert plan.daily is None and plan.days is None and plan.weeks is None
    assert plan.reachable is True
    assert "give the eligible units a day" in plan.message
    assert "a change of 1 in the mean (from 20 to 21, 5% relative)" in plan.message


def test_a_plan_past_a_year_is_not_reachable() -> None:
    # 1 % -> 1.01 % needs about 16 million units per arm.
    plan = plan_proportion(baseline=0.01, mde=0.01, relative=True, daily=500)
    assert plan.reachable is False
    assert plan.days is not None and plan.days > 365
    assert "cannot reach its MDE in a year" in plan.message
    assert f"{plan.days:,} days" in plan.message
    # The edge: 7,678 units at 7,678/365 a day is exactly 365 days; one day more is not.
    assert plan_proportion(baseline=0.1, mde=0.02, daily=7678 / 365).reachable is True
    late = plan_proportion(baseline=0.1, mde=0.02, daily=7678 / 366)
    assert (late.days, late.reachable) == (366, False)
    assert "cannot reach its MDE in a year" in late.message


def test_detectable_effect_by_hand() -> None:
    # Means: 1,000 a day for 10 days, 1:1 -> 5,000 per arm; δ = Z sd √(2 / 5,000)
    #   = 2.801585 x 10 x 0.02 = 0.560317.
    effect = detectable_effect(metric="mean", baseline=50, sd=10, daily=1000, days=10)
    assert effect == pytest.approx(0.560317, abs=1e-6)
    # Proportions: at n_c = 3,838.102 per arm the planned 10 % -> 12 % comes back.
    back = detectable_effect(metric="proportion", baseline=0.1, daily=2 * 3838.1021901, days=1)
    assert back == pytest.approx(0.02, rel=1e-6)
    # Too little traffic to tell any rate up to 100 % from 50 %.
    assert detectable_effect(metric="proportion", baseline=0.5, daily=1, days=1) == math.inf


def test_mde_curve_shrinks_with_the_square_root_of_time() -> None:
    curve = mde_curve(metric="mean", baseline=50, sd=10, daily=1000, days=[1, 4, 16])
    assert [d for d, _ in curve] == [1, 4, 16]
    assert curve[1][1] == pytest.approx(curve[0][1] / 2)
    assert curve[2][1] == pytest.approx(curve[0][1] / 4)
    rates = mde_curve(metric="proportion", baseline=0.1, daily=1000, days=[7, 14, 28, 56])
    effects = [e for _, e in rates]
    assert effects == sorted(effects, reverse=True)


@settings(max_examples=60, deadline=None)
@given(
    baseline=st.floats(0.01, 0.9),
    share=st.floats(0.02, 0.9),
    ratio=st.sampled_from([0.5, 1.0, 2.0]),
    treatments=st.integers(1, 4),
)
def test_the_planned_traffic_detects_the_planned_effect(
    baseline: float, share: float, ratio: float, treatments: int
) -> None:
    mde = share * (1 - baseline) * 0.9
    plan = plan_proportion(baseline=baseline, mde=mde, ratio=ratio, treatments=treatments)
    kwargs = {"ratio": ratio, "treatments": treatments, "daily": plan.n_total / 7, "days": 7}
    effect = detectable_effect(metric="proportion", baseline=baseline, **kwargs)
    # Sizes are rounded up, so the traffic detects the effect or a slightly smaller one.
    assert effect <= mde * (1 + 1e-9)
    assert effect >= mde * 0.9
    means = plan_mean(mean=10, sd=3, mde=mde, ratio=ratio, treatments=treatments)
    kwargs["daily"] = means.n_total / 7
    effect = detectable_effect(metric="mean", baseline=10, sd=3, **kwargs)
    assert mde * 0.9 <= effect <= mde * (1 + 1e-9)


INVALID = [
    (dict(baseline=0), "baseline", "baseline rate"),
    (dict(baseline=1), "baseline", "baseline rate"),
    (dict(baseline=1.5), "baseline", "baseline rate"),
    (dict(baseline=-0.1), "baseline", "baseline rate"),
    (dict(baseline=math.nan), "baseline", "baseline rate"),
    (dict(mde=0), "mde", "minimum detectable effect"),
    (dict(mde=-0.01), "mde", "minimum detectable effect"),
    (dict(baseline=0.9, mde=0.1), "mde", "below 100%"),
    (dict(baseline=0.5, mde=1.0, relative=True), "mde", "below 100%"),
    (dict(alpha=0), "alpha", "alpha"),
    (dict(alpha=1), "alpha", "alpha"),
    (dict(power=0), "power", "power"),
    (dict(power=1.2), "power", "power"),
    (dict(ratio=0), "ratio", "ratio"),
    (dict(ratio=-1), "ratio", "ratio"),
    (dict(treatments=0), "treatments", "treatment arms"),
    (dict(treatments=5), "treatments", "treatment arms"),
    (dict(treatments=1.5), "treatments", "whole number"),
    (dict(correction="sidak"), "correction", "correction"),
    (dict(daily=0), "daily", "units a day"),
    (dict(daily=-5), "daily", "units a day"),
]


@pytest.mark.parametrize(("change", "field", "words"), INVALID)
def test_invalid_proportion_plans_name_the_field(change: dict, field: str, words: str) -> None:
    values = {"baseline": 0.1, "mde": 0.02, **change}
    with pytest.raises(ValidationError) as caught:
        plan_proportion(**values)
    assert caught.value.errors[0][0] == field
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (dict(sd=0), "sd", "standard deviation"),
        (dict(sd=-1), "sd", "standard deviation"),
        (dict(mean=math.inf), "mean", "baseline mean"),
        (dict(mean=0, relative=True), "mde", "baseline other than 0"),
        (dict(mde=0), "mde", "minimum detectable effect"),
    ],
)
def test_invalid_mean_plans_name_the_field(change: dict, field: str, words: str) -> None:
    values = {"mean": 10.0, "sd": 2.0, "mde": 0.5, **change}
    with pytest.raises(ValidationError) as caught:
        plan_mean(**values)
    assert caught.value.errors[0][0] == field
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (dict(metric="median"), "metric"),
        (dict(metric="mean", sd=None), "sd"),
        (dict(days=0), "days"),
        (dict(daily=0), "daily"),
        (dict(baseline=1.2), "baseline"),
        (dict(treatments=7), "treatments"),
    ],
)
def test_invalid_detectable_effect_inputs(change: dict, field: str) -> None:
    values = {"metric": "proportion", "baseline": 0.1, "sd": 1.0, "daily": 100, "days": 7}
    values.update(change)
    with pytest.raises(ValidationError) as caught:
        detectable_effect(**values)
    assert caught.value.errors[0][0] == field


def test_invalid_days_in_a_curve() -> None:
    with pytest.raises(ValidationError, match="number of days"):
        mde_curve(metric="proportion", baseline=0.1, daily=100, days=[7, -1])
