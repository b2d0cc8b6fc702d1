"""The Risks area's register: new risk, the form's fields, validation, delete, links, undo."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from sqlmodel import select

from aipm_desktop.models import Risk, UseCase
from aipm_desktop.services import clock, records, risks


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


def _add_risk(ctx, **data):
    obj, changes = records.create(ws=ctx.workspace, model=Risk, data={"title": "Risk", **data})
    ctx.notify(changes)
    return obj.id


def _stored(ws, risk_id):
    return records.get(ws=ws, model=Risk, id=risk_id)


def _cell(page, risk_id, key):
    pane = page.register.list
    index = pane.model.index_of(risk_id, pane.spec.index_of(key))
    return index.data()


def test_new_risk_then_typing_a_title_stores_it(qtbot, page, app_ctx, ws):
    assert page.register.form.empty_label.isVisible()
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form = page.register.form
    assert form.risk_id is not None
    assert form.title_edit.hasFocus()
    qtbot.keyClicks(form.title_edit, "Prompt injection via pasted emails")
    qtbot.keyClick(form.title_edit, Qt.Key.Key_Return)
    assert _stored(ws, form.risk_id).title == "Prompt injection via pasted emails"
    assert _cell(page, form.risk_id, "title") == "Prompt injection via pasted emails"


def test_new_risk_shortcut_is_ctrl_shift_n(qtbot, page, ws):
    page.register.list.table.setFocus()
    qtbot.keyClick(
        page.register.list.table,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    with ws.session() as session:
        assert [r.title for r in session.exec(select(Risk))] == ["New risk"]


def test_likelihood_and_impact_update_badge_and_list(page, app_ctx, ws):
    risk_id = _add_risk(app_ctx, likelihood=1, impact=1)
    page.register.list.select_ids([risk_id])
    form = page.register.form
    assert form.inherent_badge.text() == "1 · low"
    form.likelihood_combo.setCurrentIndex(form.likelihood_combo.findData(5))
    form.impact_combo.setCurrentIndex(form.impact_combo.findData(4))
    assert form.inherent_badge.text() == "20 · critical"
    assert "Almost" in form.likelihood_combo.currentText()
    assert form.likelihood_help.text()  # the anchored description of level 5
    stored = _stored(ws, risk_id)
    assert (stored.likelihood, stored.impact) == (5, 4)
    assert _cell(page, risk_id, "inherent_score") == "20"
    assert _cell(page, risk_id, "inherent_level") == "Critical"
    # Residual: choosing a likelihood fills the impact from the inherent one.
    form.residual_likelihood_combo.setCurrentIndex(form.residual_likelihood_combo.findData(2))
    stored = _stored(ws, risk_id)
    assert (stored.residual_likelihood, stored.residual_impact) == (2, 4)
    assert form.residual_badge.text() == "8 · medium"


def test_accepted_without_rationale_is_refused_inline(qtbot, page, app_ctx, ws):
    risk_id = _add_risk(app_ctx)
    page.register.list.select_ids([risk_id])
    form = page.register.form
    assert not form.approver_edit.isEnabled()
    form.status_combo.setCurrentIndex(form.status_combo.findData("accepted"))
    assert "rationale" in form.hint_text("status")
    assert _stored(ws, risk_id).status == "open"
    assert form.approver_edit.isEnabled()
    form.rationale_edit.setFocus()
    qtbot.keyClicks(form.rationale_edit, "Low volume; a human reviews every draft")
    form.approver_edit.setFocus()  # leaving the rationale: still no approver
    assert _stored(ws, risk_id).status == "open"
    qtbot.keyClicks(form.approver_edit, "Maya")
    qtbot.keyClick(form.approver_edit, Qt.Key.Key_Return)
    stored = _stored(ws, risk_id)
    assert (stored.status, stored.approver) == ("accepted", "Maya")
    assert form.hint_text("status") == ""


def test_empty_title_is_refused_with_a_message_and_esc_reverts(qtbot, page, app_ctx, ws):
    risk_id = _add_risk(app_ctx, title="Drift")
    page.register.list.select_ids([risk_id])
    form = page.register.form
    form.title_edit.setFocus()
    form.title_edit.selectAll()
    qtbot.keyClick(form.title_edit, Qt.Key.Key_Delete)
    qtbot.keyClick(form.title_edit, Qt.Key.Key_Return)
    assert "Title must not be empty" in form.hint_text("title")
    assert form.title_edit.text() == ""  # kept for the user to fix, not stored
    assert _stored(ws, risk_id).title == "Drift"
    qtbot.keyClick(form.title_edit, Qt.Key.Key_Escape)  # Esc brings back the stored value
    assert form.title_edit.text() == "Drift"
    assert form.hint_text("title") == ""


def test_delete_asks_then_undo_brings_the_risk_back(qtbot, page, app_ctx, ws):
    risk_id = _add_risk(app_ctx, title="Cost overrun")
    page.register.list.select_ids([risk_id])
    box = page.delete_risk()
    assert box is not None and "Cost overrun" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert page.register.list.model.ids() == []
    with ws.session() as session:
        assert session.get(Risk, risk_id) is None
    app_ctx.undo_stack.undo()
    assert page.register.list.model.ids() == [risk_id]
    assert _stored(ws, risk_id).title == "Cost overrun"


def test_link_two_use_cases_then_undo(page, app_ctx, ws):
    ids = []
    for title in ("Answer bot", "Ticket triage", "Summaries"):
        obj, changes = records.create(ws=ws, model=UseCase, data={"title": title})
        app_ctx.notify(changes)
        ids.append(obj.id)
    risk_id = _add_risk(app_ctx)
    page.register.list.select_ids([risk_id])
    form = page.register.form
    assert "Not linked" in form.links_label.text()
    dialog = form.edit_links()
    for use_case_id in ids[:2]:
        dialog.item_for(use_case_id).setCheckState(Qt.CheckState.Checked)
    dialog.accept()
    assert risks.linked_use_cases(ws=ws, risk_id=risk_id) == ids[:2]
    assert form.links_label.text() == "Answer bot, Ticket triage"
    # The use-case filter narrows the list to the linked risks.
    combo = page.register.use_case_combo
    combo.setCurrentIndex(combo.findData(ids[2]))
    assert page.register.list.model.ids() == []
    combo.setCurrentIndex(combo.findData(ids[0]))
    assert page.register.list.model.ids() == [risk_id]
    app_ctx.undo_stack.undo()
    assert risks.linked_use_cases(ws=ws, risk_id=risk_id) == []
    assert "Not linked" in form.links_label.text()


def test_mitigation_action_add_and_undo(qtbot, page, app_ctx, ws):
    risk_id = _add_risk(app_ctx)
    page.register.list.select_ids([risk_id])
    form = page.register.form
    dialog = form.add_action()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert "Describe the action" in dialog.hint.text()  # empty action refused
    qtbot.keyClicks(dialog.action_edit, "Add a jailbreak eval set")
    qtbot.keyClicks(dialog.owner_edit, "Tom")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert form.actions_table.rowCount() == 1
    assert form.actions_table.item(0, 0).text() == "Add a jailbreak eval set"
    app_ctx.undo_stack.undo()
    assert form.actions_table.isHidden()
    assert form.actions_empty.isVisible()


def test_overdue_review_shows_red(page, app_ctx, ws):
    late = clock.today() - dt.timedelta(days=6)
    risk_id = _add_risk(app_ctx, next_review=late)
    page.register.list.select_ids([risk_id])
    form = page.register.form
    assert form.overdue_label.isVisible()
    # 6 days, or 7 when the clock passed midnight since ``late`` was computed
    days = {6, (clock.today() - late).days}
    assert form.overdue_label.text() in {f"Overdue by {n} days" for n in days}
    assert _cell(page, risk_id, "overdue") == "Yes"
    # The list paints the review cells of the overdue row red.
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QStyleOptionViewItem

    pane = page.register.list
    index = pane.model.index_of(risk_id, pane.spec.index_of("next_review"))
    option = QStyleOptionViewItem()
    page.register.delegate.initStyleOption(option, index)
    assert option.palette.color(QPalette.ColorRole.Text).name() == "#c62828"
    page.register.overdue_check.setChecked(True)
    assert pane.model.ids() == [risk_id]


def test_appetite_dialog_changes_levels_and_undo(page, app_ctx, ws):
    risk_id = _add_risk(app_ctx, likelihood=3, impact=3)
    page.register.list.select_ids([risk_id])
    form = page.register.form
    assert form.inherent_badge.text() == "9 · medium"
    dialog = page.open_appetite()
    dialog.set_upper(1, 8)
    assert dialog.save()
    assert form.inherent_badge.text() == "9 · high"
    assert _cell(page, risk_id, "inherent_level") == "High"
    app_ctx.undo_stack.undo()
    assert form.inherent_badge.text() == "9 · medium"
    # Bounds that do not increase are refused in the dialog, nothing stored.
    dialog = page.open_appetite()
    dialog.set_upper(1, 3)
    assert not dialog.save()
    assert "must be above 4" in dialog.hint.text()
    dialog.reject()
    assert [b.high for b in risks.bands(ws=ws)] == [4, 9, 16, 25]


# -- fit and finish: key columns first, level chips, saved layouts, a laptop screen -------

KEY_COLUMNS = (
    "title",
    "likelihood",
    "impact",
    "inherent_score",
    "residual_score",
    "residual_level",
    "next_review",
)


@pytest.fixture
def demo_ws(tmp_path):
    from aipm_desktop.services.workspace import new_workspace

    workspace = new_workspace(tmp_path / "demo.aipm", demo=True)
    yield workspace
    workspace.close()


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


def test_key_columns_come_first_and_fit_at_1280x720(qtbot, app_ctx, demo_ws):
    window, page = _laptop_window(qtbot, app_ctx, demo_ws, "risks")
    assert (window.width(), window.height()) == (1280, 720)
    pane = page.register.list
    header = pane.table.horizontalHeader()
    sections = [pane.spec.index_of(key) for key in KEY_COLUMNS]
    assert [header.visualIndex(s) for s in sections] == list(range(len(KEY_COLUMNS)))
    visible_width = pane.table.viewport().width()
    for key, section in zip(KEY_COLUMNS, sections, strict=True):
        assert not header.isSectionHidden(section), key
        right = header.sectionViewportPosition(section) + header.sectionSize(section)
        assert right <= visible_width, f"{key} ends at {right} > {visible_width}"
        # Never so narrow that its header label is cut.
        label = pane.model.headerData(section, Qt.Orientation.Horizontal)
        assert header.sectionSize(section) >= header.fontMetrics().horizontalAdvance(label)
    # Category and owner come after them.
    for key in ("category", "owner"):
        assert header.visualIndex(pane.spec.index_of(key)) > len(KEY_COLUMNS)


def test_level_cells_carry_the_heat_map_colour(qtbot, app_ctx, demo_ws):
    from PySide6.QtGui import QIcon

    app_ctx.set_workspace(demo_ws)
    page = _risks_page(qtbot, app_ctx)
    pane = page.register.list
    colours = {b.name: b.color for b in risks.bands(ws=demo_ws)}
    column = pane.spec.index_of("residual_level")
    model = pane.model
    seen = set()
    for row in range(model.rowCount()):
        index = model.index(row, column)
        name = index.data().lower()
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        assert isinstance(icon, QIcon)
        assert icon.pixmap(16, 16).toImage().pixelColor(8, 8).name() == colours[name]
        seen.add(name)
    assert len(seen) >= 2  # the demo has risks of several levels
    # The delegate that paints overdue dates still paints the level column.
    assert pane.table.itemDelegate() is page.register.delegate


def _risks_page(qtbot, app_ctx):
    from aipm_desktop.ui.risks.page import RisksPage

    widget = RisksPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1060, 640)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_column_layout_is_saved_and_restored_on_the_next_start(qtbot, app_ctx, demo_ws):
    from aipm_desktop.ui.settings import Settings

    app_ctx.set_workspace(demo_ws)
    page = _risks_page(qtbot, app_ctx)
    pane = page.register.list
    header = pane.table.horizontalHeader()
    spec = pane.spec
    owner, status, title = (spec.index_of(k) for k in ("owner", "status", "title"))
    header.resizeSection(title, 301)
    header.moveSection(header.visualIndex(owner), 1)  # the owner right after the title
    pane.column_chooser.set_column_visible(status, False)
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=header.viewport().rect().topLeft()
        + QPoint(header.sectionViewportPosition(title) + 20, header.height() // 2),
    )
    assert pane.model.sort_key == "title"
    page.close()

    # The next start reads the settings file again and builds the page afresh.
    app_ctx.settings.sync()
    app_ctx.settings = Settings(app_ctx.settings.path)
    again = _risks_page(qtbot, app_ctx)
    other_pane = again.register.list
    other = other_pane.table.horizontalHeader()
    assert other.sectionSize(title) == 301
    assert other.visualIndex(owner) == 1
    assert other.isSectionHidden(status)
    assert other_pane.model.sort_key == "title"
    # Changing the appetite rebuilds the list: the layout stays.
    again.register.rebuild_list()
    rebuilt = again.register.list.table.horizontalHeader()
    assert rebuilt.sectionSize(title) == 301
    assert rebuilt.visualIndex(owner) == 1
    assert rebuilt.isSectionHidden(status)


def test_page_fits_a_1280x720_window(qtbot, app_ctx, demo_ws):
    app_ctx.set_workspace(demo_ws)
    page = _risks_page(qtbot, app_ctx)
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        hint = page.minimumSizeHint()
        assert hint.width() <= 1100 and hint.height() <= 640, (page.tabs.tabText(index), hint)


def test_delete_is_disabled_with_a_reason(qtbot, page, app_ctx, ws):
    assert not page.delete_button.isEnabled()
    assert page.delete_button.toolTip() == "Select a risk in the register first."
    risk_id = _add_risk(app_ctx)
    page.register.list.select_ids([risk_id], current=risk_id)
    assert page.delete_button.isEnabled()
    assert "Del" in page.delete_button.toolTip()
    page.tabs.setCurrentWidget(page.heatmap)
    assert not page.delete_button.isEnabled()
    assert "Register tab" in page.delete_button.toolTip()
    # Header order: New first, then Delete, then the others.
    buttons = [page.new_button, page.delete_button, page.appetite_button, page.taxonomies_button]
    xs = [b.mapTo(page, b.rect().topLeft()).x() for b in buttons]
    assert xs == sorted(xs)
    assert page.new_button.objectName() == "primaryButton"


def test_mitigation_action_buttons_say_why_they_cannot_act(page, app_ctx):
    risk_id = _add_risk(app_ctx)
    page.register.list.select_ids([risk_id], current=risk_id)
    form = page.register.form
    assert form.add_action_button.isEnabled()
    for button in (form.edit_action_button, form.delete_action_button):
        assert not button.isEnabled()
        assert button.toolTip() == "Select a mitigation action first."
