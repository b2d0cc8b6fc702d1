"""The KPIs area as a user meets it: catalog, snapshot grid, form, chart, small multiples."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

from aipm_desktop.models import Kpi
from aipm_desktop.services import kpis as kpi_service
from aipm_desktop.services import records
from aipm_desktop.ui.kpis import page as page_module
from aipm_desktop.ui.kpis.grid import monday_of
from aipm_desktop.ui.kpis.page import TAB_CATALOG, TAB_GRID, TAB_MULTIPLES, KpisPage


@pytest.fixture
def page(qtbot, app_ctx, ws):
    app_ctx.set_workspace(ws)
    widget = KpisPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _track(qtbot, page, key: str) -> int:
    page.tabs.setCurrentIndex(TAB_CATALOG)
    page.catalog.select_key(key)
    qtbot.mouseClick(page.catalog.track_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.current_kpi_id() is not None)
    return page.current_kpi_id()


def _grid_index(page, kpi_id: int, week: dt.date):
    model = page.grid.model
    column = next(i for i, k in enumerate(model.kpis) if k.kpi_id == kpi_id)
    return model.index(model.weeks.index(week), column)


def _type_in_cell(qtbot, page, index, text: str) -> None:
    view = page.grid.view
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.indexWidget(index)
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on the next turn of the event loop.
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def test_track_from_catalog_is_undoable(qtbot, page, app_ctx, ws):
    assert page.list_empty.isVisible()
    page.tabs.setCurrentIndex(TAB_CATALOG)
    page.catalog.select_key("hallucination_rate")
    assert page.catalog.fields["direction"].text() == "Lower is better"
    assert "claims not supported" in page.catalog.fields["what"].text()
    kpi_id = _track(qtbot, page, "hallucination_rate")
    assert page.tabs.currentIndex() == 0  # the new KPI is shown
    assert records.get(ws=ws, model=Kpi, id=kpi_id).catalog_key == "hallucination_rate"
    assert page.form.lines["name"].text() == "Hallucination Rate"
    app_ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: page.kpi_model.rowCount() == 0)
    assert kpi_service.status_all(ws=ws) == []
    app_ctx.undo_stack.redo()
    qtbot.waitUntil(lambda: page.kpi_model.rowCount() == 1)
    assert page.current_kpi_id() == kpi_id


def test_typing_in_the_grid_sets_status_and_chart_and_undo_reverts(qtbot, page, app_ctx, ws):
    kpi_id = _track(qtbot, page, "ai_feature_adoption_rate")
    records.update(
        ws=ws, model=Kpi, id=kpi_id, data={"target": 40.0, "warning": 30.0, "critical": 20.0}
    )
    app_ctx.notify(records.Changes("kpi", (kpi_id,), "update"))
    qtbot.waitUntil(lambda: page.badge_texts_of(kpi_id)[0] == "No data")

    page.tabs.setCurrentIndex(TAB_GRID)
    week = monday_of(dt.date.today())
    _type_in_cell(qtbot, page, _grid_index(page, kpi_id, week), "12.5")
    assert kpi_service.series(ws=ws, kpi_id=kpi_id) == ([week], [12.5])
    qtbot.waitUntil(lambda: page.badge_texts_of(kpi_id)[0] == "Critical")
    assert page.grid.model.data(_grid_index(page, kpi_id, week)) == "12.5"

    _type_in_cell(qtbot, page, _grid_index(page, kpi_id, week), "45")
    qtbot.waitUntil(lambda: page.badge_texts_of(kpi_id)[0] == "On target")
    page.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.chart.line_data()[1][-1:] == [45.0])

    app_ctx.undo_stack.undo()  # back to 12.5
    qtbot.waitUntil(lambda: page.badge_texts_of(kpi_id)[0] == "Critical")
    qtbot.waitUntil(lambda: page.chart.line_data()[1][-1:] == [12.5])
    app_ctx.undo_stack.undo()  # no snapshot at all
    qtbot.waitUntil(lambda: page.badge_texts_of(kpi_id)[0] == "No data")
    assert kpi_service.series(ws=ws, kpi_id=kpi_id) == ([], [])


def test_delete_clears_a_grid_cell_and_bad_text_is_refused(qtbot, page, app_ctx, ws):
    kpi_id = _track(qtbot, page, "latency_p95")
    week = monday_of(dt.date.today()) - dt.timedelta(weeks=1)
    kpi_service.set_snapshot(ws=ws, kpi_id=kpi_id, day=week + dt.timedelta(days=2), value=3.2)
    app_ctx.notify(records.Changes("kpi_snapshot", (), "update"))
    page.tabs.setCurrentIndex(TAB_GRID)
    qtbot.waitUntil(lambda: page.grid.model.data(_grid_index(page, kpi_id, week)) == "3.2")

    _type_in_cell(qtbot, page, _grid_index(page, kpi_id, week), "fast")
    assert page.grid.message.isVisible()
    assert "not a number" in page.grid.message.text()
    assert kpi_service.series(ws=ws, kpi_id=kpi_id)[1] == [3.2]

    page.grid.view.setCurrentIndex(_grid_index(page, kpi_id, week))
    qtbot.keyClick(page.grid.view, Qt.Key.Key_Delete)
    assert kpi_service.series(ws=ws, kpi_id=kpi_id) == ([], [])
    app_ctx.undo_stack.undo()
    assert kpi_service.series(ws=ws, kpi_id=kpi_id) == ([week + dt.timedelta(days=2)], [3.2])


def test_invalid_thresholds_show_the_inline_message_and_store_nothing(qtbot, page, ws):
    kpi_id = _track(qtbot, page, "ai_feature_adoption_rate")  # higher is better
    form = page.form
    edits = form.threshold_edits
    for field, text in (("target", "40"), ("warning", "50"), ("critical", "20")):
        edits[field].setFocus()
        edits[field].selectAll()
        qtbot.keyClicks(edits[field], text)
    qtbot.keyClick(edits["critical"], Qt.Key.Key_Return)
    assert "thresholds must fall in order" in form.hint_text("thresholds")
    assert form.hints["thresholds"].isVisible()
    stored = records.get(ws=ws, model=Kpi, id=kpi_id)
    assert (stored.target, stored.warning, stored.critical) == (None, None, None)

    edits["warning"].setFocus()
    edits["warning"].selectAll()
    qtbot.keyClicks(edits["warning"], "30")
    qtbot.keyClick(edits["warning"], Qt.Key.Key_Return)
    assert form.hint_text("thresholds") == ""
    stored = records.get(ws=ws, model=Kpi, id=kpi_id)
    assert (stored.target, stored.warning, stored.critical) == (40.0, 30.0, 20.0)


def test_chart_hover_range_export_and_before_after(qtbot, page, app_ctx, ws, tmp_path):
    kpi_id = _track(qtbot, page, "ai_feature_adoption_rate")
    monday = monday_of(dt.date.today())
    days = [monday - dt.timedelta(weeks=n) for n in range(20, -1, -1)]
    for n, day in enumerate(days):
        kpi_service.set_snapshot(ws=ws, kpi_id=kpi_id, day=day, value=10.0 if n < 10 else 20.0)
    app_ctx.notify(records.Changes("kpi_snapshot", (), "update"))
    chart = page.chart
    qtbot.waitUntil(lambda: len(chart.line_data()[1]) == 21)

    xs, ys = chart.points
    axes = chart._line.axes
    px, py = axes.transData.transform((xs[-1], ys[-1]))
    assert chart.hover_text(px, py) == f"{days[-1]:%Y-%m-%d}: 20%"
    assert chart.hover_text(px - 400, py + 300) is None

    chart.set_range(days[5], days[8])
    qtbot.waitUntil(lambda: len(chart.line_data()[1]) == 4)
    chart.range_combo.setCurrentIndex(chart.range_combo.findData(0))  # all
    qtbot.waitUntil(lambda: len(chart.line_data()[1]) == 21)

    chart.pivot_edit.setDate(chart.pivot_edit.date().fromString(str(days[10]), "yyyy-MM-dd"))
    qtbot.waitUntil(lambda: chart.before_after is not None and chart.before_after.n_after == 11)
    assert chart.before_after.change_pct == pytest.approx(100.0)
    assert "+100.0%" in chart.before_after_label.text()

    png = chart.export_chart(tmp_path / "adoption.png")
    svg = chart.export_chart(tmp_path / "adoption.svg")
    data = chart.export_data(tmp_path / "adoption.csv")
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert svg.read_text().lstrip().startswith("<?xml")
    lines = data.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "kpi,date,value,use_case,note"
    assert len(lines) == 22


def test_small_multiples_draw_one_axes_per_tracked_kpi(qtbot, page, ws):
    for key in ("ai_feature_adoption_rate", "hallucination_rate", "latency_p95"):
        _track(qtbot, page, key)
    page.tabs.setCurrentIndex(TAB_MULTIPLES)
    qtbot.waitUntil(lambda: len(page.multiples.drawn_axes()) == 3)
    texts = [" ".join(t.get_text() for t in axes.texts) for axes in page.multiples.drawn_axes()]
    for name in ("AI Feature Adoption Rate", "Hallucination Rate", "Latency (P95)"):
        assert sum(name in text for text in texts) == 1


def test_demo_workspace_badges_show_critical_warning_and_stale(qtbot, app_ctx, tmp_path):
    from aipm_desktop.services.workspace import new_workspace

    ws = new_workspace(tmp_path / "demo.aipm", demo=True)
    app_ctx.set_workspace(ws)
    widget = KpisPage(app_ctx)
    qtbot.addWidget(widget)
    statuses = {s.name: s for s in kpi_service.status_all(ws=ws)}
    stale = [name for name, s in statuses.items() if s.stale]
    assert stale
    badges = widget.badge_texts_of(statuses[stale[0]].kpi_id)
    assert any(text.startswith("Stale") for text in badges)
    critical = [s for s in statuses.values() if s.status == "critical"]
    assert critical
    assert widget.badge_texts_of(critical[0].kpi_id)[0] == "Critical"
    assert "critical" in widget.summary.text()


def test_kpi_list_model_passes_the_model_tester(qtmodeltester, app_ctx, tmp_path):
    from aipm_desktop.services.workspace import new_workspace

    ws = new_workspace(tmp_path / "demo.aipm", demo=True)
    app_ctx.set_workspace(ws)
    model = page_module.KpiListModel()
    model.set_statuses(kpi_service.status_all(ws=ws))
    assert model.rowCount() > 0
    qtmodeltester.check(model)


def test_matplotlib_is_imported_only_when_the_chart_is_shown(tmp_path, aipm_home):
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from aipm_desktop.services.workspace import new_workspace\n"
        "from aipm_desktop.ui.context import AppContext\n"
        "from aipm_desktop.ui.kpis.page import KpisPage\n"
        "app = QApplication([])\n"
        f"ws = new_workspace({str(tmp_path / 'w.aipm')!r}, demo=True)\n"
        "ctx = AppContext()\n"
        "ctx.set_workspace(ws)\n"
        "page = KpisPage(ctx)\n"
        "print('built=' + str('matplotlib' in sys.modules))\n"
        "page.resize(1200, 800)\n"
        "page.show()\n"
        "app.processEvents()\n"
        "print('shown=' + str('matplotlib' in sys.modules))\n"
        "ctx.close_workspace()\n"
    )
    env = {**os.environ, "AIPM_HOME": str(aipm_home), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "built=False" in result.stdout
    assert "shown=True" in result.stdout


def test_page_module_does_not_import_matplotlib_at_module_level():
    source = Path(page_module.__file__).read_text()
    assert "import matplotlib" not in source
