"""The shared lazy list: model checks, SQL sort/filter through the view, empty states."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import insert

from aipm_desktop.models import UseCase
from aipm_desktop.services import records, scoring
from aipm_desktop.services.changes import Changes
from aipm_desktop.services.listing import use_case_list_spec
from aipm_desktop.ui.widgets.filter_box import FilterBox
from aipm_desktop.ui.widgets.lazy_table import ID_ROLE, LazyTableModel, ListPane

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
AREAS = ["Support", "Finance", "Sales", "Legal"]
OWNERS = ["Ana Ruiz", "Ben Ode", "Chen Li", "Dara Khan", "Eli Moss"]


def _row(i: int) -> dict[str, Any]:
    return {
        "title": f"Use case {i:04d}" + (" with a long\ndescriptive title" if i == 7 else ""),
        "problem": "",
        "target_users": "",
        "value_hypothesis": "",
        "metric_name": "",
        "metric_unit": "",
        "status": "idea" if i % 3 else "pilot",
        "owner": OWNERS[i % 5],
        "area": AREAS[i % 4],
        "tags": "",
        "data_sources": "",
        "data_availability": "",
        "latency_requirement": "",
        "safety_constraints": "",
        "human_in_loop": "",
        "decision": "undecided",
        "decision_rationale": "",
    }


@pytest.fixture
def filled(ws):
    """The test workspace with 450 use cases ("Use case 0000" .. "Use case 0449")."""
    with ws.write() as session:
        session.execute(insert(UseCase.__table__), [_row(i) for i in range(450)])
    return ws


@pytest.fixture
def pane(qtbot, filled):
    widget = ListPane(use_case_list_spec(), filled)
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    return widget


def shown_titles(pane: ListPane, n: int = 3) -> list[str]:
    model = pane.table.model()
    return [model.data(model.index(row, 0), DISPLAY) for row in range(n)]


def test_model_passes_qt_model_tester(qtmodeltester, filled):
    model = LazyTableModel(use_case_list_spec(), filled, page_size=50, max_pages=4)
    qtmodeltester.check(model)
    model.set_text_filter("finance")
    qtmodeltester.check(model)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


def test_model_shows_values_ids_and_tooltips(filled):
    model = LazyTableModel(use_case_list_spec(), filled, page_size=50)
    assert model.rowCount() == 450
    assert model.columnCount() == 10  # Title .. Updated, Updated by
    assert model.headerData(0, Qt.Orientation.Horizontal, DISPLAY) == "Title"
    first = model.index(0, 0)
    assert model.data(first, DISPLAY) == "Use case 0000"
    status = model.spec.index_of("status")
    assert model.data(model.index(0, status), DISPLAY) == "Pilot"
    row_id = model.data(first, ID_ROLE)
    assert model.id_at(0) == row_id
    assert model.row_of(row_id) == 0
    # A multi-line title shows on one line; the tooltip has the full text.
    long_row = model.row_of(model.id_at(7))
    assert model.data(model.index(long_row, 0), DISPLAY) == (
        "Use case 0007 with a long descriptive title"
    )
    assert model.data(model.index(long_row, 0), TOOLTIP) == (
        "Use case 0007 with a long\ndescriptive title"
    )
    assert model.id_at(450) is None
    assert model.row_of(10**9) is None


def test_page_cache_stays_bounded(filled):
    model = LazyTableModel(use_case_list_spec(), filled, page_size=20, max_pages=3)
    for row in range(0, 450, 9):
        assert model.data(model.index(row, 0), DISPLAY) == f"Use case {row:04d}"
    assert model.cached_pages == 3


def test_sorting_through_the_view_changes_the_first_row(pane):
    assert shown_titles(pane, 1) == ["Use case 0000"]
    pane.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert shown_titles(pane, 2) == ["Use case 0449", "Use case 0448"]
    # Status sorts in lifecycle order: ideas before pilots.
    status = pane.spec.index_of("status")
    pane.table.sortByColumn(status, Qt.SortOrder.AscendingOrder)
    assert pane.table.model().data(pane.table.model().index(0, status), DISPLAY) == "Idea"
    assert pane.model.sort_key == "status"


def test_sorting_keeps_the_selection(pane):
    target = pane.model.id_at(5)
    pane.select_ids([target])
    pane.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert pane.selected_ids() == [target]
    assert pane.current_id() == target
    assert pane.model.row_of(target) == 444


def test_typing_in_the_filter_box_filters_rows(qtbot, pane):
    assert pane.count_label.text() == "450 use cases"
    with qtbot.waitSignal(pane.filter_box.filter_changed, timeout=2000) as blocker:
        qtbot.keyClicks(pane.filter_box, "finance  DARA")
    assert blocker.args == ["finance  DARA"]
    model = pane.table.model()
    # Finance: i % 4 == 1; Dara Khan: i % 5 == 3 -> i % 20 == 13.
    assert model.rowCount() == len([i for i in range(450) if i % 20 == 13])
    assert shown_titles(pane, 2) == ["Use case 0013", "Use case 0033"]
    assert pane.count_label.text() == "22 use cases"
    assert pane.table.verticalHeader().count() == 22  # the view follows the new row count


def test_filter_box_debounces_and_escape_clears(qtbot):
    box = FilterBox(delay_ms=50)
    qtbot.addWidget(box)
    assert box.placeholderText() == "Filter… (Ctrl+F)"
    assert box.isClearButtonEnabled()
    reported: list[str] = []
    box.filter_changed.connect(reported.append)
    with qtbot.waitSignal(box.filter_changed, timeout=2000):
        qtbot.keyClicks(box, "risk")
    assert reported == ["risk"]  # one signal for four keystrokes
    with qtbot.waitSignal(box.filter_changed, timeout=1000):
        qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == ""
    assert reported == ["risk", ""]


def test_refresh_after_create_keeps_selection(qtbot, pane, filled):
    target = pane.model.id_at(10)
    pane.select_ids([target])
    assert pane.selected_ids() == [target]
    _obj, changes = records.create(ws=filled, model=UseCase, data={"title": "AAA first one"})
    assert pane.apply_changes(changes)
    assert pane.model.rowCount() == 451
    assert shown_titles(pane, 1) == ["AAA first one"]
    assert pane.selected_ids() == [target]
    assert pane.model.row_of(target) == 11
    assert pane.current_id() == target
    # Changes of another kind leave the list alone.
    assert not pane.apply_changes(Changes("risk", (1,), "create"))


def test_ranks_follow_a_score_change_while_the_list_is_filtered(qtbot, sample_ws):
    pane = ListPane(use_case_list_spec(), sample_ws)
    qtbot.addWidget(pane)
    pane.show()
    rank = pane.spec.index_of("rank")
    pane.table.sortByColumn(rank, Qt.SortOrder.AscendingOrder)
    ranked = [r for r in scoring.rank(ws=sample_ws) if r.complete]
    last = ranked[-1]
    assert pane.model.index(0, 0).data(DISPLAY) == ranked[0].title
    with qtbot.waitSignal(pane.filter_box.filter_changed, timeout=2000):
        qtbot.keyClicks(pane.filter_box, last.title)
    row = pane.model.row_of(last.use_case_id)
    assert row is not None
    assert pane.model.index(row, rank).data(DISPLAY) == str(len(ranked))
    changes = None
    for crit in scoring.model_criteria(ws=sample_ws):
        best = 1 if crit.direction == "cost" else 5
        changes, _old = scoring.set_score(
            ws=sample_ws, use_case_id=last.use_case_id, criterion_id=crit.id, value=best
        )
    assert changes is not None and pane.apply_changes(changes)
    row = pane.model.row_of(last.use_case_id)
    assert pane.model.index(row, rank).data(DISPLAY) == "1"
    with qtbot.waitSignal(pane.filter_box.filter_changed, timeout=2000):
        qtbot.keyClick(pane.filter_box, Qt.Key.Key_Escape)
    assert pane.model.rowCount() == pane.model.total_count()
    # Unfiltered, it leads the list, and the former first is now second.
    assert [pane.model.index(r, 0).data(DISPLAY) for r in (0, 1)] == [
        last.title,
        ranked[0].title,
    ]
    assert [pane.model.index(r, rank).data(DISPLAY) for r in (0, 1)] == ["1", "2"]


def test_refresh_after_delete_drops_the_row(pane, filled):
    target = pane.model.id_at(3)
    pane.select_ids([target])
    changes = records.delete(ws=filled, model=UseCase, id=target)
    pane.apply_changes(changes)
    assert pane.model.rowCount() == 449
    assert pane.model.row_of(target) is None
    assert pane.selected_ids() == []


def test_column_chooser_hides_shows_and_round_trips(qtbot, pane, filled):
    chooser = pane.column_chooser
    header = pane.table.horizontalHeader()
    tags = pane.spec.index_of("tags")
    menu = chooser.menu()
    labels = [a.text() for a in menu.actions() if a.isCheckable()]
    assert labels == [
        "Title",
        "Score",
        "Rank",
        "Status",
        "Area",
        "Owner",
        "Decision",
        "Tags",
        "Updated",
        "Updated by",
    ]
    with qtbot.waitSignal(chooser.columns_changed):
        next(a for a in menu.actions() if a.text() == "Tags").trigger()
    assert header.isSectionHidden(tags)

    # Hiding everything leaves the last column visible, its menu entry disabled.
    for section in range(10):
        chooser.set_column_visible(section, False)
    assert chooser.visible_sections() == [9]
    last = next(a for a in chooser.menu().actions() if a.text() == "Updated by")
    assert last.isChecked() and not last.isEnabled()
    for section in (0, 1):
        chooser.set_column_visible(section, True)
    header.resizeSection(0, 333)
    header.moveSection(header.visualIndex(1), 0)
    pane.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    state = pane.state()

    other = ListPane(use_case_list_spec(), filled)
    qtbot.addWidget(other)
    assert other.restore_state(state)
    other_header = other.table.horizontalHeader()
    assert [other_header.isSectionHidden(s) for s in range(10)] == [
        header.isSectionHidden(s) for s in range(10)
    ]
    assert other.column_chooser.visible_sections() == [1, 0, 9]
    assert other_header.sectionSize(0) == 333
    assert other.model.sort_key == "title" and other.model.descending
    assert json.loads(other.state())["columns"] == json.loads(state)["columns"]
    # Unusable saved states change nothing.
    assert not other.column_chooser.restore_state("not json")
    assert not other.restore_state(b"\xff\xfe")
    assert not other.restore_state(None)
    assert other.column_chooser.visible_sections() == [1, 0, 9]


def test_empty_workspace_says_what_to_do(qtbot, ws):
    pane = ListPane(use_case_list_spec(), ws)
    qtbot.addWidget(pane)
    pane.show()
    assert pane.model.rowCount() == 0
    assert pane.empty_label.isVisible()
    assert not pane.table.isVisible()
    assert pane.empty_label.text().startswith("No use cases yet. Add your first")
    pane.set_empty_text("No use cases yet. Click New use case to add one.")
    assert pane.empty_label.text() == "No use cases yet. Click New use case to add one."
    _obj, changes = records.create(ws=ws, model=UseCase, data={"title": "First"})
    pane.apply_changes(changes)
    assert pane.table.isVisible()
    assert not pane.empty_label.isVisible()


def test_no_matches_names_the_filter(qtbot, pane):
    with qtbot.waitSignal(pane.filter_box.filter_changed, timeout=2000):
        qtbot.keyClicks(pane.filter_box, "zebra")
    assert pane.model.rowCount() == 0
    assert pane.empty_label.isVisible()
    assert pane.empty_label.text().startswith("No matches for “zebra”.")
    assert pane.count_label.text() == "0 use cases"
    pane.filter_box.setFocus()
    qtbot.keyClick(pane.filter_box, Qt.Key.Key_Escape)
    assert pane.model.rowCount() == 450
    assert pane.table.verticalHeader().count() == 450
    assert pane.table.isVisible()
    pane.set_filters({"area": "Nowhere"})
    assert pane.empty_label.text() == "No use cases match the current filters."


def test_activation_reports_the_row_id(qtbot, pane):
    index = pane.table.model().index(2, 0)
    with qtbot.waitSignal(pane.activated) as blocker:
        pane.table.activated.emit(index)
    assert blocker.args == [pane.model.id_at(2)]
    with qtbot.waitSignal(pane.current_changed) as blocker:
        pane.table.setCurrentIndex(pane.table.model().index(4, 1))
    assert blocker.args == [pane.model.id_at(4)]


def test_select_ids_selects_runs_and_skips_unknown(pane):
    ids = pane.model.ids()
    wanted = [*ids[3:8], ids[20], *ids[30:32]]
    pane.select_ids([*reversed(wanted), 10**9])
    assert pane.selected_ids() == wanted
    assert pane.current_id() == ids[3]
    pane.select_ids([ids[40]], current=ids[40])
    assert pane.selected_ids() == [ids[40]]


def test_ctrl_f_focuses_the_filter_box(qtbot, pane):
    pane.activateWindow()
    qtbot.waitUntil(lambda: pane.isActiveWindow())
    pane.table.setFocus()
    qtbot.waitUntil(lambda: pane.table.hasFocus())
    qtbot.keyClick(pane.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert pane.filter_box.hasFocus()


# -- colour chips, empty-cell tooltips, saved column layouts ------------------------------


def _coloured_spec():
    """The use-case list with its status shown as a colour chip."""
    import dataclasses

    spec = use_case_list_spec()
    columns = tuple(
        dataclasses.replace(c, colors={"idea": "#ffc107", "pilot": "#2e7d32"})
        if c.key == "status"
        else c
        for c in spec.columns
    )
    return dataclasses.replace(spec, columns=columns)


def test_coloured_column_shows_a_chip_in_the_value_colour(qtmodeltester, filled):
    from PySide6.QtGui import QIcon

    spec = _coloured_spec()
    model = LazyTableModel(spec, filled, page_size=50, max_pages=2)
    qtmodeltester.check(model)
    status = spec.index_of("status")
    decoration = Qt.ItemDataRole.DecorationRole
    for row in (0, 1, 120, 449):  # "pilot" when i % 3 == 0, else "idea"
        index = model.index(row, status)
        expected = "#2e7d32" if model.data(index, DISPLAY) == "Pilot" else "#ffc107"
        assert model.cell_color(row, status).name() == expected
        icon = model.data(index, decoration)
        assert isinstance(icon, QIcon)
        image = icon.pixmap(16, 16).toImage()
        assert image.pixelColor(8, 8).name() == expected
        # The chip keeps its colour on a selected row.
        selected = icon.pixmap(16, 16, QIcon.Mode.Selected).toImage()
        assert selected.pixelColor(8, 8).name() == expected
    # Other columns have no chip.
    assert model.data(model.index(0, 0), decoration) is None
    assert model.cell_color(0, 0) is None


def test_empty_score_cells_say_why_in_their_tooltip(filled):
    from aipm_desktop.services.listing import INCOMPLETE_TOOLTIP

    model = LazyTableModel(use_case_list_spec(), filled)
    score = model.spec.index_of("score")
    rank = model.spec.index_of("rank")
    assert model.data(model.index(0, score), DISPLAY) == ""
    assert model.data(model.index(0, score), TOOLTIP) == INCOMPLETE_TOOLTIP
    assert model.data(model.index(0, rank), TOOLTIP) == INCOMPLETE_TOOLTIP
    assert "active scoring model" in model.headerData(score, Qt.Orientation.Horizontal, TOOLTIP)


def test_persisted_layout_is_restored_by_the_next_pane(qtbot, filled):
    from aipm_desktop.ui.settings import Settings

    settings = Settings()
    pane = ListPane(use_case_list_spec(), filled)
    qtbot.addWidget(pane)
    assert not pane.persist(settings, "usecases")  # nothing saved yet
    header = pane.table.horizontalHeader()
    spec = pane.spec
    header.resizeSection(0, 321)
    header.moveSection(header.visualIndex(spec.index_of("owner")), 1)
    pane.column_chooser.set_column_visible(spec.index_of("tags"), False)
    pane.table.sortByColumn(spec.index_of("rank"), Qt.SortOrder.AscendingOrder)
    settings.sync()

    # A new start: a fresh settings object over the same file, a fresh pane.
    again = ListPane(use_case_list_spec(), filled)
    qtbot.addWidget(again)
    assert again.persist(Settings(settings.path), "usecases")
    other = again.table.horizontalHeader()
    assert other.sectionSize(0) == 321
    assert other.logicalIndex(1) == spec.index_of("owner")
    assert other.isSectionHidden(spec.index_of("tags"))
    assert again.model.sort_key == "rank"
    # Another list's name has its own layout.
    third = ListPane(use_case_list_spec(), filled)
    qtbot.addWidget(third)
    assert not third.persist(Settings(settings.path), "elsewhere")
    assert third.table.horizontalHeader().sectionSize(0) != 321


def test_layout_saved_with_an_older_column_set_still_applies(qtbot, filled):
    from aipm_desktop.ui.settings import Settings

    # Saved before the Score and Rank columns existed, with a column since removed.
    old = {
        "columns": {
            "keys": ["title", "status", "area", "owner", "decision", "tags", "gone", "updated"],
            "hidden": ["decision", "gone"],
            "order": ["owner", "title", "status", "area", "decision", "tags", "gone", "updated"],
            "widths": {"title": 280, "owner": 150, "gone": 90},
        },
        "sort": ["gone", True],
    }
    settings = Settings()
    settings.set_header_state("usecases", json.dumps(old).encode("utf-8"))
    pane = ListPane(use_case_list_spec(), filled)
    qtbot.addWidget(pane)
    assert pane.persist(settings, "usecases")
    chooser = pane.column_chooser
    keys = [chooser.key(s) for s in chooser.visible_sections()]
    # The saved order and hidden columns apply; the new columns show after the column
    # they follow by default (the title); the unknown column and sort are ignored.
    assert keys == [
        "owner",
        "title",
        "score",
        "rank",
        "status",
        "area",
        "tags",
        "updated",
        "updated_by",
    ]
    assert pane.table.horizontalHeader().sectionSize(0) == 280
    assert pane.model.sort_key == "title"


def test_merge_order_places_new_columns_beside_their_neighbours():
    from aipm_desktop.ui.widgets.column_chooser import merge_order

    keys = ["a", "b", "c", "d"]
    assert merge_order(["d", "c", "b", "a"], keys) == ["d", "c", "b", "a"]
    assert merge_order(["c", "a"], keys) == ["c", "d", "a", "b"]  # each after its predecessor
    assert merge_order(["b", "x", "c"], keys) == ["a", "b", "c", "d"]
    assert merge_order([], keys) == keys
