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


CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_new_with_ctrl_shift_n_then_typing_a_title_stores_it(qtbot, page, demo_ws):
    before = len(_titles(demo_ws))
    page.list_pane.table.setFocus()
    qtbot.keyClick(page.list_pane.table, Qt.Key.Key_N, CTRL_SHIFT)
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


def test_ctrl_n_in_the_page_is_new_workspace_and_ctrl_shift_n_new_use_case(
    qtbot, app_ctx, demo_ws, monkeypatch
):
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
    window.activateWindow()
    page.list_pane.table.setFocus()
    qtbot.waitUntil(page.list_pane.table.hasFocus)
    # Ctrl+N is File ▸ New workspace everywhere, this area included.
    qtbot.keyClick(page.list_pane.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["new workspace"]
    assert len(_titles(demo_ws)) == before
    # Ctrl+Shift+N adds a use case, as it adds a record in every area.
    page.list_pane.table.setFocus()
    qtbot.waitUntil(page.list_pane.table.hasFocus)
    qtbot.keyClick(page.list_pane.table, Qt.Key.Key_N, CTRL_SHIFT)
    assert asked == ["new workspace"]
    assert len(_titles(demo_ws)) == before + 1


def test_target_without_unit_shows_inline_message_and_stores_nothing(qtbot, page, demo_ws):
    qtbot.keyClick(page.list_pane.table, Qt.Key.Key_N, CTRL_SHIFT)
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
    qtbot.keyClick(page.list_pane.table, Qt.Key.Key_N, CTRL_SHIFT)
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


def test_the_list_shows_who_changed_a_use_case_last(qtbot, page, demo_ws, app_ctx):
    app_ctx.settings.set_author_name("Grace Hopper")
    model = page.list_pane.model
    column = model.spec.index_of("updated_by")
    assert model.headerData(column, Qt.Orientation.Horizontal) == "Updated by"
    row = next(r for r in range(model.rowCount()) if model.id_at(r) == page.current_id)
    owner = page.form.lines["owner"]
    owner.setFocus()
    owner.selectAll()
    qtbot.keyClicks(owner, "Ada Lovelace")
    qtbot.keyClick(owner, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: model.index(row, column).data() == "Grace Hopper")
    app_ctx.undo_stack.undo()  # an undo is a change too, by whoever undoes it
    app_ctx.settings.set_author_name("Alan Turing")
    app_ctx.undo_stack.redo()
    qtbot.waitUntil(lambda: model.index(row, column).data() == "Alan Turing")


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
    assert "Ctrl+Shift+N" in widget.form.empty_label.text()
    assert "Ctrl+N " not in widget.form.empty_label.text()
    assert not widget.delete_button.isEnabled()
    assert widget.delete_button.toolTip() == "Select a use case in the list first."
    assert not widget.duplicate_button.isEnabled()
    assert widget.new_button.isEnabled()


# -- fit and finish: Score and Rank columns, saved layouts, a laptop screen ---------------


def _laptop_window(qtbot, app_ctx, ws, area: str):
    """The main window at 1280x720 (sidebar shown) on ``area``; returns (window, page)."""
    from aipm_desktop.ui.main_window import MainWindow

    window = MainWindow(app_ctx, persist=False)
    qtbot.addWidget(window)
    window.set_workspace(ws)
    page = window.show_area(area)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    return window, page


def test_score_and_rank_sit_beside_the_title_and_fit_at_1280x720(qtbot, app_ctx, demo_ws):
    from aipm_desktop.services import scoring

    window, page = _laptop_window(qtbot, app_ctx, demo_ws, "usecases")
    assert (window.width(), window.height()) == (1280, 720)
    pane = page.list_pane
    header = pane.table.horizontalHeader()
    keys = ("title", "score", "rank", "status")
    sections = [pane.spec.index_of(k) for k in keys]
    assert [header.visualIndex(s) for s in sections] == [0, 1, 2, 3]
    width = pane.table.viewport().width()
    for key, section in zip(keys, sections, strict=True):
        assert not header.isSectionHidden(section)
        assert header.sectionViewportPosition(section) + header.sectionSize(section) <= width, key
    # The cells say what the form's score line says.
    model = pane.model
    ranking = scoring.rank(ws=demo_ws)
    best = ranking[0]
    row = model.row_of(best.use_case_id)
    assert model.index(row, sections[1]).data() == f"{best.score:.1f}"
    assert model.index(row, sections[2]).data() == "1"
    incomplete = next(r for r in ranking if not r.complete)
    row = model.row_of(incomplete.use_case_id)
    assert model.index(row, sections[1]).data() == ""
    tip = model.index(row, sections[2]).data(Qt.ItemDataRole.ToolTipRole)
    assert "Incomplete" in tip and "ranked apart" in tip


def test_clicking_the_rank_header_sorts_best_first(qtbot, page, demo_ws):
    from PySide6.QtCore import QPoint

    from aipm_desktop.services import scoring

    pane = page.list_pane
    header = pane.table.horizontalHeader()
    rank = pane.spec.index_of("rank")
    x = header.sectionViewportPosition(rank) + header.sectionSize(rank) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert pane.model.sort_key == "rank" and not pane.model.descending
    complete = [r.title for r in scoring.rank(ws=demo_ws) if r.complete]
    assert _visible_titles(page)[: len(complete)] == complete


def test_scoring_a_use_case_updates_its_score_and_rank_cells(qtbot, page, app_ctx, demo_ws):
    from aipm_desktop.services import scoring

    incomplete = next(r for r in scoring.rank(ws=demo_ws) if not r.complete)
    pane = page.list_pane
    score = pane.spec.index_of("score")
    for criterion_id in incomplete.missing:
        changes, _old = scoring.set_score(
            ws=demo_ws, use_case_id=incomplete.use_case_id, criterion_id=criterion_id, value=5
        )
        app_ctx.notify(changes)
    entry = next(r for r in scoring.rank(ws=demo_ws) if r.use_case_id == incomplete.use_case_id)
    assert entry.complete
    row = pane.model.row_of(incomplete.use_case_id)
    assert pane.model.index(row, score).data() == f"{entry.score:.1f}"


def test_list_columns_are_restored_on_the_next_start(qtbot, app_ctx, demo_ws):
    from aipm_desktop.ui.settings import Settings
    from aipm_desktop.ui.usecases.page import UseCasesPage

    app_ctx.set_workspace(demo_ws)
    first = UseCasesPage(app_ctx)
    qtbot.addWidget(first)
    first.show()
    pane = first.list_pane
    header = pane.table.horizontalHeader()
    spec = pane.spec
    header.resizeSection(spec.index_of("title"), 277)
    header.moveSection(header.visualIndex(spec.index_of("area")), 1)
    pane.column_chooser.set_column_visible(spec.index_of("decision"), False)
    pane.table.sortByColumn(spec.index_of("score"), Qt.SortOrder.DescendingOrder)
    first.close()
    app_ctx.settings.sync()

    app_ctx.settings = Settings(app_ctx.settings.path)
    again = UseCasesPage(app_ctx)
    qtbot.addWidget(again)
    again.show()
    other = again.list_pane.table.horizontalHeader()
    assert other.sectionSize(spec.index_of("title")) == 277
    assert other.visualIndex(spec.index_of("area")) == 1
    assert other.isSectionHidden(spec.index_of("decision"))
    assert again.list_pane.model.sort_key == "score" and again.list_pane.model.descending


def test_page_fits_a_1280x720_window(qtbot, page):
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        hint = page.minimumSizeHint()
        assert hint.width() <= 1100 and hint.height() <= 640, (page.tabs.tabText(index), hint)


def test_header_actions_follow_the_convention(qtbot, page):
    buttons = [page.new_button, page.delete_button, page.duplicate_button]
    assert [b.text() for b in buttons] == ["New use case", "Delete", "Duplicate"]
    assert page.new_button.objectName() == "primaryButton"
    xs = [b.mapTo(page, b.rect().topLeft()).x() for b in buttons]
    assert xs == sorted(xs)
    # All in the header, above the tabs.
    tabs_top = page.tabs.mapTo(page, page.tabs.rect().topLeft()).y()
    assert all(b.mapTo(page, b.rect().bottomLeft()).y() < tabs_top for b in buttons)
    assert page.new_action.shortcut().toString() == "Ctrl+Shift+N"
