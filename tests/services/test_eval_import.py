"""Importing per-example results: CSV, JSONL and XLSX, the column mapping (remembered
per suite), bad files refused with row and column named and nothing stored, the import as
one undoable operation, the export that imports again unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aipm_desktop.errors import UserError
from aipm_desktop.services import evaluations as ev
from aipm_desktop.services.problems import ImportRefused

HEADER = "id,gold,prediction,confidence,lang,hallucinated,judge,latency_ms,cost\n"
GOOD = [
    "t1,billing,billing,0.9,en,false,4,120,0.002",
    "t2,bug,billing,0.6,de,true,2,340,0.003",
    "t3,bug,bug,0.8,en,no,5,95,0.002",
    "t4,account,account,0.7,fr,yes,3,410,0.004",
]


def _suite(ws) -> int:
    suite_id, _ = ev.create_suite(
        ws=ws,
        data={"name": "Ticket triage", "slices": "lang", "classes": "billing, bug, account"},
        metrics=["accuracy:0.8:blocking", "pass_rate:hallucinated:0.1:lower"],
    )
    return suite_id


def _write(tmp_path: Path, lines: list[str], name: str = "results.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _count_runs(ws, suite_id: int) -> int:
    return len(ev.runs(ws=ws, suite_id=suite_id))


def test_a_csv_is_mapped_by_its_headers_and_stored_as_one_run(ws, tmp_path: Path) -> None:
    suite_id = _suite(ws)
    preview = ev.preview_import(ws=ws, suite_id=suite_id, path=_write(tmp_path, GOOD))
    assert preview.ok, preview.lines()
    assert preview.mapping == {
        "id": "id",
        "gold": "expected",
        "prediction": "predicted",
        "confidence": "probability",
        "lang": "slice",
        "hallucinated": "flag",
        "judge": "score",
        "latency_ms": "latency",
        "cost": "cost",
    }
    assert preview.row_count == 4 and len(preview.sample) == 4
    run_id, _ = ev.apply_import(ws=ws, preview=preview, name="v1")
    run = ev.find_run(ws=ws, suite_id=suite_id, ref="v1")
    assert run.id == run_id and run.source_rows == 4 and len(run.source_sha256) == 64
    data = ev.load_results(ws=ws, run_id=run_id)
    assert list(data.ids) == ["t1", "t2", "t3", "t4"]
    assert list(data.text_of("lang")) == ["en", "de", "en", "fr"]
    assert list(data.values["hallucinated"]) == [0.0, 1.0, 0.0, 1.0]
    report = ev.run_report(ws=ws, run_id=run_id, resamples=200)
    accuracy = report.metrics[0]
    assert accuracy.value == pytest.approx(0.75)
    assert accuracy.passed is False and report.failing == (accuracy,)
    assert accuracy.worst_slice == "lang=de"


def test_the_mapping_is_remembered_for_the_next_import(ws, tmp_path: Path) -> None:
    suite_id = _suite(ws)
    path = _write(tmp_path, GOOD)
    ev.import_results(ws=ws, suite_id=suite_id, path=path, name="v1", mapping={"judge": "ignore"})
    again = ev.preview_import(ws=ws, suite_id=suite_id, path=path)
    assert again.mapping["judge"] == "ignore"
    assert "judge" not in {c.name for c in again.columns}


def test_the_import_is_one_undoable_operation(ws, tmp_path: Path) -> None:
    suite_id = _suite(ws)
    ev.import_results(ws=ws, suite_id=suite_id, path=_write(tmp_path, GOOD), name="v1")
    assert _count_runs(ws, suite_id) == 1
    ws.undo()
    assert _count_runs(ws, suite_id) == 0
    assert ev.suite_row(ws=ws, suite_id=suite_id).mapping == ""
    ws.redo()
    run = ev.find_run(ws=ws, suite_id=suite_id, ref=None)
    assert len(ev.load_results(ws=ws, run_id=run.id)) == 4


@pytest.mark.parametrize(
    ("lines", "where", "words"),
    [
        ([*GOOD, "t2,bug,bug,0.5,en,false,3,100,0.001"], "row 6: id", "already in row 3"),
        ([*GOOD, ",bug,bug,0.5,en,false,3,100,0.001"], "row 6: id", "empty id"),
        (
            [*GOOD, "t5,refund,bug,0.5,en,false,3,100,0.001"],
            "row 6: gold",
            "not one of the suite's classes",
        ),
        ([*GOOD, "t5,bug,bug,1.5,en,false,3,100,0.001"], "row 6: confidence", "[0, 1]"),
        ([*GOOD, "t5,bug,bug,high,en,false,3,100,0.001"], "row 6: confidence", "not a number"),
        ([*GOOD, "t5,bug,bug,0.5,en,maybe,3,100,0.001"], "row 6: hallucinated", "not a boolean"),
        ([*GOOD, "t5,bug,bug,0.5,en,false,3,-4,0.001"], "row 6: latency_ms", "not negative"),
    ],
)
def test_bad_rows_are_refused_by_row_and_column_and_nothing_is_stored(
    ws, tmp_path: Path, lines: list[str], where: str, words: str
) -> None:
    suite_id = _suite(ws)
    path = _write(tmp_path, lines)
    mapping = {"hallucinated": "flag"}  # as the suite's remembered mapping would say
    preview = ev.preview_import(ws=ws, suite_id=suite_id, path=path, mapping=mapping)
    assert not preview.ok
    assert any(line.startswith(where) and words in line for line in preview.lines()), (
        preview.lines()
    )
    before = len(ws.history())
    with pytest.raises(ImportRefused) as refused:
        ev.import_results(ws=ws, suite_id=suite_id, path=path, name="bad", mapping=mapping)
    assert where in str(refused.value)
    assert _count_runs(ws, suite_id) == 0 and len(ws.history()) == before


def test_a_file_without_an_id_column_is_refused(ws, tmp_path: Path) -> None:
    suite_id = _suite(ws)
    path = tmp_path / "noid.csv"
    path.write_text("gold,prediction\nbug,bug\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="no id column"):
        ev.import_results(ws=ws, suite_id=suite_id, path=path, name="v1")
    assert _count_runs(ws, suite_id) == 0


def test_jsonl_and_xlsx_import_like_csv(ws, tmp_path: Path) -> None:
    from openpyxl import Workbook

    suite_id = _suite(ws)
    rows = [line.split(",") for line in GOOD]
    keys = HEADER.strip().split(",")
    jsonl = tmp_path / "r.jsonl"
    jsonl.write_text(
        "\n".join(json.dumps(dict(zip(keys, r, strict=True))) for r in rows), encoding="utf-8"
    )
    book = Workbook()
    sheet = book.active
    sheet.append(keys)
    for r in rows:
        sheet.append(r)
    xlsx = tmp_path / "r.xlsx"
    book.save(xlsx)
    first, _ = ev.import_results(ws=ws, suite_id=suite_id, path=jsonl, name="json")
    second, _ = ev.import_results(ws=ws, suite_id=suite_id, path=xlsx, name="xlsx")
    a, b = ev.load_results(ws=ws, run_id=first), ev.load_results(ws=ws, run_id=second)
    assert list(a.ids) == list(b.ids) == ["t1", "t2", "t3", "t4"]
    assert list(a.values["latency"]) == list(b.values["latency"]) == [120, 340, 95, 410]


def test_a_second_run_with_the_same_version_is_refused_unless_replaced(ws, tmp_path: Path) -> None:
    suite_id = _suite(ws)
    path = _write(tmp_path, GOOD)
    ev.import_results(ws=ws, suite_id=suite_id, path=path, name="v1")
    with pytest.raises(UserError, match="already has a run 'v1'"):
        ev.import_results(ws=ws, suite_id=suite_id, path=path, name="v1")
    ev.import_results(ws=ws, suite_id=suite_id, path=path, name="v1", replace=True)
    assert _count_runs(ws, suite_id) == 1


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_an_export_imports_again_unchanged(ws, tmp_path: Path, suffix: str) -> None:
    suite_id = _suite(ws)
    run_id, _ = ev.import_results(ws=ws, suite_id=suite_id, path=_write(tmp_path, GOOD), name="v1")
    out = ev.export_results(ws=ws, run_id=run_id, out=tmp_path / f"export{suffix}")
    again = ev.preview_import(ws=ws, suite_id=suite_id, path=out)
    assert again.ok, again.lines()
    original, copy = ev.load_results(ws=ws, run_id=run_id), again.results
    assert copy is not None
    assert [c.spec for c in copy.columns] == [c.spec for c in original.columns]
    for name in original.values:
        assert list(copy.cells(name)) == list(original.cells(name))


def test_mapping_text_is_checked(ws) -> None:
    assert ev.parse_mapping(["Gold=label", "lang=slice:language"]) == {
        "gold": "expected",
        "lang": "slice:language",
    }
    with pytest.raises(UserError, match="unknown field"):
        ev.parse_mapping(["gold=truth"])
