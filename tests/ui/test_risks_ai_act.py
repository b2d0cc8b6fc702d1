"""The Risks area's EU AI Act tab: live suggested tier, save, obligations, undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QDialogButtonBox

from aipm_desktop.models import ComplianceObligation, UseCase
from aipm_desktop.services import ai_act, records
from aipm_desktop.services.changes import Changes


@pytest.fixture
def tab(qtbot, app_ctx, ws):
    from aipm_desktop.ui.risks.page import RisksPage

    for title in ("CV screening", "Support chatbot"):
        records.create(ws=ws, model=UseCase, data={"title": title})
    app_ctx.set_workspace(ws)
    page = RisksPage(app_ctx)
    qtbot.addWidget(page)
    page.resize(1300, 850)
    page.show()
    page.tabs.setCurrentWidget(page.ai_act)
    qtbot.waitExposed(page)
    return page.ai_act


def _use_case(ws, title):
    with ws.session() as session:
        from sqlmodel import select

        return session.exec(select(UseCase).where(UseCase.title == title)).one().id


def test_employment_yes_is_high_risk_live_then_saved_with_12_obligations(qtbot, tab, app_ctx, ws):
    cv = _use_case(ws, "CV screening")
    tab.select_use_case(cv)
    assert tab.tier_badge.text() == "Not assessed"
    assert "not legal advice" in tab.findChild(type(tab.heading), "disclaimerBox").text()
    dialog = tab.open_questionnaire()
    assert dialog.tier_badge.text() == "Minimal risk"
    qtbot.mouseClick(dialog.yes_buttons["employment"], Qt.MouseButton.LeftButton)
    assert dialog.tier_badge.text() == "High-risk"
    assert "employment" in dialog.reasons_label.text()
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert ai_act.get_assessment(ws=ws, use_case_id=cv).tier == "high"
    assert tab.tier_badge.text() == "High-risk"
    assert tab.obligations.rowCount() == 12
    assert tab.obligations.isVisible()
    assert tab.obligations.item(0, 0).text() == "Art. 9"
    # Ctrl+Z removes the assessment and its obligations.
    app_ctx.undo_stack.undo()
    assert ai_act.get_assessment(ws=ws, use_case_id=cv) is None
    assert tab.tier_badge.text() == "Not assessed"
    assert not tab.obligations.isVisible()
    assert ai_act.obligations(ws=ws, use_case_id=cv) == []


def test_chatbot_is_limited(qtbot, tab, ws):
    bot = _use_case(ws, "Support chatbot")
    dialog = tab.open_questionnaire(bot)
    dialog.set_answer("interacts_with_people", True)
    assert dialog.tier_badge.text() == "Limited risk"
    assert dialog.save()
    assert ai_act.get_assessment(ws=ws, use_case_id=bot).tier == "limited"
    row = tab.use_case_ids.index(bot)
    assert tab.use_case_table.item(row, 1).toolTip() == "Limited risk"
    assert tab.obligations.rowCount() == 0 or not tab.obligations.isVisible()


def test_obligation_status_and_owner_edits_are_undoable(qtbot, tab, app_ctx, ws):
    cv = _use_case(ws, "CV screening")
    dialog = tab.open_questionnaire(cv)
    dialog.set_answer("employment", True)
    assert dialog.save()
    table = tab.obligations
    table.set_value(0, "status", "done")
    index = table.model().index(1, 3)  # owner of the second obligation
    table.setCurrentIndex(index)
    table.edit(index)
    owner = table.indexWidget(index)
    assert owner is not None  # an editor exists only while a cell is edited
    qtbot.keyClicks(owner, "Legal team")
    qtbot.keyClick(owner, Qt.Key.Key_Return)
    # The delegate commits on the next turn of the event loop.
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)
    items = ai_act.obligations(ws=ws, use_case_id=cv)
    assert items[0].status == "done"
    assert items[1].owner == "Legal team"
    assert "1 of 12 done" in tab.obligations_title.text()
    app_ctx.undo_stack.undo()
    app_ctx.undo_stack.undo()
    first = records.get(ws=ws, model=ComplianceObligation, id=items[0].id)
    assert first.status == "open"
    assert table.value(0, "status") == "open"
    assert table.item(0, 2).text() == "Open"


def test_the_tab_reads_its_use_cases_only_when_opened_and_keeps_up_after(qtbot, app_ctx, ws):
    from aipm_desktop.ui.risks.page import RisksPage

    records.create(ws=ws, model=UseCase, data={"title": "CV screening"})
    app_ctx.set_workspace(ws)
    page = RisksPage(app_ctx)
    qtbot.addWidget(page)
    page.resize(1300, 850)
    page.show()
    qtbot.waitExposed(page)
    tab = page.ai_act
    assert tab.use_case_table.rowCount() == 0  # the register is showing: nothing read yet
    page.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.use_case_table.rowCount() == 1)
    page.tabs.setCurrentIndex(0)
    records.create(ws=ws, model=UseCase, data={"title": "Support chatbot"})
    app_ctx.notify(Changes("use_case", (), "create"))
    page.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.use_case_table.rowCount() == 2)
