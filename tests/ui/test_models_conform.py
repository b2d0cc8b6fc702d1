"""Every item model in ``aipm_desktop.ui`` passes pytest-qt's ``qtmodeltester`` on the demo.

One test per model class (the lazy list model once per list spec the views use). Each
test attaches the tester first, then fills the model the way its view does and changes it
(sort, filter, another ranking, more weeks, another preview), so the tester checks every
reset and layout change too. :func:`_read_everything` then asks every cell for every role
through Qt (as a view would) and every header section: an override that raises fails the
test (pytest-qt captures exceptions in virtual methods), an inconsistent model fails it
through the tester's Qt warnings (``qt_log_level_fail``).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, Qt
from sqlalchemy import func, select

from aipm_desktop.models import MitigationAction
from aipm_desktop.services import clock, documents, kpis, risks, scoring
from aipm_desktop.services.listing import ListSpec, use_case_list_spec
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.store import Workspace, open_workspace

USER_ROLE = int(Qt.ItemDataRole.UserRole.value)
#: Every standard role (DisplayRole 0 ... InitialSortOrderRole 14) and a few user roles.
ROLES = [*range(15), *range(USER_ROLE, USER_ROLE + 4)]
#: The demo is dated from this day, and so are the expectations on it.
DEMO_DAY = clock.today()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("models") / "demo.aipm"
    new_workspace(path, demo=True, today=DEMO_DAY).close()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Workspace]:
    """A copy of the demo workspace for this test."""
    path = tmp_path / "demo.aipm"
    shutil.copyfile(demo_file, path)
    ws = open_workspace(path)
    yield ws
    ws.close()


@pytest.fixture
def ctx(app_ctx, demo):
    app_ctx.set_workspace(demo)
    return app_ctx


def _read_everything(model: QAbstractItemModel) -> int:
    """Every role of every cell (through Qt) and every header; returns the cells read."""
    is_list = isinstance(model, QAbstractListModel)  # its columnCount is not public
    rows, columns = model.rowCount(), 1 if is_list else model.columnCount()
    for row in range(rows):
        for column in range(columns):
            index = model.index(row, column)
            assert index.isValid() and index.model() is model
            assert not index.parent().isValid()
            assert model.rowCount(index) == 0 and (is_list or model.columnCount(index) == 0)
            model.flags(index)
            for role in ROLES:
                index.data(role)
    assert not model.index(rows, 0).isValid()
    assert not model.index(0, columns).isValid()
    for orientation, count in (
        (Qt.Orientation.Horizontal, columns),
        (Qt.Orientation.Vertical, rows),
    ):
        for section in range(count):
            for role in ROLES:
                model.headerData(section, orientation, role)
    return rows * columns


# -- the lazy list model, once per list the views show ------------------------------------


def _action_spec(ws: Workspace) -> ListSpec:
    """The mitigation actions of the demo risk with the most actions (the risk form's list)."""
    from aipm_desktop.ui.risks.form import _action_spec

    with ws.session() as session:
        risk_id = session.execute(
            select(MitigationAction.risk_id)
            .group_by(MitigationAction.risk_id)
            .order_by(func.count().desc(), MitigationAction.risk_id)
            .limit(1)
        ).scalar_one()
    return _action_spec(risk_id)


LIST_SPECS: dict[str, Callable[[Workspace], ListSpec]] = {
    "use_cases": lambda ws: use_case_list_spec(),
    "risks": lambda ws: risks.risk_list_spec(ws=ws, today=DEMO_DAY),
    "documents": lambda ws: documents.document_list_spec(),
    "mitigation_actions": _action_spec,
}


@pytest.mark.parametrize("name", sorted(LIST_SPECS))
def test_lazy_table_model(qtmodeltester, demo, name):
    from aipm_desktop.ui.widgets.lazy_table import ID_ROLE, LazyTableModel

    spec = LIST_SPECS[name](demo)
    # Small pages: reading every row loads, evicts and reloads pages.
    model = LazyTableModel(spec, None, page_size=3, max_pages=2)
    qtmodeltester.check(model)
    model.set_workspace(demo)
    assert model.rowCount() > 1, f"the demo has no {name}"
    assert _read_everything(model) > 0
    assert model.cached_pages <= 2
    assert [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())] == model.ids()

    for column, list_column in enumerate(spec.columns):
        if list_column.sortable:
            model.sort(column, Qt.SortOrder.DescendingOrder)
    first = model.index(0, 0).data()
    model.set_text_filter(first.split()[0] if first and first.split() else "a")
    assert model.rowCount() >= 1
    _read_everything(model)
    model.set_text_filter("no row has this text 7f3a")
    assert model.rowCount() == 0
    model.set_text_filter("")
    model.refresh()
    _read_everything(model)
    model.set_workspace(None)
    assert model.rowCount() == 0


# -- the scoring grid, the ranking stability table ----------------------------------------


def test_score_grid_model(qtmodeltester, qtbot, ctx):
    from aipm_desktop.ui.usecases.grid import GridTab
    from aipm_desktop.ui.usecases.grid_model import FED_ROLE

    tab = GridTab(ctx)
    qtbot.addWidget(tab)
    model = tab.grid_model
    qtmodeltester.check(model)
    ws = ctx.workspace
    tab.show_ranking(scoring.rank(ws=ws), None)
    assert model.rowCount() > 1 and model.columnCount() > 3
    assert any(not row.complete for row in model.rows), "the demo has an incomplete use case"
    _read_everything(model)
    # The same columns with the risk criterion fed by the register: a layout change.
    tab.show_ranking(scoring.rank(ws=ws, risk_from_register=True), None)
    fed = [
        (row, column)
        for row in range(model.rowCount())
        for column in range(1, model.columnCount() - 2)
        if model.index(row, column).data(FED_ROLE)
    ]
    assert fed, "the demo has use cases with open residual risks"
    _read_everything(model)


def test_stability_model(qtmodeltester, qtbot, ctx):
    from aipm_desktop.ui.usecases.stability import StabilityTab

    tab = StabilityTab(ctx)
    qtbot.addWidget(tab)
    model = tab.model
    qtmodeltester.check(model)
    _read_everything(model)  # no result yet
    tab.show_result(scoring.stability(ws=ctx.workspace, draws=200, top_n=3))
    assert model.rowCount() > 1
    _read_everything(model)
    tab.show_result(
        scoring.stability(ws=ctx.workspace, draws=100, top_n=2, risk_from_register=True),
        risk_from_register=True,
    )
    _read_everything(model)


# -- KPIs: the snapshot grid, the import preview ------------------------------------------


def test_snapshot_grid_model(qtmodeltester, qtbot, ctx):
    from aipm_desktop.ui.kpis.grid import SnapshotGrid

    grid = SnapshotGrid(ctx)
    qtbot.addWidget(grid)
    model = grid.model
    qtmodeltester.check(model)
    grid.refresh()
    assert model.rowCount() > 1 and model.columnCount() > 1
    assert model.cells, "the demo has snapshots in the last weeks"
    _read_everything(model)
    grid.weeks_combo.setCurrentIndex(grid.weeks_combo.findData(52))
    assert model.rowCount() == 52
    _read_everything(model)
    model.readonly = True
    _read_everything(model)


def test_kpi_list_model(qtmodeltester, ctx):
    from aipm_desktop.ui.kpis.page import KpiListModel

    model = KpiListModel()
    qtmodeltester.check(model)
    _read_everything(model)  # empty
    statuses = kpis.status_all(ws=ctx.workspace, today=DEMO_DAY)
    model.set_statuses(statuses)
    assert model.rowCount() == len(statuses) > 1
    _read_everything(model)
    model.set_statuses(statuses[:1])
    _read_everything(model)


def test_import_preview_model(qtmodeltester, ctx, tmp_path):
    from aipm_desktop.ui.kpis.import_dialog import PreviewModel, preview_lines

    ws = ctx.workspace
    latency = next(s for s in kpis.status_all(ws=ws) if s.name == "Reply draft latency P95")
    monday = DEMO_DAY - dt.timedelta(days=DEMO_DAY.weekday())
    stored = kpis.series(ws=ws, kpi_id=latency.kpi_id)[0][-1]
    source = tmp_path / "snapshots.csv"
    source.write_text(
        "kpi,date,value,note\n"
        f"Reply draft latency P95,{monday + dt.timedelta(days=7)},4.1,after caching\n"
        f"latency_p95,{stored},5.0,\n"
        f"Reply draft latency P95,{monday + dt.timedelta(days=8)},fast,\n"
        f"No such KPI,{monday},1,\n",
        encoding="utf-8",
    )
    model = PreviewModel()
    qtmodeltester.check(model)
    _read_everything(model)  # empty
    seen: set[str] = set()
    for on_duplicate in ("replace", "skip"):
        preview = kpis.preview_import(ws=ws, source=source, on_duplicate=on_duplicate)
        model.set_rows(preview_lines(preview))
        assert model.rowCount() == 4
        seen |= {line[1] for line in model.rows}
        _read_everything(model)
    assert seen == {"add", "replace", "skip", "rejected"}
    model.set_rows([])
    assert model.rowCount() == 0
