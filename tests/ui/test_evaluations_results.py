"""Results in the Evaluations area as a user works them: a file imported through the
dialog (Ctrl+I) with its columns mapped, a bad file's problems listed by row and column
with nothing stored, the report of a run (hand-computed figures, the worst slice, a
failing blocking metric), two runs compared with the examples behind a regression, and
the Overview's card opening the failing metric."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from aipm_desktop.models import UseCase
from aipm_desktop.services import evaluations, records
from aipm_desktop.ui.evaluations.detail import TAB_COMPARE, TAB_REPORT, TAB_RUNS
from aipm_desktop.ui.evaluations.page import EvaluationsPage
from aipm_desktop.ui.main_window import MainWindow
from aipm_desktop.ui.overview import EVAL_CARD, OverviewPage

HEADER = ["id", "gold", "predicted", "confidence", "language"]
#: A harness that names its id column its own way.
TICKETS = ["ticket", *HEADER[1:]]
#: Eight tickets: v1 gets e4 wrong (en 3/4, de 4/4: 7/8 = 87.5 %); v2 gets e4 right and
#: e5, e6 wrong (en 4/4, de 2/4: 6/8 = 75 %).
V1 = [
    ("e1", "billing", "billing", "0.9", "en"),
    ("e2", "refund", "refund", "0.8", "en"),
    ("e3", "billing", "billing", "0.7", "en"),
    ("e4", "refund", "billing", "0.6", "en"),
    ("e5", "billing", "billing", "0.9", "de"),
    ("e6", "refund", "refund", "0.9", "de"),
    ("e7", "billing", "billing", "0.8", "de"),
    ("e8", "refund", "refund", "0.7", "de"),
]
V2 = [
    (i, gold, {"e4": "refund", "e5": "refund", "e6": "billing"}.get(i, pred), conf, lang)
    for i, gold, pred, conf, lang in V1
]


def _file(path: Path, rows, header=HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def suite(ws) -> int:
    """A routing suite (classes billing and refund, sliced by language) with a blocking
    accuracy metric at 80 %."""
    use_case, _ = records.create(ws=ws, model=UseCase, data={"title": "Ticket routing"})
    data = {
        "name": "Routing held-out",
        "use_case_id": use_case.id,
        "classes": "billing, refund",
        "slices": "language",
    }
    metric = {"name": "Accuracy", "kind": "accuracy", "threshold": 0.8, "blocking": True}
    return evaluations.create_suite(ws=ws, data=data, metrics=[metric])[0]


@pytest.fixture
def window(main_window) -> MainWindow:
    main_window.resize(1280, 720)
    return main_window


@pytest.fixture
def page(window, suite) -> EvaluationsPage:
    found = window.show_area("evaluations")
    assert isinstance(found, EvaluationsPage)
    assert found.show_suite(suite)
    return found


def _open_import(qtbot, page):
    page.activateWindow()
    page.list_pane.table.setFocus()
    qtbot.waitUntil(page.list_pane.table.hasFocus)
    qtbot.keyClick(page.list_pane.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dialog = page.import_dialog
    assert dialog is not None and page.detail.tabs.currentIndex() == TAB_RUNS
    return dialog


def _previewed(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: dialog.task is None and dialog.preview is not None, timeout=10_000)


def _import(qtbot, page, path: Path, version: str) -> None:
    dialog = _open_import(qtbot, page)
    dialog.set_path(path)
    _previewed(qtbot, dialog)
    qtbot.keyClicks(dialog.version_edit, version)
    dialog.start_import()
    qtbot.waitUntil(lambda: page.import_dialog is None, timeout=10_000)


def _computed(qtbot, tab) -> None:
    qtbot.waitUntil(lambda: tab.task is None and not tab.stale, timeout=20_000)


def test_a_file_is_mapped_previewed_and_imported_as_one_undoable_run(
    qtbot, qtmodeltester, page, ws, suite, app_ctx, tmp_path
):
    dialog = _open_import(qtbot, page)
    dialog.set_path(_file(tmp_path / "v1.csv", V1, TICKETS))
    _previewed(qtbot, dialog)
    grid = dialog.mapping
    assert grid.combos["gold"].currentData() == "expected"  # known header names
    assert grid.combos["confidence"].currentData() == "probability"
    assert grid.combos["language"].currentData() == "slice"  # a slice of the suite
    assert any("no id column" in line for line in dialog.problem_lines())
    grid.choose("ticket", "id")  # the user says which column identifies an example
    _previewed(qtbot, dialog)
    assert dialog.preview.ok and dialog.rows_model.rowCount() == 8
    qtmodeltester.check(dialog.rows_model)
    assert dialog.rows_model.headerData(0, Qt.Orientation.Horizontal) == "ticket\n→ id"
    assert not dialog.import_button.isEnabled()  # no version yet
    qtbot.keyClicks(dialog.version_edit, "router-v1")
    assert dialog.import_button.isEnabled()

    grid.choose("language", "ignore")  # checks the file again with the new mapping
    _previewed(qtbot, dialog)
    assert "language\n→ slice" not in [
        dialog.rows_model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(dialog.rows_model.columnCount())
    ]
    grid.choose("language", "slice")
    _previewed(qtbot, dialog)
    dialog.start_import()
    qtbot.waitUntil(lambda: page.import_dialog is None, timeout=10_000)

    [run] = evaluations.runs(ws=ws, suite_id=suite)
    assert (run.name, run.source_file, run.source_rows) == ("router-v1", "v1.csv", 8)
    assert page.detail.tabs.currentIndex() == TAB_REPORT  # the new run's report
    assert page.list_pane.model.cell_text(0, 2) == "router-v1"
    app_ctx.undo_stack.undo()  # the whole import, one step
    assert evaluations.runs(ws=ws, suite_id=suite) == []
    app_ctx.undo_stack.redo()
    assert [r.name for r in evaluations.runs(ws=ws, suite_id=suite)] == ["router-v1"]

    dialog = _open_import(qtbot, page)  # the mapping is remembered for the suite
    dialog.set_path(_file(tmp_path / "v2.csv", V2, TICKETS))
    _previewed(qtbot, dialog)
    assert dialog.mapping.combos["ticket"].currentData() == "id"
    assert dialog.preview.ok
    dialog.reject()


def test_a_bad_file_lists_every_problem_by_row_and_column_and_stores_nothing(
    qtbot, qtmodeltester, page, ws, suite, tmp_path
):
    rows = [
        *V1[:3],
        ("e2", "refund", "billing", "1.4", "en"),
        ("e9", "shipping", "refund", "", "de"),
    ]
    dialog = _open_import(qtbot, page)
    dialog.set_path(_file(tmp_path / "bad.csv", rows))
    _previewed(qtbot, dialog)
    qtbot.keyClicks(dialog.version_edit, "v-bad")
    assert not dialog.import_button.isEnabled()
    assert dialog.tables.currentWidget() is dialog.problems_table
    qtmodeltester.check(dialog.problems_model)
    lines = dialog.problem_lines()
    assert any(line.startswith("row 5: id") and "e2" in line for line in lines)  # repeated
    assert any(line.startswith("row 5: confidence") for line in lines)  # above 1
    assert any(line.startswith("row 6: gold") and "shipping" in line for line in lines)
    assert "nothing can be imported" in dialog.problem.text()
    dialog.start_import()  # refused while there are problems
    dialog.reject()
    assert evaluations.runs(ws=ws, suite_id=suite) == []

    dialog = _open_import(qtbot, page)
    dialog.set_path(_file(tmp_path / "noid.csv", [r[1:] for r in V1], HEADER[1:]))
    _previewed(qtbot, dialog)
    assert any("no id column" in line for line in dialog.problem_lines())
    dialog.reject()


def test_the_report_shows_each_metric_with_its_interval_slices_and_verdict(
    qtbot, qtmodeltester, page, ws, suite, tmp_path
):
    _import(qtbot, page, _file(tmp_path / "v2.csv", V2), "v2")
    report = page.detail.report
    _computed(qtbot, report)
    qtmodeltester.check(report.model)
    assert report.model.cell_text(0, 0) == "Accuracy\nblocking"
    value = report.model.cell_text(0, 1)
    assert value.splitlines()[0] == "75%"  # 6 of 8, by hand
    assert report.model.cell_text(0, 3) == "Fail"
    assert report.model.cell_text(0, 5) == "language = de"  # 2 of 4 right there
    assert "Blocks a launch: 1 blocking metric fails" in report.headline.text()
    assert report.headline.property("bad") == "true"  # shown in red
    slices = [report.slice_model.cell_text(r, 0) for r in range(report.slice_model.rowCount())]
    assert slices == ["language = de  (worst)", "language = en"]
    assert report.slice_model.cell_text(0, 2).splitlines()[0] == "50%"
    assert report.slice_model.cell_text(1, 2).splitlines()[0] == "100%"
    assert "1,000 resamples" in report.notes.text()


def test_two_runs_compared_show_the_regression_and_the_examples_behind_it(
    qtbot, page, ws, suite, tmp_path
):
    _import(qtbot, page, _file(tmp_path / "v1.csv", V1), "v1")
    _import(qtbot, page, _file(tmp_path / "v2.csv", V2), "v2")
    page.detail.tabs.setCurrentIndex(TAB_COMPARE)
    tab = page.detail.compare
    _computed(qtbot, tab)
    assert (tab.a_combo.currentText()[:2], tab.b_combo.currentText()[:2]) == ("v1", "v2")
    first = tab.differences()[0]
    assert (first.spec.name, first.group, first.regression) == ("Accuracy", "", True)
    assert tab.model.cell_text(0, 6) == "Regression"  # below its threshold in B
    assert tab.model.cell_text(0, 4).splitlines()[0] == "-12.5 pts"  # 75 % - 87.5 %
    assert tab.model.cell_text(0, 5) == "1"  # 1 vs 2 discordant pairs: p = 1
    assert "McNemar" in tab.model.data(tab.model.index(0, 5), Qt.ItemDataRole.ToolTipRole)
    assert tab.headline.text().startswith("1 regression from v1 to v2: Accuracy on all examples")
    changes = {(e.example_id, e.change) for e in tab.example_model.rows}
    assert changes == {("e5", "pass→fail"), ("e6", "pass→fail"), ("e4", "fail→pass")}
    assert tab.example_model.rows[0].change == "pass→fail"  # worse first

    tab.only_regressions.setChecked(True)
    assert all(d.regression for d in tab.differences())
    out = tab.export_flips(tmp_path / "flips.csv")
    with out.open(encoding="utf-8") as fh:
        exported = {(r["id"], r["change"]) for r in csv.DictReader(fh)}
    assert exported == changes
    assert tab.saved.text() == "Saved flips.csv"

    tab.choose_runs(tab.b_combo.currentData(), tab.b_combo.currentData())
    assert tab.body.currentWidget() is tab.empty and "two different runs" in tab.empty.text()


def test_the_overview_card_names_the_failing_metric_and_opens_it(
    qtbot, window, ws, suite, tmp_path
):
    evaluations.import_results(
        ws=ws, suite_id=suite, path=_file(tmp_path / "v2.csv", V2), name="v2"
    )
    overview = window.show_area("overview")
    assert isinstance(overview, OverviewPage)
    overview.refresh()  # the card is filled by a worker once the page has been painted
    qtbot.waitUntil(lambda: overview.card_titles(EVAL_CARD) != [], timeout=10_000)
    [title] = overview.card_titles(EVAL_CARD)
    assert title == "Accuracy on Routing held-out"
    item = overview.cards[EVAL_CARD].items[0]
    assert item.detail.text() == "75%, needs ≥ 80% · run v2 · blocks the launch of Ticket routing"
    item.activated.emit()
    page = window.pages["evaluations"]
    assert window.current_area() == "evaluations"
    assert page.current_id() == suite and page.detail.tabs.currentIndex() == TAB_REPORT
    report = page.detail.report
    _computed(qtbot, report)
    assert report.model.record_at(report.table.currentIndex()).spec.name == "Accuracy"


def test_the_launch_checklist_item_names_the_failing_metric_and_opens_it(
    qtbot, window, ws, suite, tmp_path
):
    from aipm_desktop.models import Release
    from aipm_desktop.ui.launch.page import LaunchPage

    use_case = evaluations.suites(ws=ws)[0].use_case_id
    release, _ = records.create(
        ws=ws, model=Release, data={"name": "Routing GA", "use_case_id": use_case}
    )
    evaluations.import_results(
        ws=ws, suite_id=suite, path=_file(tmp_path / "v1.csv", V1), name="v1"
    )
    launch = window.show_area("launch")
    assert isinstance(launch, LaunchPage) and launch.show_entity(release.id)
    summary = launch.checklist.summary
    box = summary.evaluation
    assert box.isVisible() and box.state.text().startswith("passes")  # 87.5 % >= 80 %
    assert summary.badge.text() == "NO-GO"  # no checklist yet, but not for the evaluation
    assert not any("Evaluations" in line for line in summary.reason_lines())

    # the next version regresses: importing it turns the item red
    evaluations.import_results(
        ws=ws, suite_id=suite, path=_file(tmp_path / "v2.csv", V2), name="v2"
    )
    launch.refresh()
    assert box.state.text() == "fails: blocks the launch"
    assert box.lines() == ["Accuracy 75% (needs ≥ 80%) — Routing held-out, run v2"]
    assert not any("Evaluations" in line for line in summary.reason_lines())  # listed once
    box.list.setFocus()
    qtbot.keyClick(box.list, Qt.Key.Key_Return)  # opens the metric in Evaluations
    assert window.current_area() == "evaluations"
    page = window.pages["evaluations"]
    assert page.current_id() == suite and page.detail.tabs.currentIndex() == TAB_REPORT


def test_the_charts_draw_off_the_ui_thread_and_export_png_svg_pdf(qtbot, page, ws, suite, tmp_path):
    from aipm_desktop.ui.evaluations.detail import TAB_CHARTS

    charts = page.detail.charts
    page.detail.tabs.setCurrentIndex(TAB_CHARTS)
    assert (
        charts.body.currentWidget() is charts.empty and "Import the results" in charts.empty.text()
    )
    assert not charts.export_button.isEnabled()
    for version, rows in (("v1", V1), ("v2", V2)):
        evaluations.import_results(
            ws=ws, suite_id=suite, path=_file(tmp_path / f"{version}.csv", rows), name=version
        )
    page.refresh()
    _computed(qtbot, charts)
    assert charts.body.currentWidget() is charts.chart
    assert charts.chart.figure().get_suptitle() == "Routing held-out: Accuracy across runs"
    assert not charts.run_combo.isVisible()  # a trend is of every run
    for suffix, start in ((".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")):
        out = charts.export_chart(tmp_path / f"trend{suffix}")
        assert out is not None and out.read_bytes().lstrip()[: len(start)] == start

    charts.choose("slices")
    _computed(qtbot, charts)
    assert charts.run_combo.isVisible()
    labels = [t.get_text() for t in charts.chart.figure().axes[0].get_yticklabels()]
    assert "language=de" in labels and "language=en" in labels
    charts.choose("reliability")
    _computed(qtbot, charts)
    assert not charts.metric_combo.isVisible()  # a reliability diagram is of the run
    assert charts.chart.figure().get_suptitle().startswith("Reliability diagram, run v2")
