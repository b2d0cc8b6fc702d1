"""The Interviews area on a laptop: it fits 1280x720, its record actions sit in the page
header (Ctrl+Shift+N, Del), interview mode opens on the evaluation the candidate had, and
scores read on the 1-4 scale."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from aipm_desktop.services import interviews as iv
from aipm_desktop.store import open_workspace
from aipm_desktop.ui.interviews.page import InterviewsPage

LIMIT = (1100, 640)
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    from aipm_desktop.services.workspace import new_workspace

    path = tmp_path_factory.mktemp("demo") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


@pytest.fixture
def demo(app_ctx, demo_file, tmp_path):
    path = tmp_path / "demo.aipm"
    shutil.copyfile(demo_file, path)
    ws = open_workspace(path)
    app_ctx.set_workspace(ws)
    return ws


@pytest.fixture
def page(qtbot, app_ctx, demo):
    widget = InterviewsPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(*LIMIT)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def test_every_tab_fits_a_laptop_window(qtbot, page):
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        qtbot.wait(10)
        hint = page.minimumSizeHint().expandedTo(page.minimumSize())
        tab = page.tabs.tabText(index)
        assert hint.width() <= LIMIT[0], f"{tab} needs {hint.width()} px of width"
        assert hint.height() <= LIMIT[1], f"{tab} needs {hint.height()} px of height"
    assert (page.width(), page.height()) == LIMIT


def test_new_and_delete_sit_in_the_page_header_not_under_the_list(page):
    new, delete = page.new_button, page.delete_button
    assert (new.text(), delete.text()) == ("New candidate", "Delete")
    assert new.objectName() == "primaryButton"
    assert new.x() < delete.x()  # primary first
    tabs_top = page.tabs.mapTo(page, page.tabs.rect().topLeft()).y()
    for button in (new, delete):
        assert button.mapTo(page, button.rect().bottomLeft()).y() < tabs_top
    under_list = [b.text() for b in page.candidates.findChildren(QPushButton)]
    assert "New candidate" not in under_list and "Delete" not in under_list


def test_ctrl_shift_n_adds_a_candidate_and_del_deletes_it_after_asking(qtbot, page, demo, app_ctx):
    before = len(iv.list_candidates(ws=demo))
    page.tabs.setCurrentWidget(page.comparison)
    page.comparison.setFocus()
    qtbot.keyClick(page.comparison, Qt.Key.Key_N, CTRL_SHIFT)
    assert page.tabs.currentWidget() is page.candidates  # shown where it was added
    names = [c.name for c in iv.list_candidates(ws=demo)]
    assert len(names) == before + 1 and "New candidate" in names
    new_id = page.candidates.current_id()
    assert page.candidates.edits["name"].hasFocus()

    # Del in a text field edits the text; in the list it deletes the candidate.
    page.candidates.list.setFocus()
    qtbot.keyClick(page.candidates.list, Qt.Key.Key_Delete)
    box = page.candidates.confirm_box
    assert box is not None and box.isVisible()
    assert "New candidate" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert new_id not in [c.id for c in iv.list_candidates(ws=demo)]
    app_ctx.undo_stack.undo()
    assert new_id in [c.id for c in iv.list_candidates(ws=demo)]


def test_cancelling_the_question_deletes_nothing(qtbot, page, demo):
    before = [c.id for c in iv.list_candidates(ws=demo)]
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    box = page.candidates.confirm_box
    assert box is not None and "evaluations" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert [c.id for c in iv.list_candidates(ws=demo)] == before


def test_delete_is_disabled_away_from_the_candidate_list_and_says_why(page):
    assert page.delete_button.isEnabled()
    page.tabs.setCurrentWidget(page.interview)
    assert not page.delete_button.isEnabled()
    assert "Candidates tab" in page.delete_button.toolTip()
    assert page.delete_candidate() is None


@pytest.mark.parametrize("name", ["Chloe Nguyen", "Ben Carter", "Ana Silva"])
def test_start_interview_opens_on_the_case_the_candidate_was_evaluated_on(qtbot, page, demo, name):
    candidate_id = iv.resolve_candidate(ws=demo, ref=name)
    latest = max(iv.evaluations(ws=demo, candidate_ids=[candidate_id]), key=lambda e: e.id)
    page.candidates.select(candidate_id)
    qtbot.mouseClick(page.candidates.start_button, Qt.MouseButton.LeftButton)
    mode = page.interview
    assert page.tabs.currentWidget() is mode
    assert mode.exercise_combo.currentData() == latest.exercise_id
    assert mode.interviewer_combo.currentText() == latest.interviewer
    assert mode.evaluation_id == latest.id  # the scorecard shows, not "Start evaluation"
    assert mode.right_stack.currentWidget() is mode.sheet_scroll
    assert "on the 1\u20134 scale" in mode.score_label.text()
    assert "%" not in mode.score_label.text()


def test_picking_a_candidate_in_interview_mode_follows_their_evaluation(page, demo):
    mode = page.interview
    chloe = iv.resolve_candidate(ws=demo, ref="Chloe Nguyen")
    ana = iv.resolve_candidate(ws=demo, ref="Ana Silva")
    mode.candidate_combo.setCurrentIndex(mode.candidate_combo.findData(ana))
    ana_case = mode.exercise_combo.currentData()
    mode.candidate_combo.setCurrentIndex(mode.candidate_combo.findData(chloe))
    chloe_cases = {e.exercise_id for e in iv.evaluations(ws=demo, candidate_ids=[chloe])}
    assert mode.exercise_combo.currentData() in chloe_cases != {ana_case}
    assert mode.evaluation_id is not None


def test_the_user_own_evaluation_comes_first(demo):
    chloe = iv.resolve_candidate(ws=demo, ref="Chloe Nguyen")
    evs = iv.evaluations(ws=demo, candidate_ids=[chloe])
    first = min(evs, key=lambda e: e.id)
    assert iv.evaluation_to_open(ws=demo, candidate_id=chloe).id == max(e.id for e in evs)
    mine = iv.evaluation_to_open(ws=demo, candidate_id=chloe, interviewer=first.interviewer.upper())
    assert mine.id == first.id


def test_scores_read_on_the_scale_in_the_candidate_view_and_comparison(page, demo):
    chloe = iv.resolve_candidate(ws=demo, ref="Chloe Nguyen")
    page.candidates.select(chloe)
    text = page.candidates.score_label.text()
    assert "2.12 on the 1\u20134 scale (closest level: 2 Below bar)" in text
    header = page.candidates.evaluations.horizontalHeaderItem(3).text()
    assert header == "Weighted score (1\u20134)"
    cells = [page.candidates.evaluations.item(r, 3).text() for r in range(2)]
    assert all("%" not in c and "\u00b7" in c for c in cells)
    assert page.comparison.cell_text("Chloe Nguyen", "Weighted score") == "2.12 \u00b7 2 Below bar"
