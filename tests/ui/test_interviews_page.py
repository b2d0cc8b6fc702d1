"""The Interviews page: rate a candidate live, undo, and see the comparison follow."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from aipm_desktop.models.enums import SignalKind
from aipm_desktop.services import interviews as iv
from aipm_desktop.ui.areas import Area

AREA = Area("interviews", "Interviews", "aipm_desktop.ui.interviews.page:InterviewsPage")


@pytest.fixture
def open_window(qtbot, app_ctx, ws):
    """``open_window()``: a main window with only the Interviews area, over ``ws``."""
    from aipm_desktop.ui.main_window import MainWindow

    def make():
        win = MainWindow(app_ctx, areas=(AREA,), persist=False)
        qtbot.addWidget(win)
        win.set_workspace(ws)
        win.show()
        qtbot.waitExposed(win)
        return win

    return make


@pytest.fixture
def window(open_window):
    return open_window()


def _page(window):
    from aipm_desktop.ui.interviews.page import InterviewsPage

    page = window.show_area("interviews")
    assert isinstance(page, InterviewsPage)
    return page


def test_empty_workspace_says_what_to_do(window):
    page = _page(window)
    assert page.candidates.stack.currentWidget() is page.candidates.empty_label
    assert "Press New candidate" in page.candidates.empty_label.text()
    assert page.comparison.stack.currentWidget() is page.comparison.empty_label
    assert "No candidates yet" in page.interview.empty_label.text()


def test_rate_in_interview_mode_tick_red_flag_undo_and_compare(qtbot, window, ws):
    page = _page(window)
    # Add a candidate in the Candidates tab and name her.
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    name = page.candidates.edits["name"]
    name.selectAll()
    qtbot.keyClicks(name, "Dana Ortiz")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    interviewers = page.candidates.edits["interviewers"]
    interviewers.setFocus()
    qtbot.keyClicks(interviewers, "Maya Okafor")
    qtbot.keyClick(interviewers, Qt.Key.Key_Return)
    cand_id = page.candidates.current_id()
    assert iv.list_candidates(ws=ws)[0].name == "Dana Ortiz"

    # Start interview… switches to interview mode with her selected.
    qtbot.mouseClick(page.candidates.start_button, Qt.MouseButton.LeftButton)
    mode = page.interview
    assert page.tabs.currentWidget() is mode
    assert mode.candidate_combo.currentText() == "Dana Ortiz"
    assert mode.interviewer_combo.currentText() == "Maya Okafor"
    qtbot.mouseClick(mode.start_button, Qt.MouseButton.LeftButton)
    ev_id = mode.evaluation_id
    assert ev_id is not None

    # Rate every dimension 3, except product sense 4.
    rows = list(mode.rows.values())
    for index, row in enumerate(rows):
        qtbot.mouseClick(row.buttons[4 if index == 0 else 3], Qt.MouseButton.LeftButton)
    ev = iv.get_evaluation(ws=ws, evaluation_id=ev_id)
    assert ev.complete and ev.score == pytest.approx(3.2)
    assert (
        "Weighted score 3.20 on the 1\u20134 scale (closest level: 3 Meets bar)"
        in mode.score_label.text()
    )
    assert "%" not in mode.score_label.text()

    # Tick a red flag.
    card = iv.scorecard_info(ws=ws)
    red = card.signals_of(SignalKind.RED_FLAG)[0]
    qtbot.mouseClick(mode.signal_boxes[red.id], Qt.MouseButton.LeftButton)
    assert iv.get_evaluation(ws=ws, evaluation_id=ev_id).signal_ids == (red.id,)
    assert mode.red_flag_banner.isVisible()

    # Blind until submitted: the comparison waits for her submission.
    comparison = page.comparison
    assert comparison.cell_text("Dana Ortiz", "Weighted score") == "waiting for Maya Okafor"
    assert comparison.cell_text("Dana Ortiz", "Product sense (AI use cases)") == "hidden"
    assert red.text not in comparison.cell_text("Dana Ortiz", "Red flags")
    assert "Blind until submitted" in mode.submit_bar.label.text()

    # Submit (Ctrl+Return): the ratings lock and the comparison shows them.
    mode.setFocus()
    qtbot.keyClick(mode, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert iv.get_evaluation(ws=ws, evaluation_id=ev_id).submitted
    assert not rows[0].buttons[1].isEnabled() and not mode.signal_boxes[red.id].isEnabled()
    assert mode.submit_bar.reopen_button.isVisible()
    assert comparison.cell_text("Dana Ortiz", "Product sense (AI use cases)") == "4.0"
    assert comparison.cell_text("Dana Ortiz", "Weighted score") == "3.20 · 3 Meets bar"
    assert red.text in comparison.cell_text("Dana Ortiz", "Red flags")
    assert page.candidates.red_flag_banner.text().count("⚑") == 1

    # Ctrl+Z takes the submission back (hidden again), then the red flag, then a rating.
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not iv.get_evaluation(ws=ws, evaluation_id=ev_id).submitted
    assert comparison.cell_text("Dana Ortiz", "Product sense (AI use cases)") == "hidden"
    assert rows[0].buttons[1].isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert iv.get_evaluation(ws=ws, evaluation_id=ev_id).signal_ids == ()
    assert not mode.signal_boxes[red.id].isChecked()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    ev = iv.get_evaluation(ws=ws, evaluation_id=ev_id)
    assert not ev.complete and ev.missing == ("Communication",)
    assert not rows[-1].buttons[3].isChecked()
    assert not mode.submit_bar.submit_button.isEnabled()
    assert "not rated yet: Communication" in mode.submit_bar.submit_button.toolTip()
    assert cand_id is not None


def test_second_interviewer_disagreement_is_highlighted(qtbot, open_window, ws):
    from aipm_desktop.models import Candidate
    from aipm_desktop.services import records

    cand, _ = records.create(ws=ws, model=Candidate, data={"name": "Eli Park"})
    ex = iv.list_exercises(ws=ws)[0].id
    card = iv.scorecard_info(ws=ws)
    for who, first in (("Maya", 4), ("Daniel", 2)):
        ev_id, _ = iv.start_evaluation(ws=ws, candidate_id=cand.id, exercise_id=ex, interviewer=who)
        for index, dim in enumerate(card.dimensions):
            iv.set_rating(
                ws=ws, evaluation_id=ev_id, dimension_id=dim.id, rating=first if index == 0 else 3
            )
        iv.submit_evaluation(ws=ws, evaluation_id=ev_id)
    page = _page(open_window())
    assert page.comparison.cell_text("Eli Park", "Product sense (AI use cases)") == "3.0 ±2 ⚠"
    assert "interviewers disagree on Product sense" in page.candidates.score_label.text()


def test_export_feedback_and_chart(qtbot, open_window, app_ctx, ws, tmp_path, monkeypatch):
    from aipm_desktop.models import Candidate
    from aipm_desktop.services import records

    cand, _ = records.create(ws=ws, model=Candidate, data={"name": "Fay Lin"})
    ex = iv.list_exercises(ws=ws)[0].id
    ev_id, _ = iv.start_evaluation(ws=ws, candidate_id=cand.id, exercise_id=ex, interviewer="Maya")
    for dim in iv.scorecard_info(ws=ws).dimensions:
        iv.set_rating(ws=ws, evaluation_id=ev_id, dimension_id=dim.id, rating=3, evidence="ok")
    iv.submit_evaluation(ws=ws, evaluation_id=ev_id)
    page = _page(open_window())
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "fay"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Markdown (*.md)")
    )
    with qtbot.waitSignal(app_ctx.tasks.busy_changed, check_params_cb=lambda busy: not busy):
        qtbot.mouseClick(page.candidates.export_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "fay.md").read_text("utf-8").startswith("# Feedback summary: Fay Lin")
    assert page.candidates.export_button.isEnabled()

    page.tabs.setCurrentWidget(page.comparison)
    png = page.comparison.export_chart(tmp_path / "chart.png")
    assert png is not None and png.read_bytes().startswith(b"\x89PNG")
    assert page.comparison.canvas.figure().legends


def test_case_library_actions_sit_above_the_list(qtbot, window):
    page = _page(window)
    page.tabs.setCurrentWidget(page.library)
    exercises = page.library.exercises
    qtbot.waitUntil(exercises.list.isVisible)
    button_y = exercises.new_button.mapTo(exercises, exercises.new_button.rect().topLeft()).y()
    list_y = exercises.list.mapTo(exercises, exercises.list.rect().topLeft()).y()
    assert button_y < list_y
    assert exercises.new_button.objectName() == "primaryButton"
