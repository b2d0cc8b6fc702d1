"""No lost update in the Operations area, the document workflow and the experiment
workflow: incident links, runbook escalation paths and templates, severity and category
definitions, document and experiment status moves. Another window (a second workspace on
the same file) saves first; the user's change then writes nothing and asks: the conflict
dialog for fields, a message naming who changed what (Keep mine / Reload theirs) for a set
of links, a list of steps or a status move."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from aipm_desktop.services.changes import Changes
from aipm_desktop.store import open_workspace
from aipm_desktop.ui.widgets.versioned import OVERWRITE_MINE as KEEP_MINE
from aipm_desktop.ui.widgets.versioned import RELOAD_THEIRS as RELOAD

from .test_no_lost_update import (
    _their_body,
    _type_at_end,
    behind,
    conflict_shown,
    documents_page,
    experiment,
    stored,
)
from .test_operations_definitions import _severity, dialog

__all__ = ["dialog", "documents_page", "experiment"]  # the fixtures shared with those tests

INCIDENT = "Drafts quoted refund windows that do not exist after the model upgrade"
RUNBOOK = "Reply drafts: AI incident runbook"


def elsewhere(ws, fn, **args) -> None:
    """Another window (its own workspace on the same file) runs service ``fn`` as bob."""
    other = open_workspace(Path(ws.path))
    try:
        fn(ws=other, **args, who="bob")
    finally:
        other.close()


def stale_box(app_ctx) -> QMessageBox:
    """The message saying the user's change was refused (shown now)."""
    box = app_ctx.conflict_dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    return box


def click(box: QMessageBox, text: str) -> None:
    next(b for b in box.buttons() if b.text() == text).click()


# -- incidents: the affected use cases and KPIs, the risk link, the status -----------------------


@pytest.fixture
def incident(operations_page, sample_ws):
    """The refund-window incident shown: (its id, its detail pane)."""
    from aipm_desktop.services import incidents

    incident_id = incidents.find_incident(ws=sample_ws, ref=INCIDENT)
    assert operations_page.show_incident(incident_id)
    return incident_id, operations_page.incidents.detail


def _linked(ws, incident_id: int, kind: str) -> set[int]:
    from aipm_desktop.services import incidents

    info = incidents.detail(ws=ws, incident_id=incident_id)
    return {i for i, _name in getattr(info, kind)}


def _toggle(dialog, record_id: int) -> None:
    item = dialog.item_for(record_id)
    checked = item.checkState() == Qt.CheckState.Checked
    item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)


def _tick_one_more(qtbot, ws, incident_id: int, form, kind: str) -> tuple[set[int], int]:
    """Open the chooser of ``kind`` (``use_case``, ``kpi``) as a user does and tick one
    more: the ids linked before, and the one ticked."""
    from aipm_desktop.services.incidents import workflow

    before = _linked(ws, incident_id, f"{kind}s")
    more = next(i for i, _t in workflow.choices(ws=ws, kind=kind) if i not in before)
    qtbot.mouseClick(getattr(form, f"{kind}s_button"), Qt.MouseButton.LeftButton)
    _toggle(form.links_dialog, more)
    return before, more


def test_use_cases_chosen_over_another_windows_links_ask_and_keep_mine_stores_mine(
    qtbot, incident, app_ctx, sample_ws
):
    from aipm_desktop.services import incidents
    from aipm_desktop.services.incidents import workflow

    incident_id, detail = incident
    form = detail.form
    everything = [i for i, _t in workflow.choices(ws=sample_ws, kind="use_case")]
    before = _linked(sample_ws, incident_id, "use_cases")
    theirs = next(i for i in everything if i not in before)
    mine = next(i for i in everything if i not in before and i != theirs)
    qtbot.mouseClick(form.use_cases_button, Qt.MouseButton.LeftButton)
    dialog = form.links_dialog
    _toggle(dialog, mine)
    elsewhere(
        sample_ws,
        incidents.update_incident,
        incident_id=incident_id,
        data={"use_case_ids": sorted(before | {theirs})},
    )
    dialog.accept()

    box = stale_box(app_ctx)
    assert "changed elsewhere by bob at " in box.text()
    assert "Your choice of use cases was not saved." in box.text()
    assert _linked(sample_ws, incident_id, "use_cases") == before | {theirs}  # nothing written
    click(box, KEEP_MINE)
    assert _linked(sample_ws, incident_id, "use_cases") == before | {mine}
    assert app_ctx.conflict_dialog is None
    app_ctx.undo_stack.undo()  # theirs comes back
    assert _linked(sample_ws, incident_id, "use_cases") == before | {theirs}


def test_kpis_chosen_over_another_windows_change_reload_shows_theirs(
    qtbot, incident, app_ctx, sample_ws
):
    from aipm_desktop.models import Incident

    incident_id, detail = incident
    form = detail.form
    before, kpi = _tick_one_more(qtbot, sample_ws, incident_id, form, "kpi")
    behind(sample_ws, Incident, incident_id, {"owner": "Their on-call"})
    form.links_dialog.accept()

    click(stale_box(app_ctx), RELOAD)
    assert _linked(sample_ws, incident_id, "kpis") == before  # mine was not stored
    assert form.editors["owner"].text() == "Their on-call"  # the stored incident is shown
    assert _tick_one_more(qtbot, sample_ws, incident_id, form, "kpi") == (before, kpi)
    form.links_dialog.accept()  # now it is current
    assert app_ctx.conflict_dialog is None
    assert _linked(sample_ws, incident_id, "kpis") == before | {kpi}


def test_a_link_to_a_risk_moves_the_incident_on_so_a_stale_link_edit_asks(
    qtbot, incident, app_ctx, sample_ws
):
    from aipm_desktop.services import incidents
    from aipm_desktop.services.incidents import workflow

    incident_id, detail = incident
    linked = _linked(sample_ws, incident_id, "risks")
    risk = next(i for i, _t in workflow.choices(ws=sample_ws, kind="risk") if i not in linked)
    _tick_one_more(qtbot, sample_ws, incident_id, detail.form, "use_case")
    form = detail.form
    elsewhere(sample_ws, incidents.add_to_risk_register, incident_id=incident_id, risk_id=risk)
    form.links_dialog.accept()

    box = stale_box(app_ctx)
    assert f"Link incident {INCIDENT} to risk {risk}" in box.text()  # what they did
    box.reject()  # Cancel: nothing more happens
    assert app_ctx.conflict_dialog is None
    assert _linked(sample_ws, incident_id, "risks") == linked | {risk}


def test_a_status_move_after_another_windows_change_writes_nothing(
    qtbot, incident, app_ctx, sample_ws
):
    from aipm_desktop.models import Incident
    from aipm_desktop.services import incidents
    from aipm_desktop.services.incidents import workflow

    incident_id, detail = incident
    status = str(stored(sample_ws, Incident, incident_id).status)
    target, button = next(iter(detail.move_buttons.items()))
    elsewhere(sample_ws, incidents.set_status, incident_id=incident_id, status=target)
    other = next(s for s in ("open", "mitigated") if s != target)
    elsewhere(sample_ws, incidents.set_status, incident_id=incident_id, status=other)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    box = stale_box(app_ctx)
    assert KEEP_MINE not in [b.text() for b in box.buttons()]  # a move is made on what is seen
    assert "Your status change was not saved." in box.text()
    assert str(stored(sample_ws, Incident, incident_id).status) == other
    click(box, RELOAD)
    assert detail.status_chip.property("status") == other  # theirs is shown
    assert set(detail.move_buttons) == {m.status for m in workflow.allowed_moves(other)}
    assert status != other


# -- runbooks: the escalation path and the communication templates ------------------------------


@pytest.fixture
def runbook(operations_page, sample_ws):
    """The reply-drafts runbook shown: (its id, its editor)."""
    from aipm_desktop.services import runbooks

    runbook_id = runbooks.find_runbook(ws=sample_ws, ref=RUNBOOK)
    operations_page.tabs.setCurrentWidget(operations_page.runbooks)
    operations_page.runbooks.select(runbook_id)
    return runbook_id, operations_page.runbooks.editor


def _path(ws, runbook_id: int) -> list[tuple[str, str]]:
    from aipm_desktop.services import runbooks

    return [(c.role, c.name) for c in runbooks.get_runbook(ws=ws, runbook_id=runbook_id).contacts]


def _their_path(ws, runbook_id: int, path: list[tuple[str, str]]) -> None:
    from aipm_desktop.services import runbooks

    contacts = [{"role": role, "name": name, "reach": ""} for role, name in path]
    elsewhere(ws, runbooks.update_runbook, runbook_id=runbook_id, data={"contacts": contacts})


def test_a_step_added_over_another_windows_path_asks_and_keep_mine_adds_it(
    qtbot, runbook, app_ctx, sample_ws
):
    runbook_id, editor = runbook
    contacts = editor.contacts
    before = _path(sample_ws, runbook_id)
    theirs = [*before, ("Legal", "Their lawyer")]
    _their_path(sample_ws, runbook_id, theirs)
    qtbot.keyClicks(contacts.role_edit, "Vendor contact")
    qtbot.keyClicks(contacts.name_edit, "Ana")
    qtbot.keyClick(contacts.role_edit, Qt.Key.Key_Return)

    box = stale_box(app_ctx)
    assert "The runbook" in box.text() and "changed elsewhere by bob at " in box.text()
    assert "Your change to the escalation path was not saved." in box.text()
    assert _path(sample_ws, runbook_id) == theirs
    assert contacts.role_edit.text() == "Vendor contact"  # what I typed is kept
    click(box, KEEP_MINE)
    assert _path(sample_ws, runbook_id) == [*before, ("Vendor contact", "Ana")]
    assert contacts.role_edit.text() == ""  # added: the line is ready for the next step


def test_a_step_renamed_over_another_windows_path_reload_shows_theirs(
    qtbot, runbook, app_ctx, sample_ws
):
    runbook_id, editor = runbook
    contacts = editor.contacts
    before = _path(sample_ws, runbook_id)
    theirs = [("Incident commander", "Their IC"), *before]
    _their_path(sample_ws, runbook_id, theirs)
    assert contacts.model.setData(contacts.model.index(0, 1), "My name")  # typed in the cell

    click(stale_box(app_ctx), RELOAD)
    assert _path(sample_ws, runbook_id) == theirs
    qtbot.waitUntil(lambda: contacts.model.index(0, 1).data() == "Their IC")
    assert contacts.model.setData(contacts.model.index(0, 1), "Priya")  # on theirs: no asking
    assert app_ctx.conflict_dialog is None
    assert _path(sample_ws, runbook_id)[0] == ("Incident commander", "Priya")


def _template(ws, runbook_id: int, channel: str):
    from aipm_desktop.services import runbooks

    return runbooks.get_runbook(ws=ws, runbook_id=runbook_id).template(channel)


def test_a_template_typed_over_another_windows_change_asks_per_field(
    qtbot, runbook, app_ctx, sample_ws
):
    from aipm_desktop.services.runbooks import editing

    runbook_id, editor = runbook
    panel = editor.templates
    read = _template(sample_ws, runbook_id, panel.channel)
    assert read is not None
    elsewhere(
        sample_ws,
        editing.set_template,
        runbook_id=runbook_id,
        channel=panel.channel,
        subject="Their subject",
        body=read.body,
    )
    panel.body_edit.setFocus()
    panel.body_edit.selectAll()
    qtbot.keyClicks(panel.body_edit, "My update")
    panel.body_edit.editing_finished.emit()  # as leaving the box does

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"body": read.body}  # only what I changed
    assert "Body" in [label.text() for label in conflict.findChildren(QLabel, "formLabel")]
    assert _template(sample_ws, runbook_id, panel.channel).body == read.body
    conflict.save_button.click()  # keep mine
    after = _template(sample_ws, runbook_id, panel.channel)
    assert (after.subject, after.body) == ("Their subject", "My update")


def test_a_new_template_written_while_another_window_wrote_one_asks(
    qtbot, runbook, app_ctx, sample_ws
):
    from aipm_desktop.services.runbooks import editing

    runbook_id, editor = runbook
    panel = editor.templates
    channel = "status_page"
    editing.set_template(ws=sample_ws, runbook_id=runbook_id, channel=channel, subject="", body="")
    app_ctx.undo_stack.clear()
    editor.refresh()
    qtbot.mouseClick(panel.channel_buttons[channel], Qt.MouseButton.LeftButton)
    assert panel.shown is None
    elsewhere(
        sample_ws,
        editing.set_template,
        runbook_id=runbook_id,
        channel=channel,
        subject="Their subject",
        body="Their notice",
    )
    qtbot.keyClicks(panel.subject_edit, "My subject")
    qtbot.keyClick(panel.subject_edit, Qt.Key.Key_Return)

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"subject": "Their subject", "body": "Their notice"}
    assert _template(sample_ws, runbook_id, channel).subject == "Their subject"
    conflict.save_button.click()  # keep my subject; my empty body is mine too
    after = _template(sample_ws, runbook_id, channel)
    assert (after.subject, after.body) == ("My subject", "")


# -- the Definitions dialog: severities and failure categories -----------------------------------


def _type_two_levels(qtbot, dialog):
    """Type a new name of SEV2 and new hours of SEV3 (not saved yet): the panel."""
    panel = dialog.severities
    for edit, text in ((panel.names["sev2"], "Big one"), (panel.hours["sev3"], "6")):
        edit.setFocus()
        edit.selectAll()
        qtbot.keyClicks(edit, text)
    return panel


def test_severities_saved_over_another_windows_change_ask_and_keep_the_other_levels(
    qtbot, dialog, app_ctx, sample_ws
):
    from aipm_desktop.services import incidents

    panel = _type_two_levels(qtbot, dialog)
    elsewhere(
        sample_ws,
        incidents.update_severity_definition,
        severity="sev2",
        data={"name": "Their major", "acknowledge_within_hours": 2.0},
    )
    app_ctx.notify(Changes("severity_definition", (), "update"))  # as live refresh does
    assert panel.names["sev2"].text() == "Big one"  # my typing is kept
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"name": "Their major"}  # only what I changed of SEV2
    assert "Name" in [label.text() for label in conflict.findChildren(QLabel, "formLabel")]
    assert _severity(sample_ws, "sev3").acknowledge_within_hours != 6.0  # nothing written
    assert not panel.message.isVisible()
    conflict.save_button.click()  # keep my name; my SEV3 hours go with it
    sev2, sev3 = _severity(sample_ws, "sev2"), _severity(sample_ws, "sev3")
    assert (sev2.name, sev2.acknowledge_within_hours, sev3.acknowledge_within_hours) == (
        "Big one",
        2.0,
        6.0,
    )
    assert panel.names["sev2"].text() == "Big one" and panel.hours["sev2"].text() == "2"
    assert not panel.save_button.isEnabled()  # all stored


def test_severity_take_theirs_shows_theirs_and_keeps_the_other_levels_typed(
    qtbot, dialog, app_ctx, sample_ws
):
    from aipm_desktop.services import incidents

    panel = _type_two_levels(qtbot, dialog)
    elsewhere(
        sample_ws, incidents.update_severity_definition, severity="sev2", data={"name": "Theirs"}
    )
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    conflict = conflict_shown(app_ctx)
    conflict.theirs_buttons["name"].click()
    conflict.save_button.click()

    assert _severity(sample_ws, "sev2").name == "Theirs"
    assert panel.names["sev2"].text() == "Theirs"
    assert panel.hours["sev3"].text() == "6"  # still typed, not saved yet
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)  # now nothing is stale
    assert app_ctx.conflict_dialog is None
    assert _severity(sample_ws, "sev3").acknowledge_within_hours == 6.0


def _category(ws, name: str):
    from aipm_desktop.services import incidents

    return next(c for c in incidents.category_uses(ws=ws) if c.name == name)


def test_a_category_renamed_over_another_windows_change_asks(qtbot, dialog, app_ctx, sample_ws):
    from aipm_desktop.models import FailureCategory

    panel = dialog.categories
    dialog.tabs.setCurrentWidget(panel)
    first = panel.uses[0]
    behind(sample_ws, FailureCategory, first.id, {"description": "Their words"})
    panel.edit_cell(0, 0, "My name")  # as typed in the cell

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"name": first.name}
    assert "Category" in [label.text() for label in conflict.findChildren(QLabel, "formLabel")]
    conflict.save_button.click()
    after = _category(sample_ws, "My name")
    assert after.description == "Their words"
    assert panel.table.item(0, 0).text() == "My name"


def test_a_category_removed_after_another_window_renamed_it_asks(qtbot, dialog, app_ctx, sample_ws):
    from aipm_desktop.models import FailureCategory

    panel = dialog.categories
    dialog.tabs.setCurrentWidget(panel)
    unused = next(u for u in panel.uses if not u.incidents)
    panel.table.setCurrentCell(panel.ids().index(unused.id), 0)
    behind(sample_ws, FailureCategory, unused.id, {"name": "Renamed elsewhere"})
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)

    box = stale_box(app_ctx)
    assert "Your removal of the category was not saved." in box.text()
    assert _category(sample_ws, "Renamed elsewhere").id == unused.id  # still there
    click(box, RELOAD)
    assert "Renamed elsewhere" in panel.names()
    panel.table.setCurrentCell(panel.ids().index(unused.id), 0)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)  # as shown now: removed
    assert app_ctx.conflict_dialog is None
    assert unused.id not in [u.id for u in panel.uses]


def test_a_category_moved_on_a_list_reordered_elsewhere_moves_nothing(
    qtbot, dialog, app_ctx, sample_ws
):
    from aipm_desktop.services import incidents

    panel = dialog.categories
    dialog.tabs.setCurrentWidget(panel)
    seen = panel.names()
    mine = seen[2]
    panel.table.setCurrentCell(2, 0)
    elsewhere(sample_ws, incidents.move_category, category_id=panel.ids()[0], step=2)
    theirs = [c.name for c in incidents.failure_categories(ws=sample_ws)]
    assert theirs.index(mine) == 1  # their move put it one up already

    qtbot.mouseClick(panel.up_button, Qt.MouseButton.LeftButton)
    assert [c.name for c in incidents.failure_categories(ws=sample_ws)] == theirs  # nothing
    assert panel.message.isVisible() and "changed elsewhere" in panel.message.text()
    assert panel.names() == theirs  # the list as stored now, the category still selected
    assert panel.names()[panel.table.currentRow()] == mine
    qtbot.mouseClick(panel.up_button, Qt.MouseButton.LeftButton)  # on the list seen: moved
    assert [c.name for c in incidents.failure_categories(ws=sample_ws)].index(mine) == 0
    assert not panel.message.isVisible()


# -- documents: send for review, approve, back to draft ------------------------------------------


def test_send_for_review_after_another_windows_edit_writes_nothing_and_reloads(
    qtbot, documents_page, app_ctx, ws
):
    from aipm_desktop.models import Document

    page = documents_page
    doc_id = page.document_id
    _their_body(ws, doc_id, "# Goals\n\nTheir rewrite.")
    qtbot.mouseClick(page.review_button, Qt.MouseButton.LeftButton)

    box = stale_box(app_ctx)
    assert "Answer bot PRD" in box.text() and "changed elsewhere by bob at " in box.text()
    assert "Your status change was not saved." in box.text()
    assert KEEP_MINE not in [b.text() for b in box.buttons()]
    assert str(stored(ws, Document, doc_id).status) == "draft"
    click(box, RELOAD)
    assert page.editor.toPlainText() == "# Goals\n\nTheir rewrite."  # what I would send
    qtbot.mouseClick(page.review_button, Qt.MouseButton.LeftButton)  # seen: it goes
    assert app_ctx.conflict_dialog is None
    assert str(stored(ws, Document, doc_id).status) == "in_review"


def test_approving_while_another_window_edits_the_document_writes_nothing(
    qtbot, documents_page, app_ctx, ws
):
    from aipm_desktop.models import Document
    from aipm_desktop.services import documents

    page = documents_page
    doc_id = page.document_id
    qtbot.mouseClick(page.review_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton)
    dialog = page.approve_dialog
    elsewhere(ws, documents.set_status, document_id=doc_id, status="draft")
    elsewhere(ws, documents.set_status, document_id=doc_id, status="in_review")
    app_ctx.notify(Changes("document", (doc_id,), "update"))  # as live refresh does
    dialog.setTextValue("Maya Okafor")
    dialog.accept()  # approves what was read when Approve was clicked

    box = stale_box(app_ctx)
    assert "by bob at " in box.text() and "changed status" in box.text()
    after = stored(ws, Document, doc_id)
    assert (str(after.status), after.approver) == ("in_review", "")
    box.reject()
    assert app_ctx.conflict_dialog is None


def test_back_to_draft_after_another_window_approved_writes_nothing(
    qtbot, documents_page, app_ctx, ws
):
    from aipm_desktop.models import Document
    from aipm_desktop.services import documents

    page = documents_page
    doc_id = page.document_id
    qtbot.mouseClick(page.review_button, Qt.MouseButton.LeftButton)
    elsewhere(ws, documents.set_status, document_id=doc_id, status="approved", approver="Bob")
    page.back_to_draft()  # the Back to draft action, from the window's menu

    box = stale_box(app_ctx)
    assert "by bob at " in box.text() and "(changed status, approver, approved on)" in (box.text())
    assert str(stored(ws, Document, doc_id).status) == "approved"
    click(box, RELOAD)
    assert page.status_chip.text().startswith("Approved · Bob")


def test_an_unsaved_text_in_conflict_asks_about_the_text_before_any_status_move(
    qtbot, documents_page, app_ctx, ws
):
    from aipm_desktop.models import Document

    page = documents_page
    doc_id = page.document_id
    _type_at_end(qtbot, page.editor, " Mine.")
    _their_body(ws, doc_id, "Their text.")
    qtbot.mouseClick(page.review_button, Qt.MouseButton.LeftButton)

    assert page.conflict_box is not None and page.conflict_box.isVisible()  # the text asks
    assert app_ctx.conflict_dialog is None  # and only that
    assert str(stored(ws, Document, doc_id).status) == "draft"
    page.conflict_box.reject()


# -- experiments: the status moves and the decision ----------------------------------------------


def test_an_experiment_move_after_another_windows_change_writes_nothing(
    qtbot, experiment, app_ctx, sample_ws
):
    from aipm_desktop.models import Experiment

    experiment_id, page = experiment
    detail = page.detail
    status = str(stored(sample_ws, Experiment, experiment_id).status)
    target, button = next(iter(detail.move_buttons.items()))
    behind(sample_ws, Experiment, experiment_id, {"owner": "Their owner"})
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    box = stale_box(app_ctx)
    assert "changed elsewhere by bob at " in box.text()
    assert str(stored(sample_ws, Experiment, experiment_id).status) == status
    click(box, RELOAD)
    assert "Their owner" in detail.facts.text()
    qtbot.mouseClick(detail.move_buttons[target], Qt.MouseButton.LeftButton)  # seen: it moves
    assert app_ctx.conflict_dialog is None
    assert str(stored(sample_ws, Experiment, experiment_id).status) == target


def test_a_decision_recorded_after_another_windows_change_writes_nothing(
    qtbot, experiment, app_ctx, sample_ws
):
    from aipm_desktop.models import Experiment
    from aipm_desktop.ui.experiments.detail import TAB_DECISION

    experiment_id, page = experiment
    detail = page.detail
    detail.tabs.setCurrentIndex(TAB_DECISION)
    tab = detail.decision
    tab.choice["ship"].click()
    tab.rationale.set_text("Citations lift CSAT.")
    behind(sample_ws, Experiment, experiment_id, {"planned_end": None})
    qtbot.mouseClick(tab.record_button, Qt.MouseButton.LeftButton)

    box = stale_box(app_ctx)
    assert "Your decision was not saved." in box.text()
    assert stored(sample_ws, Experiment, experiment_id).decision is None
    click(box, RELOAD)
    assert tab.rationale.toPlainText() == "Citations lift CSAT."  # my words are kept
    qtbot.mouseClick(tab.record_button, Qt.MouseButton.LeftButton)
    assert str(stored(sample_ws, Experiment, experiment_id).decision) == "ship"


def test_a_decision_on_results_imported_elsewhere_writes_nothing(
    qtbot, experiment, app_ctx, sample_ws, tmp_path
):
    """Another window merged a later day's results in: the readout the user decided on
    is out of date, so the decision is not recorded until they have seen the new one."""
    from aipm_desktop.models import Experiment
    from aipm_desktop.services import experiments
    from aipm_desktop.ui.experiments.detail import TAB_DECISION

    experiment_id, page = experiment
    detail = page.detail
    detail.tabs.setCurrentIndex(TAB_DECISION)
    detail.decision.choice["ship"].click()
    later = tmp_path / "day.csv"
    later.write_text(
        "date,variant,metric,units,conversions,sum,sum_sq\n"
        "2026-11-30,No citations,CSAT of bot conversations,40,,160,680\n"
        "2026-11-30,Numbered citations,CSAT of bot conversations,41,,170,720\n",
        encoding="utf-8",
    )
    elsewhere(sample_ws, experiments.import_results, experiment_id=experiment_id, path=later,
              merge=True)  # fmt: skip
    qtbot.mouseClick(detail.decision.record_button, Qt.MouseButton.LeftButton)

    box = stale_box(app_ctx)
    assert "Your decision was not saved." in box.text()
    assert "results imported at" in box.text()  # what bob changed
    assert stored(sample_ws, Experiment, experiment_id).decision is None
