"""The taxonomy manager: put taxonomies in or out of use, add one, undo, inline errors."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from aipm_desktop.services import risks

NIST_600 = "nist_ai_600_1"


@pytest.fixture
def page(qtbot, app_ctx, ws):
    from aipm_desktop.ui.risks.page import RisksPage

    app_ctx.set_workspace(ws)
    widget = RisksPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def dialog(qtbot, page):
    qtbot.mouseClick(page.taxonomies_button, Qt.MouseButton.LeftButton)
    shown = page.taxonomies_dialog
    assert shown is not None and shown.isVisible()
    qtbot.waitExposed(shown)
    return shown


def _form_choices(page) -> list[str]:
    combo = page.register.form.category_combo
    return [combo.itemText(i) for i in range(combo.count())]


def _filter_choices(page) -> list[str]:
    combo = page.register.category_combo
    return [combo.itemText(i) for i in range(combo.count())]


def _click_in_use(qtbot, dialog, taxonomy_id: int) -> None:
    """Click the "In use" check box the table paints in the taxonomy's row."""
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

    table = dialog.table
    row = [t.id for t in dialog.taxonomies].index(taxonomy_id)
    index = table.model().index(row, 0)
    option = QStyleOptionViewItem()
    option.initFrom(table.viewport())
    option.rect = table.visualRect(index)
    table.itemDelegate().initStyleOption(option, index)
    check = table.style().subElementRect(
        QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, table
    )
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=check.center())


def _taxonomy(ws, key):
    return next(t for t in risks.taxonomies(ws=ws) if t.key == key)


def _row_names(dialog) -> list[str]:
    return [dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount())]


def test_taking_nist_600_out_of_use_removes_its_categories_and_undo_restores(
    qtbot, page, dialog, app_ctx, ws
):
    nist = _taxonomy(ws, NIST_600)
    assert "Confabulation" in _form_choices(page)
    assert "Confabulation" in _filter_choices(page)
    assert dialog.is_in_use(nist.id)
    _click_in_use(qtbot, dialog, nist.id)

    assert not _taxonomy(ws, NIST_600).enabled
    names = {name for _key, name, _desc in nist.items}
    assert not names & set(_form_choices(page))
    assert not names & set(_filter_choices(page))
    assert "Prompt injection" in _form_choices(page)  # the other taxonomies stay
    assert "not in use" in dialog.detail_source.text()  # NIST 600-1 is the first row

    app_ctx.undo_stack.undo()
    assert _taxonomy(ws, NIST_600).enabled
    assert dialog.is_in_use(nist.id)
    assert names <= set(_form_choices(page))
    assert names <= set(_filter_choices(page))


def test_add_a_taxonomy_offers_its_items_and_undo_removes_it(qtbot, page, dialog, app_ctx, ws):
    add = dialog.open_add()
    qtbot.waitExposed(add)
    qtbot.keyClicks(add.name_edit, "Vendor risks")
    add.items_edit.setFocus()
    qtbot.keyClicks(add.items_edit, "Vendor outage: the model API is down")
    qtbot.keyClick(add.items_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(add.items_edit, "Price change")
    qtbot.mouseClick(add.save_button, Qt.MouseButton.LeftButton)

    assert not add.isVisible()
    vendor = next(t for t in risks.taxonomies(ws=ws) if t.name == "Vendor risks")
    assert [(n, d) for _k, n, d in vendor.items] == [
        ("Vendor outage", "the model API is down"),
        ("Price change", ""),
    ]
    assert {"Vendor outage", "Price change"} <= set(_form_choices(page))
    assert "Vendor risks" in _row_names(dialog)
    assert dialog.current_taxonomy_id() == vendor.id  # the new one is shown
    assert dialog.items_table.rowCount() == 2
    assert dialog.items_table.item(0, 1).text() == "the model API is down"

    app_ctx.undo_stack.undo()
    assert all(t.name != "Vendor risks" for t in risks.taxonomies(ws=ws))
    assert not {"Vendor outage", "Price change"} & set(_form_choices(page))
    assert "Vendor risks" not in _row_names(dialog)

    app_ctx.undo_stack.redo()
    assert "Vendor outage" in _form_choices(page)
    assert "Vendor risks" in _row_names(dialog)


def test_invalid_taxonomy_shows_an_inline_message_and_creates_nothing(
    qtbot, dialog, app_ctx, ws, message_boxes
):
    before = len(risks.taxonomies(ws=ws))
    add = dialog.open_add()
    qtbot.waitExposed(add)
    assert not add.hint.isVisible()
    qtbot.mouseClick(add.save_button, Qt.MouseButton.LeftButton)
    assert add.isVisible()
    assert add.hint.isVisible()
    assert "name" in add.hint.text() and "at least one item" in add.hint.text()

    qtbot.keyClicks(add.name_edit, "Vendor risks")
    add.items_edit.setPlainText("Outage\noutage: twice")
    assert not add.save()
    assert "listed twice" in add.hint.text()
    assert "at least one item" not in add.hint.text()  # the message follows the typing

    add.name_edit.setText("AI product delivery risks")  # a built-in one's name
    add.items_edit.setPlainText("Outage")
    assert not add.save()
    assert "already exists" in add.hint.text()

    assert len(risks.taxonomies(ws=ws)) == before
    assert app_ctx.undo_stack.count() == 0
    assert not message_boxes()
    add.reject()


def test_ctrl_z_in_the_dialog_undoes_the_last_toggle(qtbot, page, dialog, ws):
    product = _taxonomy(ws, "ai_product_risks")
    _click_in_use(qtbot, dialog, product.id)
    assert "Prompt injection" not in _form_choices(page)
    dialog.activateWindow()
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _taxonomy(ws, "ai_product_risks").enabled
    assert dialog.is_in_use(product.id)
    assert "Prompt injection" in _form_choices(page)
