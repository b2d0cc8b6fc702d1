"""Dialogs of the feedback inbox: importing a file of tickets, and re-classifying a
selection.

**Import**: choose a CSV or XLSX; every row is checked in a worker and the preview lists
the rejected rows first (row, column, problem), then the rows to add; rows already stored
are skipped. Import stays disabled while any row is rejected; it then runs in a worker
with a progress dialog (200,000 rows take a while) as one operation, so Edit ▸ Undo takes
the whole import back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStringListModel, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

from ...services import triage
from ...services.changes import Changes
from ...services.dates import format_date
from ..context import AppContext
from ..widgets.builders import dialog_buttons, form_layout, resize_columns, vbox
from ..widgets.context_widgets import ContextDialog
from ..widgets.dialog_parts import dialog_heading
from ..widgets.import_flow import ImportDialog
from ..widgets.page_header import named_label
from ..widgets.roles import DISPLAY_ROLE, TOOLTIP_ROLE
from ..widgets.row_list_model import RowTableModel
from .feedback_edits import ImportFeedbackCommand, import_feedback

#: Rows to add shown in the preview (the count says how many there are in all).
SHOWN_ROWS = 500

#: A preview line: (row number, what, column or date, detail, text).
Line = tuple[int, str, str, str, str]


def preview_lines(preview: triage.FeedbackPreview) -> list[Line]:
    """The rejected rows' problems first, then the first rows to add."""
    lines: list[Line] = [
        (p.row if isinstance(p.row, int) else 0, "Rejected", p.column, "", p.message)
        for p in preview.problems
    ]
    for number, text, day, source, customer, _tags, klass, _cluster in preview.rows[:SHOWN_ROWS]:
        detail = " · ".join(x for x in (source, customer, triage.class_label(klass)) if x)
        lines.append((number, "Add", format_date(day), detail, " ".join(text.split())))
    return lines


class PreviewModel(RowTableModel[Line]):
    HEADERS = ("Row", "Action", "Date / column", "Source · customer", "Text / problem")

    def cell_data(self, line: Line, column: int, role: int) -> Any:
        if role == DISPLAY_ROLE:
            return str(line[0]) if column == 0 else line[column]
        if role == TOOLTIP_ROLE and column in (3, 4):
            return line[column] or None
        return None


class FeedbackImportDialog(ImportDialog):
    """Choose, preview and import a file of feedback (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            parent,
            name="feedbackImportDialog",
            title="Import feedback",
            intro="A CSV or XLSX file of tickets or feedback with the columns text, date, "
            "source, customer and optional tags (class and cluster too, for items triaged "
            "elsewhere). Every row is checked first; nothing is written until you choose "
            "Import, and then all rows or none. Rows already stored are skipped.",
            size=(900, 560),
        )
        self.notes = named_label("", "mutedLabel", wrap=True)
        self.notes.hide()
        self.model = PreviewModel(self)
        self.table.setModel(self.model)
        resize_columns(self.table, stretch=(4,), fit=(0, 1, 2, 3))
        self.lay_out(below=(self.notes,))

    def preview_call(self, path: Path) -> tuple[Callable[..., Any], dict[str, Any]]:
        self.model.set_rows([])
        self.notes.hide()
        return triage.preview_import, {"source": path}

    def show_preview(self, preview: triage.FeedbackPreview) -> None:
        self.model.set_rows(preview_lines(preview))
        self.notes.setText(" ".join(preview.notes()))
        self.notes.setVisible(bool(preview.notes()))
        self.show_found(
            preview, len(preview.rejected), "Nothing to import: every row is already stored."
        )

    def import_call(self) -> tuple[Callable[..., Any], dict[str, Any], str]:
        count = self.preview.to_write
        return import_feedback, {"preview": self.preview}, f"Importing {count:,} feedback items…"

    def undo_command(self, preview: Any, changes: Changes) -> QUndoCommand:
        return ImportFeedbackCommand(self.ctx, preview, changes)


class ReclassifyDialog(ContextDialog):
    """Ask for the class (and optionally the cluster) of a selection.

    Signals:
        chosen(str, object): the class value and the cluster (None: left as it is).
    """

    chosen = Signal(str, object)

    def __init__(
        self, ctx: AppContext, count: int, clusters: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, parent, name="reclassifyDialog", title="Re-classify selection")
        self.class_combo = QComboBox()
        self.class_combo.setObjectName("reclassifyClass")
        for value, label in triage.CLASS_LABELS.items():
            self.class_combo.addItem(f"{label}  (key {triage.CLASS_KEYS[value]})", value)
        self.cluster = QLineEdit()
        self.cluster.setObjectName("reclassifyCluster")
        self.cluster.setPlaceholderText("Leave empty to keep each item's cluster")
        completer = QCompleter(QStringListModel(clusters, self), self)
        self.cluster.setCompleter(completer)
        heading, intro = dialog_heading(
            "Re-classify selection",
            f"Put the {count:,} selected items in one class (and cluster). One step of "
            "Edit ▸ Undo takes it back.",
        )
        self.buttons = dialog_buttons(self, self._on_buttons_accepted)
        vbox(
            heading,
            intro,
            form_layout(("Class", self.class_combo), ("Cluster", self.cluster)),
            self.buttons,
            margins=(18, 16, 18, 14),
            spacing=8,
            parent=self,
        )

    def _on_buttons_accepted(self) -> None:
        cluster = " ".join(self.cluster.text().split())
        self.chosen.emit(str(self.class_combo.currentData()), cluster or None)
        self.accept()
