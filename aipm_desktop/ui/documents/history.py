"""Revision history of a document: the list, a diff between any two revisions, restore.

Every autosave stores a revision (the service does). The history panel lists them,
newest first; "Compare…" opens a :class:`DiffDialog` (side by side or unified) between
the selected revision(s); "Restore" asks the page to make the selected revision the
current body (an undoable command).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QFontMetrics,
    QSyntaxHighlighter,
    QTextCharFormat,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
    QWidget,
)

from ...services import documents
from ...services.dates import format_datetime
from ...store import Workspace
from ..widgets.builders import (
    NO_MARGINS,
    button,
    button_row,
    hbox,
    resize_columns,
    segments,
    stacked,
    table,
    vbox,
)
from ..widgets.page_header import named_label
from ..widgets.roles import ID_ROLE as REVISION_ROLE

DIFF_COLOURS = {
    "delete": ("#fdecea", "#fdecea"),
    "insert": ("#e6f4ea", "#e6f4ea"),
    "replace": ("#fdecea", "#e6f4ea"),
}


def revision_label(info: documents.RevisionInfo) -> str:
    """``2026-11-20 16:30 · note (1,234 chars)`` in local time."""
    when = format_datetime(info.created_at)
    note = info.note or "Saved"
    return f"{when} · {info.size:,} characters\n{note}"


class UnifiedHighlighter(QSyntaxHighlighter):
    """Green added lines, red removed lines, grey hunk headers."""

    def highlightBlock(self, text: str) -> None:
        fmt = QTextCharFormat()
        if text.startswith("+++") or text.startswith("---"):
            fmt.setForeground(QColor("#52606d"))
        elif text.startswith("+"):
            fmt.setBackground(QColor("#e6f4ea"))
            fmt.setForeground(QColor("#1d6b35"))
        elif text.startswith("-"):
            fmt.setBackground(QColor("#fdecea"))
            fmt.setForeground(QColor("#8e1b1b"))
        elif text.startswith("@@"):
            fmt.setForeground(QColor("#1a56b8"))
        else:
            return
        self.setFormat(0, len(text), fmt)


class DiffDialog(QDialog):
    """The difference between two revisions, side by side or unified."""

    def __init__(
        self,
        ws: Workspace,
        revisions: list[documents.RevisionInfo],
        *,
        old_id: int,
        new_id: int,
        title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("diffDialog")
        self.setWindowTitle(f"Compare revisions — {title}" if title else "Compare revisions")
        self.resize(1100, 700)
        self.ws = ws
        self._bodies: dict[int, str] = {}
        self.old_combo = QComboBox()
        self.new_combo = QComboBox()
        for combo in (self.old_combo, self.new_combo):
            for info in revisions:
                combo.addItem(revision_label(info).replace("\n", " · "), info.id)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.old_combo.setCurrentIndex(max(0, self.old_combo.findData(old_id)))
        self.new_combo.setCurrentIndex(max(0, self.new_combo.findData(new_id)))
        self.side_button = QPushButton("Side by side")
        self.unified_button = QPushButton("Unified")
        self.mode_group = segments(self, self.side_button, self.unified_button)
        for segment in (self.side_button, self.unified_button):
            segment.setMinimumWidth(segment.sizeHint().width() + 16)
        self.side_button.setChecked(True)
        self.summary = named_label("", "mutedLabel")

        self.table = table(["", "Older", "", "Newer"], "diffTable", read_only=True, single=False)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.table.setFont(mono)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(QFontMetrics(mono).height() + 6)
        resize_columns(self.table, stretch=(1, 3), fit=(0, 2))
        self.unified = QPlainTextEdit()
        self.unified.setObjectName("unifiedDiff")
        self.unified.setReadOnly(True)
        self.unified.setFont(mono)
        self.unified.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._highlighter = UnifiedHighlighter(self.unified.document())
        self.stack = stacked(self.table, self.unified)

        top = hbox(
            QLabel("From"),
            self.old_combo,
            QLabel("to"),
            self.new_combo,
            1,
            self.side_button,
            self.unified_button,
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        vbox(top, self.summary, (self.stack, 1), buttons, parent=self)

        self.old_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.new_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.mode_group.buttonToggled.connect(lambda _b, _c: self.refresh())
        self.refresh()

    def _body(self, revision_id: int) -> str:
        if revision_id not in self._bodies:
            self._bodies[revision_id] = documents.revision_body(ws=self.ws, revision_id=revision_id)
        return self._bodies[revision_id]

    def refresh(self) -> None:
        old_id, new_id = self.old_combo.currentData(), self.new_combo.currentData()
        if old_id is None or new_id is None:
            return
        old, new = self._body(old_id), self._body(new_id)
        if self.unified_button.isChecked():
            self.stack.setCurrentWidget(self.unified)
            text = documents.diff_unified(
                old,
                new,
                old_label=self.old_combo.currentText(),
                new_label=self.new_combo.currentText(),
            )
            self.unified.setPlainText(text or "The two revisions are identical.")
        else:
            self.stack.setCurrentWidget(self.table)
            self._fill_table(documents.diff_side_by_side(old, new))
        rows = documents.diff_side_by_side(old, new)
        changed = sum(1 for row in rows if row[0] != "equal")
        self.summary.setText(
            "The two revisions are identical."
            if not changed
            else f"{changed} changed line{'s' if changed != 1 else ''}."
        )

    def _fill_table(self, rows: list[tuple[str, int | None, str, int | None, str]]) -> None:
        table = self.table
        table.setRowCount(len(rows))
        for r, (tag, old_no, old_text, new_no, new_text) in enumerate(rows):
            colours = DIFF_COLOURS.get(tag)
            cells = (
                "" if old_no is None else str(old_no),
                old_text,
                "" if new_no is None else str(new_no),
                new_text,
            )
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if c in (1, 3) and value:
                    item.setToolTip(value)
                if c in (0, 2):
                    item.setForeground(QColor("#9aa5b1"))
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                if colours is not None:
                    side_has_text = (old_no is not None) if c < 2 else (new_no is not None)
                    if side_has_text:
                        item.setBackground(QColor(colours[0] if c < 2 else colours[1]))
                table.setItem(r, c, item)

    def side_by_side_rows(self) -> list[tuple[str, str]]:
        """(older text, newer text) of every row of the side-by-side table."""
        return [
            (self.table.item(r, 1).text(), self.table.item(r, 3).text())
            for r in range(self.table.rowCount())
        ]


class HistoryPanel(QWidget):
    """The revisions of one document, newest first.

    Signals:
        restore_requested(int): restore this revision id (the page runs the command).
    """

    restore_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyPanel")
        self.ws: Workspace | None = None
        self.document_id: int | None = None
        self.title = ""
        self.infos: list[documents.RevisionInfo] = []
        self.dialog: DiffDialog | None = None
        self.readonly = False

        hint = named_label(
            "Every autosave keeps a revision. Select one to compare it with the latest, "
            "or two to compare them; Restore makes the selected one current (undoable).",
            "mutedLabel",
            wrap=True,
        )
        self.list = QListWidget()
        self.list.setObjectName("revisionList")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.compare_button = button(
            "Compare…", tip="Show what changed between the selected revisions"
        )
        self.restore_button = button("Restore", tip="Make the selected revision the current text")
        vbox(
            hint,
            (self.list, 1),
            button_row(self.compare_button, self.restore_button),
            margins=NO_MARGINS,
            parent=self,
        )

        self.compare_button.clicked.connect(self.compare)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.list.itemDoubleClicked.connect(lambda _item: self.compare())
        self._update_buttons()

    def set_document(self, ws: Workspace | None, document_id: int | None, title: str = "") -> None:
        self.ws = ws
        self.document_id = document_id
        self.title = title
        self.refresh()

    def refresh(self) -> None:
        selected = self.selected_ids()
        self.list.clear()
        self.infos = []
        if self.ws is not None and self.document_id is not None:
            self.infos = documents.revisions(ws=self.ws, document_id=self.document_id)
        for info in self.infos:
            item = QListWidgetItem(revision_label(info))
            item.setData(REVISION_ROLE, info.id)
            self.list.addItem(item)
            if info.id in selected:
                item.setSelected(True)
        self._update_buttons()

    def selected_ids(self) -> list[int]:
        return [item.data(REVISION_ROLE) for item in self.list.selectedItems()]

    def select_revisions(self, ids: list[int]) -> None:
        self.list.clearSelection()
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(REVISION_ROLE) in ids:
                item.setSelected(True)
                self.list.setCurrentItem(item, self.list.selectionModel().SelectionFlag.NoUpdate)

    def compare(self) -> DiffDialog | None:
        """Open the diff of the selected revisions (one: against the newest)."""
        if self.ws is None or not self.infos:
            return None
        ids = self.selected_ids()
        order = [info.id for info in self.infos]  # newest first
        if len(ids) >= 2:
            ids.sort(key=order.index)
            new_id, old_id = ids[0], ids[-1]
        elif len(ids) == 1:
            old_id, new_id = ids[0], order[0]
        else:
            new_id = order[0]
            old_id = order[1] if len(order) > 1 else order[0]
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = DiffDialog(
            self.ws, self.infos, old_id=old_id, new_id=new_id, title=self.title, parent=self
        )
        self.dialog.show()
        return self.dialog

    def _on_restore_button_clicked(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.restore_requested.emit(ids[0])

    def set_readonly(self, readonly: bool) -> None:
        self.readonly = readonly
        self._update_buttons()

    def _update_buttons(self) -> None:
        count = len(self.list.selectedItems())
        self.compare_button.setEnabled(len(self.infos) >= 1)
        self.restore_button.setEnabled(count == 1 and not self.readonly)
