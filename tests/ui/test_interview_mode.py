"""Interview mode: the time-box countdown and rating a candidate live."""

from __future__ import annotations

from PySide6.QtCore import Qt

from aipm_desktop.ui.interviews.timer import NORMAL, OVER, WARNING, CountdownTimer


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_timer_counts_down_turns_amber_then_red_and_shows_overtime(qapp):
    clock = FakeClock()
    timer = CountdownTimer(45 * 60, clock=clock)
    seen: list[str] = []
    timer.changed.connect(lambda: seen.append(timer.text()))
    assert (timer.text(), timer.phase(), timer.running) == ("45:00", NORMAL, False)

    timer.start()
    clock.now += 39 * 60 + 59
    timer.refresh()
    assert (timer.text(), timer.phase()) == ("05:01", NORMAL)
    clock.now += 1
    timer.refresh()
    assert (timer.text(), timer.phase()) == ("05:00", WARNING)

    timer.pause()
    clock.now += 600  # paused: time does not run
    assert timer.text() == "05:00" and not timer.running
    timer.start()
    clock.now += 5 * 60
    timer.refresh()
    assert (timer.text(), timer.phase()) == ("+00:00 over", OVER)
    clock.now += 75
    timer.refresh()
    assert (timer.text(), timer.phase()) == ("+01:15 over", OVER)
    assert seen[-1] == "+01:15 over"

    timer.reset()
    assert (timer.text(), timer.phase(), timer.running) == ("45:00", NORMAL, False)


def test_timer_label_follows_the_phase_in_interview_mode(qtbot, app_ctx, ws):
    from aipm_desktop.ui.interviews.interview_mode import InterviewModeTab

    app_ctx.set_workspace(ws)
    clock = FakeClock()
    tab = InterviewModeTab(app_ctx, clock=clock)
    qtbot.addWidget(tab)
    index = next(
        i for i in range(tab.exercise_combo.count()) if "(45 min)" in tab.exercise_combo.itemText(i)
    )
    tab.exercise_combo.setCurrentIndex(index)
    assert tab.time_label.text() == "45:00"
    qtbot.mouseClick(tab.timer_start, Qt.MouseButton.LeftButton)
    assert tab.timer_start.text() == "Pause"
    clock.now += 41 * 60
    tab.timer.refresh()
    assert tab.time_label.text() == "04:00"
    assert tab.time_label.property("phase") == WARNING
    clock.now += 5 * 60
    tab.timer.refresh()
    assert tab.time_label.text() == "+01:00 over"
    assert tab.time_label.property("phase") == OVER
    qtbot.mouseClick(tab.timer_reset, Qt.MouseButton.LeftButton)
    assert tab.time_label.text() == "45:00" and tab.time_label.property("phase") == NORMAL


def test_case_materials_are_rendered_without_scripts(qtbot, app_ctx, ws):
    from aipm_desktop.ui.interviews.markdown_view import render_markdown

    html = render_markdown("# Hi\n\n<script>alert(1)</script>\n\n![x](http://evil/x.png)")
    assert "<h1>Hi</h1>" in html
    assert "<script" not in html and "<img" not in html


def test_start_evaluation_then_rate(qtbot, app_ctx, ws):
    from aipm_desktop.models import Candidate, Evaluation
    from aipm_desktop.services import interviews as iv
    from aipm_desktop.services import records
    from aipm_desktop.ui.interviews.interview_mode import InterviewModeTab

    cand, _ = records.create(
        ws=ws, model=Candidate, data={"name": "Dana Ortiz", "interviewers": "Maya, Daniel"}
    )
    app_ctx.set_workspace(ws)
    tab = InterviewModeTab(app_ctx)
    qtbot.addWidget(tab)
    tab.select(cand.id, interviewer="Maya")
    assert "has not evaluated Dana Ortiz" in tab.empty_label.text()
    assert [tab.interviewer_combo.itemText(i) for i in range(2)] == ["Maya", "Daniel"]
    qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    assert tab.evaluation_id is not None
    assert "Incomplete: 0 of 7" in tab.score_label.text()

    first = next(iter(tab.rows.values()))
    first.evidence.setText("Cut scope twice")
    first.evidence.setModified(True)
    qtbot.mouseClick(first.buttons[3], Qt.MouseButton.LeftButton)
    ev = iv.get_evaluation(ws=ws, evaluation_id=tab.evaluation_id)
    stored = ev.ratings[first.dimension.id]
    assert (stored.rating, stored.evidence) == (3, "Cut scope twice")
    assert first.buttons[3].isChecked() and not first.buttons[2].isChecked()
    assert "1 of 7" in tab.score_label.text()
    assert first.buttons[3].toolTip().startswith("<b>3 - Meets bar</b>")
    assert first.meets_bar.text().startswith("Meets the bar: ")

    # Undo takes the rating back, then the evaluation itself; redo brings both back.
    ev_id = tab.evaluation_id
    app_ctx.undo_stack.undo()
    assert first.dimension.id not in iv.get_evaluation(ws=ws, evaluation_id=ev_id).ratings
    app_ctx.undo_stack.undo()
    with ws.session() as session:
        assert session.get(Evaluation, ev_id) is None
    app_ctx.undo_stack.redo()
    app_ctx.undo_stack.redo()
    ev = iv.get_evaluation(ws=ws, evaluation_id=ev_id)
    assert (ev.ratings[first.dimension.id].rating, ev.interviewer) == (3, "Maya")
