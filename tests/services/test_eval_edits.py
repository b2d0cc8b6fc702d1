"""Writing suites, metrics and runs: validation with messages naming the field, metric
texts for scripting, edits as undoable operations, and a run recording a KPI snapshot."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from aipm_desktop.errors import ValidationError
from aipm_desktop.models import Kpi, KpiSnapshot
from aipm_desktop.services import evaluations as ev
from aipm_desktop.services import records


def test_metric_texts_for_scripting() -> None:
    assert ev.parse_metric("accuracy:0.85:blocking") == {
        "kind": "accuracy",
        "threshold": 0.85,
        "blocking": True,
    }
    assert ev.parse_metric("pass_rate:hallucinated:0.05:blocking:lower") == {
        "kind": "pass_rate",
        "column": "hallucinated",
        "threshold": 0.05,
        "blocking": True,
        "direction": "lower_is_better",
    }
    with pytest.raises(ValidationError, match="choose one of"):
        ev.parse_metric("bleu:0.3")
    with pytest.raises(ValidationError, match="two columns"):
        ev.parse_metric("mean_score:a:b")


def test_defaults_names_and_directions_come_from_the_kind(ws) -> None:
    suite, _ = ev.create_suite(
        ws=ws,
        data={"name": "Bot", "slices": "Language, Customer tier"},
        metrics=["ece:0.1", "pass_rate:toxic", "latency_p95", "mean_score:judge:4"],
    )
    specs = ev.metric_specs(ws=ws, suite_id=suite)
    assert [(s.name, s.direction) for s in specs] == [
        ("Calibration error (ECE)", "lower_is_better"),
        ("Toxic rate", "higher_is_better"),
        ("Latency p95", "lower_is_better"),
        ("Mean judge", "higher_is_better"),
    ]
    assert ev.suite_row(ws=ws, suite_id=suite).slices == "language, customer_tier"


@pytest.mark.parametrize(
    ("metric", "words"),
    [
        ("accuracy:1.5", "share between 0 and 1"),
        ("pass_rate", "names the column it reads"),
        ({"kind": "accuracy", "column": "x"}, "reads fixed columns"),
        ({"kind": "accuracy", "slice_column": "language"}, "both the slice column and its value"),
    ],
)
def test_bad_metrics_are_refused_and_nothing_is_stored(ws, metric, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        ev.create_suite(ws=ws, data={"name": "S"}, metrics=[metric])
    assert ev.suites(ws=ws) == []


def test_suite_rules(ws) -> None:
    with pytest.raises(ValidationError, match="Suite name"):
        ev.create_suite(ws=ws, data={"name": "  "})
    with pytest.raises(ValidationError, match="positive label 'spam' is not one of"):
        ev.create_suite(ws=ws, data={"name": "S", "classes": "ham, eggs", "positive_label": "spam"})
    with pytest.raises(ValidationError, match="names must differ"):
        ev.create_suite(ws=ws, data={"name": "S"}, metrics=["accuracy", "accuracy:0.9"])


def test_edits_are_undoable_and_runs_keep_their_import_fields(ws, tmp_path: Path) -> None:
    suite, _ = ev.create_suite(ws=ws, data={"name": "S"}, metrics=["accuracy:0.5"])
    source = tmp_path / "r.csv"
    source.write_text("id,expected,predicted\n1,a,a\n2,a,b\n", encoding="utf-8")
    run_id, _ = ev.import_results(ws=ws, suite_id=suite, path=source, name="v1")
    ev.update_run(ws=ws, run_id=run_id, data={"name": "v1.0", "environment": "staging"})
    assert ev.find_run(ws=ws, suite_id=suite, ref=None).name == "v1.0"
    with pytest.raises(ValidationError, match="source_rows is set by the results import"):
        ev.update_run(ws=ws, run_id=run_id, data={"source_rows": 9})
    ws.undo()
    assert ev.find_run(ws=ws, suite_id=suite, ref=None).name == "v1"
    ev.delete_suite(ws=ws, suite_id=suite)
    assert ev.suites(ws=ws) == []
    ws.undo()
    assert len(ev.load_results(ws=ws, run_id=run_id)) == 2


def test_a_run_records_a_kpi_snapshot_on_its_date(ws, tmp_path: Path) -> None:
    kpi, _ = records.create(ws=ws, model=Kpi, data={"name": "Hallucination rate", "unit": "%"})
    suite, _ = ev.create_suite(
        ws=ws, data={"name": "Bot"}, metrics=["pass_rate:hallucinated:0.05:lower"]
    )
    metric = ev.metric_specs(ws=ws, suite_id=suite)[0]
    source = tmp_path / "r.csv"
    source.write_text("id,hallucinated\n1,true\n2,false\n3,false\n4,false\n", encoding="utf-8")
    day = dt.date(2026, 11, 30)
    run_id, _ = ev.import_results(ws=ws, suite_id=suite, path=source, name="v1", run_date=day)
    snapshot_id, _ = ev.record_kpi_snapshot(
        ws=ws, run_id=run_id, metric_id=metric.id, kpi_id=kpi.id, scale=100
    )
    snapshot = records.get(ws=ws, model=KpiSnapshot, id=snapshot_id)
    assert (snapshot.date, snapshot.value) == (day, 25.0)
    assert "eval run v1" in snapshot.note
    assert ev.find_run(ws=ws, suite_id=suite, ref="v1").kpi_snapshot_id == snapshot_id
    ws.undo()
    assert ev.find_run(ws=ws, suite_id=suite, ref="v1").kpi_snapshot_id is None
