"""The Risks area's heat map: clicking a cell filters the register, residual, movement."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt

from aipm_desktop.models import Risk
from aipm_desktop.services import records


@pytest.fixture
def page(qtbot, app_ctx, ws):
    from aipm_desktop.ui.risks.page import RisksPage

    app_ctx.set_workspace(ws)
    widget = RisksPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 850)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _add(ctx, title, lik, imp, residual=(None, None), status="open"):
    data = {
        "title": title,
        "likelihood": lik,
        "impact": imp,
        "residual_likelihood": residual[0],
        "residual_impact": residual[1],
        "status": status,
    }
    obj, changes = records.create(ws=ctx.workspace, model=Risk, data=data)
    ctx.notify(changes)
    return obj.id


def test_clicking_a_cell_filters_the_register_and_the_chip_clears_it(qtbot, page, app_ctx):
    injection = _add(app_ctx, "Prompt injection", 4, 3)
    drift = _add(app_ctx, "Drift", 2, 2)
    page.tabs.setCurrentWidget(page.heatmap)
    heatmap = page.heatmap.heatmap
    assert heatmap.count(4, 3) == 1 and heatmap.count(2, 2) == 1
    qtbot.mouseClick(heatmap, Qt.MouseButton.LeftButton, pos=heatmap.cell_rect(4, 3).center())
    register = page.register
    assert page.tabs.currentWidget() is register
    assert register.list.model.ids() == [injection]
    assert register.chip.isVisible()
    assert register.chip.text() == "L4 × I3 — clear"  # noqa: RUF001
    qtbot.mouseClick(register.chip.clear_button, Qt.MouseButton.LeftButton)
    assert not register.chip.isVisible()
    assert sorted(register.list.model.ids()) == sorted([injection, drift])


def test_an_empty_cell_shows_an_empty_list(qtbot, page, app_ctx):
    _add(app_ctx, "Drift", 2, 2)
    heatmap = page.heatmap.heatmap
    qtbot.mouseClick(heatmap, Qt.MouseButton.LeftButton, pos=heatmap.cell_rect(5, 5).center())
    assert page.register.list.model.ids() == []
    assert "match the current filters" in page.register.list.empty_label.text()


def test_residual_toggle_moves_the_counts_and_filters_by_residual_cell(qtbot, page, app_ctx):
    mitigated = _add(app_ctx, "Confabulation", 4, 4, residual=(1, 2))
    _add(app_ctx, "Closed one", 4, 4, status="closed")
    tab = page.heatmap
    assert tab.heatmap.count(4, 4) == 1  # closed risks are not counted
    qtbot.mouseClick(tab.residual_button, Qt.MouseButton.LeftButton)
    assert tab.residual
    assert tab.heatmap.count(4, 4) == 0
    assert tab.heatmap.count(1, 2) == 1
    assert "residual" in tab.summary.text()
    heatmap = tab.heatmap
    qtbot.mouseClick(heatmap, Qt.MouseButton.LeftButton, pos=heatmap.cell_rect(1, 2).center())
    assert page.register.list.model.ids() == [mitigated]
    assert "residual" in page.register.chip.text()


def test_movement_mode_paints_arrows(qtbot, page, app_ctx):
    _add(app_ctx, "Confabulation", 4, 4, residual=(2, 3))
    _add(app_ctx, "Drift", 3, 3)
    tab = page.heatmap
    tab.movement_check.setChecked(True)
    assert [(m.inherent, m.residual) for m in tab.heatmap.movements] == [((4, 4), (2, 3))]
    assert "1 moved" in tab.summary.text()
    plain = tab.heatmap.grab().toImage()
    tab.movement_check.setChecked(False)
    without = tab.heatmap.grab().toImage()
    assert plain != without  # the arrow is drawn


def test_heatmap_refreshes_on_edits_and_use_case_scope(page, app_ctx, ws):
    from aipm_desktop.models import UseCase
    from aipm_desktop.services import risks

    risk_id = _add(app_ctx, "Latency", 3, 3)
    obj, changes = records.create(ws=ws, model=UseCase, data={"title": "Answer bot"})
    app_ctx.notify(changes)
    tab = page.heatmap
    combo = tab.use_case_combo
    combo.setCurrentIndex(combo.findData(obj.id))
    assert tab.heatmap.data.total == 0
    app_ctx.notify(risks.set_links(ws=ws, risk_id=risk_id, use_case_ids=[obj.id])[0])
    assert tab.heatmap.count(3, 3) == 1


def test_export_png_without_matplotlib_at_start(qtbot, page, app_ctx, tmp_path):
    _add(app_ctx, "Latency", 3, 3)
    task = page.heatmap.export_to(tmp_path / "heat.png")
    with qtbot.wait_signal(task.finished, timeout=20000):
        pass
    assert (tmp_path / "heat.png").stat().st_size > 1000
    assert "Saved" in page.heatmap.status.text()


def test_page_does_not_import_matplotlib(qapp):
    import subprocess

    code = "import sys; import aipm_desktop.ui.risks.page; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_movement_counts_sit_in_badges_over_the_arrows(qtbot, page, app_ctx):
    from PySide6.QtGui import QColor

    _add(app_ctx, "Injection", 4, 4, residual=(2, 3))
    _add(app_ctx, "Injection 2", 4, 4, residual=(2, 3))
    _add(app_ctx, "Leak", 3, 4, residual=(2, 2))
    _add(app_ctx, "Bias", 5, 5, residual=(1, 5))
    _add(app_ctx, "Drift", 3, 3, residual=(2, 4))
    page.tabs.setCurrentWidget(page.heatmap)
    page.heatmap.movement_check.setChecked(True)
    heatmap = page.heatmap.heatmap
    heatmap.resize(600, 460)
    assert heatmap.show_movement and heatmap.arrow_ends()
    badges = {
        (lik, imp): heatmap.count_badge_rect(lik, imp)
        for lik in range(1, 6)
        for imp in range(1, 6)
        if heatmap.count(lik, imp)
    }
    assert badges
    for _start, tip in heatmap.arrow_ends():
        assert not any(badge.contains(tip) for badge in badges.values())
    # Painted over the arrows: a badge is white inside, whatever runs under it.
    image = heatmap.grab().toImage()
    for badge in badges.values():
        corner = badge.topLeft().toPoint()
        pixel = QColor(image.pixel(corner.x() + 3, corner.y() + badge.height() / 2))
        assert pixel.lightness() > 240


def test_axis_names_fit_their_cells_at_the_smallest_size(qtbot, page):
    from PySide6.QtGui import QFontMetricsF

    page.tabs.setCurrentWidget(page.heatmap)
    heatmap = page.heatmap.heatmap
    heatmap.resize(heatmap.minimumSize())
    side = heatmap.cell_rectf(1, 1).width()
    small = heatmap.font()
    small.setPixelSize(9)
    for name in heatmap.impact_names:
        assert QFontMetricsF(small).horizontalAdvance(name) <= side - 4


def test_mode_buttons_are_wide_enough_for_their_bold_checked_text(page):
    from PySide6.QtGui import QFont, QFontMetricsF

    for button in (page.heatmap.inherent_button, page.heatmap.residual_button):
        bold = QFont(button.font())
        bold.setBold(True)
        assert button.minimumWidth() >= QFontMetricsF(bold).horizontalAdvance(button.text()) + 34
