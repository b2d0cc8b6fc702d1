"""The Experiments area's Power, Results and Decision tabs as a user works them: the
sample size recomputed as the baseline and MDE are typed, an unreachable design, a value
refused; results imported through the dialog (Ctrl+I) into a readout, a file with
problems, a sample ratio mismatch behind its banner, the chart exported; a decision with
its KPI snapshot and roadmap move as one undo step."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from aipm_desktop.services import experiments, kpis
from aipm_desktop.services.roadmap import get_item
from aipm_desktop.ui.experiments.detail import TAB_DECISION, TAB_POWER
from aipm_desktop.ui.experiments.page import ExperimentsPage
from aipm_desktop.ui.main_window import MainWindow

CITATIONS = "Citations in answer bot replies"


@pytest.fixture
def page(qtbot, app_ctx, sample_ws) -> ExperimentsPage:
    """The area as the main window shows it (View ▸ Experiments) at 1280x720."""
    app_ctx.set_workspace(sample_ws)
    window = MainWindow(app_ctx, persist=False)
    window.resize(1280, 720)
    qtbot.addWidget(window)
    found = window.show_area("experiments")
    window.show()
    qtbot.waitExposed(window)
    assert isinstance(found, ExperimentsPage) and found.isVisible()
    return found


@pytest.fixture
def inline(page, sample_ws) -> int:
    """A running experiment on a rate, Control and Inline 50/50, shown on the page."""
    experiment_id, _ = experiments.create_experiment(
        ws=sample_ws,
        data={"title": "Inline drafts", "primary_metric": "Acceptance", "status": "running"},
        variants=[("Control", 1), ("Inline", 1)],
    )
    page.master.refresh()
    assert page.show_entity(experiment_id)
    return experiment_id


def _retype(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def _results(path: Path, rows: list[tuple]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["date", "variant", "metric", "units", "conversions"])
        writer.writerows(rows)
    return path


def _import(qtbot, page, path: Path):
    """Open the import (Ctrl+I), preview ``path`` and wait for the preview."""
    page.activateWindow()
    page.list_pane.table.setFocus()
    qtbot.waitUntil(page.list_pane.table.hasFocus)
    qtbot.keyClick(page.list_pane.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dialog = page.import_dialog
    assert dialog is not None
    dialog.set_path(path)
    qtbot.waitUntil(lambda: dialog.preview is not None or dialog.problem.isVisible())
    return dialog


def test_typing_a_baseline_and_an_mde_shows_the_sample_size(qtbot, page, inline, sample_ws):
    page.detail.tabs.setCurrentIndex(TAB_POWER)
    power = page.detail.power
    _retype(qtbot, power.edits["baseline"], "10")
    _retype(qtbot, power.edits["mde"], "2")
    expected = experiments.plan_proportion(baseline=0.10, mde=0.02, alpha=0.05, power=0.8)
    assert expected.n_control == 3839  # Chow, Shao & Wang, by hand
    qtbot.waitUntil(lambda: power.figures["control"].text() == "3,839")
    assert power.figures["total"].text() == "7,678"
    _retype(qtbot, power.edits["daily_units"], "1000")
    qtbot.keyClick(power.edits["daily_units"], Qt.Key.Key_Return)
    assert power.figures["days"].text() == "8" and power.figures["weeks"].text() == "2 weeks"
    assert "In 14 days at 1,000 units a day" in power.inverse.text()
    stored = experiments.detail(ws=sample_ws, experiment_id=inline)
    assert (stored.baseline, stored.mde, stored.daily_units) == (0.1, 0.02, 1000)

    _retype(qtbot, power.edits["daily_units"], "10")
    qtbot.waitUntil(lambda: "cannot reach its MDE in a year" in power.message.text())
    assert power.message.objectName() == "disclaimerBox"

    _retype(qtbot, power.edits["baseline"], "150")
    qtbot.keyClick(power.edits["baseline"], Qt.Key.Key_Return)
    assert "rate between 0 and 1" in power.hint.text() and power.hint.isVisible()
    assert experiments.detail(ws=sample_ws, experiment_id=inline).baseline == 0.1


def test_results_imported_through_the_dialog_give_a_readout(
    qtbot, qtmodeltester, page, inline, tmp_path
):
    rows = []
    for day in ("2027-01-04", "2027-01-05", "2027-01-06"):
        rows += [(day, "Control", "Acceptance", 500, 200), (day, "Inline", "Acceptance", 505, 240)]
    dialog = _import(qtbot, page, _results(tmp_path / "results.csv", rows))
    assert dialog.preview.ok and dialog.import_button.isEnabled()
    assert dialog.rows_model.rowCount() == 6
    qtmodeltester.check(dialog.rows_model)
    dialog.start_import()
    qtbot.waitUntil(lambda: page.import_dialog is None)
    results = page.detail.results
    assert results.body_stack.currentWidget() is results.figures
    line = results.lines()[0]
    assert (line.metric.name, line.row.treatment) == ("Acceptance", "Inline")
    assert results.model.cell_text(0, 6) == "Better"
    assert not results.banner.isVisible()
    assert page.detail.tabs.tabText(2) == "Results (6)"

    out = results.export_chart(tmp_path / "chart.svg")
    assert out is not None and out.read_text().lstrip().startswith("<?xml")
    box = results.clear_results()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert results.body_stack.currentWidget() is results.empty


def test_a_file_with_problems_lists_them_and_imports_nothing(
    qtbot, qtmodeltester, page, inline, tmp_path
):
    rows = [("2027-01-04", "Control", "Acceptance", 500, 600), ("2027-01-04", "Ghost", "x", 1, 0)]
    dialog = _import(qtbot, page, _results(tmp_path / "bad.csv", rows))
    assert not dialog.import_button.isEnabled()
    qtmodeltester.check(dialog.problems_model)
    lines = dialog.problem_lines()
    assert any("conversions" in line and "more than" in line for line in lines)
    assert any("unknown variant 'Ghost'" in line for line in lines)
    dialog.reject()
    assert page.detail.results.body_stack.currentWidget() is page.detail.results.empty


def test_a_sample_ratio_mismatch_blocks_the_readout_behind_a_banner(qtbot, page, inline, tmp_path):
    rows = [("2027-01-04", "Control", "Acceptance", 1000, 400)]
    rows.append(("2027-01-04", "Inline", "Acceptance", 800, 330))
    dialog = _import(qtbot, page, _results(tmp_path / "srm.csv", rows))
    dialog.start_import()
    qtbot.waitUntil(lambda: page.import_dialog is None)
    results = page.detail.results
    assert results.banner.isVisible()
    assert "Sample ratio mismatch" in results.banner_text.text()
    assert results.body_stack.currentWidget() is results.blocked
    results.show_anyway.click()
    assert results.body_stack.currentWidget() is results.figures and results.banner.isVisible()


def test_a_decision_records_the_kpi_snapshot_and_moves_the_item(qtbot, page, sample_ws, app_ctx):
    experiment_id = experiments.find_experiment(ws=sample_ws, ref=CITATIONS)
    page.show_entity(experiment_id)
    page.detail.tabs.setCurrentIndex(TAB_DECISION)
    info = experiments.detail(ws=sample_ws, experiment_id=experiment_id)
    tab = page.detail.decision
    assert not tab.record_button.isEnabled()  # nothing chosen yet
    tab.choice["ship"].click()
    assert tab.item_combo.currentData() == "done"
    tab.rationale.set_text("Citations lift CSAT; resolution holds.")
    tab.kpi_check.setChecked(True)
    tab.item_check.setChecked(True)
    assert tab.kpi_value.text() == "4.44"  # the relative lift in percent, suggested
    before = dict(kpis.snapshot_values(ws=sample_ws, kpi_id=info.kpi_id))
    item_before = get_item(ws=sample_ws, item_id=info.roadmap_item_id).status
    assert tab.record()
    decided = experiments.detail(ws=sample_ws, experiment_id=experiment_id)
    assert (decided.status, decided.decision) == ("decided", "ship")
    assert decided.decided_by == tab.decided_by.text()
    after = kpis.snapshot_values(ws=sample_ws, kpi_id=info.kpi_id)
    assert next(v for d, v in after.items() if before.get(d) != v)[0] == pytest.approx(4.44)
    assert get_item(ws=sample_ws, item_id=info.roadmap_item_id).status == "done"
    assert "Decided: Ship" in tab.state.text()

    app_ctx.undo_stack.undo()  # all of it, one step
    undone = experiments.detail(ws=sample_ws, experiment_id=experiment_id)
    assert (undone.status, undone.decision) == ("running", None)
    assert kpis.snapshot_values(ws=sample_ws, kpi_id=info.kpi_id) == before
    assert get_item(ws=sample_ws, item_id=info.roadmap_item_id).status == item_before


def test_a_draft_cannot_be_decided(page, inline, sample_ws):
    experiments.set_status(ws=sample_ws, experiment_id=inline, status="draft")
    page.detail.refresh()
    tab = page.detail.decision
    tab.choice["stop"].click()
    assert not tab.record_button.isEnabled()
    assert "only a running or analysing experiment is decided" in tab.state.text()
