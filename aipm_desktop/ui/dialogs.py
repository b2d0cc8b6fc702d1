"""Help dialogs: keyboard shortcuts and About."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME, __version__, paths
from ..store import Workspace, head_revision


def menu_shortcuts(menu_bar: QMenuBar) -> list[tuple[str, str, str]]:
    """``(menu, action, shortcut)`` for every action with a shortcut, in menu order."""
    rows: list[tuple[str, str, str]] = []

    def walk(menu: QMenu, trail: str) -> None:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                walk(sub, f"{trail} ▸ {_plain(action.text())}")
                continue
            keys = [
                s.toString(QKeySequence.SequenceFormat.NativeText)
                for s in action.shortcuts()
                if not s.isEmpty()
            ]
            if keys and not action.isSeparator():
                rows.append((trail, _plain(action.text()), ", ".join(keys)))

    for top in menu_bar.actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            walk(menu, _plain(top.text()))
    return rows


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…")


#: The keys every area follows (``ui/widgets/page_header.py`` says where they come from).
AREA_CONVENTIONS: list[tuple[str, str, str]] = [
    ("Every area", "New record (use case, risk, document, release…)", "Ctrl+Shift+N"),
    ("Every area", "Delete the selected record (asks first; Edit ▸ Undo brings it back)", "Del"),
    ("Every area", "Filter the list", "Ctrl+F"),
]


def widget_shortcuts(where: str, widget: QWidget) -> list[tuple[str, str, str]]:
    """``(where, action, shortcut)`` for the actions with a shortcut that live in
    ``widget`` (an area page's own keys, such as Ctrl+S in Documents)."""
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for action in [*widget.actions(), *widget.findChildren(QAction)]:
        keys = ", ".join(
            s.toString(QKeySequence.SequenceFormat.NativeText)
            for s in action.shortcuts()
            if not s.isEmpty()
        )
        text = _plain(action.text())
        if keys and text and (text, keys) not in seen:
            seen.add((text, keys))
            rows.append((where, text, keys))
    return rows


class ShortcutsDialog(QDialog):
    """A table of every keyboard shortcut in the menus."""

    def __init__(
        self,
        rows: list[tuple[str, str, str]],
        extra: list[tuple[str, str, str]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 520)
        all_rows = rows + (extra or [])
        self.table = QTableWidget(len(all_rows), 3)
        self.table.setHorizontalHeaderLabels(["Where", "Action", "Shortcut"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        for row, values in enumerate(all_rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setCurrentItem(None)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def shortcuts(self) -> list[tuple[str, str, str]]:
        return [
            tuple(self.table.item(r, c).text() for c in range(3))  # type: ignore[misc]
            for r in range(self.table.rowCount())
        ]


def about_text(ws: Workspace | None) -> str:
    """Version, schema version, the open workspace and where data and logs live."""
    workspace = "no workspace open"
    file_schema = ""
    if ws is not None:
        workspace = str(ws.path) + (" (read-only)" if ws.readonly else "")
        try:
            file_schema = ws.revision
        except Exception:  # the file went away under us: About still opens
            file_schema = "unknown"
    lines = [
        f"<h3>{APP_NAME} {__version__}</h3>",
        "<p>An offline workbench for AI product managers.</p>",
        "<table cellspacing='4'>",
        f"<tr><td><b>Schema version</b></td><td>{head_revision()}</td></tr>",
        f"<tr><td><b>Workspace</b></td><td>{_escape(workspace)}</td></tr>",
    ]
    if file_schema:
        lines.append(f"<tr><td><b>Workspace schema</b></td><td>{_escape(file_schema)}</td></tr>")
    lines += [
        f"<tr><td><b>Data folder</b></td><td>{_escape(str(paths.data_dir()))}</td></tr>",
        f"<tr><td><b>Settings</b></td><td>{_escape(str(paths.config_dir()))}</td></tr>",
        f"<tr><td><b>Log file</b></td><td>{_escape(str(paths.log_file()))}</td></tr>",
        "</table>",
    ]
    return "".join(lines)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class AboutDialog(QDialog):
    """Version, schema version, workspace path, data and log locations."""

    def __init__(self, ws: Workspace | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(f"About {APP_NAME}")
        self.label = QLabel(about_text(ws))
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())
