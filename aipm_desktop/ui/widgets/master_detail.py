"""A master-detail pane: a lazy list (:class:`ListPane`) beside a detail form, in a splitter.

The list holds only ids and pages rows in (see :mod:`lazy_table`); the detail widget is
shown the current row's id through one callback. The current record stays current across
refreshes, filters and re-sorts (by id); when it leaves the list, the row that took its
place becomes current (or nothing, on an empty list). The splitter's sizes and the list's
column layout (order, widths, hidden columns, sort) are kept in the settings under ``name``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ...services.changes import Changes
from ...services.listing import ListSpec
from ...store import Workspace
from .builders import NO_MARGINS, keep_state, splitter, vbox
from .lazy_table import LazyTableModel, ListPane


class MasterDetail(QWidget):
    """A :class:`ListPane` and a detail widget side by side.

    ``show(id_or_none)`` is called whenever the current record changes (e.g. the form's
    ``load``). ``settings`` (the app's settings registry) and ``name`` persist the splitter
    and the list's columns.

    Signals:
        current_changed(object): the current record's id, or None.
    """

    current_changed = Signal(object)

    def __init__(
        self,
        spec: ListSpec,
        ws: Workspace | None,
        detail: QWidget,
        *,
        show: Callable[[int | None], Any] | None = None,
        settings: Any = None,
        name: str = "",
        sizes: tuple[int, int] = (560, 560),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.list_pane = ListPane(spec, ws, self)
        self.detail = detail
        self._show = show
        self._current: int | None = None
        self._last_row = 0

        self.splitter = splitter(
            self.list_pane,
            detail,
            sizes=sizes,
            stretch=(3, 3),
            name=f"{name or 'masterDetail'}Splitter",
            collapsible=False,
        )
        if settings is not None and name:
            keep_state(self.splitter, settings, name)
            self.list_pane.persist(settings, name)
        vbox(self.splitter, margins=NO_MARGINS, parent=self)

        self.list_pane.current_changed.connect(self._on_list_pane_current_changed)
        self.list_pane.model.rows_changed.connect(self._on_model_rows_changed)
        self.list_pane.model.modelReset.connect(self._on_model_rows_changed)

    # -- public ---------------------------------------------------------------------------

    @property
    def model(self) -> LazyTableModel:
        return self.list_pane.model

    def current_id(self) -> int | None:
        return self._current

    def select(self, record_id: int | None) -> None:
        """Make ``record_id`` current (if it is in the list) and show it."""
        if record_id is not None and self.model.row_of(record_id) is not None:
            self.list_pane.select_ids([record_id], current=record_id)
        elif record_id is None:
            self.list_pane.table.clearSelection()
        self._set_current(record_id if record_id is None or self._listed(record_id) else None)

    def select_first(self) -> None:
        """Make the first row current (nothing on an empty list)."""
        self.select(self.model.id_at(0) if self.model.rowCount() else None)

    def set_workspace(self, ws: Workspace | None) -> None:
        self.list_pane.set_workspace(ws)

    def refresh(self) -> None:
        self.list_pane.refresh()

    def apply_changes(self, changes: Changes) -> bool:
        """Refresh the list when ``changes`` touch it; the current record stays current."""
        return self.list_pane.apply_changes(changes)

    # -- internals ------------------------------------------------------------------------

    def _listed(self, record_id: int) -> bool:
        return self.model.row_of(record_id) is not None

    def _set_current(self, record_id: int | None) -> None:
        if record_id is not None:
            row = self.model.row_of(record_id)
            self._last_row = row if row is not None else self._last_row
        if record_id == self._current:
            return
        self._current = record_id
        if self._show is not None:
            self._show(record_id)
        self.current_changed.emit(record_id)

    def _on_list_pane_current_changed(self, record_id: object) -> None:
        if isinstance(record_id, int):
            self._set_current(record_id)

    def _on_model_rows_changed(self, *_args: Any) -> None:
        current = self._current
        if current is not None and self._listed(current):
            row = self.model.row_of(current)
            table_row = self.list_pane.table.currentIndex().row()
            if row != table_row:
                self.list_pane.select_ids([current], current=current)
            self._last_row = row if row is not None else self._last_row
            return
        count = self.model.rowCount()
        if not count:
            self._set_current(None)
            return
        # The current record left the list: the row that took its place becomes current.
        row = min(self._last_row, count - 1)
        self.select(self.model.id_at(row))
