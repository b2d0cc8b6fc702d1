"""No lost update in evaluations, interviews and risks: the metric dialog, the scorecard's
signals, the risk appetite and the EU AI Act tier check save against the version the user
read. Another window (a second workspace on the same file) saves first; the user's save
then writes nothing and asks: field by field for a metric or a signal, Reload / Overwrite
for a whole set of values (the appetite's bands, a questionnaire's answers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from aipm_desktop.services import records
from aipm_desktop.store import open_workspace

from .conftest import shown_page
from .test_no_lost_update import behind, conflict_shown, stored


def elsewhere(ws, write) -> None:
    """Another window (its own workspace on the same file) runs ``write(workspace)``."""
    other = open_workspace(Path(ws.path))
    try:
        write(other)
    finally:
        other.close()


def field_labels(conflict) -> list[str]:
    return [label.text() for label in conflict.findChildren(QLabel, "formLabel")]


# -- evaluations: the metric dialog ------------------------------------------------------------


@pytest.fixture
def metrics_panel(qtbot, app_ctx, ws):
    """The Metrics tab of a suite holding one metric: (the metric's id, the panel, the
    page holding it)."""
    from aipm_desktop.models import UseCase
    from aipm_desktop.services import evaluations
    from aipm_desktop.ui.evaluations.detail import TAB_METRICS
    from aipm_desktop.ui.evaluations.page import EvaluationsPage

    use_case, _ = records.create(ws=ws, model=UseCase, data={"title": "Ticket routing"})
    suite_id = evaluations.create_suite(
        ws=ws, data={"name": "Routing held-out", "use_case_id": use_case.id}
    )[0]
    data = {"name": "Routing accuracy", "kind": "accuracy", "threshold": 0.9}
    metric_id = evaluations.add_metric(ws=ws, suite_id=suite_id, data=data)[0]
    page = shown_page(qtbot, app_ctx, ws, EvaluationsPage)
    assert page.show_suite(suite_id)
    page.detail.tabs.setCurrentIndex(TAB_METRICS)
    return metric_id, page.detail.metrics, page


def _retype(qtbot, edit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def test_a_metric_saved_over_another_windows_change_asks(qtbot, metrics_panel, app_ctx, ws):
    from aipm_desktop.models import EvalMetric

    metric_id, panel, _page = metrics_panel
    panel.table.selectRow(0)
    dialog = panel.edit_metric()
    _retype(qtbot, dialog.threshold_edit, "85")
    _retype(qtbot, dialog.name_edit, "Routing accuracy (held-out)")
    behind(ws, EvalMetric, metric_id, {"threshold": 0.95, "blocking": True})
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.LeftButton)

    conflict = conflict_shown(app_ctx)
    assert not dialog.isVisible()  # the conflict dialog took the edit over
    assert panel.dialog is None
    after = stored(ws, EvalMetric, metric_id)
    assert (after.name, after.threshold) == ("Routing accuracy", 0.95)  # nothing written yet
    assert conflict.current == {"threshold": 0.95, "name": "Routing accuracy"}
    assert set(field_labels(conflict)) == {"Threshold", "Name"}  # as the dialog names them
    assert "by bob at " in conflict.findChild(QLabel, "conflictMessage").text()
    # Thresholds as the user types them: a share in percent, not the stored fraction.
    shown = {label.text() for label in conflict.findChildren(QLabel)}
    assert {"85%", "95%"} <= shown and "0.85" not in shown
    conflict.theirs_buttons["threshold"].click()  # their bar, my name
    conflict.save_button.click()
    after = stored(ws, EvalMetric, metric_id)
    assert (after.name, after.threshold, after.blocking) == (
        "Routing accuracy (held-out)", 0.95, True,
    )  # fmt: skip
    assert app_ctx.conflict_dialog is None
    qtbot.waitUntil(lambda: panel.model.cell_text(0, 0) == "Routing accuracy (held-out)")
    assert panel.model.cell_text(0, 4) == "\u2265 95%"

    # The panel shows the stored metric again: my next edit needs no asking.
    panel.table.selectRow(0)
    dialog = panel.edit_metric()
    _retype(qtbot, dialog.threshold_edit, "80")
    dialog.buttons.accepted.emit()
    assert app_ctx.conflict_dialog is None and not dialog.isVisible()
    assert stored(ws, EvalMetric, metric_id).threshold == 0.8


def test_a_metric_edited_after_another_window_removed_it_says_so(qtbot, metrics_panel, app_ctx, ws):
    from aipm_desktop.models import EvalMetric
    from aipm_desktop.services import evaluations

    metric_id, panel, _page = metrics_panel
    panel.table.selectRow(0)
    dialog = panel.edit_metric()
    _retype(qtbot, dialog.threshold_edit, "85")
    elsewhere(ws, lambda other: evaluations.delete_metric(ws=other, metric_id=metric_id))
    dialog.buttons.accepted.emit()

    assert app_ctx.conflict_dialog is None
    assert dialog.isVisible() and "may have been deleted" in dialog.error.text()
    with pytest.raises(Exception, match="No eval metric"):
        records.get(ws=ws, model=EvalMetric, id=metric_id)  # not brought back


# -- interviews: the scorecard's signals ---------------------------------------------------------


@pytest.fixture
def scorecard_editor(qtbot, app_ctx, ws):
    """The Scorecard sub-tab of the case library: (the editor, the page holding it)."""
    from aipm_desktop.ui.interviews.page import InterviewsPage

    page = shown_page(qtbot, app_ctx, ws, InterviewsPage)
    page.tabs.setCurrentWidget(page.library)
    page.library.tabs.setCurrentWidget(page.library.scorecard)
    return page.library.scorecard, page


def _signal_row(editor, signal_id: int) -> int:
    return next(
        row
        for row in range(editor.signals.rowCount())
        if editor.signals.item(row, 1).data(Qt.ItemDataRole.UserRole) == signal_id
    )


def test_a_signal_typed_over_another_windows_change_asks(qtbot, scorecard_editor, app_ctx, ws):
    from aipm_desktop.models import ScorecardSignal

    editor, _page = scorecard_editor
    signal = editor.card.signals[0]
    behind(ws, ScorecardSignal, signal.id, {"text": "Their wording"})
    editor.signals.item(_signal_row(editor, signal.id), 1).setText("My wording")  # as typed

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"text": "Their wording"}
    assert field_labels(conflict) == ["Signal"]
    assert stored(ws, ScorecardSignal, signal.id).text == "Their wording"  # nothing written
    conflict.save_button.click()  # keep mine
    assert stored(ws, ScorecardSignal, signal.id).text == "My wording"
    row = _signal_row(editor, signal.id)
    qtbot.waitUntil(lambda: editor.signals.item(row, 1).text() == "My wording")

    editor.signals.item(row, 1).setText("My wording, again")  # my own edits never ask
    assert app_ctx.conflict_dialog is None
    assert stored(ws, ScorecardSignal, signal.id).text == "My wording, again"
    app_ctx.undo_stack.undo()
    app_ctx.undo_stack.undo()  # back to theirs, in order
    assert stored(ws, ScorecardSignal, signal.id).text == "Their wording"


def test_taking_their_signal_shows_it_in_the_table(qtbot, scorecard_editor, app_ctx, ws):
    from aipm_desktop.models import ScorecardSignal

    editor, _page = scorecard_editor
    signal = editor.card.signals[-1]
    behind(ws, ScorecardSignal, signal.id, {"text": "Their red flag"})
    editor.signals.item(_signal_row(editor, signal.id), 1).setText("My red flag")

    conflict = conflict_shown(app_ctx)
    conflict.theirs_buttons["text"].click()
    conflict.save_button.click()
    assert app_ctx.conflict_dialog is None
    assert stored(ws, ScorecardSignal, signal.id).text == "Their red flag"
    row = _signal_row(editor, signal.id)
    qtbot.waitUntil(lambda: editor.signals.item(row, 1).text() == "Their red flag")


# -- risks: the appetite dialog ------------------------------------------------------------------


@pytest.fixture
def risks_page(qtbot, app_ctx, ws):
    from aipm_desktop.ui.risks.page import RisksPage

    return shown_page(qtbot, app_ctx, ws, RisksPage)


def _their_appetite(ws, uppers: list[int], method: str = "multiply") -> None:
    """Another window stores bands with these upper bounds (as bob)."""
    from aipm_desktop.services import risks

    def write(other) -> None:
        bands = [{**b, "max": m} for b, m in zip(_stored_bands(other), uppers, strict=True)]
        risks.set_appetite(ws=other, bands=bands, method=method, who="bob")

    elsewhere(ws, write)


def _stored_bands(ws) -> list[dict]:
    from aipm_desktop.services import workspace

    return [dict(b) for b in workspace.get_settings(ws=ws).risk_bands]


def _uppers(ws) -> list[int]:
    return [b["max"] for b in _stored_bands(ws)]


def _click(box, text: str) -> None:
    next(b for b in box.buttons() if b.text() == text).click()


def test_an_appetite_saved_over_another_windows_change_asks(qtbot, risks_page, app_ctx, ws):
    from aipm_desktop.ui.widgets.versioned import OVERWRITE_MINE

    assert _uppers(ws) == [4, 9, 16, 25]
    dialog = risks_page.open_appetite()
    dialog.set_upper(1, 8)
    _their_appetite(ws, [3, 10, 16, 25])
    assert not dialog.save()

    box = dialog.conflict_box
    assert box is not None and box.isVisible()
    assert "The risk appetite was changed elsewhere by bob at " in box.text()
    assert _uppers(ws) == [3, 10, 16, 25]  # nothing written
    assert dialog.isVisible() and dialog.spins[1].value() == 8  # my choice is kept
    _click(box, OVERWRITE_MINE)
    assert _uppers(ws) == [4, 8, 16, 25]
    assert not dialog.isVisible() and dialog.conflict_box is None
    app_ctx.undo_stack.undo()  # theirs comes back
    assert _uppers(ws) == [3, 10, 16, 25]


def test_reload_shows_their_appetite_and_the_next_save_needs_no_asking(
    qtbot, risks_page, app_ctx, ws
):
    from aipm_desktop.ui.widgets.versioned import RELOAD_THEIRS

    dialog = risks_page.open_appetite()
    dialog.set_upper(0, 2)
    _their_appetite(ws, [5, 12, 20, 25], method="impact_weighted")
    assert not dialog.save()
    _click(dialog.conflict_box, RELOAD_THEIRS)
    assert [s.value() for s in dialog.spins] == [5, 12, 20, 25]
    assert dialog.method_combo.currentData() == "impact_weighted"
    assert dialog.isVisible() and _uppers(ws) == [5, 12, 20, 25]

    dialog.set_upper(2, 18)
    assert dialog.save()
    assert _uppers(ws) == [5, 12, 18, 25]
    assert dialog.conflict_box is None


def test_another_field_of_the_settings_changed_elsewhere_does_not_ask(
    qtbot, risks_page, app_ctx, ws
):
    from aipm_desktop.models import WorkspaceSettings

    dialog = risks_page.open_appetite()
    dialog.set_upper(1, 8)
    behind(ws, WorkspaceSettings, 1, {"client": "Globex"})  # not the appetite
    assert dialog.save()
    assert dialog.conflict_box is None and app_ctx.conflict_dialog is None
    assert _uppers(ws) == [4, 8, 16, 25]
    assert stored(ws, WorkspaceSettings, 1).client == "Globex"  # theirs is kept too


# -- risks: the EU AI Act tier check ---------------------------------------------------------------


@pytest.fixture
def ai_act_tab(qtbot, app_ctx, ws):
    """The EU AI Act tab over a workspace with one use case: (its id, the tab, the page)."""
    from aipm_desktop.models import UseCase
    from aipm_desktop.ui.risks.page import RisksPage

    use_case, _ = records.create(ws=ws, model=UseCase, data={"title": "CV screening"})
    page = shown_page(qtbot, app_ctx, ws, RisksPage, size=(1300, 850))
    page.tabs.setCurrentWidget(page.ai_act)
    page.ai_act.select_use_case(use_case.id)
    return use_case.id, page.ai_act, page


def _their_answers(ws, use_case_id: int, answers: dict, assessor: str = "Legal") -> None:
    from aipm_desktop.services import ai_act

    elsewhere(
        ws,
        lambda other: ai_act.save_assessment(
            ws=other, use_case_id=use_case_id, answers=answers, assessor=assessor, who="bob"
        ),
    )


def _save(qtbot, dialog) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)


def test_a_tier_check_saved_over_one_made_elsewhere_asks(qtbot, ai_act_tab, app_ctx, ws):
    from aipm_desktop.services import ai_act
    from aipm_desktop.ui.widgets.versioned import OVERWRITE_MINE

    use_case_id, tab, _page = ai_act_tab
    dialog = tab.open_questionnaire()  # no tier check stored yet
    qtbot.mouseClick(dialog.yes_buttons["employment"], Qt.MouseButton.LeftButton)
    _their_answers(ws, use_case_id, {"interacts_with_people": True})
    _save(qtbot, dialog)

    box = dialog.conflict_box
    assert box is not None and box.isVisible()
    assert "The tier check of this use case was changed elsewhere by bob at " in box.text()
    assert "stores your answers over theirs" in box.informativeText()
    assert ai_act.get_assessment(ws=ws, use_case_id=use_case_id).tier == "limited"  # theirs
    assert ai_act.obligations(ws=ws, use_case_id=use_case_id) == []  # nothing written
    assert dialog.isVisible() and dialog.yes_buttons["employment"].isChecked()
    _click(box, OVERWRITE_MINE)
    stored_check = ai_act.get_assessment(ws=ws, use_case_id=use_case_id)
    assert stored_check.tier == "high" and stored_check.answers["employment"]
    assert not stored_check.answers["interacts_with_people"]  # my answers, all of them
    assert len(ai_act.obligations(ws=ws, use_case_id=use_case_id)) == 12
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: tab.tier_badge.text() == "High-risk")
    app_ctx.undo_stack.undo()  # theirs comes back
    assert ai_act.get_assessment(ws=ws, use_case_id=use_case_id).tier == "limited"


def test_reload_shows_the_answers_stored_elsewhere(qtbot, ai_act_tab, app_ctx, ws):
    from aipm_desktop.services import ai_act
    from aipm_desktop.ui.widgets.versioned import RELOAD_THEIRS

    use_case_id, tab, _page = ai_act_tab
    ai_act.save_assessment(ws=ws, use_case_id=use_case_id, answers={}, assessor="Me")
    tab.show_detail()
    dialog = tab.open_questionnaire()
    qtbot.mouseClick(dialog.yes_buttons["employment"], Qt.MouseButton.LeftButton)
    _their_answers(ws, use_case_id, {"synthetic_content": True}, assessor="PM with legal")
    _save(qtbot, dialog)
    _click(dialog.conflict_box, RELOAD_THEIRS)

    assert dialog.isVisible() and dialog.conflict_box is None
    assert dialog.yes_buttons["synthetic_content"].isChecked()
    assert dialog.no_buttons["employment"].isChecked()
    assert dialog.assessor_edit.text() == "PM with legal"
    assert dialog.tier_badge.text() == "Limited risk"  # the live result follows
    qtbot.mouseClick(dialog.yes_buttons["education"], Qt.MouseButton.LeftButton)
    _save(qtbot, dialog)  # against what was reloaded: no asking
    assert not dialog.isVisible()
    stored_check = ai_act.get_assessment(ws=ws, use_case_id=use_case_id)
    assert stored_check.answers["education"] and stored_check.answers["synthetic_content"]
    assert stored_check.assessor == "PM with legal"


def test_cancelling_the_question_keeps_my_answers_and_theirs_stored(qtbot, ai_act_tab, app_ctx, ws):
    from aipm_desktop.services import ai_act

    use_case_id, tab, _page = ai_act_tab
    dialog = tab.open_questionnaire()
    qtbot.mouseClick(dialog.yes_buttons["employment"], Qt.MouseButton.LeftButton)
    _their_answers(ws, use_case_id, {"interacts_with_people": True})
    _save(qtbot, dialog)
    dialog.conflict_box.button(QMessageBox.StandardButton.Cancel).click()

    assert dialog.isVisible() and dialog.conflict_box is None
    assert dialog.yes_buttons["employment"].isChecked()
    assert ai_act.get_assessment(ws=ws, use_case_id=use_case_id).tier == "limited"
    _save(qtbot, dialog)  # still the version I read: asks again
    assert dialog.conflict_box is not None and dialog.conflict_box.isVisible()
    assert ai_act.get_assessment(ws=ws, use_case_id=use_case_id).tier == "limited"
