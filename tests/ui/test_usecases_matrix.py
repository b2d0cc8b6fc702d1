"""The Matrix and Ranking stability tabs of the Use cases page."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from aipm_desktop.services import scoring
from aipm_desktop.services.workspace import new_workspace


@pytest.fixture
def demo_ws(tmp_path: Path):
    ws = new_workspace(tmp_path / "demo.aipm", demo=True)
    yield ws
    ws.close()


@pytest.fixture
def page(qtbot, app_ctx, demo_ws):
    from aipm_desktop.ui.usecases.page import UseCasesPage

    app_ctx.set_workspace(demo_ws)
    widget = UseCasesPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 820)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _show_matrix(qtbot, page):
    tab = page.matrix_tab
    page.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: not tab.dirty)
    return tab


def test_clicking_a_bubble_selects_its_use_case_in_the_list(qtbot, page):
    tab = _show_matrix(qtbot, page)
    assert tab.points
    current = page.current_id
    target, x, y, _radius = next(p for p in tab.points if p[0] != current)
    canvas = tab.chart.canvas
    pos = tab.chart.widget_pos(x, y).toPoint()
    with qtbot.waitSignal(tab.chart.clicked):
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=pos)
    assert page.current_id == target
    assert page.list_pane.current_id() == target
    assert page.form.use_case_id == target
    # The matrix redraws with the clicked bubble highlighted.
    assert tab.highlight == target
    drawn = tab.draw_count
    qtbot.waitUntil(lambda: not tab.dirty)
    assert tab.draw_count == drawn + 1


def test_hover_over_a_bubble_names_it_and_its_quadrant(qtbot, page):
    tab = _show_matrix(qtbot, page)
    use_case_id, x, y, _radius = tab.points[-1]
    px, py = tab.chart.figure().axes[0].transData.transform((x, y))
    text = tab.chart.hover_text(px, py)
    bubble = tab.bubbles[use_case_id]
    assert bubble.title in text
    assert bubble.quadrant in text
    assert tab.chart.hover_text(1, 1) is None


def test_selecting_in_the_list_highlights_the_bubble(qtbot, page):
    tab = _show_matrix(qtbot, page)
    other = next(p[0] for p in tab.points if p[0] != page.current_id)
    page.list_pane.select_ids([other], current=other)
    assert tab.highlight == other


def test_changing_size_by_redraws(qtbot, page):
    tab = _show_matrix(qtbot, page)
    before = tab.draw_count
    radii = {p[0]: p[3] for p in tab.points}
    tab.size_combo.setCurrentIndex(tab.size_combo.findData("cost"))
    assert tab.draw_count == before + 1
    assert {p[0]: p[3] for p in tab.points} != radii


def test_a_score_edit_moves_the_bubble(qtbot, page, demo_ws, app_ctx):
    from aipm_desktop.ui.usecases.edits import SetScoreCommand

    tab = _show_matrix(qtbot, page)
    use_case_id, x, _y, _r = tab.points[0]
    ranked = {r.use_case_id: r for r in scoring.rank(ws=demo_ws)}
    crit = next(
        c
        for c in scoring.model_criteria(ws=demo_ws)
        if c.group == "value" and ranked[use_case_id].values[c.id] != 1
    )
    app_ctx.run_edit(SetScoreCommand(app_ctx, use_case_id, crit.id, 1))
    qtbot.waitUntil(lambda: not tab.dirty)
    moved = next(p for p in tab.points if p[0] == use_case_id)
    assert moved[1] < x


def test_export_writes_png_and_svg(qtbot, page, tmp_path):
    tab = _show_matrix(qtbot, page)
    assert tab.export(tmp_path / "matrix.png")
    assert (tmp_path / "matrix.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert tab.export(tmp_path / "matrix.svg")
    assert b"<svg" in (tmp_path / "matrix.svg").read_bytes()[:500]


def test_stability_run_fills_the_table(qtbot, page):
    tab = page.stability_tab
    page.tabs.setCurrentWidget(tab)
    tab.draws_spin.setValue(200)
    tab.top_spin.setValue(2)
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("dirichlet"))
    with qtbot.waitSignal(tab.run_finished, timeout=20000):
        qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    result = tab.result
    assert result is not None and result.draws == 200 and result.top_n == 2
    model = tab.model
    assert model.rowCount() == len(result.use_case_ids) > 0
    first = result.use_case_ids[0]
    assert model.index(0, 0).data() == page.ranking_entry(first).title
    assert model.index(0, 1).data() == "1"
    assert model.index(0, 2).data() == f"{result.p_top_n[first]:.0%}"
    assert model.headerData(2, Qt.Orientation.Horizontal) == "P(top 2)"
    assert "The top pick" in tab.summary.text()
    assert "200 draws" in tab.summary.text()
    assert tab.progress.isHidden() and tab.run_button.isEnabled()
