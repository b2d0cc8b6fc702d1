"""The Operations area's Feedback tab as a user works it: a triage key saves the item and
chooses the next untriaged one, a selection re-classified in one undo step, the cluster
field, the search box, the import through its dialog, the trends; checked with
qtmodeltester."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt

from aipm_desktop.services import triage
from aipm_desktop.ui.operations.feedback_import import FeedbackImportDialog, PreviewModel
from aipm_desktop.ui.widgets.lazy_table import ListPane


@pytest.fixture
def tab(operations_page, qtbot):
    page = operations_page
    page.tabs.setCurrentWidget(page.feedback)
    qtbot.waitUntil(page.feedback.isVisible)
    return page.feedback


def _key(qtbot, tab, key: str) -> None:
    """Press ``key`` with the focus in the inbox list, as a user triaging does."""
    table = tab.list_pane.table
    tab.window().activateWindow()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, key)


def _untriaged(ws, ids: list[int]) -> list[int]:
    return [i.id for i in triage.items(ws=ws, ids=ids) if i.triage_class == "untriaged"]


def test_the_inbox_lists_the_demo_newest_first_and_passes_the_model_tester(
    tab, sample_ws, qtmodeltester
):
    model = tab.master.model
    assert model.rowCount() == triage.count_items(ws=sample_ws) == 150
    assert tab.list_pane.count_label.text() == "150 items"
    first = triage.item(ws=sample_ws, item_id=model.id_at(0))
    assert first.date == max(i.date for i in triage.items(ws=sample_ws, ids=model.ids()))
    classes = {model.index(r, 1).data() for r in range(model.rowCount())}
    assert {"UX", "Data", "Model", "Policy", "Not AI", "Untriaged"} == classes
    assert tab.detail.info is not None and tab.detail.info.id == model.id_at(0)
    qtmodeltester.check(model)


def test_pressing_3_saves_model_and_chooses_the_next_untriaged_item(qtbot, tab, sample_ws, app_ctx):
    model = tab.master.model
    order = model.ids()
    open_ids = _untriaged(sample_ws, order)
    tab.master.select(open_ids[0])
    steps = app_ctx.undo_stack.count()
    _key(qtbot, tab, "3")
    assert triage.item(ws=sample_ws, item_id=open_ids[0]).triage_class == "model"
    assert tab.current_id() == open_ids[1]  # the next untriaged below, not the next row
    assert tab.detail.info is not None and tab.detail.info.id == open_ids[1]
    assert model.index(model.row_of(open_ids[0]), 1).data() == "Model"
    assert app_ctx.undo_stack.count() == steps + 1
    assert "Model" in tab.detail.class_buttons["model"].toolTip()
    assert "(key 3)" in tab.detail.class_buttons["model"].toolTip()
    app_ctx.undo_stack.undo()
    assert triage.item(ws=sample_ws, item_id=open_ids[0]).triage_class == "untriaged"
    qtbot.waitUntil(lambda: model.index(model.row_of(open_ids[0]), 1).data() == "Untriaged")


def test_with_the_untriaged_filter_a_key_takes_the_item_off_the_list(qtbot, tab, sample_ws):
    combo = tab.class_combo
    combo.setCurrentIndex(combo.findData("untriaged"))
    model = tab.master.model
    count = model.rowCount()
    assert count == 32
    first, second = model.id_at(0), model.id_at(1)
    tab.master.select(first)
    _key(qtbot, tab, "1")
    assert triage.item(ws=sample_ws, item_id=first).triage_class == "ux"
    assert model.rowCount() == count - 1 and model.row_of(first) is None
    assert tab.current_id() == second
    assert tab.list_pane.count_label.text() == f"{count - 1} items"


def test_a_selection_is_reclassified_in_one_undo_step(qtbot, tab, sample_ws, app_ctx):
    model = tab.master.model
    chosen = model.ids()[3:8]
    before = {i.id: i.triage_class for i in triage.items(ws=sample_ws, ids=chosen)}
    tab.list_pane.select_ids(chosen)
    assert tab.detail.stack.currentWidget() is tab.detail.selection_page
    steps = app_ctx.undo_stack.count()
    _key(qtbot, tab, "4")
    assert {i.triage_class for i in triage.items(ws=sample_ws, ids=chosen)} == {"policy"}
    assert app_ctx.undo_stack.count() == steps + 1
    assert app_ctx.undo_stack.undoText() == "re-classify 5 feedback items as Policy"
    # the dialog: a class and a cluster for the whole selection
    tab.list_pane.select_ids(chosen)
    dialog = tab.open_reclassify_dialog()
    dialog.class_combo.setCurrentIndex(dialog.class_combo.findData("data"))
    dialog.cluster.setText("stale order data")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    found = triage.items(ws=sample_ws, ids=chosen)
    assert {(i.triage_class, i.cluster) for i in found} == {("data", "stale order data")}
    app_ctx.undo_stack.undo()
    app_ctx.undo_stack.undo()
    after = {i.id: i.triage_class for i in triage.items(ws=sample_ws, ids=chosen)}
    assert after == before


def test_the_cluster_field_completes_and_saves(qtbot, tab, sample_ws):
    item_id = tab.master.model.id_at(0)
    tab.master.select(item_id)
    completions = tab.detail.completer.model().stringList()
    assert "refund policy hallucination" in completions
    field = tab.detail.cluster
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    field.selectAll()
    qtbot.keyClicks(field, "slow drafts at peak")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert triage.item(ws=sample_ws, item_id=item_id).cluster == "slow drafts at peak"
    combo = tab.detail.link_combos["use_case_id"]
    combo.setCurrentIndex(combo.findText("Agent reply drafts"))
    assert triage.item(ws=sample_ws, item_id=item_id).links == {"use_case_id": "Agent reply drafts"}


def test_the_search_box_uses_the_full_text_index(qtbot, tab, sample_ws):
    box = tab.list_pane.filter_box
    box.setText("refund wind")
    box.flush()
    model = tab.master.model
    expected = triage.list_ids(ws=sample_ws, search="refund wind")
    qtbot.waitUntil(lambda: model.ids() == expected)
    assert 0 < len(expected) < 150
    assert all("refund" in i.text.lower() for i in triage.items(ws=sample_ws, ids=expected))


def test_an_import_through_the_dialog_is_one_undo_step(qtbot, tab, sample_ws, app_ctx, tmp_path):
    source = tmp_path / "tickets.csv"
    source.write_text(
        "text,date,source,customer,tags\n"
        "Drafts quote a warranty we do not offer,2026-01-05,Zendesk,Acme,\n"
        "Bot answers in the wrong language,2026-01-06,Intercom,Acme,i18n\n",
        encoding="utf-8",
    )
    dialog = tab.open_import_dialog()
    assert isinstance(dialog, FeedbackImportDialog)
    with qtbot.waitSignal(dialog.set_path(source).finished):
        pass
    assert dialog.preview is not None and dialog.preview.to_write == 2
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.finished, timeout=20_000):
        dialog.import_button.click()
    assert dialog.imported == 2
    qtbot.waitUntil(lambda: tab.master.model.rowCount() == 152)
    assert app_ctx.undo_stack.undoText() == "import 2 feedback items from tickets.csv"
    app_ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: tab.master.model.rowCount() == 150)
    assert triage.list_ids(ws=sample_ws, search="warranty") == []


def test_a_bad_file_is_listed_and_cannot_be_imported(qtbot, tab, tmp_path, qtmodeltester):
    source = tmp_path / "bad.csv"
    source.write_text("text,date,source,customer\n,2026-01-05,Z,C\nok,soon,Z,C\n", "utf-8")
    dialog = tab.open_import_dialog()
    with qtbot.waitSignal(dialog.set_path(source).finished):
        pass
    assert not dialog.import_button.isEnabled()
    assert dialog.problem.isVisibleTo(dialog)
    lines = dialog.model.rows
    assert [(n, what, column) for n, what, column, _d, _t in lines] == [
        (2, "Rejected", "text"),
        (3, "Rejected", "date"),
    ]
    assert lines[0][4] == "the text is empty"
    assert isinstance(dialog.model, PreviewModel)
    qtmodeltester.check(dialog.model)
    dialog.reject()


def test_the_trends_show_counts_and_top_clusters(qtbot, tab):
    tab.trends_button.click()
    qtbot.waitUntil(tab.stats.isVisible)
    assert not tab.inbox_filters.isVisible()
    assert "150 items in all" in tab.stats.totals.text()
    assert tab.stats.canvas.figure().axes  # drawn
    assert tab.stats.top is not None
    assert tab.stats.top_title.text().startswith("Top clusters: ")


def test_an_empty_inbox_says_how_to_import(qtbot, app_ctx, ws):
    from aipm_desktop.ui.operations.page import OperationsPage

    app_ctx.set_workspace(ws)
    tab = OperationsPage(app_ctx).feedback
    qtbot.addWidget(tab.window())
    tab.window().show()
    tab.window().tabs.setCurrentWidget(tab)
    pane = tab.list_pane
    qtbot.waitUntil(pane.empty_label.isVisible)
    assert pane.empty_label.text().startswith("No feedback yet. Import a CSV or XLSX of tickets")


def test_a_long_inbox_is_read_a_window_at_a_time_as_the_user_scrolls(
    qtbot, sample_ws, qtmodeltester
):
    spec = dataclasses.replace(triage.inbox_spec(lambda: sample_ws), window=40)
    pane = ListPane(spec, sample_ws)
    qtbot.addWidget(pane)
    pane.resize(600, 400)
    pane.show()
    model = pane.model
    assert model.rowCount() == 40 and pane.count_label.text() == "150 items"
    assert model.ids() == triage.list_ids(ws=sample_ws)[:40]
    pane.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() >= 80)
    while model.canFetchMore():
        pane.table.scrollToBottom()
        qtbot.wait(10)
    assert model.ids() == triage.list_ids(ws=sample_ws)
    pane.filter_box.setText("refund")
    pane.filter_box.flush()
    found = triage.list_ids(ws=sample_ws, search="refund")
    qtbot.waitUntil(lambda: model.ids() == found[:40])
    assert pane.count_label.text() == f"{len(found)} items"
    qtmodeltester.check(model)
