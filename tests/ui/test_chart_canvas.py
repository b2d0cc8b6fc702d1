"""The reusable chart canvas: lazy figure, clicks in data coordinates, hover, export."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from aipm_desktop.errors import UserError


@pytest.fixture
def chart(qtbot):
    from aipm_desktop.ui.widgets.chart_canvas import ChartCanvas

    widget = ChartCanvas()
    qtbot.addWidget(widget)
    widget.resize(600, 400)
    figure = widget.figure()
    axes = figure.add_subplot()
    axes.set_xlim(0, 10)
    axes.set_ylim(0, 10)
    axes.scatter([2, 8], [3, 7])
    widget.show()
    qtbot.waitExposed(widget)
    widget.draw_now()
    return widget


def test_click_reports_data_coordinates(qtbot, chart):
    pos = chart.widget_pos(8, 7).toPoint()
    with qtbot.waitSignal(chart.clicked) as blocker:
        qtbot.mouseClick(chart.canvas, Qt.MouseButton.LeftButton, pos=pos)
    x, y = blocker.args
    assert x == pytest.approx(8, abs=0.2)
    assert y == pytest.approx(7, abs=0.2)


def test_hover_handler_gets_display_coordinates(qtbot, chart):
    axes = chart.figure().axes[0]
    target = axes.transData.transform((2, 3))

    def handler(x_px: float, y_px: float) -> str | None:
        near = abs(x_px - target[0]) < 5 and abs(y_px - target[1]) < 5
        return "the point (2, 3)" if near else None

    chart.set_hover_handler(handler)
    assert chart.hover_text(*target) == "the point (2, 3)"
    assert chart.hover_text(0, 0) is None
    qtbot.mouseMove(chart.canvas, chart.widget_pos(2, 3).toPoint())
    qtbot.waitUntil(lambda: chart.tooltip_text == "the point (2, 3)")


def test_export_writes_png_and_refuses_other_suffixes(chart, tmp_path):
    out = chart.export(tmp_path / "chart.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(UserError):
        chart.export(tmp_path / "chart.txt")
    assert not (tmp_path / "chart.txt").exists()


def test_set_figure_replaces_the_canvas(qtbot, chart):
    from aipm_desktop.services.charts import new_figure

    old = chart.canvas
    figure = new_figure(4, 3)
    chart.set_figure(figure)
    assert chart.figure() is figure
    assert chart.canvas is not old
    assert chart.canvas.figure is figure


def test_export_carries_the_footer_of_the_view_s_workspace(qtbot, app_ctx, ws, tmp_path):
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from aipm_desktop.services.charts import footer_texts
    from aipm_desktop.services.workspace import update_settings
    from aipm_desktop.ui.widgets.chart_canvas import ChartCanvas

    update_settings(ws=ws, data={"name": "Acme AI", "client": "Acme Bank"})
    app_ctx.set_workspace(ws)
    view = QWidget()
    view.ctx = app_ctx  # a page holds its context as ``ctx``
    canvas = ChartCanvas()
    QVBoxLayout(view).addWidget(canvas)
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    figure = canvas.figure()
    figure.add_subplot().plot([1, 2], [3, 1])
    size = tuple(figure.get_size_inches())
    footer = canvas.export_footer()
    assert footer is not None and footer.source == "Acme AI · Client: Acme Bank"
    out = canvas.export(tmp_path / "chart.svg")
    assert "Acme AI · Client: Acme Bank" in out.read_text(encoding="utf-8")
    # The figure on screen is as it was: no footer, same size.
    assert footer_texts(figure) == [] and tuple(figure.get_size_inches()) == size


def test_a_page_may_give_the_footer(chart, tmp_path):
    import datetime as dt

    from aipm_desktop.services.charts import Footer

    chart.set_footer_source(lambda: Footer("Given", "", dt.date(2026, 1, 2)))
    out = chart.export(tmp_path / "given.svg")
    svg = out.read_text(encoding="utf-8")
    assert "Given" in svg and "2026-01-02" in svg
    chart.set_footer_source(lambda: None)
    assert "Given" not in chart.export(tmp_path / "none.svg").read_text(encoding="utf-8")
