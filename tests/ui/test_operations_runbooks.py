"""The Runbooks tab, the live rollback criteria elsewhere and the Figures tab, as a user
meets them: escalation steps, criteria with their state (a met one opens an incident
pre-filled with the breach, from the tab, the Overview and the use case), templates with
their preview, the runbook exported as PDF and Markdown, the figures table and charts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from aipm_desktop.services import incidents, runbooks
from aipm_desktop.ui.operations.breach import BreachDialog
from aipm_desktop.ui.operations.runbooks_tab import TAB_CRITERIA
from aipm_desktop.ui.overview import OverviewPage

RUNBOOK = "Reply drafts: AI incident runbook"
MET = "Reply draft latency P95 > 5 s for 2 consecutive snapshots"


@pytest.fixture
def demo(sample_ws):
    return sample_ws


@pytest.fixture
def page(operations_page, demo):
    operations_page.tabs.setCurrentWidget(operations_page.runbooks)
    operations_page.runbooks.select(runbooks.find_runbook(ws=demo, ref=RUNBOOK))
    return operations_page


def _runbook(ws):
    return runbooks.get_runbook(ws=ws, runbook_id=runbooks.find_runbook(ws=ws, ref=RUNBOOK))


def _met_row(criteria) -> int:
    return next(i for i, r in enumerate(criteria.model.rows) if r.state == runbooks.MET)


def test_the_criteria_show_their_state_now(page):
    editor = page.runbooks.editor
    criteria = editor.criteria
    assert editor.heading.text().startswith(RUNBOOK)
    states = {r.info.condition: r.state for r in criteria.model.rows}
    assert states[MET] == runbooks.MET
    assert list(states.values()).count(runbooks.NOT_MET) == 3
    row = _met_row(criteria)
    assert criteria.model.cell_text(row, 5) == "met"
    assert "5.41 s on" in criteria.model.cell_text(row, 6)
    assert "1 of 4 met now" in criteria.summary.text()
    assert editor.tabs.tabText(TAB_CRITERIA) == "Rollback criteria (4 · 1 met)"
    assert criteria.current() is criteria.model.rows[row]  # the met one is chosen
    assert criteria.open_button.isEnabled()


def test_a_met_criterion_opens_an_incident_prefilled_with_the_breach(qtbot, page, demo):
    criteria = page.runbooks.editor.criteria
    dialog = criteria.offer_incident()
    assert isinstance(dialog, BreachDialog)
    assert MET in dialog.intro.text() and "5.41 s on" in dialog.intro.text()
    assert dialog.owner_edit.text() == "Maya Okafor"
    dialog.severity_combo.setCurrentIndex(dialog.severity_combo.findData("sev2"))
    with qtbot.waitSignal(page.runbooks.incident_opened) as signal:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    incident_id = signal.args[0]
    info = incidents.detail(ws=demo, incident_id=incident_id)
    assert info.severity == "sev2" and info.category == "Latency spike"
    assert [t for _i, t in info.use_cases] == ["Agent reply drafts"]
    assert info.timeline[0].what.startswith(f"Rollback criterion met: {MET}")
    assert page.tabs.currentWidget() is page.incidents
    assert page.incidents.current_id() == incident_id


def test_a_criterion_is_added_as_text_edited_in_place_and_removed(qtbot, page, demo, app_ctx):
    criteria = page.runbooks.editor.criteria
    count = len(_runbook(demo).criteria)
    qtbot.keyClicks(
        criteria.add_edit, "Agent report rate on drafts > 5 per 1k for 3 consecutive snapshots"
    )
    qtbot.keyClick(criteria.add_edit, Qt.Key.Key_Return)
    stored = _runbook(demo).criteria
    assert len(stored) == count + 1 and stored[-1].consecutive == 3
    assert criteria.add_edit.text() == ""
    row = criteria.model.row_of_key(stored[-1].id)
    assert criteria.model.setData(criteria.model.index(row, 2), 7.5)
    assert _runbook(demo).criteria[-1].threshold == 7.5
    criteria.table.setCurrentIndex(criteria.model.index(row, 0))
    assert criteria.remove_criterion()
    assert len(_runbook(demo).criteria) == count
    app_ctx.undo_stack.undo()
    assert len(_runbook(demo).criteria) == count + 1


def test_a_criterion_that_is_no_condition_is_explained_and_nothing_written(
    qtbot, page, demo, app_ctx
):
    criteria = page.runbooks.editor.criteria
    count = len(_runbook(demo).criteria)
    with qtbot.waitSignal(app_ctx.user_error) as signal:
        qtbot.keyClicks(criteria.add_edit, "when things look bad")
        qtbot.keyClick(criteria.add_edit, Qt.Key.Key_Return)
    assert "not a KPI condition" in str(signal.args[0])
    assert len(_runbook(demo).criteria) == count
    assert criteria.add_edit.text() == "when things look bad"  # kept to fix
    row = _met_row(criteria)
    with qtbot.waitSignal(app_ctx.user_error):
        criteria.model.setData(criteria.model.index(row, 1), "==")
    assert _runbook(demo).criteria[row].op == ">"


def test_escalation_steps_are_added_from_the_keyboard_edited_and_moved(qtbot, page, demo, app_ctx):
    contacts = page.runbooks.editor.contacts
    count = len(_runbook(demo).contacts)
    contacts.role_edit.setText("Legal counsel")
    contacts.name_edit.setText("Carmen Ortiz")
    qtbot.keyClicks(contacts.reach_edit, "#legal-urgent")
    qtbot.keyClick(contacts.reach_edit, Qt.Key.Key_Return)
    stored = _runbook(demo).contacts
    assert len(stored) == count + 1
    assert (stored[-1].role, stored[-1].name, stored[-1].reach) == (
        "Legal counsel",
        "Carmen Ortiz",
        "#legal-urgent",
    )
    last = len(stored) - 1
    contacts.model.setData(contacts.model.index(last, 1), "Aisha Rahman")
    assert _runbook(demo).contacts[-1].name == "Aisha Rahman"
    contacts.table.setCurrentIndex(contacts.model.index(last, 0))
    assert contacts.move_step(-1)
    assert _runbook(demo).contacts[-2].role == "Legal counsel"
    app_ctx.undo_stack.undo()
    assert _runbook(demo).contacts[-1].role == "Legal counsel"


def test_a_template_is_saved_and_previewed_for_an_incident(qtbot, page, demo, app_ctx):
    templates = page.runbooks.editor.templates
    templates.set_channel("status_page")
    templates.subject_edit.setFocus()
    templates.subject_edit.selectAll()
    qtbot.keyClicks(templates.subject_edit, "Degraded: {title}")
    qtbot.keyClick(templates.subject_edit, Qt.Key.Key_Return)
    assert _runbook(demo).template("status_page").subject == "Degraded: {title}"
    chosen = templates.incident_combo.currentText().split(" · ", 1)[1]
    assert f"Subject: Degraded: {chosen}" in templates.preview_text()
    app_ctx.undo_stack.undo()
    assert _runbook(demo).template("status_page").subject == "Degraded: AI reply drafts"


def _pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run([tool, str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_export_writes_a_pdf_with_the_escalation_path(qtbot, page, demo, tmp_path):
    out = tmp_path / "runbook.pdf"
    task = page.runbooks.export_to(out)
    assert task is not None
    qtbot.waitUntil(lambda: task.is_done, timeout=30_000)
    assert out.read_bytes().startswith(b"%PDF")
    text = " ".join(_pdf_text(out).split())
    for contact in _runbook(demo).contacts:
        assert contact.name in text
    assert "Escalation path" in text and "Rollback criteria" in text
    assert page.runbooks.status.text() == "Saved runbook.pdf"

    markdown = tmp_path / "runbook.md"
    task = page.runbooks.export_to(markdown)
    qtbot.waitUntil(lambda: task.is_done, timeout=30_000)
    assert "| 1 | On-call ML engineer" in markdown.read_text(encoding="utf-8")


def test_new_runbook_and_delete_after_asking(qtbot, page, demo, app_ctx):
    from PySide6.QtWidgets import QMessageBox

    tab = page.runbooks
    count = len(runbooks.load_runbooks(ws=demo))
    new_id = tab.new_runbook()
    assert new_id is not None and len(runbooks.load_runbooks(ws=demo)) == count + 1
    assert tab.editor.form.editors["title"].hasFocus()
    box = tab.delete_runbook()
    assert box is not None and "New runbook" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert len(runbooks.load_runbooks(ws=demo)) == count
    app_ctx.undo_stack.undo()
    assert len(runbooks.load_runbooks(ws=demo)) == count + 1


def test_the_runbook_models_pass_the_model_tester(qtmodeltester, page):
    editor = page.runbooks.editor
    qtmodeltester.check(page.runbooks.master.model)
    qtmodeltester.check(editor.contacts.model)
    qtmodeltester.check(editor.criteria.model)


def test_a_met_criterion_shows_on_the_overview_and_opens_an_incident(qtbot, app_ctx, demo):
    app_ctx.set_workspace(demo)
    overview = OverviewPage(app_ctx)
    qtbot.addWidget(overview)
    overview.show()
    titles = overview.card_titles("rollback_breaches")
    assert titles == [f"Agent reply drafts: {MET}"]
    item = overview.cards["rollback_breaches"].items[0]
    assert "5.41 s" in item.detail.text() and item.clickable
    qtbot.mouseClick(item, Qt.MouseButton.LeftButton)
    dialog = overview.breach_dialog
    assert isinstance(dialog, BreachDialog)
    with qtbot.waitSignal(overview.navigate_requested) as signal:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    area, incident_id = signal.args
    assert area == "operations"
    assert incidents.detail(ws=demo, incident_id=incident_id).title.startswith(
        "Reply draft latency P95"
    )


def test_a_met_criterion_shows_on_its_use_case(qtbot, app_ctx, demo):
    from aipm_desktop.ui.usecases.page import UseCasesPage

    app_ctx.set_workspace(demo)
    page = UseCasesPage(app_ctx)
    qtbot.addWidget(page)
    page.show()
    use_case = next(i for i, t in _titles(demo) if t == "Agent reply drafts")
    page.show_entity(use_case)
    panel = page.form.breaches
    assert panel.isVisible() and [r.condition for r in panel.results] == [MET]
    dialog = panel.offer(panel.results[0].criterion_id)
    assert isinstance(dialog, BreachDialog)
    with qtbot.waitSignal(page.navigate_requested) as signal:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert signal.args[0] == "operations"
    other = next(i for i, t in _titles(demo) if t == "Help-center answer bot")
    page.show_entity(other)
    assert not panel.isVisible()


def _titles(ws) -> list[tuple[int, str]]:
    from aipm_desktop.services import usecases

    return usecases.titles(ws=ws)


def test_the_figures_tab_shows_the_quarters_as_a_table_and_charts(
    qtbot, qtmodeltester, page, tmp_path
):
    page.tabs.setCurrentWidget(page.figures)
    figures = page.figures
    rows = figures.row_texts()
    headers = [
        figures.model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(figures.model.columnCount())
    ]
    assert headers[:2] == ["", "Figure"] and all("Q" in h for h in headers[2:])
    detected = next(r for r in rows if r[1] == "Detected")
    assert sum(int(v) for v in detected[2:]) == 3
    assert any(r[0] == "To mitigate" and r[1] == "Median" for r in rows)
    assert len(figures.canvas.figure().axes) == 4
    qtmodeltester.check(figures.model)
    out = figures.export(tmp_path / "figures")
    assert out is not None and out.suffix == ".png" and out.read_bytes().startswith(b"\x89PNG")
