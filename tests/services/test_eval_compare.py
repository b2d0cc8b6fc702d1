"""Comparing runs: identical runs compare as no change, a slice regression behind an
overall improvement is found with its flipped examples, McNemar on the discordant pairs,
the regression rule (blocking threshold or significant drop), and the launch gate and
Overview list that count failing blocking metrics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from aipm_desktop.services import evaluations as ev
from aipm_desktop.services import launch
from aipm_desktop.services.evaluations import stats
from aipm_desktop.services.evaluations.compare import compare_results
from aipm_desktop.services.evaluations.metrics import MetricSpec
from aipm_desktop.services.evaluations.results import Column, Results


def _run(correct: np.ndarray, language: np.ndarray, flag: np.ndarray | None = None) -> Results:
    n = correct.size
    expected = np.zeros(n, dtype=np.int32)
    values = {
        "expected": expected,
        "predicted": np.where(correct, 0, 1).astype(np.int32),
        "language": language.astype(np.int32),
    }
    columns = [
        Column("id", "id"),
        Column("expected", "expected"),
        Column("predicted", "predicted"),
        Column("language", "slice"),
    ]
    if flag is not None:
        values["toxic"] = flag.astype(np.float64)
        columns.append(Column("toxic", "flag"))
    ids = np.array([f"x{i}" for i in range(n)], dtype=object)
    return Results(ids, columns, values, {"label": ["yes", "no"], "language": ["de", "en"]})


ACCURACY = MetricSpec(1, "Accuracy", "accuracy", threshold=0.8, blocking=True)
TOXIC = MetricSpec(2, "Toxicity", "pass_rate", column="toxic", direction="lower_is_better")


def test_identical_runs_compare_as_no_change() -> None:
    rng = np.random.default_rng(1)
    run = _run(rng.random(600) < 0.85, rng.integers(0, 2, 600), rng.random(600) < 0.1)
    specs = [ACCURACY, TOXIC, MetricSpec(3, "F1", "macro_f1")]
    result = compare_results(specs, run, run, resamples=300)
    assert result.paired == 600 and not result.flips and not result.regressions
    for d in result.differences:
        assert d.diff == 0 and d.low == 0 and d.high == 0
        assert d.p_value == 1.0 and not d.worse


def test_a_slice_regression_behind_an_overall_gain_is_found() -> None:
    n = 1_000
    language = np.array([0] * 200 + [1] * 800)  # 200 German, 800 English
    latent = np.random.default_rng(4).random(n)
    a = _run(latent < np.where(language == 0, 0.85, 0.80), language)
    b = _run(latent < np.where(language == 0, 0.70, 0.90), language)
    result = compare_results([ACCURACY], a, b, resamples=500)
    overall = result.overall()[0]
    assert overall.diff > 0 and not overall.regression
    german = next(d for d in result.differences if d.group == "language=de")
    assert german.regression and german.diff < 0 and german.test == "mcnemar"
    lost = [f for f in result.flips if f.change == "pass→fail"]
    assert {f.example_id for f in lost} == set(german.examples)
    assert all(f.slices == ("de",) for f in lost)
    # McNemar on the German discordant pairs: every German flip is pass -> fail
    assert german.p_value == pytest.approx(stats.mcnemar_exact(len(lost), 0))


def test_a_blocking_metric_below_its_threshold_is_a_regression_even_without_a_drop() -> None:
    n = 400
    language = np.zeros(n, dtype=np.int32)
    correct = np.random.default_rng(2).random(n) < 0.7
    result = compare_results([ACCURACY], _run(correct, language), _run(correct, language))
    overall = result.overall()[0]
    assert overall.regression and "threshold" in overall.reason and not overall.worse


def test_a_flag_metric_flips_by_its_direction() -> None:
    language = np.zeros(6, dtype=np.int32)
    correct = np.ones(6, dtype=bool)
    a = _run(correct, language, np.array([0, 0, 0, 1, 0, 0]))
    b = _run(correct, language, np.array([1, 1, 0, 0, 0, 0]))  # two become toxic, one heals
    result = compare_results([TOXIC], a, b, resamples=100)
    changes = {f.example_id: f.change for f in result.flips}
    assert changes == {"x0": "pass→fail", "x1": "pass→fail", "x3": "fail→pass"}
    # b = 2, c = 1: p = 2 * P(Bin(3, 1/2) <= 1) = 2 * 4/8 = 1
    assert result.overall()[0].p_value == 1.0


def test_runs_with_different_examples_compare_on_the_common_ones() -> None:
    language = np.zeros(5, dtype=np.int32)
    a = _run(np.ones(5, dtype=bool), language)
    b = a.take(np.array([4, 3, 2]))  # fewer examples, another order
    result = compare_results([ACCURACY], a, b, resamples=50)
    assert (result.paired, result.only_a, result.only_b) == (3, 2, 0)
    assert result.overall()[0].diff == 0


@pytest.fixture
def demo(tmp_path: Path):
    from aipm_desktop.services.workspace import new_workspace

    ws = new_workspace(tmp_path / "demo.aipm", demo=True)
    yield ws
    ws.close()


def test_the_demo_triage_suite_regresses_on_german_tickets(demo) -> None:
    suite = ev.find_suite(ws=demo, ref="Ticket triage regression set")
    runs = ev.runs(ws=demo, suite_id=suite)
    assert len(runs) == 3
    result = ev.compare_runs(ws=demo, run_a=runs[1].id, run_b=runs[2].id, resamples=300)
    accuracy = next(d for d in result.overall() if d.spec.name == "Accuracy")
    assert accuracy.diff > 0 and not accuracy.regression
    groups = {(d.spec.name, d.group) for d in result.regressions}
    assert ("Accuracy", "language=de") in groups
    assert not any(g.startswith("language=en") for _n, g in groups)
    failing = ev.failing_blocking(ws=demo)
    assert [(f.suite, f.metric) for f in failing] == [
        ("Ticket triage regression set", "Accuracy, German tickets")
    ]


def test_the_launch_gate_counts_a_failing_blocking_metric(demo) -> None:
    release = launch.resolve_release(ws=demo, ref="Answer bot GA")
    ready = launch.readiness(ws=demo, release_id=release)
    assert ready.evaluation is not None and ready.evaluation.passed
    assert "evaluation" not in ready.reason_kinds
    suite = ev.find_suite(ws=demo, ref="Answer bot grounded QA")
    metric = next(m for m in ev.metric_specs(ws=demo, suite_id=suite) if m.name == "Groundedness")
    ev.update_metric(ws=demo, metric_id=metric.id, data={"threshold": 0.99})
    ready = launch.readiness(ws=demo, release_id=release)
    assert not ready.go and not ready.evaluation.passed
    text = ready.reasons[ready.reason_kinds.index("evaluation")]
    assert "Groundedness" in text and "< 0.99" in text
    assert [f.metric_id for f in ready.evaluation.failing] == [metric.id]
    demo.undo()
    assert launch.readiness(ws=demo, release_id=release).evaluation.passed


def test_failing_metrics_and_the_gate_read_stored_values_without_numpy(demo) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from aipm_desktop.store import open_workspace\n"
        "from aipm_desktop.services import evaluations as ev, launch\n"
        f"ws = open_workspace({str(demo.path)!r}, readonly=True)\n"
        "failing = ev.failing_blocking(ws=ws)\n"
        "release = launch.resolve_release(ws=ws, ref='Answer bot GA')\n"
        "item = launch.readiness(ws=ws, release_id=release).evaluation\n"
        "print([f.metric for f in failing], item.state, 'numpy' in sys.modules)\n"
    )
    demo.close()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['Accuracy, German tickets'] pass False"


def test_a_new_metric_gets_stored_values_on_every_run(demo) -> None:
    suite = ev.find_suite(ws=demo, ref="Ticket triage regression set")
    strict = {"name": "Strict accuracy", "kind": "accuracy", "threshold": 0.99, "blocking": True}
    metric_id, _ = ev.add_metric(ws=demo, suite_id=suite, data=strict)
    latest = ev.find_run(ws=demo, suite_id=suite, ref=None)
    failing = {f.metric: f for f in ev.failing_blocking(ws=demo)}
    assert set(failing) == {"Accuracy, German tickets", "Strict accuracy"}
    report = ev.run_report(ws=demo, run_id=latest.id, resamples=0)
    computed = next(m.value for m in report.metrics if m.spec.id == metric_id)
    assert failing["Strict accuracy"].value == pytest.approx(computed)
    demo.undo()
    assert [f.metric for f in ev.failing_blocking(ws=demo)] == ["Accuracy, German tickets"]
