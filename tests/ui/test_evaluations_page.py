"""The Evaluations area as a user works it: a suite added from the keyboard and typed in,
metrics added, refused, edited and removed through their dialog, runs edited and deleted,
suites filtered and deleted, each step undoable; the empty states say what to do."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from aipm_desktop.models import UseCase
from aipm_desktop.services import evaluations, records
from aipm_desktop.ui.evaluations.detail import TAB_METRICS, TAB_RUNS
from aipm_desktop.ui.evaluations.page import EvaluationsPage

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def page(ws, main_window) -> EvaluationsPage:
    """The area as the main window shows it (View ▸ Evaluations) at 1280x720, over a
    workspace with two use cases."""
    for title in ("Ticket routing", "Answer bot"):
        records.create(ws=ws, model=UseCase, data={"title": title})
    main_window.resize(1280, 720)
    found = main_window.show_area("evaluations")
    assert isinstance(found, EvaluationsPage) and found.isVisible()
    return found


def _use_case(ws, title: str) -> int:
    return next(i for i, t in records_titles(ws) if t == title)


def records_titles(ws) -> list[tuple[int, str]]:
    from aipm_desktop.services import usecases

    return usecases.titles(ws=ws)


def _suite(ws, name: str, use_case: str = "Ticket routing", **data) -> int:
    values = {"name": name, "use_case_id": _use_case(ws, use_case), **data}
    return evaluations.create_suite(ws=ws, data=values)[0]


def _retype(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def _fill_metric(qtbot, dialog, name: str, kind: str, threshold: str, *, column: str = "") -> None:
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, name)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(kind))
    dialog.column_edit.clear()
    if column:
        qtbot.keyClicks(dialog.column_edit, column)
    dialog.threshold_edit.clear()
    qtbot.keyClicks(dialog.threshold_edit, threshold)


def test_an_empty_workspace_says_how_to_start(page):
    assert page.list_pane.stack.currentWidget() is page.list_pane.empty
    assert "New suite" in page.list_pane.empty.text()
    assert page.detail.stack.currentWidget() is page.detail.empty
    assert not page.delete_button.isEnabled()
    assert page.delete_button.toolTip() == "Choose a suite first."
    assert not page.import_button.isEnabled()


def test_a_new_suite_from_the_keyboard_is_typed_in_and_undone(qtbot, page, ws, app_ctx):
    page.activateWindow()
    page.list_pane.filter_box.setFocus()
    qtbot.waitUntil(page.list_pane.filter_box.hasFocus)
    qtbot.keyClick(page.list_pane.filter_box, Qt.Key.Key_N, CTRL_SHIFT)
    suite_id = page.current_id()
    assert suite_id is not None
    name = page.detail.form.editors["name"]
    assert name.hasFocus()
    qtbot.keyClicks(name, "Routing, held-out March set")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    _retype(qtbot, page.detail.form.editors["slices"], "Language, customer tier")
    stored = evaluations.suites(ws=ws)[0]
    assert stored.name == "Routing, held-out March set"
    assert stored.slices == "language, customer_tier"  # as results store slice columns
    assert page.list_pane.model.cell_text(0, 0) == "Routing, held-out March set"
    assert page.detail.heading.text() == "Routing, held-out March set"

    _retype(qtbot, page.detail.form.editors["positive_label"], "refund")
    _retype(qtbot, page.detail.form.editors["classes"], "billing, technical")
    assert "not one of the classes" in page.detail.form.hint_text("classes")
    assert evaluations.suites(ws=ws)[0].classes == ""  # refused: nothing written

    while app_ctx.undo_stack.canUndo():
        app_ctx.undo_stack.undo()
    assert evaluations.suites(ws=ws) == []
    assert page.detail.stack.currentWidget() is page.detail.empty


def test_metrics_are_added_refused_edited_and_removed_in_their_dialog(qtbot, page, ws, app_ctx):
    suite_id = _suite(ws, "Routing", slices="language")
    page.refresh()
    assert page.show_suite(suite_id)
    page.detail.tabs.setCurrentIndex(TAB_METRICS)
    panel = page.detail.metrics
    assert panel.stack.currentWidget() is panel.empty
    assert "Add metric" in panel.empty.text()

    dialog = panel.add_metric()
    _fill_metric(qtbot, dialog, "Routing accuracy", "accuracy", "90")
    dialog.blocking_check.setChecked(True)
    dialog.buttons.accepted.emit()
    assert panel.dialog is None
    [metric] = evaluations.metric_specs(ws=ws, suite_id=suite_id)
    assert (metric.name, metric.kind, metric.threshold, metric.blocking) == (
        "Routing accuracy", "accuracy", 0.9, True,
    )  # fmt: skip
    assert panel.model.cell_text(0, 4) == "≥ 90%"
    assert panel.model.cell_text(0, 5) == "blocks launch"
    assert page.detail.tabs.tabText(TAB_METRICS) == "Metrics (1)"

    dialog = panel.add_metric()
    _fill_metric(qtbot, dialog, "Grounded", "pass_rate", "95")
    dialog.buttons.accepted.emit()
    assert dialog.error.isVisible() and "names the column it reads" in dialog.error.text()
    assert len(evaluations.metric_specs(ws=ws, suite_id=suite_id)) == 1
    _fill_metric(qtbot, dialog, "Routing accuracy", "pass_rate", "95", column="grounded")
    dialog.buttons.accepted.emit()
    assert "already has a metric" in dialog.error.text()  # the core's refusal, shown here
    _fill_metric(qtbot, dialog, "Latency p95", "latency_p95", "800")
    assert dialog.direction_combo.currentData() == "lower_is_better"
    assert dialog.unit.text() == "ms"
    dialog.slice_combo.setCurrentIndex(dialog.slice_combo.findData("language"))
    qtbot.keyClicks(dialog.slice_value, "de")
    dialog.buttons.accepted.emit()
    assert panel.model.rowCount() == 2
    assert panel.model.cell_text(1, 4) == "≤ 800 ms"
    assert panel.model.cell_text(1, 6) == "language = de"

    panel.table.selectRow(0)
    dialog = panel.edit_metric()
    assert dialog.threshold_edit.text() == "90"  # a share shown in percent
    dialog.threshold_edit.clear()
    qtbot.keyClicks(dialog.threshold_edit, "85")
    dialog.buttons.accepted.emit()
    assert evaluations.metric_specs(ws=ws, suite_id=suite_id)[0].threshold == 0.85
    assert panel.model.cell_text(0, 4) == "≥ 85%"

    panel.table.selectRow(1)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert [m.name for m in evaluations.metric_specs(ws=ws, suite_id=suite_id)] == [
        "Routing accuracy"
    ]
    app_ctx.undo_stack.undo()
    assert panel.model.rowCount() == 2
    app_ctx.undo_stack.undo()
    assert evaluations.metric_specs(ws=ws, suite_id=suite_id)[0].threshold == 0.9


def test_suites_filter_by_use_case_and_by_typing(qtbot, page, ws):
    _suite(ws, "Routing held-out")
    _suite(ws, "Answer grounding", "Answer bot")
    _suite(ws, "Routing adversarial")
    page.refresh()
    assert page.list_pane.count.text() == "3 suites"
    page.use_case_combo.setCurrentIndex(page.use_case_combo.findText("Answer bot"))
    assert [s.name for s in page.list_pane.model.rows] == ["Answer grounding"]
    assert page.detail.heading.text() == "Answer grounding"
    page.use_case_combo.setCurrentIndex(0)
    qtbot.keyClicks(page.list_pane.filter_box, "routing adv")
    page.list_pane.filter_box.flush()
    assert [s.name for s in page.list_pane.model.rows] == ["Routing adversarial"]
    assert page.list_pane.count.text() == "1 of 3 suites"

    assert page.new_suite() is not None  # a new suite shows, the filter cleared for it
    assert page.list_pane.filter_box.text() == ""
    assert page.detail.heading.text() == "New suite"


def test_deleting_a_suite_asks_and_undo_brings_it_back(qtbot, page, ws, app_ctx):
    suite_id = _suite(ws, "Routing held-out")
    evaluations.add_metric(ws=ws, suite_id=suite_id, data={"name": "Accuracy", "kind": "accuracy"})
    page.refresh()
    box = page.delete_suite()
    assert isinstance(box, QMessageBox) and "Routing held-out" in box.text()
    box.button(QMessageBox.StandardButton.No).click()  # nothing happens
    assert len(evaluations.suites(ws=ws)) == 1
    box = page.delete_suite()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert evaluations.suites(ws=ws) == []
    assert page.list_pane.stack.currentWidget() is page.list_pane.empty
    app_ctx.undo_stack.undo()
    assert page.current_id() == suite_id
    assert [m.name for m in evaluations.metric_specs(ws=ws, suite_id=suite_id)] == ["Accuracy"]


def test_a_run_is_edited_in_place_and_deleted_after_asking(
    qtbot, page, ws, app_ctx, tmp_path, qtmodeltester
):
    suite_id = _suite(ws, "Routing held-out")
    results = tmp_path / "v1.csv"
    results.write_text("id,expected,predicted\n1,a,a\n2,b,a\n", encoding="utf-8")
    for version in ("v1", "v2"):
        evaluations.import_results(ws=ws, suite_id=suite_id, path=results, name=version)
    page.refresh()
    page.detail.tabs.setCurrentIndex(TAB_RUNS)
    runs = page.detail.runs
    qtmodeltester.check(runs.model)
    assert [r.name for r in runs.model.rows] == ["v2", "v1"]  # newest first
    assert runs.current().name == "v2"
    assert "v1.csv: 2 examples" in runs.source.text() and "SHA-256" in runs.source.text()
    _retype(qtbot, runs.form.editors["environment"], "staging")
    assert evaluations.runs(ws=ws, suite_id=suite_id)[-1].environment == "staging"
    _retype(qtbot, runs.form.editors["name"], "v1")
    assert evaluations.runs(ws=ws, suite_id=suite_id)[-1].name == "v2"  # refused: taken

    box = runs.delete_run()
    assert "v2" in box.text() and "2 examples" in box.informativeText()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert [r.name for r in evaluations.runs(ws=ws, suite_id=suite_id)] == ["v1"]
    assert page.detail.tabs.tabText(TAB_RUNS) == "Runs (1)"
    app_ctx.undo_stack.undo()
    assert [r.name for r in runs.model.rows] == ["v2", "v1"]


def test_a_run_exports_its_results_and_records_a_kpi_snapshot(qtbot, page, ws, app_ctx, tmp_path):
    import datetime as dt

    from aipm_desktop.models import Kpi
    from aipm_desktop.services import kpis

    suite_id = _suite(ws, "Routing held-out")
    evaluations.add_metric(ws=ws, suite_id=suite_id, data={"name": "Accuracy", "kind": "accuracy"})
    results = tmp_path / "v1.csv"
    results.write_text("id,expected,predicted\n1,a,a\n2,b,a\n3,b,b\n4,a,a\n", encoding="utf-8")
    run_id, _ = evaluations.import_results(
        ws=ws, suite_id=suite_id, path=results, name="v1", run_date=dt.date(2026, 11, 30)
    )
    kpi, _ = records.create(ws=ws, model=Kpi, data={"name": "Routing accuracy", "unit": "%"})
    page.refresh()
    page.detail.tabs.setCurrentIndex(TAB_RUNS)
    runs = page.detail.runs

    out = runs.export_results(tmp_path / "export.csv")
    lines = out.read_text(encoding="utf-8-sig").splitlines()  # with a BOM, for Excel
    assert lines[0] == "id,expected,predicted" and len(lines) == 5
    assert runs.saved.text() == "Saved export.csv"

    dialog = runs.record_kpi()
    assert dialog.kpi_combo.currentText() == "Routing accuracy (%)"
    assert dialog.percent_check.isChecked()  # a share into a KPI kept in percent
    assert dialog.record()
    values = kpis.snapshot_values(ws=ws, kpi_id=kpi.id)
    assert values[dt.date(2026, 11, 30)][0] == pytest.approx(75.0)  # 3 of 4 right
    assert evaluations.runs(ws=ws, suite_id=suite_id)[0].kpi_snapshot_id is not None
    assert runs.source.text().endswith("recorded as a KPI snapshot")
    app_ctx.undo_stack.undo()
    assert kpis.snapshot_values(ws=ws, kpi_id=kpi.id) == {}
    assert run_id == runs.current().id


def test_a_read_only_sample_workspace_shows_everything_and_edits_nothing(
    qtbot, app_ctx, sample_path
):
    from aipm_desktop.store import open_workspace

    app_ctx.set_workspace(open_workspace(sample_path, readonly=True))
    page = EvaluationsPage(app_ctx)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    assert page.list_pane.count.text() == "2 suites"  # the sample's two suites
    for button in (page.new_button, page.delete_button, page.import_button):
        assert not button.isEnabled()
        assert button.toolTip() == "This workspace is open read-only."
    assert page.new_suite() is None and page.import_results() is None
    page.detail.tabs.setCurrentIndex(TAB_METRICS)
    assert not page.detail.metrics.add_button.isEnabled()
    assert page.detail.metrics.add_metric() is None
    page.detail.tabs.setCurrentIndex(TAB_RUNS)
    assert not page.detail.runs.delete_button.isEnabled()
    assert page.detail.runs.export_button.isEnabled()  # reading is fine
