"""The Controls area as a user meets it: catalogs and their notes, importing a catalog
and its newer version after reading the diff, applicability and status per use case
(edited in the form and in the table, refused without a justification), the AI Act role,
the crosswalk, and undo of each edit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from aipm_desktop.models import Control, UseCase
from aipm_desktop.services import controls as ctl
from aipm_desktop.services import records
from aipm_desktop.ui.controls.page import TAB_APPLICABILITY, TAB_CROSSWALK


def _use_case(ws, title: str) -> int:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": title})
    return int(obj.id)


@pytest.fixture
def page(controls_page):
    return controls_page


def _texts(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def _type(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def _filter(box, text: str) -> None:
    box.setText(text)
    box.flush()


def _row(page_tab, ref: str) -> int:
    rows = [r.name for r in page_tab.model.rows]
    return rows.index(ref)


# -- catalogs ---------------------------------------------------------------------------------


def test_catalogs_list_their_controls_filter_and_keep_notes(qtbot, page, ws):
    tab = page.catalogs
    assert _texts(tab.catalog_model, 1) == ["eu_ai_act", "iso_42001", "nist_ai_rmf"]
    assert tab.catalog_model.index(1, 4).data() == "38"
    assert "Copyrighted" in tab.catalog_model.index(1, 6).data()
    assert tab.select_catalog("iso_42001")
    assert tab.control_model.rowCount() == 38
    _filter(tab.filter_box, "event logs")
    assert _texts(tab.control_model, 0) == ["A.6.2.8"]
    assert tab.count_label.text() == "1 of 38 controls"
    assert "A.6.2.8" in tab.heading.text()

    # the licensed wording goes into the notes; Save is off until they change
    assert not tab.save_button.isEnabled()
    tab.notes.setFocus()
    qtbot.keyClicks(tab.notes, "Licensed text: the organization shall record events.")
    assert tab.save_button.isEnabled()
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    control_id = ctl.find_control(ws=ws, ref="iso_42001:A.6.2.8")
    stored = records.get(ws=ws, model=Control, id=control_id)
    assert stored.notes == "Licensed text: the organization shall record events."
    assert tab.control_model.index(0, 6).data() == "yes"
    # the notes are searched too
    _filter(tab.filter_box, "organization shall")
    assert _texts(tab.control_model, 0) == ["A.6.2.8"]

    page.ctx.undo_stack.undo()
    assert records.get(ws=ws, model=Control, id=control_id).notes == ""
    assert tab.control_model.rowCount() == 0  # the filter no longer matches
    assert "No control matches" in tab.heading.text()

    _filter(tab.filter_box, "")
    tab.priority_combo.setCurrentIndex(tab.priority_combo.findData("high"))
    assert set(_texts(tab.control_model, 3)) == {"high"}


def test_opening_a_control_the_filter_hides_clears_the_filter_and_chooses_it(qtbot, page, ws):
    """Ctrl+K or the Related panel opening a control the typed filter hides."""
    tab = page.catalogs
    assert tab.select_catalog("iso_42001")
    _filter(tab.filter_box, "event logs")
    wanted = ctl.find_control(ws=ws, ref="iso_42001:A.2.2")
    assert page.show_control(wanted)
    assert tab.filter_box.text() == "" and tab.control_model.rowCount() == 38
    assert tab.current_control().id == wanted
    assert "A.2.2" in tab.heading.text()


def _write_catalog(path: Path, version: str, controls: list[dict]) -> Path:
    doc = {"key": "acme", "name": "ACME AI controls", "catalog_version": version}
    path.write_text(json.dumps({**doc, "published": "2026-01-01", "controls": controls}))
    return path


def _open_import(qtbot, page, path: Path):
    dialog = page.import_catalog()
    assert dialog is not None
    with qtbot.waitSignal(dialog.set_path(path).finished):
        pass
    return dialog


def test_a_new_catalog_then_its_next_version_with_the_diff_first(qtbot, page, ws, tmp_path):
    first = _write_catalog(
        tmp_path / "v1.json",
        "1",
        [
            {"ref": "C-1", "title": "Keep an inventory", "priority": "high"},
            {"ref": "C-2", "title": "Train people"},
            {"ref": "C-3", "title": "Review vendors"},
        ],
    )
    dialog = _open_import(qtbot, page, first)
    assert "a new catalog, ACME AI controls 1, with 3 controls" in dialog.summary.text()
    assert _texts(dialog.diff_model, 0) == ["added"] * 3
    with qtbot.waitSignal(dialog.finished):
        dialog.import_button.click()
    assert "acme" in _texts(page.catalogs.catalog_model, 1)

    # C-3 carries a status for a use case; version 2 drops it, changes C-1, adds C-4
    uc = _use_case(ws, "Claims triage")
    c3 = ctl.find_control(ws=ws, ref="acme:C-3")
    ctl.set_status(ws=ws, control_id=c3, use_case_id=uc, values={"status": "in_progress"})
    second = _write_catalog(
        tmp_path / "v2.json",
        "2",
        [
            {"ref": "C-1", "title": "Keep an inventory of AI systems", "priority": "high"},
            {"ref": "C-2", "title": "Train people"},
            {"ref": "C-4", "title": "Monitor in production", "priority": "low"},
        ],
    )
    dialog = _open_import(qtbot, page, second)
    assert "ACME AI controls 1 → 2: 1 added, 1 changed, 1 removed" in dialog.summary.text()
    rows = dialog.diff_model.rows
    assert ("changed", "C-1", "title", "", "") in rows
    assert ("removed: affects", "C-3", "", "Claims triage", "in progress") in rows
    # removing a control with a status needs consent
    assert dialog.removals.isVisible() and not dialog.import_button.isEnabled()
    dialog.removals.setChecked(True)
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.finished):
        dialog.import_button.click()
    acme = next(c for c in ctl.catalogs(ws=ws) if c.key == "acme")
    assert acme.catalog_version == "2"
    refs = [c.ref for c in ctl.controls(ws=ws, catalog_id=acme.id)]
    assert refs == ["C-1", "C-2", "C-4"]

    page.ctx.undo_stack.undo()
    acme = next(c for c in ctl.catalogs(ws=ws) if c.key == "acme")
    assert acme.catalog_version == "1"
    assert [c.ref for c in ctl.controls(ws=ws, catalog_id=acme.id)] == ["C-1", "C-2", "C-3"]


def test_a_bad_csv_catalog_names_row_and_column_and_stores_nothing(qtbot, page, ws, tmp_path):
    path = tmp_path / "ours.csv"
    path.write_text("ref,title,priority\nX-1,Inventory,high\nX-2,,urgent\n", encoding="utf-8")
    dialog = page.import_catalog()
    dialog.key_edit.setText("ours")
    dialog.name_edit.setText("Our controls")
    dialog.version_edit.setText("1")
    task = dialog.set_path(path)
    qtbot.waitUntil(lambda: dialog.problem.isVisible())
    del task
    text = dialog.problem.text()
    assert "row 3" in text and "title" in text and "'urgent' is not one of" in text
    assert not dialog.import_button.isEnabled()
    assert "ours" not in [c.key for c in ctl.catalogs(ws=ws)]
    dialog.reject()


# -- applicability ----------------------------------------------------------------------------


@pytest.fixture
def hiring(ws):
    from aipm_desktop.services import ai_act

    uc = _use_case(ws, "CV screening")
    ai_act.save_assessment(ws=ws, use_case_id=uc, answers={"employment": True})
    return uc


def test_applicability_follows_the_tier_check_and_edits_one_undo_step_each(qtbot, page, ws, hiring):
    page.tabs.setCurrentIndex(TAB_APPLICABILITY)
    assert page.show_level(hiring)
    tab = page.applicability
    names = [r.name for r in tab.model.rows]
    assert "eu_ai_act:Art. 9" in names and "eu_ai_act:Art. 26" in names
    assert all(r.applies for r in tab.model.rows)

    # a deployer is not bound by the provider's Art. 9
    tab.role_combo.setCurrentIndex(tab.role_combo.findData("deployer"))
    tab.role_combo.activated.emit(tab.role_combo.currentIndex())
    assert ctl.role_of(ws=ws, use_case_id=hiring) == "deployer"
    names = [r.name for r in tab.model.rows]
    assert "eu_ai_act:Art. 9" not in names and "eu_ai_act:Art. 26" in names

    # the editor: status, owner and due date, Ctrl+Return saves
    tab.table.selectRow(_row(tab, "eu_ai_act:Art. 26"))
    assert "tier check" in tab.source_label.text()
    tab.status_combo.setCurrentIndex(tab.status_combo.findData("implemented"))
    _type(qtbot, tab.owner_edit, "Ana Ruiz")
    _type(qtbot, tab.due_edit, "2027-03-31")
    qtbot.keySequence(tab.due_edit, QKeySequence("Ctrl+Return"))
    art26 = next(r for r in tab.rows if r.name == "eu_ai_act:Art. 26")
    assert (art26.status, art26.owner) == ("implemented", "Ana Ruiz")
    assert str(art26.due_date) == "2027-03-31"
    assert art26.decided_by == "set"
    assert tab.model.index(_row(tab, "eu_ai_act:Art. 26"), 4).data() == "implemented"

    # a bad date is refused in the form, nothing stored
    _type(qtbot, tab.due_edit, "next week")
    assert not tab.save()
    assert "not a date" in tab.problem.text()

    # not applicable needs a justification
    _type(qtbot, tab.due_edit, "2027-03-31")
    tab.applies_combo.setCurrentIndex(tab.applies_combo.findData("not_applicable"))
    tab.justification.clear()
    assert not tab.save()
    assert "justification is required" in tab.problem.text()
    assert next(r for r in tab.rows if r.name == "eu_ai_act:Art. 26").applies
    _type(qtbot, tab.justification, "The vendor runs the screening; we only read its output")
    assert tab.save()
    art26 = next(r for r in tab.rows if r.name == "eu_ai_act:Art. 26")
    assert not art26.applies and art26.justification.startswith("The vendor")
    assert "eu_ai_act:Art. 26" not in [r.name for r in tab.model.rows]  # shows what applies

    page.ctx.undo_stack.undo()
    assert next(r for r in tab.rows if r.name == "eu_ai_act:Art. 26").applies
    page.ctx.undo_stack.undo()  # the status, owner and due date
    art26 = next(r for r in tab.rows if r.name == "eu_ai_act:Art. 26")
    assert art26.decided_by == "obligation item" and art26.status == "not_started"
    page.ctx.undo_stack.undo()  # the role
    assert ctl.role_of(ws=ws, use_case_id=hiring) == "both"
    assert "eu_ai_act:Art. 9" in [r.name for r in tab.model.rows]


def test_status_and_owner_edit_in_the_table_and_links_are_stored(qtbot, page, ws, hiring):
    from aipm_desktop.models import Risk
    from aipm_desktop.services import risks

    risk, _ = records.create(ws=ws, model=Risk, data={"title": "Biased shortlists"})
    risks.set_links(ws=ws, risk_id=risk.id, use_case_ids=[hiring])
    page.tabs.setCurrentIndex(TAB_APPLICABILITY)
    page.show_level(hiring)
    tab = page.applicability
    row = _row(tab, "eu_ai_act:Art. 14")
    status = tab.model.index(row, 4)
    tab.table.setCurrentIndex(status)
    qtbot.keyClick(tab.table, Qt.Key.Key_F2)
    editor = tab.table.indexWidget(status)
    editor.setCurrentIndex(editor.findData("in_progress"))
    editor.activated.emit(editor.currentIndex())  # picked from the list
    qtbot.waitUntil(
        lambda: next(r for r in tab.rows if r.name == "eu_ai_act:Art. 14").status == "in_progress"
    )
    owner = tab.model.index(_row(tab, "eu_ai_act:Art. 14"), 5)
    tab.table.setCurrentIndex(owner)
    qtbot.keyClicks(tab.table, "L")  # typing starts the edit
    editor = tab.table.indexWidget(owner)
    qtbot.keyClicks(editor, "ee Chen")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: next(r for r in tab.rows if r.name == "eu_ai_act:Art. 14").owner == "Lee Chen"
    )
    art14 = next(r for r in tab.rows if r.name == "eu_ai_act:Art. 14")
    assert (art14.status, art14.owner) == ("in_progress", "Lee Chen")

    tab.table.selectRow(_row(tab, "eu_ai_act:Art. 14"))
    risks = tab.link_lists["risks"]
    assert [risks.item(i).text() for i in range(risks.count())] == ["Biased shortlists"]
    risks.item(0).setCheckState(Qt.CheckState.Checked)
    assert tab.save()
    art14 = next(r for r in tab.rows if r.name == "eu_ai_act:Art. 14")
    linked = ctl.linked_records(ws=ws, status_id=art14.status_id)
    assert linked.risks == ((risk.id, "Biased shortlists"),)
    # the clear button forgets what was set (the tier check decides again)
    assert tab.clear_button.isEnabled()
    assert tab.clear()
    art14 = next(r for r in tab.rows if r.name == "eu_ai_act:Art. 14")
    assert art14.decided_by == "obligation item" and art14.owner == ""


def test_the_workspace_level_lists_organisation_controls_with_an_empty_state(page, ws):
    page.tabs.setCurrentIndex(TAB_APPLICABILITY)
    tab = page.applicability
    assert page.use_case_id() is None
    assert tab.model.rowCount() == 0
    assert tab.empty_label.isVisible() and "No organisation-wide control" in tab.empty_label.text()
    tab.show_combo.setCurrentIndex(tab.show_combo.findData("in_scope"))
    names = [r.name for r in tab.model.rows]
    assert "eu_ai_act:Art. 4" in names and "iso_42001:A.2.2" in names
    assert all(r.scope == "organisation" for r in tab.model.rows)
    tab.table.selectRow(_row(tab, "iso_42001:A.2.2"))
    tab.applies_combo.setCurrentIndex(0)
    assert tab.save()
    tab.show_combo.setCurrentIndex(tab.show_combo.findData("applies"))
    assert [r.name for r in tab.model.rows] == ["iso_42001:A.2.2"]
    assert not tab.role_combo.isEnabled()  # a role belongs to a use case


# -- crosswalk --------------------------------------------------------------------------------


def test_crosswalk_lines_are_added_refused_removed_and_undone(qtbot, page, ws):
    page.tabs.setCurrentIndex(TAB_CROSSWALK)
    tab = page.crosswalk
    before = tab.model.rowCount()
    assert before == len(ctl.builtin_crosswalk())
    dialog = tab.add_line()
    first = ctl.find_control(ws=ws, ref="iso_42001:A.2.2")
    second = ctl.find_control(ws=ws, ref="iso_42001:A.6.2.8")
    dialog.choose(first, second)
    assert not dialog.add()
    assert "same catalog" in dialog.problem.text()
    shipped = ctl.find_control(ws=ws, ref="nist_ai_rmf:GOVERN 1.2")
    dialog.choose(shipped, first)  # either way round
    assert not dialog.add()
    assert "already linked" in dialog.problem.text()
    third = ctl.find_control(ws=ws, ref="nist_ai_rmf:GOVERN 1.6")
    dialog.choose(first, third)
    dialog.strength_combo.setCurrentIndex(dialog.strength_combo.findData("equivalent"))
    _type(qtbot, dialog.note_edit, "Both want a written policy")
    assert dialog.add()
    assert tab.model.rowCount() == before + 1
    _filter(tab.filter_box, "written policy")
    assert [(m.from_control, m.to_control, m.strength) for m in tab.model.rows] == [
        ("iso_42001:A.2.2", "nist_ai_rmf:GOVERN 1.6", "equivalent")
    ]
    tab.table.setFocus()
    tab.table.selectRow(0)
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    assert tab.model.rowCount() == 0
    assert len(ctl.mappings(ws=ws)) == before
    page.ctx.undo_stack.undo()
    assert tab.model.rowCount() == 1


def test_the_keyboard_reaches_the_page_actions(qtbot, page):
    page.activateWindow()
    page.tabs.setCurrentIndex(TAB_CROSSWALK)
    page.crosswalk.table.setFocus()
    qtbot.keySequence(page.crosswalk.table, QKeySequence("Ctrl+F"))
    assert page.crosswalk.filter_box.hasFocus()
    qtbot.keySequence(page.crosswalk.filter_box, QKeySequence("Ctrl+I"))
    assert page.import_dialog is not None and page.import_dialog.isVisible()
    page.import_dialog.reject()
    qtbot.waitUntil(lambda: page.import_dialog is None)
    qtbot.keySequence(page.crosswalk.table, QKeySequence("Ctrl+Shift+N"))
    assert page.tabs.currentWidget() is page.evidence
    assert page.evidence.dialog is not None and page.evidence.dialog.isVisible()
    page.evidence.dialog.reject()
