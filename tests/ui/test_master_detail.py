"""The master-detail pane: list beside a detail widget, current record kept across refreshes."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from aipm_desktop.models import UseCase
from aipm_desktop.services import records
from aipm_desktop.services.changes import Changes
from aipm_desktop.services.listing import use_case_list_spec
from aipm_desktop.ui.widgets.master_detail import MasterDetail


def _make(qtbot, app_ctx, ws, titles):
    app_ctx.set_workspace(ws)
    ids = [records.create(ws=ws, model=UseCase, data={"title": t})[0].id for t in titles]
    shown: list = []
    pane = MasterDetail(
        use_case_list_spec(),
        ws,
        QLabel("detail"),
        show=shown.append,
        settings=app_ctx.settings,
        name="testMasterDetail",
    )
    qtbot.addWidget(pane)
    pane.resize(900, 500)
    pane.show()
    return pane, ids, shown


def test_current_record_survives_refresh_and_resort(qtbot, app_ctx, ws):
    pane, ids, shown = _make(qtbot, app_ctx, ws, ["Alpha", "Bravo", "Charlie"])
    pane.select(ids[1])
    assert pane.current_id() == ids[1]
    assert shown == [ids[1]]
    records.update(ws=ws, model=UseCase, id=ids[1], data={"title": "Zulu"})
    pane.apply_changes(Changes("use_case", (ids[1],), "update"))
    assert pane.current_id() == ids[1]
    assert pane.list_pane.current_id() == ids[1]
    assert shown == [ids[1]]  # the detail was not told to load another record


def test_when_the_current_record_leaves_the_list_its_neighbour_is_shown(qtbot, app_ctx, ws):
    pane, ids, shown = _make(qtbot, app_ctx, ws, ["Alpha", "Bravo", "Charlie"])
    pane.select(ids[1])
    pane.list_pane.filter_box.setText("Charlie")
    pane.list_pane.filter_box.flush()
    assert pane.current_id() == ids[2]
    assert shown[-1] == ids[2]
    pane.list_pane.filter_box.setText("nothing matches this")
    pane.list_pane.filter_box.flush()
    assert pane.current_id() is None
    assert shown[-1] is None


def test_splitter_sizes_are_kept(qtbot, app_ctx, ws):
    pane, _ids, _shown = _make(qtbot, app_ctx, ws, ["Alpha"])
    pane.splitter.splitterMoved.emit(300, 1)
    assert app_ctx.settings.splitter_state("testMasterDetail") is not None
