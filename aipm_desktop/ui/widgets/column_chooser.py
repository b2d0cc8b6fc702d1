"""Show and hide a table's columns from its header's context menu, with a savable state."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHeaderView, QMenu

HORIZONTAL = Qt.Orientation.Horizontal
DISPLAY_ROLE = Qt.ItemDataRole.DisplayRole
#: Header role carrying a column's stable key (models without it are keyed by label).
COLUMN_KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class ColumnChooser(QObject):
    """A context menu on a horizontal header listing its columns as check boxes.

    At least one column always stays visible. :meth:`state` describes hidden columns,
    widths and order by column key, with the keys of every column it knew (the column
    set), as a JSON string for the caller to persist (e.g. in QSettings);
    :meth:`restore_state` applies one, also one saved with an older column set (see
    :func:`merge_order`).

    Signals:
        columns_changed(): a column was shown, hidden or moved by the user.
    """

    columns_changed = Signal()

    def __init__(self, header: QHeaderView, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else header)
        self._header = header
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_custom_context_menu_requested)
        header.sectionMoved.connect(self._on_header_section_moved)

    @property
    def header(self) -> QHeaderView:
        return self._header

    # -- columns --------------------------------------------------------------------------

    def _count(self) -> int:
        model = self._header.model()
        return 0 if model is None else model.columnCount()

    def key(self, section: int) -> str:
        """The stable key of a column (its label when the model gives none)."""
        model = self._header.model()
        key = model.headerData(section, HORIZONTAL, COLUMN_KEY_ROLE)
        if not key:
            key = model.headerData(section, HORIZONTAL, DISPLAY_ROLE)
        return str(key if key is not None else section)

    def label(self, section: int) -> str:
        value = self._header.model().headerData(section, HORIZONTAL, DISPLAY_ROLE)
        return "" if value is None else str(value)

    def visible_sections(self) -> list[int]:
        """Logical indexes of the visible columns, in on-screen order."""
        header = self._header
        visual = (header.logicalIndex(v) for v in range(self._count()))
        return [s for s in visual if not header.isSectionHidden(s)]

    def set_column_visible(self, section: int, visible: bool) -> bool:
        """Show or hide one column; refuses (returns False) to hide the last visible one."""
        if not 0 <= section < self._count():
            return False
        header = self._header
        if visible == (not header.isSectionHidden(section)):
            return True
        if not visible and len(self.visible_sections()) <= 1:
            return False
        header.setSectionHidden(section, not visible)
        if visible and header.sectionSize(section) < header.minimumSectionSize() * 2:
            header.resizeSection(section, header.defaultSectionSize())
        self.columns_changed.emit()
        return True

    def show_all(self) -> None:
        changed = False
        for section in range(self._count()):
            if self._header.isSectionHidden(section):
                self._header.setSectionHidden(section, False)
                changed = True
        if changed:
            self.columns_changed.emit()

    # -- menu -----------------------------------------------------------------------------

    def menu(self, parent: Any = None) -> QMenu:
        """A menu with one check box per column (in on-screen order) and "Show all"."""
        menu = QMenu(parent if parent is not None else self._header)
        menu.setTitle("Columns")
        visible = self.visible_sections()
        header = self._header
        for visual in range(self._count()):
            section = header.logicalIndex(visual)
            action = QAction(self.label(section) or self.key(section), menu)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(section))
            action.setEnabled(not (len(visible) == 1 and visible[0] == section))
            action.setData(section)
            action.toggled.connect(self._on_action_toggled)
            menu.addAction(action)
        menu.addSeparator()
        show_all = menu.addAction("Show all columns")
        show_all.setEnabled(len(visible) < self._count())
        show_all.triggered.connect(self.show_all)
        return menu

    def _on_header_custom_context_menu_requested(self, pos: QPoint) -> None:
        menu = self.menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self._header.viewport().mapToGlobal(pos))

    def _on_action_toggled(self, checked: bool) -> None:
        action = self.sender()
        if isinstance(action, QAction) and not self.set_column_visible(int(action.data()), checked):
            action.setChecked(True)

    def _on_header_section_moved(self, _logical: int, _old: int, _new: int) -> None:
        self.columns_changed.emit()

    # -- state ----------------------------------------------------------------------------

    def state(self) -> str:
        """Hidden columns, widths and on-screen order by key, as a JSON string."""
        header = self._header
        count = self._count()
        keys = [self.key(s) for s in range(count)]
        state = {
            "keys": keys,
            "hidden": [keys[s] for s in range(count) if header.isSectionHidden(s)],
            "widths": {keys[s]: header.sectionSize(s) for s in range(count)},
            "order": [keys[header.logicalIndex(v)] for v in range(count)],
        }
        return json.dumps(state, sort_keys=True)

    def restore_state(self, state: bytes | bytearray | str | None) -> bool:
        """Apply a :meth:`state`; returns False (changing nothing) when it is unusable.

        Unknown keys are ignored. Columns the state does not know (added since it was
        saved) show, at their default place beside the columns they follow.
        """
        data = _parse(state)
        if data is None:
            return False
        header = self._header
        count = self._count()
        keys = [self.key(s) for s in range(count)]
        sections = {k: s for s, k in enumerate(keys)}
        hidden = {sections[k] for k in data.get("hidden", []) if k in sections}
        if len(hidden) >= count:
            hidden = set()
        saved_order = [str(k) for k in data.get("order", [])]
        order = [sections[k] for k in merge_order(saved_order, keys)]
        for target, section in enumerate(order):
            current = header.visualIndex(section)
            if current != target:
                header.moveSection(current, target)
        for key, width in data.get("widths", {}).items():
            if key in sections and isinstance(width, int) and width > 0:
                header.resizeSection(sections[key], width)
        for section in range(count):
            header.setSectionHidden(section, section in hidden)
        return True


def merge_order(saved: list[str], keys: list[str]) -> list[str]:
    """The on-screen order of the columns ``keys`` (in their default order) from a saved
    order: saved keys that still exist keep their saved order; the others (columns added
    since) go right after the column they follow by default (first when none does)."""
    present = set(keys)
    order = [k for k in dict.fromkeys(saved) if k in present]
    placed = set(order)
    for i, key in enumerate(keys):
        if key in placed:
            continue
        before = next((k for k in reversed(keys[:i]) if k in placed), None)
        order.insert(0 if before is None else order.index(before) + 1, key)
        placed.add(key)
    return order


def _parse(state: Any) -> dict[str, Any] | None:
    if state is None:
        return None
    if hasattr(state, "data") and callable(state.data):  # QByteArray
        state = bytes(state.data())
    if isinstance(state, bytes | bytearray):
        try:
            state = bytes(state).decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not isinstance(state, str) or not state:
        return None
    try:
        data = json.loads(state)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    if not isinstance(data.get("hidden", []), list) or not isinstance(data.get("order", []), list):
        return None
    if not isinstance(data.get("widths", {}), dict):
        return None
    if not isinstance(data.get("keys", []), list):
        return None
    return data
