"""The experiment readout against independent worked examples: a two-proportion z-test
computed by hand from the normal distribution, Welch's t-test and CUPED recomputed from
the raw per-unit values, the sample-ratio chi-square, Holm's step-down; plus the peeking
answer, guardrails, the plan, the demo's readouts and the chart."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from aipm_desktop.services import experiments
from aipm_desktop.services.charts import render_chart

Z975 = 1.959963984540054  # the standard normal 97.5 % quantile (tables)
D1, D2 = "2027-01-04", "2027-01-05"
HEADER = ["date", "variant", "metric", "units", "conversions", "sum", "sum_sq"]


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _experiment(ws, *, variants=(("Control", 1), ("Treatment", 1)), guardrails=(), **data) -> int:
    values = {"title": "Checkout copy", "primary_metric": "Conversion", "status": "running"}
    values.update(data)
    found, _ = experiments.create_experiment(
        ws=ws, data=values, variants=list(variants), guardrails=list(guardrails)
    )
    return found


def _normal_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def test_two_proportions_against_a_hand_computed_example(ws, tmp_path) -> None:
    """Control 100 of 1,000 converted, treatment 130 of 1,000, over two days."""
    experiment_id = _experiment(ws)
    rows = [
        [D1, "Control", "Conversion", 600, 55, "", ""],
        [D2, "Control", "Conversion", 400, 45, "", ""],
        [D1, "Treatment", "Conversion", 500, 70, "", ""],
        [D2, "Treatment", "Conversion", 500, 60, "", ""],
    ]
    experiments.import_results(
        ws=ws, experiment_id=experiment_id, path=_csv(tmp_path / "r.csv", HEADER, rows)
    )
    result = experiments.readout_of(ws=ws, experiment_id=experiment_id)
    primary = result.primary
    assert primary is not None
    control, treatment = primary.arms
    assert (control.units, control.conversions, treatment.units, treatment.conversions) == (
        1000,
        100.0,
        1000,
        130.0,
    )
    assert (control.planned_share, control.days) == (0.5, 2)
    c = primary.treatments[0].comparison
    assert c is not None
    # by hand: pooled p = 230 / 2000 = 0.115
    z = 0.03 / math.sqrt(0.115 * 0.885 * (1 / 1000 + 1 / 1000))
    assert c.statistic == pytest.approx(z, rel=1e-9)  # 2.1027
    assert c.p_value == pytest.approx(_normal_p(z), rel=1e-6)  # 0.0355
    assert round(c.p_value, 4) == 0.0355
    se = math.sqrt(0.1 * 0.9 / 1000 + 0.13 * 0.87 / 1000)  # unpooled, for the interval
    assert c.abs_lift == pytest.approx(0.03)
    assert c.abs_ci == pytest.approx((0.03 - Z975 * se, 0.03 + Z975 * se), rel=1e-6)
    assert (round(c.abs_ci[0], 5), round(c.abs_ci[1], 5)) == (0.00207, 0.05793)
    # relative lift by the delta method: Var = v_t / m_c² + m_t² v_c / m_c⁴
    rel_se = math.sqrt(0.13 * 0.87 / 1000 / 0.01 + 0.13**2 * 0.1 * 0.9 / 1000 / 0.1**4)
    assert c.rel_lift == pytest.approx(0.3)
    assert c.rel_ci == pytest.approx((0.3 - Z975 * rel_se, 0.3 + Z975 * rel_se), rel=1e-6)
    assert c.significant and "raised Conversion" in c.verdict
    assert result.srm is not None and not result.srm_detected
    assert result.srm.p_value == pytest.approx(1.0)
    assert result.days == 2 and result.as_dict()["metrics"][0]["arms"][0]["units"] == 1000


def test_sample_ratio_mismatch_is_flagged(ws, tmp_path) -> None:
    experiment_id = _experiment(ws)
    rows = [
        [D1, "Control", "Conversion", 5000, 500, "", ""],
        [D1, "Treatment", "Conversion", 5400, 560, "", ""],
    ]
    experiments.import_results(
        ws=ws, experiment_id=experiment_id, path=_csv(tmp_path / "r.csv", HEADER, rows)
    )
    result = experiments.readout_of(ws=ws, experiment_id=experiment_id)
    chi2 = 2 * 200**2 / 5200  # (5000 - 5200)² / 5200 + (5400 - 5200)² / 5200
    assert result.srm is not None
    assert result.srm.chi2 == pytest.approx(chi2)  # 15.38
    assert result.srm.p_value == pytest.approx(_normal_p(math.sqrt(chi2)), rel=1e-6)  # 8.8e-5
    assert result.srm_detected and result.headline()[0].startswith("NOT TRUSTWORTHY")
    # 5,000 / 5,300 is unlikely too, but not below 0.001 (p = 0.0031): no mismatch
    rows[1][3] = 5300
    experiments.import_results(
        ws=ws, experiment_id=experiment_id, path=_csv(tmp_path / "s.csv", HEADER, rows)
    )
    result = experiments.readout_of(ws=ws, experiment_id=experiment_id)
    assert result.srm is not None and not result.srm_detected
    assert round(result.srm.p_value, 4) == 0.0031


def _per_unit_file(path: Path, rng: np.random.Generator) -> dict[str, dict[str, np.ndarray]]:
    """Per-unit rows of a control and a treatment (a mean metric with a covariate), and
    the raw values by arm."""
    raw: dict[str, dict[str, np.ndarray]] = {}
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["unit_id", "variant", "date", "Minutes", "covariate"])
        for arm, shift, n in (("Control", 0.0, 400), ("Treatment", 0.6, 380)):
            x = rng.normal(10, 3, n).round(3)
            y = (0.8 * x + rng.normal(2 + shift, 2, n)).round(3)
            raw[arm] = {"x": x, "y": y}
            for i in range(n):
                day = D1 if i % 3 else D2
                writer.writerow([f"{arm[0]}{i}", arm, day, y[i], x[i]])
    return raw


def test_welch_and_cuped_against_the_raw_values(ws, tmp_path) -> None:
    experiment_id = _experiment(ws, primary_metric="Minutes", primary_kind="mean")
    raw = _per_unit_file(tmp_path / "units.csv", np.random.default_rng(7))
    experiments.import_results(
        ws=ws, experiment_id=experiment_id, path=tmp_path / "units.csv", per_unit=True
    )
    from aipm_desktop.services.experiments import readout as module

    result = experiments.readout_of(ws=ws, experiment_id=experiment_id)
    c = result.metrics[0].treatments[0].comparison
    assert c is not None and result.metrics[0].cuped
    # CUPED by hand: theta from within-arm covariances, adjusted values, their variance
    xs = [raw["Control"]["x"], raw["Treatment"]["x"]]
    ys = [raw["Control"]["y"], raw["Treatment"]["y"]]
    cxy = sum(((x - x.mean()) * (y - y.mean())).sum() for x, y in zip(xs, ys, strict=True))
    cxx = sum(((x - x.mean()) ** 2).sum() for x in xs)
    theta = cxy / cxx
    x_bar = np.concatenate(xs).mean()
    adjusted = [y - theta * (x - x_bar) for x, y in zip(xs, ys, strict=True)]
    diff = adjusted[1].mean() - adjusted[0].mean()
    var_adj = sum(a.var(ddof=1) / len(a) for a in adjusted)
    var_raw = sum(y.var(ddof=1) / len(y) for y in ys)
    assert c.abs_lift == pytest.approx(diff, rel=1e-6)
    assert c.std_error == pytest.approx(math.sqrt(var_adj), rel=1e-6)
    assert c.cuped_variance_reduction == pytest.approx(1 - var_adj / var_raw, rel=1e-6)
    # The same data without the covariate sums: Welch's t-test on the raw values.
    info = experiments.detail(ws=ws, experiment_id=experiment_id)
    with ws.engine.connect() as conn:
        stored = module._arm_sums(conn, experiment_id)
    sums = {
        key: {**values, "pre_total": None, "pre_total_sq": None, "cross_total": None}
        for key, values in stored.items()
    }
    plain = module.build_readout(info, sums, days=2)
    w = plain.metrics[0].treatments[0].comparison
    assert w is not None and w.cuped_variance_reduction is None
    welch = stats.ttest_ind(ys[1], ys[0], equal_var=False)
    assert w.statistic == pytest.approx(welch.statistic, rel=1e-6)
    assert w.p_value == pytest.approx(welch.pvalue, rel=1e-5)
    assert w.abs_lift == pytest.approx(ys[1].mean() - ys[0].mean(), rel=1e-9)
    assert w.std_error > c.std_error  # CUPED narrowed the interval


def test_holm_over_three_treatments_and_guardrails(ws, tmp_path) -> None:
    experiment_id = _experiment(
        ws,
        variants=(("Control", 1), ("A", 1), ("B", 1), ("C", 1)),
        guardrails=[
            {"name": "Refunds", "margin": 0.01, "higher_is_better": False},
            {"name": "Latency", "kind": "mean", "margin": 0.05, "relative": True,
             "higher_is_better": False},
            {"name": "Tickets", "higher_is_better": False},
        ],
    )  # fmt: skip
    rows = []
    for arm, conv, refunds, latency in (
        ("Control", 1000, 200, 3.0),
        ("A", 1050, 205, 3.0),
        ("B", 1110, 400, 3.4),
        ("C", 1080, 270, 3.05),
    ):
        rows += [
            [D1, arm, "Conversion", 10000, conv, "", ""],
            [D1, arm, "Refunds", 10000, refunds, "", ""],
            [D1, arm, "Latency", 10000, "", latency * 10000, (latency**2 + 1) * 10000],
            [D1, arm, "Tickets", 10000, 50, "", ""],
        ]
    experiments.import_results(
        ws=ws, experiment_id=experiment_id, path=_csv(tmp_path / "r.csv", HEADER, rows)
    )
    result = experiments.readout_of(ws=ws, experiment_id=experiment_id)
    primary = result.primary
    assert primary is not None
    comparisons = [t.comparison for t in primary.treatments]
    raw = [c.p_value for c in comparisons if c is not None]
    # Holm by hand: sort, multiply the i-th smallest by m - i + 1, keep non-decreasing
    order = sorted(range(3), key=lambda i: raw[i])
    expected, running = [0.0] * 3, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, raw[i] * (3 - rank)))
        expected[i] = running
    assert [c.p_adjusted for c in comparisons if c is not None] == pytest.approx(expected)
    assert all(c is not None and c.correction == "holm" for c in comparisons)
    verdicts = {
        m.metric.name: [t.guardrail.verdict if t.guardrail else None for t in m.treatments]
        for m in result.guardrails
    }
    assert verdicts["Refunds"] == ["ok", "breach", "inconclusive"]
    assert verdicts["Latency"] == ["ok", "breach", "ok"]
    assert verdicts["Tickets"] == [None, None, None]  # no margin: reported, not judged


def test_peeking_answer_for_a_running_experiment(ws, tmp_path) -> None:
    experiment_id = _experiment(
        ws, peeking="msprt", baseline=0.1, mde=0.02, daily_units=1000, status="running"
    )
    rows = []
    for day in range(10):
        date = (dt.date(2027, 1, 4) + dt.timedelta(days=day)).isoformat()
        rows += [
            [date, "Control", "Conversion", 300, 30, "", ""],
            [date, "Treatment", "Conversion", 300, 39, "", ""],
        ]
    path = _csv(tmp_path / "r.csv", HEADER, rows)
    experiments.import_results(ws=ws, experiment_id=experiment_id, path=path)
    result = experiments.readout_of(ws=ws, experiment_id=experiment_id)
    assert result.plan is not None and result.plan.n_control == 3839  # 10 % -> 12 %
    stop = result.metrics[0].treatments[0].stop
    assert stop is not None and stop.method == "msprt" and stop.interval is not None
    assert stop.information_fraction == pytest.approx(6000 / (2 * 3839))
    experiments.update_experiment(ws=ws, experiment_id=experiment_id, data={"peeking": "obf"})
    stop = experiments.readout_of(ws=ws, experiment_id=experiment_id).metrics[0].treatments[0].stop
    assert stop is not None and stop.method == "obf" and stop.boundary is not None
    experiments.update_experiment(ws=ws, experiment_id=experiment_id, data={"peeking": "none"})
    result = experiments.readout_of(ws=ws, experiment_id=experiment_id)
    assert result.metrics[0].treatments[0].stop is None


def test_readout_without_results_or_plan(ws) -> None:
    experiment_id = _experiment(ws)
    result = experiments.readout_of(ws=ws, experiment_id=experiment_id)
    assert result.days == 0 and result.srm is None
    assert "No results for Control, Treatment." in result.metrics[0].treatments[0].problem
    assert result.plan is None and "needs a baseline" in result.plan_problem
    assert result.headline() == ["No results imported yet."]


def test_the_demo_readouts_and_chart(tmp_path) -> None:
    from aipm_desktop.services.workspace import new_workspace

    ws = new_workspace(tmp_path / "demo.aipm", demo=True)
    try:
        decided = experiments.find_experiment(
            ws=ws, ref="Draft placement: inline versus side panel"
        )
        result = experiments.readout_of(ws=ws, experiment_id=decided)
        assert result.status == "decided" and result.days == 28 and not result.srm_detected
        primary = result.primary
        assert primary is not None and primary.treatments[0].comparison is not None
        assert primary.treatments[0].comparison.significant
        assert all(
            t.guardrail is not None and t.guardrail.verdict == "ok"
            for m in result.guardrails
            for t in m.treatments
        )
        assert any(m.cuped for m in result.metrics)
        assert experiments.kpi_value_of(result) == pytest.approx(
            primary.treatments[0].comparison.rel_lift * 100, abs=1e-4
        )
        running = experiments.find_experiment(ws=ws, ref="Citations in answer bot replies")
        result = experiments.readout_of(ws=ws, experiment_id=running)
        assert result.metrics[0].treatments[0].stop is not None
        series = experiments.cumulative(ws=ws, experiment_id=running)
        assert len(series.lifts[0].days) == 14 and len(series.arms) == 2
        out = render_chart(ws=ws, kind="experiment", out=tmp_path / "exp.png", experiment=running)
        assert out.read_bytes().startswith(b"\x89PNG")
    finally:
        ws.close()
