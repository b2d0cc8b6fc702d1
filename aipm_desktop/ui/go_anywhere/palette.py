"""The command palette (Ctrl+K): a search box over the main window listing records of
every area and the window's menu commands, fuzzy-matched; Enter opens or runs the chosen
one, the arrow keys move, Esc closes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGraphicsDropShadowEffect,
    QLabel,
    QLineEdit,
    QMenuBar,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from ..widgets.builders import vbox

EMPTY_TEXT = "Type to search use cases, risks, documents… and commands"
NOTHING_TEXT = "Nothing matches “{query}”."
WIDTH = 640
#: The most results listed (records and commands together).
LIMIT = 40
#: The most rows shown at once.
MAX_ROWS = 14
_USER = Qt.ItemDataRole.UserRole
COMMAND = "command"


@dataclass(frozen=True)
class Entry:
    """One row of the palette: a record (``kind``, ``id``) or a command (``action``)."""

    kind: str
    id: int
    label: str
    title: str
    context: str
    tier: int = 0
    score: int = 0
    action: QAction | None = None


def menu_actions(bar: QMenuBar, skip: tuple[QAction, ...] = ()) -> list[tuple[QAction, str]]:
    """Every command of the menu bar with the name of its menu (sub-menus walked,
    separators and sub-menu entries left out), in menu order."""
    found: list[tuple[QAction, str]] = []

    def walk(actions: list[QAction], where: str) -> None:
        for action in actions:
            menu = action.menu()
            if menu is not None:
                walk(menu.actions(), where or plain_text(action))  # type: ignore[union-attr]
            elif not action.isSeparator() and action.text() and action not in skip:
                found.append((action, where))

    walk(bar.actions(), "")
    return found


def plain_text(action: QAction) -> str:
    """An action's menu text without its ``&`` accelerator marks and trailing dots."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…. ")


def command_context(action: QAction, menu: str) -> str:
    """Where a command lives and its key: ``View · F9``."""
    key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return " · ".join(part for part in (menu, key) if part)


class CommandPalette(QFrame):
    """The palette, a child of the main window shown over its top.

    ``search(query, limit)`` gives the records (the caller's index, built on first use)
    and ``commands()`` the actions; the palette matches the commands itself with the
    same fuzzy rules (a small :class:`SearchIndex` of their texts).

    Signals:
        open_requested(str, int): the user chose record (kind, id).
    """

    open_requested = Signal(str, int)

    def __init__(
        self,
        search: Callable[[str, int], list[Entry]],
        commands: Callable[[], list[tuple[QAction, str]]],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("commandPalette")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._search = search
        self._commands = commands
        self._actions: list[QAction] = []
        self._command_index: Any = None
        self.edit = QLineEdit()
        self.edit.setObjectName("paletteQuery")
        self.edit.setPlaceholderText("Go to a record or run a command…")
        self.edit.setClearButtonEnabled(True)
        self.edit.textChanged.connect(self._on_edit_text_changed)
        self.edit.installEventFilter(self)
        self.results = QTreeWidget()
        self.results.setObjectName("paletteResults")
        self.results.setColumnCount(3)
        self.results.setHeaderHidden(True)
        self.results.setRootIsDecorated(False)
        self.results.setUniformRowHeights(True)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.itemActivated.connect(self._on_results_item_activated)
        self.results.itemClicked.connect(self._on_results_item_activated)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("paletteEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        vbox(
            self.edit,
            self.empty,
            (self.results, 1),
            margins=(10, 10, 10, 10),
            spacing=6,
            parent=self,
        )
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(24)
        shadow.setOffset(0, 4)
        self.setGraphicsEffect(shadow)
        self.hide()

    # -- showing --------------------------------------------------------------------------

    def popup(self) -> None:
        """Show the palette over the top of the window, empty, with the cursor in it."""
        from ...services.search import SearchIndex

        commands = self._commands()
        self._actions = [action for action, _menu in commands]
        self._command_index = SearchIndex()
        for number, (action, menu) in enumerate(commands):
            self._command_index.add(
                COMMAND, number, plain_text(action), command_context(action, menu)
            )
        self.edit.blockSignals(True)
        self.edit.clear()
        self.edit.blockSignals(False)
        self._fill("")
        self._place()
        self.show()
        self.raise_()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _place(self) -> None:
        """Centre the palette under the menu bar, as tall as its rows (at most
        :data:`MAX_ROWS` of them, then the list scrolls)."""
        parent = self.parentWidget()
        assert parent is not None
        width = min(WIDTH, parent.width() - 40)
        rows = min(self.results.topLevelItemCount(), MAX_ROWS)
        if rows:
            row_height = self.results.sizeHintForRow(0)
            below = rows * row_height + 2 * self.results.frameWidth() + 4
        else:
            below = self.empty.sizeHint().height()
        height = min(self.edit.sizeHint().height() + below + 26, parent.height() - 60)
        self.setGeometry((parent.width() - width) // 2, 40, width, height)

    # -- results --------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        """What the list shows now, top to bottom."""
        return [
            self.results.topLevelItem(row).data(0, _USER)
            for row in range(self.results.topLevelItemCount())
        ]

    def _fill(self, query: str) -> None:
        self.results.clear()
        entries = self._matches(query) if query.strip() else []
        for entry in entries:
            item = QTreeWidgetItem([entry.label, entry.title, entry.context])
            item.setData(0, _USER, entry)
            item.setToolTip(1, entry.title)
            if entry.action is not None and not entry.action.isEnabled():
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(1, f"{entry.title} (not available now)")
            self.results.addTopLevelItem(item)
        self.empty.setText(
            NOTHING_TEXT.format(query=query.strip()) if query.strip() else EMPTY_TEXT
        )
        self.empty.setVisible(not entries)
        self.results.setVisible(bool(entries))
        if entries:
            header = self.results.header()
            header.resizeSection(0, 120)
            header.resizeSection(1, max(200, self.results.viewport().width() - 120 - 150))
            self._move(0, 1)
        if self.isVisible():
            self._place()

    def _matches(self, query: str) -> list[Entry]:
        """Commands and records for ``query``, one ranking: better match first, a command
        before a record of the same rank."""
        commands = [
            Entry(COMMAND, hit.id, "Command", hit.title, hit.context, hit.tier, hit.score,
                  self._actions[hit.id])
            for hit in self._command_index.search(query, limit=LIMIT)
        ]  # fmt: skip
        records = self._search(query, LIMIT)
        order = {id(entry): place for place, entry in enumerate(records)}
        merged = sorted(
            commands + records,
            key=lambda e: (e.tier, -e.score, e.action is None, order.get(id(e), 0)),
        )
        return merged[:LIMIT]

    def _move(self, start: int, step: int) -> None:
        """Make the first runnable row from ``start`` (going by ``step``) current."""
        count = self.results.topLevelItemCount()
        row = start
        while 0 <= row < count:
            item = self.results.topLevelItem(row)
            if item.flags() & Qt.ItemFlag.ItemIsEnabled:
                self.results.setCurrentItem(item)
                return
            row += step

    def activate_current(self) -> None:
        """Open or run the current row, and close."""
        item = self.results.currentItem()
        if item is not None:
            self._on_results_item_activated(item)

    def _on_results_item_activated(self, item: QTreeWidgetItem) -> None:
        entry: Entry = item.data(0, _USER)
        if not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return
        self.hide()
        if entry.action is not None:
            entry.action.trigger()
        else:
            self.open_requested.emit(entry.kind, entry.id)

    def _on_edit_text_changed(self, text: str) -> None:
        self._fill(text)

    # -- keys -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            current = self.results.indexOfTopLevelItem(self.results.currentItem())
            if key == Qt.Key.Key_Escape:
                self.hide()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.activate_current()
                return True
            if key == Qt.Key.Key_Down:
                self._move(current + 1, 1)
                return True
            if key == Qt.Key.Key_Up:
                self._move(max(current - 1, 0), -1)
                return True
        if watched is self.edit and event.type() == QEvent.Type.FocusOut and self.isVisible():
            focused = self.focusWidget()
            if focused is None or not self.isAncestorOf(focused):
                self.hide()
        return super().eventFilter(watched, event)
