"""The Related panel follows every area: choose a record in Launch, Evaluations, Costs,
Interviews or Controls as a user would (a click in its list) and the panel lists what is
linked to it; a click on a linked record opens it in its own area, chosen there."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from aipm_desktop.services.search import search

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def window(qtbot, main_window, sample_ws):
    """The main window on a copy of the sample workspace, the Related panel shown
    (Ctrl+Shift+L)."""
    main_window.set_workspace(sample_ws)
    main_window.resize(1280, 720)
    main_window.activateWindow()
    qtbot.waitUntil(main_window.isActiveWindow)  # the window's shortcuts need it active
    keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(main_window, Qt.Key.Key_L, keys)
    assert main_window.go_anywhere.related_visible()
    return main_window


def _find(ws, kind: str, title: str):
    """The record of ``kind`` called ``title`` (the index's own lookup)."""
    hit = search(ws=ws, query=title, kinds=[kind], limit=1)[0]
    assert hit.title == title
    return hit


def _click_row(qtbot, view, row: int) -> None:
    """Click row ``row`` of a table view."""
    view.scrollTo(view.model().index(row, 0))
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), LEFT, pos=rect.center())


def _click_item(qtbot, view, item) -> None:
    """Click ``item`` of a list or tree widget."""
    view.scrollToItem(item)
    qtbot.mouseClick(view.viewport(), LEFT, pos=view.visualItemRect(item).center())


def _links(window) -> set[tuple[str, int, str]]:
    return {(link.kind, link.id, link.direction) for link in window.go_anywhere.related.links()}


def _open_link(qtbot, window, kind: str, id: int, area: str) -> None:
    """Click the linked record (kind, id) in the panel; its area comes up."""
    panel = window.go_anywhere.related
    item = panel.item_of(kind, id)
    assert item is not None, f"{kind} {id} is not listed: {_links(window)}"
    _click_item(qtbot, panel.tree, item)
    qtbot.waitUntil(lambda: window.current_area() == area)


def _open_and_back(qtbot, window, link, area: str, subject) -> None:
    """Open ``link`` (kind, id) from the panel: chosen in ``area``, it lists ``subject``
    (the record it was linked from) as referring to it."""
    _open_link(qtbot, window, *link, area)
    assert window.pages[area].current_entity() == link
    assert (*subject, "in") in _links(window)


def test_launch_release_lists_its_use_case_which_opens(qtbot, window, sample_ws):
    window.show_area("launch")
    page = window.pages["launch"]
    release = _find(sample_ws, "release", "Answer bot GA")
    row = next(
        r
        for r in range(page.releases.rowCount())
        if page.releases.item(r, 0).text() == release.title
    )
    _click_row(qtbot, page.releases, row)
    panel = window.go_anywhere.related
    assert panel.heading.text() == f"Release: {release.title}"
    use_case = _find(sample_ws, "use_case", "Help-center answer bot")
    assert ("use_case", use_case.id, "out") in _links(window)

    # The use case lists the release back: it refers to the use case.
    _open_and_back(qtbot, window, ("use_case", use_case.id), "usecases", ("release", release.id))


def test_evaluation_suite_lists_its_use_case_which_opens(qtbot, window, sample_ws):
    window.show_area("evaluations")
    page = window.pages["evaluations"]
    suite = _find(sample_ws, "eval_suite", "Ticket triage regression set")
    _click_row(qtbot, page.list_pane.table, page.list_pane.model.row_of_key(suite.id))
    panel = window.go_anywhere.related
    assert panel.heading.text() == f"Evaluation suite: {suite.title}"
    use_case = _find(sample_ws, "use_case", "Ticket auto-triage")
    assert _links(window) == {("use_case", use_case.id, "out")}

    _open_and_back(qtbot, window, ("use_case", use_case.id), "usecases", ("eval_suite", suite.id))

    # Back from the use case's list of links: the suite opens chosen in Evaluations.
    _open_link(qtbot, window, "eval_suite", suite.id, "evaluations")
    assert page.list_pane.chosen == suite.id
    assert panel.heading.text() == f"Evaluation suite: {suite.title}"


def test_cost_model_lists_its_kpi_which_opens(qtbot, window, sample_ws):
    window.show_area("costs")
    page = window.pages["costs"]
    model = _find(sample_ws, "cost_model", "Reply drafts: large model + prompt cache")
    _click_row(qtbot, page.table, page.list_model.row_of(model.id))
    panel = window.go_anywhere.related
    assert panel.heading.text() == f"Cost model: {model.title}"
    kpi = _find(sample_ws, "kpi", "Cost per accepted draft")
    use_case = _find(sample_ws, "use_case", "Agent reply drafts")
    assert {("kpi", kpi.id, "out"), ("use_case", use_case.id, "out")} <= _links(window)

    # The price table is no record of the panel's; the Cost models tab brings it back.
    page.tabs.setCurrentWidget(page.prices)
    assert panel.subject is None
    page.tabs.setCurrentWidget(page.models_tab)
    assert panel.subject == ("cost_model", model.id)

    _open_and_back(qtbot, window, ("kpi", kpi.id), "kpis", ("cost_model", model.id))


def test_candidate_lists_their_case_which_opens_in_the_library(qtbot, window, sample_ws):
    window.show_area("interviews")
    page = window.pages["interviews"]
    candidate = _find(sample_ws, "candidate", "Ana Silva")
    names = page.candidates.list
    item = next(
        names.item(r)
        for r in range(names.count())
        if names.item(r).data(Qt.ItemDataRole.UserRole) == candidate.id
    )
    _click_item(qtbot, names, item)
    panel = window.go_anywhere.related
    assert panel.heading.text() == f"Candidate: {candidate.title}"
    case = _find(sample_ws, "case_exercise", "AI Feature PRD + Evaluation Plan")
    assert ("case_exercise", case.id, "in") in _links(window)

    panel_item = panel.item_of("case_exercise", case.id)
    _click_item(qtbot, panel.tree, panel_item)
    qtbot.waitUntil(lambda: page.tabs.currentWidget() is page.library)
    assert page.library.tabs.currentWidget() is page.library.exercises
    assert page.library.exercises.current_id() == case.id
    assert page.library.exercises.title_edit.text() == case.title
    assert panel.heading.text() == f"Interview case: {case.title}"
    # Everyone who took the case is listed; a click goes back to the candidate.
    assert ("candidate", candidate.id, "in") in _links(window)
    _click_item(qtbot, panel.tree, panel.item_of("candidate", candidate.id))
    qtbot.waitUntil(lambda: page.tabs.currentWidget() is page.candidates)
    assert page.candidates.current_id() == candidate.id


def test_interview_mode_comparison_and_debrief_show_their_candidate(qtbot, window, sample_ws):
    window.show_area("interviews")
    page = window.pages["interviews"]
    panel = window.go_anywhere.related
    ana = _find(sample_ws, "candidate", "Ana Silva")
    for tab in (page.interview, page.debrief):
        page.tabs.setCurrentWidget(tab)
        combo = tab.candidate_combo
        combo.setCurrentIndex(combo.findData(ana.id))
        qtbot.waitUntil(lambda: panel.heading.text() == f"Candidate: {ana.title}")
    page.tabs.setCurrentWidget(page.comparison)
    page.comparison.select_candidate(ana.id)
    qtbot.waitUntil(lambda: panel.heading.text() == f"Candidate: {ana.title}")


def test_control_and_evidence_link_both_ways(qtbot, window, sample_ws):
    window.show_area("controls")
    page = window.pages["controls"]
    page.tabs.setCurrentWidget(page.evidence)
    # The organisation level lists the workspace-wide evidence.
    evidence = _find(sample_ws, "evidence_item", "AI literacy training record 2026")
    _click_row(qtbot, page.evidence.table, page.evidence.model.row_of_key(evidence.id))
    panel = window.go_anywhere.related
    assert panel.heading.text() == f"Evidence: {evidence.title}"
    control = _find(sample_ws, "control", "Art. 4 AI literacy")
    assert ("control", control.id, "in") in _links(window)

    _open_link(qtbot, window, "control", control.id, "controls")
    qtbot.waitUntil(lambda: page.tabs.currentWidget() is page.catalogs)
    assert page.catalogs.current_control().id == control.id
    assert panel.heading.text() == f"Control: {control.title}"
    assert ("evidence_item", evidence.id, "in") in _links(window)

    # And back: the evidence opens in the Evidence tab, chosen.
    _click_item(qtbot, panel.tree, panel.item_of("evidence_item", evidence.id))
    qtbot.waitUntil(lambda: page.tabs.currentWidget() is page.evidence)
    assert page.evidence.current().id == evidence.id


def test_controls_gaps_follow_the_use_case_chosen(qtbot, window, sample_ws):
    window.show_area("controls")
    page = window.pages["controls"]
    use_case = _find(sample_ws, "use_case", "Help-center answer bot")
    page.tabs.setCurrentWidget(page.gaps)
    assert window.go_anywhere.related.subject is None  # the organisation
    page.level_combo.setCurrentIndex(page.level_combo.findData(use_case.id))
    panel = window.go_anywhere.related
    assert panel.heading.text() == f"Use case: {use_case.title}"
    release = _find(sample_ws, "release", "Answer bot GA")
    assert ("release", release.id, "in") in _links(window)


def test_an_audit_entry_shows_the_record_it_is_about(qtbot, window, app_ctx, sample_ws):
    from aipm_desktop.models import Risk
    from aipm_desktop.services import audit, records

    risk = _find(sample_ws, "risk", "Answer bot states refund or SLA terms that do not exist")
    _row, changes, _old = records.update(
        ws=sample_ws, model=Risk, id=risk.id, data={"owner": "Priya Nair"}
    )
    app_ctx.notify(changes)
    entry = list(audit.entries(ws=sample_ws, where=audit.LogFilter(entity="risk")))[-1]
    window.show_area("audit")
    page = window.pages["audit"]
    page.refresh()
    _click_row(qtbot, page.pane.table, page.pane.model.row_of(entry.id))
    panel = window.go_anywhere.related
    assert panel.heading.text() == f"Risk: {risk.title}"
    use_case = _find(sample_ws, "use_case", "Help-center answer bot")
    assert ("use_case", use_case.id, "in") in _links(window)  # through risk_use_case
    _open_link(qtbot, window, "use_case", use_case.id, "usecases")
    assert window.pages["usecases"].current_entity() == ("use_case", use_case.id)
