"""The roadmap's "Lanes…" dialog as a user works it: add a lane, rename a used lane (its
items move, undo restores), remove a used lane (refused in the dialog, nothing changed),
reorder lanes (the timeline follows)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from aipm_desktop.models import RoadmapItem
from aipm_desktop.models.roadmap import DEFAULT_LANES
from aipm_desktop.services import clock, records, roadmap

TODAY = clock.today()


def _item(ws, title, lane, offset=0, days=10) -> int:
    start = TODAY + dt.timedelta(days=offset)
    data = {"title": title, "lane": lane, "start": start, "end": start + dt.timedelta(days)}
    obj, _changes = records.create(ws=ws, model=RoadmapItem, data=data)
    return int(obj.id)


@pytest.fixture
def page(qtbot, app_ctx, ws):
    from aipm_desktop.ui.roadmap.page import RoadmapPage

    ids = {
        "labels": _item(ws, "Label 2,000 tickets", "Data readiness", -5),
        "golden": _item(ws, "Golden set", "Data readiness", 10),
        "tune": _item(ws, "Fine-tune v2", "Model iteration", 20),
        "beta": _item(ws, "Beta launch", "Launch and GTM", 40, 0),
    }
    app_ctx.set_workspace(ws)
    widget = RoadmapPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    qtbot.waitExposed(widget)
    widget.ids = ids
    return widget


def _open(qtbot, page):
    qtbot.mouseClick(page.lanes_button, Qt.MouseButton.LeftButton)
    dialog = page.lanes_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _type_name(qtbot, dialog, text: str) -> None:
    """Type into the lane cell being edited and press Enter."""
    editor = dialog.table.viewport().findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    # Enter closes the editor; it is deleted once events run (before the user's next click)
    with qtbot.waitSignal(editor.destroyed):
        qtbot.keyClick(editor, Qt.Key.Key_Return)


def _select(dialog, name: str) -> None:
    row = dialog.row_of(name)
    assert row >= 0, name
    dialog.table.selectRow(row)


def _lane_shown(page, item_id: int) -> str | None:
    """The lane the timeline draws the item in."""
    scene = page.timeline.scene
    return scene.lane_of_y(scene.item_rect(item_id).center().y())


def _lane_stored(ws, item_id: int) -> str:
    return roadmap.get_item(ws=ws, item_id=item_id).lane


def test_adding_a_lane_shows_it_on_the_timeline_and_undo_takes_it_away(qtbot, page, app_ctx, ws):
    dialog = _open(qtbot, page)
    assert dialog.names() == list(DEFAULT_LANES)
    assert dialog.table.item(dialog.row_of("Data readiness"), 1).text() == "2"
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    _type_name(qtbot, dialog, "Partnerships")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert roadmap.lanes(ws=ws) == [*DEFAULT_LANES, "Partnerships"]
    assert page.timeline.scene.lanes[-1] == "Partnerships"
    assert app_ctx.undo_stack.undoText() == "edit roadmap lanes"
    app_ctx.undo_stack.undo()
    assert "Partnerships" not in page.timeline.scene.lanes
    assert roadmap.lanes(ws=ws) == list(DEFAULT_LANES)


def test_renaming_a_used_lane_moves_its_items_and_undo_restores(qtbot, page, app_ctx, ws):
    ids = page.ids
    dialog = _open(qtbot, page)
    _select(dialog, "Data readiness")
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    _type_name(qtbot, dialog, "Data and labels")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert roadmap.lanes(ws=ws)[0] == "Data and labels"
    assert _lane_stored(ws, ids["labels"]) == _lane_stored(ws, ids["golden"]) == "Data and labels"
    assert _lane_shown(page, ids["golden"]) == "Data and labels"
    assert page.timeline.scene.lanes[0] == "Data and labels"
    assert "Data readiness" not in page.timeline.scene.lanes
    assert (
        app_ctx.undo_stack.undoText() == "rename roadmap lane 'Data readiness' to 'Data and labels'"
    )

    app_ctx.undo_stack.undo()
    assert roadmap.lanes(ws=ws) == list(DEFAULT_LANES)
    assert _lane_stored(ws, ids["labels"]) == "Data readiness"
    assert _lane_shown(page, ids["golden"]) == "Data readiness"
    assert _lane_shown(page, ids["tune"]) == "Model iteration"  # the other lanes untouched
    app_ctx.undo_stack.redo()
    assert _lane_shown(page, ids["labels"]) == "Data and labels"


def test_removing_a_used_lane_is_refused_in_the_dialog_and_changes_nothing(
    qtbot, page, app_ctx, ws, message_boxes
):
    steps = app_ctx.undo_stack.count()  # the file's earlier operations
    dialog = _open(qtbot, page)
    _select(dialog, "Model iteration")
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.row_of("Model iteration") == -1
    _select(dialog, "Evaluation and safety")  # an unused lane goes in the same save
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.message.isVisible()
    assert "Cannot remove the lane 'Model iteration' (1 item)" in dialog.message.text()
    assert dialog.row_of("Model iteration") == 1  # back where it was
    assert not message_boxes()
    assert roadmap.lanes(ws=ws) == list(DEFAULT_LANES)
    assert page.timeline.scene.lanes == list(DEFAULT_LANES)
    assert app_ctx.undo_stack.count() == steps
    # the unused lane can still go once the used one is kept
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert "Evaluation and safety" not in page.timeline.scene.lanes


def test_moving_a_lane_up_reorders_the_timeline(qtbot, page, app_ctx, ws):
    ids = page.ids
    scene = page.timeline.scene
    assert scene.item_rect(ids["beta"]).top() > scene.item_rect(ids["tune"]).top()
    dialog = _open(qtbot, page)
    _select(dialog, "Launch and GTM")
    for _ in range(4):
        qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    assert not dialog.up_button.isEnabled()  # at the top
    assert dialog.names()[0] == "Launch and GTM"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert scene.lanes[:2] == ["Launch and GTM", "Data readiness"]
    assert scene.item_rect(ids["beta"]).top() < scene.item_rect(ids["labels"]).top()
    assert _lane_shown(page, ids["beta"]) == "Launch and GTM"
    app_ctx.undo_stack.undo()
    assert scene.lanes == list(DEFAULT_LANES)
    assert scene.item_rect(ids["beta"]).top() > scene.item_rect(ids["tune"]).top()


def test_lane_buttons_that_cannot_act_say_why(qtbot, page):
    dialog = _open(qtbot, page)
    dialog.table.setCurrentCell(0, 0)
    assert not dialog.up_button.isEnabled()
    assert dialog.up_button.toolTip() == "It is already the first lane."
    assert dialog.down_button.isEnabled()
    assert dialog.down_button.toolTip() == "Move the selected lane down"
    dialog.table.setCurrentCell(dialog.table.rowCount() - 1, 0)
    assert not dialog.down_button.isEnabled()
    assert dialog.down_button.toolTip() == "It is already the last lane."
    dialog.reject()
