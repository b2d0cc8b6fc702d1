"""Evaluation statistics against hand-computed values and independent computations:
every metric kind on small cases, the bootstrap against a brute-force bootstrap, interval
properties, McNemar's exact test against the binomial by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from aipm_desktop.services.evaluations import stats
from aipm_desktop.services.evaluations.metrics import MetricSpec, metric_report
from aipm_desktop.services.evaluations.results import Column, Results

LABELS = ["cat", "dog", "fox"]


def _results(expected, predicted, **numbers) -> Results:
    index = {c: i for i, c in enumerate(LABELS)}
    values = {
        "expected": np.array([index[e] for e in expected], dtype=np.int32),
        "predicted": np.array([index.get(p, -1) for p in predicted], dtype=np.int32),
    }
    columns = [Column("id", "id"), Column("expected", "expected"), Column("predicted", "predicted")]
    for name, data in numbers.items():
        field = (
            "flag"
            if name == "ok"
            else name
            if name in ("probability", "latency", "cost")
            else "score"
        )
        columns.append(Column(name, field))
        values[name] = np.asarray(data, dtype=np.float64)
    ids = np.array([f"e{i}" for i in range(len(expected))], dtype=object)
    return Results(ids, columns, values, {"label": list(LABELS)})


def _value(kind: str, data: Results, **fields) -> float | None:
    spec = MetricSpec(id=1, name=kind, kind=kind, **fields)
    return metric_report(spec, data, resamples=0).value


# Eight examples; hand counts per class (expected -> predicted):
#   cat: cat, cat, dog        dog: dog, dog, cat        fox: fox, (none)
EXPECTED = ["cat", "cat", "cat", "dog", "dog", "dog", "fox", "fox"]
PREDICTED = ["cat", "cat", "dog", "dog", "dog", "cat", "fox", ""]


def test_accuracy_counts_an_empty_prediction_as_wrong() -> None:
    data = _results(EXPECTED, PREDICTED)
    assert _value("accuracy", data) == pytest.approx(5 / 8)


def test_binary_precision_recall_f1_of_the_positive_class() -> None:
    data = _results(EXPECTED, PREDICTED)
    # positive "dog": TP 2 (rows 4, 5), FP 1 (row 3: cat -> dog), FN 1 (row 6: dog -> cat)
    assert _value("precision", data, positive_label="dog") == pytest.approx(2 / 3)
    assert _value("recall", data, positive_label="dog") == pytest.approx(2 / 3)
    assert _value("f1", data, positive_label="dog") == pytest.approx(2 / 3)
    # positive "fox": TP 1, FP 0, FN 1 -> precision 1, recall 1/2, F1 2/3
    assert _value("precision", data, positive_label="fox") == pytest.approx(1.0)
    assert _value("recall", data, positive_label="fox") == pytest.approx(0.5)
    assert _value("f1", data, positive_label="fox") == pytest.approx(2 / 3)


def test_macro_averages_over_the_classes_present() -> None:
    data = _results(EXPECTED, PREDICTED)
    # precision: cat 2/3, dog 2/3, fox 1/1; recall: cat 2/3, dog 2/3, fox 1/2
    # F1 = 2TP/(2TP+FP+FN): cat 4/6, dog 4/6, fox 2/3
    assert _value("macro_precision", data) == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    assert _value("macro_recall", data) == pytest.approx((2 / 3 + 2 / 3 + 0.5) / 3)
    assert _value("macro_f1", data) == pytest.approx(2 / 3)


def test_ece_uses_ten_equal_width_bins() -> None:
    # correct: 1, 1, 0, 1 ; confidence 0.95, 0.91 (bin 9), 0.85 (bin 8), 0.55 (bin 5)
    data = _results(["cat"] * 4, ["cat", "cat", "dog", "cat"], probability=[0.95, 0.91, 0.85, 0.55])
    # bin 9: |2 - 1.86| = 0.14; bin 8: |0 - 0.85| = 0.85; bin 5: |1 - 0.55| = 0.45
    assert _value("ece", data) == pytest.approx((0.14 + 0.85 + 0.45) / 4)
    perfect = _results(["cat"] * 2, ["cat", "dog"], probability=[1.0, 0.0])
    assert _value("ece", perfect) == pytest.approx(0.0)


def test_pass_rate_mean_cost_and_nearest_rank_percentiles() -> None:
    n = 10
    data = _results(
        ["cat"] * n,
        ["cat"] * n,
        ok=[1, 1, 0, 1, np.nan, 0, 1, 1, 1, 1],
        judge=[1, 2, 3, 4, 5, 5, 4, 3, 2, np.nan],
        latency=[10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
        cost=[0.5] * 5 + [1.5] * 5,
    )
    assert _value("pass_rate", data, column="ok") == pytest.approx(7 / 9)  # the empty flag left out
    assert _value("mean_score", data, column="judge") == pytest.approx(29 / 9)
    assert _value("cost_per_item", data) == pytest.approx(1.0)
    assert _value("latency_p50", data) == 50  # ceil(0.5 * 10) = 5th value
    assert _value("latency_p95", data) == 100  # ceil(9.5) = 10th value


def test_mcnemar_exact_against_the_binomial_by_hand() -> None:
    # b = 1, c = 9: p = 2 * P(Bin(10, 1/2) <= 1) = 2 * 11 / 1024
    assert stats.mcnemar_exact(1, 9) == pytest.approx(22 / 1024)
    assert stats.mcnemar_exact(9, 1) == pytest.approx(22 / 1024)
    # b = 3, c = 5: 2 * (1 + 8 + 28 + 56) / 256 = 186 / 256
    assert stats.mcnemar_exact(3, 5) == pytest.approx(186 / 256)
    assert stats.mcnemar_exact(4, 4) == 1.0
    assert stats.mcnemar_exact(0, 0) == 1.0
    # a large case against exact integer arithmetic
    exact = 2 * sum(math.comb(300, i) for i in range(121)) / 2**300
    assert stats.mcnemar_exact(120, 180) == pytest.approx(exact, rel=1e-9)


def _brute_interval(values: np.ndarray, fn, resamples: int, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    index = rng.integers(0, values.size, size=(resamples, values.size))
    samples = np.array([fn(values[row]) for row in index])
    low, high = np.percentile(samples, [2.5, 97.5])
    return float(low), float(high)


@pytest.mark.parametrize("kind", ["share", "mean", "p95"])
def test_the_bootstrap_agrees_with_a_brute_force_bootstrap(kind: str) -> None:
    rng = np.random.default_rng(7)
    if kind == "share":
        values = (rng.random(2_000) < 0.8).astype(float)
        cells = stats.share_cells(values == 1)
        ours = stats.interval(stats.resample(cells, rng, 4_000))
        brute = _brute_interval(values, np.mean, 4_000, 1)
    elif kind == "mean":
        values = rng.lognormal(size=2_000)
        cells = stats.mean_cells(values)
        ours = stats.interval(stats.resample(cells, rng, 4_000))
        brute = _brute_interval(values, np.mean, 4_000, 1)
    else:
        values = rng.gamma(2.0, 300.0, size=2_000)
        ours = stats.interval(stats.percentile_resamples(values, 0.95, rng, 4_000))
        brute = _brute_interval(
            values, lambda v: np.sort(v)[math.ceil(0.95 * v.size) - 1], 4_000, 1
        )
    width = brute[1] - brute[0]
    assert ours[0] == pytest.approx(brute[0], abs=0.1 * width)
    assert ours[1] == pytest.approx(brute[1], abs=0.1 * width)


@pytest.mark.parametrize("kind", ["accuracy", "macro_f1", "ece", "pass_rate", "f1"])
def test_resampled_shares_lie_in_0_1_and_intervals_hold_the_value(kind: str) -> None:
    rng = np.random.default_rng(3)
    n = 500
    expected = rng.choice(LABELS, n)
    predicted = np.where(rng.random(n) < 0.7, expected, rng.choice(LABELS, n))
    data = _results(
        list(expected), list(predicted), probability=rng.random(n), ok=rng.random(n) < 0.9
    )
    spec = MetricSpec(
        1, kind, kind, column="ok" if kind == "pass_rate" else "", positive_label="dog"
    )
    mask = np.ones(n, dtype=bool)
    from aipm_desktop.services.evaluations.metrics import cells_of

    cells = cells_of(spec, data, mask)
    assert cells is not None
    samples = stats.resample(cells, rng, 1_000)
    assert samples.min() >= 0 and samples.max() <= 1
    result = metric_report(spec, data)
    assert result.low <= result.value <= result.high


def test_intervals_shrink_as_n_grows() -> None:
    widths = []
    for n in (200, 2_000, 20_000):
        rng = np.random.default_rng(n)
        expected = rng.choice(LABELS, n)
        predicted = np.where(rng.random(n) < 0.8, expected, rng.choice(LABELS, n))
        result = metric_report(
            MetricSpec(1, "acc", "accuracy"), _results(list(expected), list(predicted))
        )
        widths.append(result.high - result.low)
    assert widths[0] > widths[1] > widths[2]
    # about 1/sqrt(10) each step
    assert widths[1] / widths[0] == pytest.approx(10**-0.5, rel=0.25)


def test_the_same_seed_gives_the_same_interval() -> None:
    data = _results(EXPECTED * 20, PREDICTED * 20)
    spec = MetricSpec(1, "acc", "accuracy")
    first, second = metric_report(spec, data, seed=5), metric_report(spec, data, seed=5)
    assert (first.low, first.high) == (second.low, second.high)
