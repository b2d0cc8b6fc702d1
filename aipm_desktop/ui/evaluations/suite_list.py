"""The list of evaluation suites beside the chosen one: name, use case, how many metrics
and runs, the latest run. A workspace holds tens of suites, not thousands, so the list is
read whole and filtered as typed (every word, in any column; Ctrl+F, Esc clears).

Signals:
    current_changed(object): the chosen suite's id, or None.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHeaderView, QWidget

from ...services.dates import format_date
from ..operations.parts import record_table
from ..widgets.builders import NO_MARGINS, empty_state, stacked, vbox
from ..widgets.filter_box import FilterBox
from ..widgets.page_header import local_action, named_label
from ..widgets.row_list_model import Column, ColumnTableModel
from .texts import plural


def suite_columns() -> tuple[Column[Any], ...]:
    return (
        Column("Suite", lambda s: s.name),
        Column("Use case", lambda s: s.use_case or "-"),
        Column(
            "Latest run",
            lambda s: s.latest_run or "none yet",
            tip=lambda s: (
                f"{s.latest_run} · {format_date(s.latest_date, 'no date')}"
                if s.latest_run
                else "No results imported yet"
            ),
        ),
    )


def matches(suite: Any, words: Sequence[str]) -> bool:
    text = f"{suite.name} {suite.use_case} {suite.owner} {suite.latest_run}".casefold()
    return all(word in text for word in words)


class SuiteList(QWidget):
    """The suites (see the module docstring)."""

    current_changed = Signal(object)

    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suiteList")
        self.all: list[Any] = []
        self.chosen: int | None = None
        self.filter_box = FilterBox()
        self.filter_box.setObjectName("suiteFilter")
        self.filter_box.filter_changed.connect(lambda _t: self._show())
        self.count = named_label("", "mutedLabel")
        self.model: ColumnTableModel[Any] = ColumnTableModel(
            suite_columns(), self, key=lambda s: s.id
        )
        self.table = record_table("suiteTable", self.model, 0)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, 110)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.empty = empty_state(empty_text, margin=12)
        self.stack = stacked(self.empty, self.table)
        local_action(
            self, "Filter suites", QKeySequence.StandardKey.Find, self.filter_box.focus_filter
        )
        vbox(
            self.filter_box, self.count, (self.stack, 1), spacing=4, margins=NO_MARGINS, parent=self
        )

    def set_suites(self, suites: Sequence[Any]) -> None:
        """Show ``suites`` (the chosen one stays chosen while it is listed)."""
        self.all = list(suites)
        self._show()

    def _show(self) -> None:
        words = self.filter_box.filter_text.casefold().split()
        shown = [s for s in self.all if matches(s, words)]
        blocked = self.table.selectionModel().blockSignals(True)
        self.model.set_rows(shown)
        self.table.selectionModel().blockSignals(blocked)
        self.stack.setCurrentWidget(self.table if shown else self.empty)
        total = len(self.all)
        listed = plural(total, "suite")
        self.count.setText(listed if len(shown) == total else f"{len(shown)} of {listed}")
        row = self.model.row_of_key(self.chosen)
        if row is None and shown:
            row = 0
        self.select_row(row)

    def select_row(self, row: int | None) -> None:
        if row is None:
            self.table.clearSelection()
            self._set_chosen(None)
            return
        self.table.selectRow(row)
        record = self.model.rows[row]
        self._set_chosen(record.id)

    def select(self, suite_id: int) -> bool:
        """Choose ``suite_id``; the filter is cleared when it hides it. False when the
        suite is not listed at all."""
        if self.model.row_of_key(suite_id) is None and self.filter_box.text():
            self.filter_box.clear()
            self.filter_box.flush()
        row = self.model.row_of_key(suite_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def _set_chosen(self, suite_id: int | None) -> None:
        if suite_id != self.chosen:
            self.chosen = suite_id
            self.current_changed.emit(suite_id)

    def _on_table_current_row_changed(self, current: Any, _previous: Any) -> None:
        record = self.model.record_at(current)
        self._set_chosen(record.id if record is not None else None)

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
