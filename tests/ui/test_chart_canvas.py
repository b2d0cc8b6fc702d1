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
