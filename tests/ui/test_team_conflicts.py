"""No lost update, as the user sees it: two windows on one file, the conflict dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from aipm_desktop.models import UseCase
from aipm_desktop.services import records
from aipm_desktop.store import open_workspace


@pytest.fixture
def other(ws):
    """The same file open a second time: another window or process."""
    second = open_workspace(Path(ws.path))
    yield second
    second.close()


@pytest.fixture
def page(qtbot, app_ctx, ws):
    from aipm_desktop.ui.usecases.page import UseCasesPage

    records.create(ws=ws, model=UseCase, data={"title": "Summaries", "owner": "Ann"})
    app_ctx.set_workspace(ws)
    widget = UseCasesPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _stored(ws, record_id: int) -> UseCase:
    return records.get(ws=ws, model=UseCase, id=record_id)


def _type(qtbot, editor, text: str) -> None:
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def _dialog(app_ctx):
    dialog = app_ctx.conflict_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_saving_over_another_windows_change_asks_and_writes_nothing_until_asked(
    qtbot, page, app_ctx, ws, other
):
    record_id = page.current_id
    records.update(ws=other, model=UseCase, id=record_id, data={"owner": "Bob"}, who="bob")
    steps = app_ctx.undo_stack.count()

    _type(qtbot, page.form.lines["owner"], "Carol")

    dialog = _dialog(app_ctx)
    assert _stored(ws, record_id).owner == "Bob"  # nothing written yet
    assert app_ctx.undo_stack.count() == steps
    assert "Carol" in dialog.findChild(QLabel, "conflictYours").text()
    assert "Bob" in dialog.findChild(QLabel, "conflictTheirs").text()
    message = dialog.findChild(QLabel, "conflictMessage").text()
    assert "Summaries" in message and "by bob at " in message
    # Behind the dialog the form already shows what is stored now.
    assert page.form.lines["owner"].text() == "Bob"

    dialog.save_button.click()  # keep mine (the default)
    stored = _stored(ws, record_id)
    assert stored.owner == "Carol"
    assert app_ctx.conflict_dialog is None
    assert page.form.lines["owner"].text() == "Carol"
    app_ctx.undo_stack.undo()  # the merged edit is one undo step
    assert _stored(ws, record_id).owner == "Bob"


def test_take_theirs_keeps_the_current_record_and_all_mine_per_field(
    qtbot, page, app_ctx, ws, other
):
    record_id = page.current_id
    records.update(ws=other, model=UseCase, id=record_id, data={"owner": "Bob"})
    _type(qtbot, page.form.lines["owner"], "Carol")
    dialog = _dialog(app_ctx)
    dialog.all_theirs_button.click()
    assert dialog.choices() == {"owner": False}
    dialog.all_mine_button.click()
    assert dialog.choices() == {"owner": True}
    dialog.theirs_buttons["owner"].click()
    dialog.save_button.click()
    assert _stored(ws, record_id).owner == "Bob"
    assert page.form.lines["owner"].text() == "Bob"


def test_a_record_changed_again_while_the_dialog_is_open_asks_again(
    qtbot, page, app_ctx, ws, other
):
    record_id = page.current_id
    records.update(ws=other, model=UseCase, id=record_id, data={"owner": "Bob"})
    _type(qtbot, page.form.lines["owner"], "Carol")
    first = _dialog(app_ctx)
    records.update(ws=other, model=UseCase, id=record_id, data={"owner": "Dave"})
    first.save_button.click()
    second = _dialog(app_ctx)
    assert second is not first
    assert _stored(ws, record_id).owner == "Dave"
    assert "Dave" in second.findChild(QLabel, "conflictTheirs").text()
    second.save_button.click()
    assert _stored(ws, record_id).owner == "Carol"


def test_an_edit_after_the_form_saw_the_other_change_needs_no_dialog(
    qtbot, page, app_ctx, ws, other
):
    record_id = page.current_id
    _type(qtbot, page.form.lines["owner"], "Carol")
    _type(qtbot, page.form.lines["owner"], "Carol Smith")  # my own edits never conflict
    assert app_ctx.conflict_dialog is None
    records.update(ws=other, model=UseCase, id=record_id, data={"title": "Their title"})
    page.form.reload()  # what live refresh does (see test_team_live)
    _type(qtbot, page.form.lines["owner"], "Eve")
    assert app_ctx.conflict_dialog is None
    stored = _stored(ws, record_id)
    assert (stored.title, stored.owner) == ("Their title", "Eve")


def test_cancel_writes_nothing(qtbot, page, app_ctx, ws, other):
    record_id = page.current_id
    records.update(ws=other, model=UseCase, id=record_id, data={"owner": "Bob"})
    _type(qtbot, page.form.lines["owner"], "Carol")
    _dialog(app_ctx).reject()
    assert _stored(ws, record_id).owner == "Bob"
    assert app_ctx.conflict_dialog is None
