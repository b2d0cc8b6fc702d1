"""Interview calibration in the GUI, driven as a user: submit to share ratings, compare now
with a reason, the agreement tab, the debrief and its decision, practice on a sample
answer, and case packs through the library."""

from __future__ import annotations

import io
import json
import zipfile

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox

from aipm_desktop.services import interviews as iv
from aipm_desktop.services.interviews import case_pack
from aipm_desktop.ui.interviews.page import InterviewsPage

from . import test_interviews_fit as fit

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


# The demo workspace and the page over it, shown and active (for the shortcuts).
demo_file, demo, page = fit.demo_file, fit.demo, fit.page


def _bare_page(qtbot, app_ctx) -> InterviewsPage:
    """The Interviews page over whatever workspace the context has."""
    widget = InterviewsPage(app_ctx)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _candidate(ws, name: str) -> int:
    return iv.resolve_candidate(ws=ws, ref=name)


def test_compare_now_needs_a_reason_and_shows_the_ratings(qtbot, page, demo, app_ctx):
    comparison = page.comparison
    page.tabs.setCurrentWidget(comparison)
    assert comparison.cell_text("Grace Kim", "Weighted score") == "waiting for Jonas Berg"
    comparison.select_candidate(_candidate(demo, "Ana Silva"))
    assert not comparison.reveal_button.isEnabled()  # nothing to reveal
    comparison.select_candidate(_candidate(demo, "Grace Kim"))
    assert comparison.reveal_button.isEnabled()
    comparison.table.setFocus()
    qtbot.keyClick(comparison.table, Qt.Key.Key_R, CTRL_SHIFT)
    dialog = comparison.reveal_dialog
    assert dialog is not None and dialog.isVisible()
    assert "Waiting for Jonas Berg" in dialog.intro.text()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # no reason, no reveal
    qtbot.keyClicks(dialog.reason, "   ")
    assert not ok.isEnabled()
    qtbot.keyClicks(dialog.reason, "Jonas is travelling until Friday")
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    grace = iv.list_candidates(ws=demo)[0]
    assert grace.name == "Grace Kim" and grace.reveal_reason == "Jonas is travelling until Friday"
    assert grace.revealed_by  # who: the author (or the login name)
    assert comparison.cell_text("Grace Kim ◐", "Product sense (AI use cases)") == "3.0"
    assert "Jonas Berg (not submitted" not in comparison.cell_text("Grace Kim ◐", "Incomplete")
    app_ctx.undo_stack.undo()  # Edit ▸ Undo hides them again
    assert comparison.cell_text("Grace Kim", "Product sense (AI use cases)") == "hidden"


def test_submitting_in_interview_mode_shares_the_ratings(qtbot, page, demo):
    mode = page.interview
    page.tabs.setCurrentWidget(mode)
    mode.select(_candidate(demo, "Grace Kim"), interviewer="Jonas Berg")
    assert not mode.submit_bar.reopen_button.isVisible()
    assert mode.submit_bar.submit_button.isEnabled()
    qtbot.mouseClick(mode.submit_bar.submit_button, Qt.MouseButton.LeftButton)
    assert iv.get_evaluation(ws=demo, evaluation_id=mode.evaluation_id).submitted
    assert "Submitted" in mode.submit_bar.label.text()
    assert page.comparison.cell_text("Grace Kim", "Weighted score").endswith("Meets bar")
    # the agreement now counts her too
    page.tabs.setCurrentWidget(page.agreement)
    assert "Over 7 candidate(s)" in page.agreement.summary.text()
    assert not page.agreement.withheld.isVisible()
    # reopening hides her again
    page.tabs.setCurrentWidget(mode)
    qtbot.mouseClick(mode.submit_bar.reopen_button, Qt.MouseButton.LeftButton)
    assert page.comparison.cell_text("Grace Kim", "Weighted score") == "waiting for Jonas Berg"


def test_the_agreement_tab_shows_alpha_icc_and_who_rates_high(qtbot, page, tmp_path):
    tab = page.agreement
    page.tabs.setCurrentWidget(tab)
    assert tab.stack.currentWidget() is not tab.empty_label
    assert tab.row_text(tab.table, "Product sense (AI use cases)", 2).startswith("0.35 [")
    assert tab.row_text(tab.table, "Metrics & experimentation", 2).startswith("0.98 [")
    assert tab.row_text(tab.table, "Overall", 1) == "42"
    assert tab.table.item(0, 0).text().startswith("⚠ ")  # poor agreement is flagged
    assert tab.row_text(tab.offsets, "Daniel Reyes", 2) == "rates high"
    assert "Grace Kim (waiting for Jonas Berg)" in tab.withheld.text()
    png = tab.export_chart(tmp_path / "agreement.png")
    assert png is not None and png.read_bytes().startswith(b"\x89PNG")


def test_the_agreement_tab_says_what_to_do_when_empty(qtbot, app_ctx, ws):
    page = _bare_page(qtbot, app_ctx)
    page.tabs.setCurrentWidget(page.agreement)
    assert page.agreement.stack.currentWidget() is page.agreement.empty_label
    assert "Submit evaluation" in page.agreement.empty_label.text()
    page.tabs.setCurrentWidget(page.practice)
    assert page.practice.stack.currentWidget() is page.practice.empty_label
    assert "Case library" in page.practice.empty_label.text()
    page.tabs.setCurrentWidget(page.debrief)
    assert "No candidates yet" in page.debrief.empty_label.text()


def test_the_debrief_puts_disagreements_first_and_records_the_decision(qtbot, page, demo, tmp_path):
    debrief = page.debrief
    page.tabs.setCurrentWidget(debrief)
    debrief.select(_candidate(demo, "Emma Rossi"))
    assert debrief.status.text() == "All 3 evaluations submitted."
    headers = [debrief.ratings.horizontalHeaderItem(c).text() for c in range(5)]
    assert headers == ["Dimension", "Maya Okafor", "Lena Fischer", "Daniel Reyes", "Spread"]
    assert debrief.ratings.item(0, 0).text().startswith("Data & privacy literacy")
    assert debrief.ratings.item(0, 4).text() == "2 ⚠"
    assert debrief.ratings.item(0, 1).text().startswith("1 · ")
    debrief.decision_combo.setCurrentIndex(debrief.decision_combo.findData("hire"))
    debrief.rationale.setFocus()
    qtbot.keyClicks(debrief.rationale, "Strong metrics; coach on privacy")
    qtbot.keyClick(debrief.rationale, Qt.Key.Key_Return, CTRL)
    emma = next(c for c in iv.list_candidates(ws=demo) if c.name == "Emma Rossi")
    assert (emma.decision, emma.decision_rationale) == ("hire", "Strong metrics; coach on privacy")
    assert debrief.decided.text().startswith("Decided by ")
    # a decision needs a rationale: refused, nothing stored
    debrief.decision_combo.setCurrentIndex(debrief.decision_combo.findData("hold"))
    debrief.rationale.setPlainText("")
    assert not debrief.record_decision()
    assert next(c for c in iv.list_candidates(ws=demo) if c.name == "Emma Rossi").decision == "hire"
    # waiting candidates show no ratings
    debrief.select(_candidate(demo, "Grace Kim"))
    assert debrief.status.text().startswith("Waiting for Jonas Berg to submit")
    assert not debrief.ratings.isVisibleTo(debrief)
    with qtbot.waitSignal(page.ctx.tasks.busy_changed, check_params_cb=lambda busy: not busy):
        debrief.select(_candidate(demo, "Chloe Nguyen"))
        debrief.export_to(tmp_path / "chloe", markdown=True)
    assert (tmp_path / "chloe.md").read_text("utf-8").startswith("# Debrief: Chloe Nguyen")


def test_practice_on_the_sample_answer_then_see_the_distance(qtbot, page, demo):
    practice = page.practice
    page.tabs.setCurrentWidget(practice)
    assert practice.case_combo.currentText() == "AI Feature PRD + Evaluation Plan"
    practice.interviewer_combo.setCurrentText("Lena Fischer")
    assert "has not scored this sample answer yet" in practice.empty_sheet.text()
    qtbot.mouseClick(practice.start_button, Qt.MouseButton.LeftButton)
    assert practice.evaluation_id is not None
    assert not practice.results.isVisible()  # nothing to compare before submitting
    for row in practice.sheet.rows.values():
        qtbot.mouseClick(row.buttons[3], Qt.MouseButton.LeftButton)
    practice.setFocus()
    qtbot.keyClick(practice, Qt.Key.Key_Return, CTRL)
    assert practice.results.isVisible()
    assert practice.distance_text("AI evaluation & lifecycle") == "+1"
    assert practice.distance_text("Product sense (AI use cases)") == "0"
    assert "5 of 7 on the reference level" in practice.result_label.text()
    panel = [practice.panel_results.item(r, 0).text() for r in range(3)]
    assert panel == ["Maya Okafor", "Lena Fischer", "Daniel Reyes"]
    # practice never shows up as a hiring figure
    assert all(e.interviewer != "Lena Fischer" or e.candidate_id for e in iv.evaluations(ws=demo))


def test_reference_ratings_are_set_in_the_library(qtbot, page, demo):
    library = page.library.exercises
    page.tabs.setCurrentWidget(page.library)
    case = iv.calibration_cases(ws=demo)[0]
    library.select(case.id)
    box = library.references.levels["cross_functional_leadership"]
    assert box.currentData() == 2
    box.setCurrentIndex(box.findData(3))
    refs = iv.reference_ratings(ws=demo, exercise_id=case.id)
    assert refs["cross_functional_leadership"].rating == 3
    assert refs["cross_functional_leadership"].rationale.startswith("Ownership of the prompt")


def _pack(demo, tmp_path):
    case = iv.calibration_cases(ws=demo)[0]
    return case_pack.export_pack(ws=demo, exercise_id=case.id, out=tmp_path / "case.zip"), case


def test_import_a_pack_through_the_library(qtbot, app_ctx, demo, ws, tmp_path, monkeypatch):
    path, case = _pack(demo, tmp_path)
    app_ctx.set_workspace(ws)
    page = _bare_page(qtbot, app_ctx)
    library = page.library.exercises
    page.tabs.setCurrentWidget(page.library)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    # a case of that name exists: the user is asked first, and the import is renamed
    qtbot.mouseClick(library.import_pack_button, Qt.MouseButton.LeftButton)
    box = library.import_question
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert f"imported as “{case.title} (imported)”" in box.informativeText()
    box.button(QMessageBox.StandardButton.Yes).click()
    imported = [e for e in iv.list_exercises(ws=ws) if e.title == f"{case.title} (imported)"]
    assert len(imported) == 1 and imported[0].sample_answer == case.sample_answer
    assert [c.title for c in iv.calibration_cases(ws=ws)] == [imported[0].title]
    # Edit ▸ Undo takes the whole import back
    app_ctx.undo_stack.undo()
    assert not [e for e in iv.list_exercises(ws=ws) if e.title.endswith("(imported)")]


def test_a_tampered_pack_is_refused_in_the_library(qtbot, app_ctx, demo, ws, tmp_path):
    path, _case = _pack(demo, tmp_path)
    files = {}
    with zipfile.ZipFile(path) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    doc = json.loads(files["case.json"])
    doc["title"] = "Sneaky"
    files["case.json"] = json.dumps(doc).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(buffer.getvalue())
    app_ctx.set_workspace(ws)
    page = _bare_page(qtbot, app_ctx)
    before = [e.title for e in iv.list_exercises(ws=ws)]
    with qtbot.waitSignal(app_ctx.user_error) as shown:
        assert page.library.exercises.import_pack(bad) is None
    assert "has been changed since it was made" in str(shown.args[0])
    assert [e.title for e in iv.list_exercises(ws=ws)] == before


def test_export_a_pack_from_the_library(qtbot, page, demo, tmp_path, monkeypatch):
    from aipm_desktop.ui.interviews import packs

    library = page.library.exercises
    page.tabs.setCurrentWidget(page.library)
    target = tmp_path / "out.zip"
    monkeypatch.setattr(packs, "ask_save_path", lambda *a, **k: target)
    qtbot.mouseClick(library.export_pack_button, Qt.MouseButton.LeftButton)
    assert zipfile.is_zipfile(target)
    assert "manifest.json" in zipfile.ZipFile(target).namelist()


def test_every_new_table_passes_the_model_tester(qtbot, qtmodeltester, page, demo):
    page.tabs.setCurrentWidget(page.agreement)
    page.debrief.select(_candidate(demo, "Emma Rossi"))
    page.practice.interviewer_combo.setCurrentText("Maya Okafor")
    for view in (
        page.agreement.table,
        page.agreement.offsets,
        page.debrief.ratings,
        page.debrief.recommendations,
        page.practice.distances,
        page.practice.panel_results,
        page.comparison.table,
    ):
        assert view.model().rowCount() > 0, view.objectName()
        qtmodeltester.check(view.model())
