"""Importing experiment results: daily aggregates (CSV, XLSX) and per-unit rows, checked
row by row with every problem reported and nothing stored on any problem; replace and
merge; one undoable operation recording the file's SHA-256 and row count."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from aipm_desktop.errors import UserError
from aipm_desktop.models import ExperimentResult
from aipm_desktop.services import experiments
from aipm_desktop.services.problems import ImportRefused
from aipm_desktop.services.tabular import write_rows

HEADER = ["date", "variant", "metric", "units", "conversions", "sum", "sum_sq"]
D1, D2 = "2027-01-04", "2027-01-05"


@pytest.fixture
def experiment_id(ws) -> int:
    found, _ = experiments.create_experiment(
        ws=ws,
        data={"title": "Inline drafts", "primary_metric": "Acceptance", "status": "running"},
        variants=[("Control", 1), ("Inline", 1)],
        guardrails=[{"name": "CSAT", "kind": "mean", "margin": 0.1}],
    )
    return found


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _stored(ws) -> list[tuple]:
    with ws.session() as session:
        rows = session.execute(
            select(
                ExperimentResult.day,
                ExperimentResult.metric,
                ExperimentResult.units,
                ExperimentResult.conversions,
                ExperimentResult.total,
                ExperimentResult.total_sq,
            ).order_by(ExperimentResult.day, ExperimentResult.metric, ExperimentResult.variant_id)
        ).all()
    return [tuple(r) for r in rows]


GOOD = [
    [D1, "control", "Acceptance", 100, 40, "", ""],
    [D1, "Inline", "acceptance", 102, 47, "", ""],
    [D1, "Control", "CSAT", 30, "", 120, 500],
    [D1, "Inline", "CSAT", 31, "", 130, 560],
    [D2, "Control", "Acceptance", 90, 35, "", ""],
    [D2, "Inline", "Acceptance", 95, 44, "", ""],
]


def test_daily_aggregates_import_as_one_undoable_operation(ws, experiment_id, tmp_path) -> None:
    path = _csv(tmp_path / "results.csv", HEADER, GOOD)
    preview = experiments.preview_results(ws=ws, experiment_id=experiment_id, path=path)
    assert preview.ok and (preview.row_count, len(preview.rows), preview.days) == (6, 6, 2)
    assert preview.summary().startswith("6 rows -> 6 daily aggregates (2 days, 2 arms, 2 metrics)")
    assert _stored(ws) == []  # a preview writes nothing
    mark = ws.operation_mark()
    experiments.apply_results(ws=ws, preview=preview)
    assert len(ws.operations_since(mark)) == 1
    day = dt.date(2027, 1, 4)
    assert _stored(ws)[:2] == [
        (day, "Acceptance", 100, 40.0, None, None),
        (day, "Acceptance", 102, 47.0, None, None),
    ]
    info = experiments.detail(ws=ws, experiment_id=experiment_id)
    assert info.results_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (info.results_rows, info.results_file, info.result_count) == (6, "results.csv", 6)
    assert info.results_imported_at is not None
    assert (info.first_day, info.last_day) == (day, dt.date(2027, 1, 5))
    ws.undo()
    assert _stored(ws) == []
    assert experiments.detail(ws=ws, experiment_id=experiment_id).results_sha256 == ""


def test_xlsx_and_replace_and_merge(ws, experiment_id, tmp_path) -> None:
    xlsx = write_rows(tmp_path / "results.xlsx", HEADER, GOOD)
    experiments.import_results(ws=ws, experiment_id=experiment_id, path=xlsx)
    assert len(_stored(ws)) == 6
    later = _csv(
        tmp_path / "day3.csv",
        HEADER,
        [["2027-01-06", "Control", "Acceptance", 80, 30, "", ""],
         ["2027-01-06", "Inline", "Acceptance", 82, 33, "", ""],
         [D2, "Inline", "Acceptance", 96, 45, "", ""]],
    )  # fmt: skip
    preview, _ = experiments.import_results(
        ws=ws, experiment_id=experiment_id, path=later, merge=True
    )
    assert preview.replaced == 1
    stored = _stored(ws)
    assert len(stored) == 8  # 6 + 2 new days' rows; day 2's Inline row replaced
    assert (dt.date(2027, 1, 5), "Acceptance", 96, 45.0, None, None) in stored
    experiments.import_results(ws=ws, experiment_id=experiment_id, path=later)  # replace all
    assert len(_stored(ws)) == 3


def test_every_bad_row_is_reported_and_nothing_is_stored(ws, experiment_id, tmp_path) -> None:
    experiments.import_results(
        ws=ws, experiment_id=experiment_id, path=_csv(tmp_path / "ok.csv", HEADER, GOOD)
    )
    before = _stored(ws)
    bad = _csv(
        tmp_path / "bad.csv",
        HEADER,
        [
            [D1, "Control", "Acceptance", 100, 140, "", ""],  # conversions > units
            ["04/01/2027", "Control", "Acceptance", 100, 40, "", ""],  # bad date
            [D1, "Treatment B", "Acceptance", 100, 40, "", ""],  # unknown variant
            [D1, "Control", "Revenue", 100, 40, "", ""],  # unknown metric
            [D1, "Inline", "Acceptance", -5, 0, "", ""],  # negative count
            [D1, "Control", "CSAT", 4, "", 10, 24],  # sum of squares too small
            [D1, "Inline", "CSAT", 4, 2, "", ""],  # a mean metric without sums
            [D2, "Control", "Acceptance", "ten", 4, "", ""],  # not a number
            [D2, "Inline", "Acceptance", 10, 4, "", ""],
            [D2, "Inline", "Acceptance", 10, 4, "", ""],  # the same key twice
        ],
    )
    preview = experiments.preview_results(ws=ws, experiment_id=experiment_id, path=bad)
    assert not preview.ok and preview.rows == ()
    found = {(p.row, p.column): p.message for p in preview.problems}
    assert "more than the 100 units" in found[(2, "conversions")]
    assert "use YYYY-MM-DD" in found[(3, "date")]
    assert "unknown variant 'Treatment B'" in found[(4, "variant")]
    assert "'Control', 'Inline'" in found[(4, "variant")]
    assert "unknown metric 'Revenue'" in found[(5, "metric")]
    assert "cannot be negative" in found[(6, "units")]
    assert "not the sum of squares" in found[(7, "sum_sq")]
    assert "give its sum and sum_sq" in found[(8, "sum")]
    assert "'ten' is not a number" in found[(9, "units")]
    assert "as row 10" in found[(11, "")]
    with pytest.raises(ImportRefused, match="nothing imported, 9 problem"):
        experiments.apply_results(ws=ws, preview=preview)
    assert _stored(ws) == before


def test_files_that_cannot_be_read(ws, experiment_id, tmp_path) -> None:
    with pytest.raises(UserError, match="missing column"):
        experiments.preview_results(
            ws=ws,
            experiment_id=experiment_id,
            path=_csv(tmp_path / "x.csv", ["day", "variant", "metric"], [[D1, "A", "B"]]),
        )
    with pytest.raises(UserError, match="unsupported file type"):
        experiments.preview_results(ws=ws, experiment_id=experiment_id, path=tmp_path / "x.txt")
    with pytest.raises(UserError, match="No such file"):
        experiments.preview_results(ws=ws, experiment_id=experiment_id, path=tmp_path / "no.csv")


def test_a_changed_experiment_refuses_a_stale_preview(ws, experiment_id, tmp_path) -> None:
    path = _csv(tmp_path / "results.csv", HEADER, GOOD)
    preview = experiments.preview_results(ws=ws, experiment_id=experiment_id, path=path)
    info = experiments.detail(ws=ws, experiment_id=experiment_id)
    experiments.update_variant(ws=ws, variant_id=info.variants[1].id, data={"name": "Inline v2"})
    with pytest.raises(UserError, match="changed since the preview"):
        experiments.apply_results(ws=ws, preview=preview)
    assert _stored(ws) == []


# -- per-unit rows ----------------------------------------------------------------------------

UNIT_HEADER = ["unit_id", "variant", "date", "Acceptance", "CSAT", "covariate"]


def test_per_unit_rows_are_aggregated_by_day_and_arm(ws, experiment_id, tmp_path) -> None:
    rows = [
        ["u1", "Control", D1, 1, 4, 3.0],
        ["u2", "Control", D1, 0, "", 2.0],
        ["u3", "Inline", D1, 1, 5, ""],
        ["u4", "Control", D2, 0, 3, 1.0],
        ["u5", "inline", D2, 1, 2, 4.0],
        ["u6", "Inline", D2, "", 4, 2.0],
    ]
    path = _csv(tmp_path / "units.csv", UNIT_HEADER, rows)
    preview = experiments.preview_results(
        ws=ws, experiment_id=experiment_id, path=path, per_unit=True
    )
    assert preview.ok, preview.problems
    assert "2 unit value(s) without a pre-period value count it as 0." in preview.notes[0]
    got = {(r["day"].isoformat(), r["variant_id"], r["metric"]): r for r in preview.rows}
    info = experiments.detail(ws=ws, experiment_id=experiment_id)
    control, inline = (v.id for v in info.variants)
    day1_control = got[(D1, control, "Acceptance")]
    assert (day1_control["units"], day1_control["conversions"]) == (2, 1.0)
    assert day1_control["total"] is None
    # covariate sums: units u1 (x=3, y=1) and u2 (x=2, y=0)
    assert (day1_control["pre_total"], day1_control["pre_total_sq"]) == (5.0, 13.0)
    assert day1_control["cross_total"] == 3.0
    csat = got[(D1, control, "CSAT")]  # u1 only: u2 has no CSAT
    assert (csat["units"], csat["total"], csat["total_sq"], csat["conversions"]) == (
        1,
        4.0,
        16.0,
        None,
    )
    day2_inline = got[(D2, inline, "Acceptance")]  # u5 only: u6 has no acceptance value
    assert (day2_inline["units"], day2_inline["conversions"]) == (1, 1.0)
    assert got[(D1, inline, "CSAT")]["pre_total"] == 0.0  # u3's empty covariate counts as 0
    experiments.apply_results(ws=ws, preview=preview)
    assert experiments.detail(ws=ws, experiment_id=experiment_id).results_rows == 6


def test_per_unit_problems(ws, experiment_id, tmp_path) -> None:
    rows = [
        ["u1", "Control", D1, 1, 4, 1],
        ["u2", "Control", "yesterday", 0, 4, 1],
        ["u3", "Bold", D1, 1, 4, 1],
        ["u4", "Inline", D1, 2, 4, 1],
        ["u5", "Inline", D1, 1, "four", 1],
        ["u1", "Inline", D2, 1, 4, 1],
        ["", "Inline", D2, 1, 4, 1],
    ]
    path = _csv(tmp_path / "units.csv", UNIT_HEADER, rows)
    preview = experiments.preview_results(
        ws=ws, experiment_id=experiment_id, path=path, per_unit=True
    )
    found = {(p.row, p.column): p.message for p in preview.problems}
    assert "use YYYY-MM-DD" in found[(3, "date")]
    assert "unknown variant 'Bold'" in found[(4, "variant")]
    assert "0 or 1, not 2" in found[(5, "acceptance")]
    assert "'four' is not a number" in found[(6, "csat")]
    assert "already in row 2" in found[(7, "unit_id")]
    assert "empty" in found[(8, "unit_id")]
    assert not preview.ok and preview.rows == ()
    with pytest.raises(UserError, match="missing column"):
        experiments.preview_results(
            ws=ws,
            experiment_id=experiment_id,
            path=_csv(tmp_path / "u.csv", ["unit", "variant", "date"], [["u1", "A", D1]]),
            per_unit=True,
        )
    with pytest.raises(UserError, match="no column names a metric"):
        experiments.preview_results(
            ws=ws,
            experiment_id=experiment_id,
            path=_csv(tmp_path / "v.csv", ["unit_id", "variant", "date", "x"], [["u", "A", D1, 1]]),
            per_unit=True,
        )
    with ws.session() as session:
        assert session.execute(select(func.count()).select_from(ExperimentResult)).scalar() == 0


def test_per_unit_xlsx(ws, experiment_id, tmp_path) -> None:
    path = write_rows(
        tmp_path / "units.xlsx",
        ["unit_id", "variant", "date", "acceptance"],
        [["a", "Control", dt.date(2027, 1, 4), 1], ["b", "Inline", dt.date(2027, 1, 4), 0]],
    )
    preview, _ = experiments.import_results(
        ws=ws, experiment_id=experiment_id, path=path, per_unit=True
    )
    assert sorted((r["units"], r["conversions"]) for r in preview.rows) == [(1, 0.0), (1, 1.0)]
    assert "No column for: CSAT." in preview.notes


def test_per_unit_blank_and_short_rows(ws, experiment_id, tmp_path) -> None:
    path = tmp_path / "units.csv"
    path.write_text(
        "unit_id,variant,date,acceptance,csat\n"
        f"a,Control,{D1},1,4\n"
        "\n"
        f"b,Inline,{D1},0\n"  # short: no CSAT
        f"c,Inline,{D1},1,7,extra\n"
        f"a,Inline,{D1},1,5\n",
        encoding="utf-8",
    )
    preview = experiments.preview_results(
        ws=ws, experiment_id=experiment_id, path=path, per_unit=True
    )
    assert [(p.row, p.column) for p in preview.problems] == [(6, "unit_id")]  # 'a' again
    assert preview.row_count == 4  # the blank line is no row


def test_a_decision_read_before_an_import_is_refused(ws, experiment_id, tmp_path) -> None:
    """Importing (or merging) results moves the experiment's version on, so a decision
    taken on the readout shown before is refused instead of recorded over new data."""
    from aipm_desktop.errors import ConflictError
    from aipm_desktop.models import Experiment
    from aipm_desktop.services.conflicts import expecting, key_of

    read = experiments.detail(ws=ws, experiment_id=experiment_id).version
    experiments.import_results(
        ws=ws, experiment_id=experiment_id, path=_csv(tmp_path / "r.csv", HEADER, GOOD)
    )
    merged = experiments.detail(ws=ws, experiment_id=experiment_id).version
    assert merged > read
    day3 = [["2027-01-06", "Control", "Acceptance", 80, 30, "", ""]]
    experiments.import_results(
        ws=ws, experiment_id=experiment_id, path=_csv(tmp_path / "d3.csv", HEADER, day3), merge=True
    )
    assert experiments.detail(ws=ws, experiment_id=experiment_id).version > merged
    with pytest.raises(ConflictError), expecting({key_of(Experiment, experiment_id): read}):
        experiments.record_decision(ws=ws, experiment_id=experiment_id, decision="ship")
    assert experiments.detail(ws=ws, experiment_id=experiment_id).decision is None
