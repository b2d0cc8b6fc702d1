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
from sqlmodel import select

from aipm_desktop.models import Kpi
from aipm_desktop.services import clock, records
from aipm_desktop.services import kpis as kpi_service
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
    week = monday_of(clock.today())
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
    week = monday_of(clock.today()) - dt.timedelta(weeks=1)
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
    monday = monday_of(clock.today())
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


# -- fit and finish: header actions, shortcuts, a laptop screen, dates ---------------------

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def demo_page(qtbot, app_ctx, tmp_path):
    from aipm_desktop.services.workspace import new_workspace

    ws = new_workspace(tmp_path / "demo.aipm", demo=True)
    app_ctx.set_workspace(ws)
    widget = KpisPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1060, 640)  # what the page gets in a 1280x720 window
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _kpi_count(ws) -> int:
    with ws.session() as session:
        return len(session.exec(select(Kpi)).all())


def test_page_fits_a_1280x720_window(qtbot, demo_page):
    for index in range(demo_page.tabs.count()):
        demo_page.tabs.setCurrentIndex(index)
        qtbot.wait(1)
        hint = demo_page.minimumSizeHint()
        assert hint.width() <= 1100 and hint.height() <= 640, (
            demo_page.tabs.tabText(index),
            hint,
        )


def test_in_a_1280x720_window_the_page_is_not_forced_wider(qtbot, app_ctx, tmp_path):
    from aipm_desktop.services.workspace import new_workspace
    from aipm_desktop.ui.main_window import MainWindow

    ws = new_workspace(tmp_path / "demo.aipm", demo=True)
    window = MainWindow(app_ctx, persist=False)
    qtbot.addWidget(window)
    window.set_workspace(ws)
    page = window.show_area("kpis")
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    assert (window.width(), window.height()) == (1280, 720)
    assert page.chart.width() >= 440  # the chart keeps a readable width


def test_header_holds_new_stop_tracking_and_import_in_that_order(qtbot, demo_page):
    page = demo_page
    buttons = [page.new_button, page.remove_button, page.import_button]
    assert [b.text() for b in buttons] == ["New KPI", "Stop tracking", "Import snapshots…"]
    assert page.new_button.objectName() == "primaryButton"
    xs = [b.mapTo(page, b.rect().topLeft()).x() for b in buttons]
    assert xs == sorted(xs)
    tabs_top = page.tabs.mapTo(page, page.tabs.rect().topLeft()).y()
    for b in buttons:  # in the header, none under the list
        assert b.mapTo(page, b.rect().bottomLeft()).y() < tabs_top


def test_del_in_the_list_stops_tracking_and_undo_brings_it_back(qtbot, demo_page, app_ctx):
    page = demo_page
    ws = app_ctx.workspace
    before = _kpi_count(ws)
    chosen = page.current_kpi_id()
    assert chosen is not None
    assert page.remove_button.isEnabled()
    page.activateWindow()
    page.kpi_list.setFocus()
    qtbot.waitUntil(page.kpi_list.hasFocus)
    qtbot.keyClick(page.kpi_list, Qt.Key.Key_Delete)
    assert _kpi_count(ws) == before - 1
    qtbot.waitUntil(lambda: page.kpi_model.row_of(chosen) is None)
    app_ctx.undo_stack.undo()
    assert _kpi_count(ws) == before
    qtbot.waitUntil(lambda: page.kpi_model.row_of(chosen) is not None)


def test_ctrl_shift_n_adds_a_kpi_and_puts_the_cursor_in_its_name(qtbot, page, app_ctx, ws):
    assert not page.remove_button.isEnabled()
    assert page.remove_button.toolTip() == "Choose a tracked KPI in the list first."
    page.activateWindow()
    page.tabs.setCurrentIndex(TAB_GRID)
    page.grid.setFocus()
    qtbot.keyClick(page.grid, Qt.Key.Key_N, CTRL_SHIFT)
    assert _kpi_count(ws) == 1
    assert page.tabs.currentIndex() == 0
    name = page.form.lines["name"]
    assert name.hasFocus() and name.selectedText() == "New KPI"
    qtbot.keyClicks(name, "Deflection rate")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    with ws.session() as session:
        assert [k.name for k in session.exec(select(Kpi))] == ["Deflection rate"]
    assert page.remove_button.isEnabled()
    app_ctx.undo_stack.undo()  # the name
    app_ctx.undo_stack.undo()  # the KPI
    assert _kpi_count(ws) == 0


def test_read_only_workspace_disables_the_header_actions_with_a_reason(qtbot, app_ctx, tmp_path):
    from aipm_desktop.services.workspace import new_workspace
    from aipm_desktop.store import open_workspace

    path = tmp_path / "demo.aipm"
    new_workspace(path, demo=True).close()
    app_ctx.set_workspace(open_workspace(path, readonly=True))
    page = KpisPage(app_ctx)
    qtbot.addWidget(page)
    for button in (page.new_button, page.remove_button, page.import_button):
        assert not button.isEnabled()
        assert button.toolTip() == "This workspace is open read-only."


def test_latest_date_follows_the_date_style(qtbot, demo_page):
    from aipm_desktop.services import dates

    status = demo_page.status_of(demo_page.current_kpi_id())
    assert status.latest_date is not None
    assert f"on {status.latest_date.isoformat()}" in demo_page.form.summary.text()
    dates.set_style(dates.LOCALE)
    demo_page.refresh()
    assert f"on {dates.format_date(status.latest_date)}" in demo_page.form.summary.text()
