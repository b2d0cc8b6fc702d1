"""Importing KPI snapshots through the dialog: preview first, all-or-nothing, undoable."""

from __future__ import annotations

import datetime as dt

import pytest

from aipm_desktop.services import kpis as kpi_service
from aipm_desktop.ui.kpis.page import KpisPage


@pytest.fixture
def page(qtbot, app_ctx, ws):
    app_ctx.set_workspace(ws)
    widget = KpisPage(app_ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _kpi(page) -> int:
    kpi_id = page.catalog.track("ai_feature_adoption_rate")
    assert kpi_id is not None
    return kpi_id


def _preview(qtbot, page, path):
    dialog = page.open_import_dialog()
    with qtbot.waitSignal(dialog.set_path(path).finished):
        pass
    return dialog


def test_a_bad_row_is_shown_rejected_and_nothing_can_be_written(qtbot, page, ws, tmp_path):
    kpi_id = _kpi(page)
    source = tmp_path / "snapshots.csv"
    source.write_text(
        "kpi,date,value,note\n"
        "AI Feature Adoption Rate,2026-01-05,21.5,launch week\n"
        "AI Feature Adoption Rate,2026-01-12,lots,\n"
        "AI Feature Adoption Rate,2026-01-19,24,\n"
    )
    dialog = _preview(qtbot, page, source)
    assert dialog.row_actions()[0][:2] == (3, "rejected")
    assert "number" in dialog.row_actions()[0][2]
    assert [(n, a) for n, a, _m in dialog.row_actions()[1:]] == [(2, "add"), (4, "add")]
    assert "1 rejected" in dialog.summary.text()
    assert dialog.problem.isVisible()
    assert not dialog.import_button.isEnabled()
    assert dialog.start_import() is None
    assert kpi_service.series(ws=ws, kpi_id=kpi_id) == ([], [])


def test_a_clean_file_imports_and_undo_removes_the_rows(qtbot, page, app_ctx, ws, tmp_path):
    kpi_id = _kpi(page)
    kpi_service.set_snapshot(ws=ws, kpi_id=kpi_id, day=dt.date(2026, 1, 5), value=10.0)
    source = tmp_path / "snapshots.csv"
    source.write_text(
        "kpi,date,value\n"
        "AI Feature Adoption Rate,2026-01-05,21.5\n"
        "AI Feature Adoption Rate,2026-01-12,23\n"
        "AI Feature Adoption Rate,2026-01-19,24\n"
    )
    dialog = _preview(qtbot, page, source)
    assert [a for _n, a, _m in dialog.row_actions()] == ["replace", "add", "add"]
    assert dialog.import_button.isEnabled()

    with qtbot.waitSignal(dialog.finished):
        dialog.import_button.click()
    assert dialog.imported == 3
    assert kpi_service.series(ws=ws, kpi_id=kpi_id)[1] == [21.5, 23.0, 24.0]
    qtbot.waitUntil(lambda: page.status_of(kpi_id).latest_value == 24.0)

    app_ctx.undo_stack.undo()
    assert kpi_service.series(ws=ws, kpi_id=kpi_id) == ([dt.date(2026, 1, 5)], [10.0])
    qtbot.waitUntil(lambda: page.status_of(kpi_id).latest_value == 10.0)
    app_ctx.undo_stack.redo()
    assert kpi_service.series(ws=ws, kpi_id=kpi_id)[1] == [21.5, 23.0, 24.0]


def test_skip_keeps_existing_values(qtbot, page, ws, tmp_path):
    kpi_id = _kpi(page)
    kpi_service.set_snapshot(ws=ws, kpi_id=kpi_id, day=dt.date(2026, 1, 5), value=10.0)
    source = tmp_path / "snapshots.csv"
    source.write_text("kpi,date,value\nAI Feature Adoption Rate,2026-01-05,21.5\n")
    dialog = _preview(qtbot, page, source)
    dialog.duplicates_combo.setCurrentIndex(dialog.duplicates_combo.findData("skip"))
    qtbot.waitUntil(lambda: [a for _n, a, _m in dialog.row_actions()] == ["skip"])
    assert not dialog.import_button.isEnabled()
    assert "Nothing to import" in dialog.problem.text()
    assert kpi_service.series(ws=ws, kpi_id=kpi_id)[1] == [10.0]


def test_a_large_import_is_one_undo_step(qtbot, page, app_ctx, ws, tmp_path):
    kpi_id = _kpi(page)
    start = dt.date(2000, 1, 3)
    rows = 6000  # more than the old limit of undoable imports
    source = tmp_path / "many.csv"
    source.write_text(
        "kpi,date,value\n"
        + "".join(
            f"AI Feature Adoption Rate,{start + dt.timedelta(days=i)},{i % 50}\n"
            for i in range(rows)
        )
    )
    dialog = _preview(qtbot, page, source)
    assert dialog.import_button.isEnabled()
    assert not dialog.problem.isVisible()
    with qtbot.waitSignal(dialog.finished, timeout=60000):
        dialog.import_button.click()
    assert dialog.imported == rows
    assert len(kpi_service.series(ws=ws, kpi_id=kpi_id)[0]) == rows
    assert app_ctx.undo_stack.count() == 2  # tracking the KPI, the import
    assert app_ctx.undo_stack.undoText() == f"import {rows:,} KPI snapshots"

    app_ctx.undo_stack.undo()
    assert kpi_service.series(ws=ws, kpi_id=kpi_id) == ([], [])
    app_ctx.undo_stack.redo()
    assert len(kpi_service.series(ws=ws, kpi_id=kpi_id)[0]) == rows


def test_save_problems_writes_every_rejected_row(qtbot, page, ws, tmp_path, monkeypatch):
    import csv

    from PySide6.QtWidgets import QFileDialog

    from aipm_desktop.services.problems import MAX_LISTED

    _kpi(page)
    source = tmp_path / "snapshots.csv"
    bad = MAX_LISTED + 15  # more than any on-screen summary lists
    lines = ["kpi,date,value", "AI Feature Adoption Rate,2026-01-05,21.5"]
    lines += [f"AI Feature Adoption Rate,2026-02-{1 + i % 28:02d},n/a{i}" for i in range(bad)]
    lines.append("No such KPI,2026-01-06,3")
    source.write_text("\n".join(lines) + "\n")

    clean = tmp_path / "clean.csv"
    clean.write_text("kpi,date,value\nAI Feature Adoption Rate,2026-01-05,21.5\n")
    dialog = _preview(qtbot, page, clean)
    assert not dialog.save_problems_button.isEnabled()

    with qtbot.waitSignal(dialog.set_path(source).finished):
        assert not dialog.save_problems_button.isEnabled()  # while checking
    rejected = dialog.preview.rejected
    assert len(rejected) == bad + 1
    assert dialog.save_problems_button.isEnabled()
    assert dialog.save_problems_button.text() == "Save problems…"

    out = tmp_path / "out" / "problems"  # no suffix: the chosen filter decides
    out.parent.mkdir()
    asked: list = []

    def fake_save(*args, **kwargs):
        asked.append(args)
        return str(out), "CSV file (*.csv)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    dialog.save_problems_button.click()

    assert len(asked) == 1
    assert asked[0][2].endswith("snapshots problems.csv")
    written = out.with_suffix(".csv")
    with written.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["row", "column", "problem"]
    assert [(int(r[0]), r[2]) for r in rows[1:]] == [(n, m) for n, m in rejected]
    assert {int(r[0]) for r in rows[1:]} == set(range(3, 3 + bad)) | {3 + bad}
    assert str(written) in dialog.summary.text()
    assert not dialog.import_button.isEnabled()

    # XLSX as well, through the same service.
    xlsx = tmp_path / "problems.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(xlsx), ""))
    dialog.save_problems_button.click()
    from openpyxl import load_workbook

    book = load_workbook(xlsx, read_only=True)
    try:
        sheet = book.active
        assert sheet is not None
        assert len(list(sheet.iter_rows(values_only=True))) == bad + 2
    finally:
        book.close()

    # Cancelling the file dialog writes nothing.
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    written.unlink()
    dialog.save_problems_button.click()
    assert not written.exists()
    dialog.reject()
