"""The Use cases page, driven like a user: list, detail form, new / duplicate / delete."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from aipm_desktop.models import Score, UseCase
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.ui.areas import Area

AREA = Area("usecases", "Use cases", "aipm_desktop.ui.usecases.page:UseCasesPage")


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
    widget.resize(1300, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _titles(ws) -> list[str]:
    with ws.engine.connect() as conn:
        return [r[0] for r in conn.execute(select(UseCase.title).order_by(UseCase.id))]


def _visible_titles(page) -> list[str]:
    model = page.list_pane.model
    column = model.spec.index_of("title")
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_new_with_ctrl_n_then_typing_a_title_stores_it(qtbot, page, demo_ws):
    before = len(_titles(demo_ws))
    page.list_pane.table.setFocus()
    qtbot.keyClick(page.list_pane.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    title_edit = page.form.lines["title"]
    assert title_edit.hasFocus()
    assert title_edit.selectedText() == "Untitled use case"
    qtbot.keyClicks(title_edit, "Draft replies for billing tickets")
    qtbot.keyClick(title_edit, Qt.Key.Key_Return)

    titles = _titles(demo_ws)
    assert len(titles) == before + 1
    assert titles[-1] == "Draft replies for billing tickets"
    assert "Draft replies for billing tickets" in _visible_titles(page)
    assert page.form.heading.text() == "Draft replies for billing tickets"


def test_ctrl_n_in_the_page_does_not_start_a_new_workspace(qtbot, app_ctx, demo_ws, monkeypatch):
    from aipm_desktop.ui import main_window as main_window_module
    from aipm_desktop.ui.main_window import MainWindow

    asked: list[str] = []
    monkeypatch.setattr(
        main_window_module.QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (asked.append("new workspace"), ("", ""))[1],
    )
    overview = Area("overview", "Overview", "aipm_desktop.ui.overview:OverviewPage")
    window = MainWindow(app_ctx, areas=(overview, AREA), persist=False)
    qtbot.addWidget(window)
    window.set_workspace(demo_ws)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_area("usecases")
    before = len(_titles(demo_ws))
    page.list_pane.table.setFocus()
    qtbot.keyClick(page.list_pane.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert asked == []
    assert len(_titles(demo_ws)) == before + 1


def test_target_without_unit_shows_inline_message_and_stores_nothing(qtbot, page, demo_ws):
    qtbot.keyClick(page.list_pane.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    new_id = page.current_id
    target = page.form.metric_edits["metric_target"]
    target.setFocus()
    qtbot.keyClicks(target, "36")
    qtbot.keyClick(target, Qt.Key.Key_Return)

    assert "needs a unit" in page.form.hint_text("metric")
    assert page.form.hints["metric"].isVisible()
    assert target.text() == "36"  # kept for the user to fix, not stored
    with demo_ws.session() as session:
        stored = session.get(UseCase, new_id)
        assert stored.metric_target is None

    # With a unit the same metric is accepted and the message goes away.
    unit = page.form.metric_edits["metric_unit"]
    unit.setFocus()
    qtbot.keyClicks(unit, "min")
    qtbot.keyClick(unit, Qt.Key.Key_Return)
    assert page.form.hint_text("metric") == ""
    with demo_ws.session() as session:
        stored = session.get(UseCase, new_id)
        assert (stored.metric_target, stored.metric_unit) == (36.0, "min")
    assert "36 min" in page.form.metric_preview.text()


def test_launching_without_a_metric_is_refused_inline(qtbot, page, demo_ws):
    qtbot.keyClick(page.list_pane.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    combo = page.form.status_combo
    combo.setCurrentIndex(combo.findData("launched"))
    assert "needs an outcome metric" in page.form.hint_text("status")
    assert combo.currentData() == "idea"
    with demo_ws.session() as session:
        assert session.get(UseCase, page.current_id).status == "idea"


def _answer_next_message_box(button: QMessageBox.StandardButton, seen: list[str]) -> None:
    def answer() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                seen.append(widget.text())
                widget.button(button).click()
                return
        QTimer.singleShot(10, answer)

    QTimer.singleShot(0, answer)


def test_delete_asks_naming_the_use_case_and_undo_restores_it(qtbot, page, demo_ws, app_ctx):
    page.list_pane.table.setFocus()
    target = page.current_id
    title = page.form.heading.text()
    with demo_ws.engine.connect() as conn:
        scores = len(conn.execute(select(Score.id).where(Score.use_case_id == target)).all())
    assert scores > 0
    seen: list[str] = []

    _answer_next_message_box(QMessageBox.StandardButton.Cancel, seen)
    qtbot.keyClick(page.list_pane.table, Qt.Key.Key_Delete)
    assert title in seen[0]
    assert title in _titles(demo_ws)

    _answer_next_message_box(QMessageBox.StandardButton.Yes, seen)
    page.activateWindow()
    page.list_pane.table.setFocus()
    qtbot.waitUntil(page.list_pane.table.hasFocus)
    qtbot.keyClick(page.list_pane.table, Qt.Key.Key_Delete)
    assert len(seen) == 2
    assert title not in _titles(demo_ws)
    assert title not in _visible_titles(page)
    assert page.current_id != target

    app_ctx.undo_stack.undo()
    assert title in _titles(demo_ws)
    assert title in _visible_titles(page)
    with demo_ws.engine.connect() as conn:
        restored = conn.execute(select(Score.id).where(Score.use_case_id == target)).all()
    assert len(restored) == scores


def test_duplicate_copies_the_use_case_and_selects_the_copy(qtbot, page, demo_ws, app_ctx):
    source = page.current_id
    title = page.form.heading.text()
    before = len(_titles(demo_ws))
    page.list_pane.table.setFocus()
    qtbot.keyClick(page.list_pane.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert len(_titles(demo_ws)) == before + 1
    assert page.current_id != source
    assert title in page.form.heading.text()
    assert page.list_pane.current_id() == page.current_id

    copy_id = page.current_id
    app_ctx.undo_stack.undo()
    assert len(_titles(demo_ws)) == before
    app_ctx.undo_stack.redo()
    assert len(_titles(demo_ws)) == before + 1
    with demo_ws.engine.connect() as conn:
        assert conn.execute(select(UseCase.id).where(UseCase.id == copy_id)).first() is not None


def test_status_filter_narrows_the_list(qtbot, page, demo_ws):
    with demo_ws.engine.connect() as conn:
        launched = sorted(
            r[0] for r in conn.execute(select(UseCase.title).where(UseCase.status == "launched"))
        )
    assert 0 < len(launched) < len(_titles(demo_ws))
    combo = page.status_filter
    combo.setCurrentIndex(combo.findData("launched"))
    assert sorted(_visible_titles(page)) == launched
    assert page.list_pane.count_label.text() == f"{len(launched)} use cases"

    combo.setCurrentIndex(0)
    assert len(_visible_titles(page)) == len(_titles(demo_ws))


def test_tag_filter_matches_whole_tags(qtbot, page, demo_ws):
    combo = page.tag_filter
    index = combo.findData("rag")
    assert index > 0
    combo.setCurrentIndex(index)
    visible = _visible_titles(page)
    with demo_ws.engine.connect() as conn:
        rows = conn.execute(select(UseCase.title, UseCase.tags)).all()
    expected = sorted(t for t, tags in rows if "rag" in [x.strip() for x in tags.split(",")])
    assert sorted(visible) == expected


def test_form_edit_is_stored_and_undoable(qtbot, page, demo_ws, app_ctx):
    owner = page.form.lines["owner"]
    old = owner.text()
    owner.setFocus()
    owner.selectAll()
    qtbot.keyClicks(owner, "Ada Lovelace")
    qtbot.keyClick(owner, Qt.Key.Key_Return)
    with demo_ws.session() as session:
        assert session.get(UseCase, page.current_id).owner == "Ada Lovelace"
    app_ctx.undo_stack.undo()
    assert owner.text() == old


def test_cheapest_option_is_highlighted(qtbot, page, demo_ws):
    form = page.form
    cheapest = [o for o, label in form.tco_labels.items() if label.property("cheapest")]
    assert len(cheapest) <= 1
    form.cost_edits["cost_buy_oneoff"].setFocus()
    form.cost_edits["cost_buy_oneoff"].selectAll()
    qtbot.keyClicks(form.cost_edits["cost_buy_oneoff"], "0")
    qtbot.keyClick(form.cost_edits["cost_buy_oneoff"], Qt.Key.Key_Return)
    form.cost_edits["cost_buy_yearly"].setFocus()
    form.cost_edits["cost_buy_yearly"].selectAll()
    qtbot.keyClicks(form.cost_edits["cost_buy_yearly"], "1")
    qtbot.keyClick(form.cost_edits["cost_buy_yearly"], Qt.Key.Key_Return)
    assert form.tco_labels["buy"].text() == "3"
    assert form.tco_labels["buy"].property("cheapest") is True
    assert "Buy" in form.cheapest_label.text()


def test_empty_workspace_says_what_to_do(qtbot, app_ctx, ws):
    from aipm_desktop.ui.usecases.page import UseCasesPage

    app_ctx.set_workspace(ws)
    widget = UseCasesPage(app_ctx)
    qtbot.addWidget(widget)
    widget.show()
    assert "Add your first AI use case" in widget.list_pane.empty_label.text()
    assert "Ctrl+N" in widget.form.empty_label.text()
    assert not widget.delete_button.isEnabled()
