"""Small widgets shared by the Interviews tabs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QFileDialog,
    QLabel,
    QLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTableWidget,
    QWidget,
)

from ...errors import UserError
from ..context import AppContext
from ..tasks import Task, report_error
from ..widgets import builders
from ..widgets.page_header import named_label

T = TypeVar("T")
USER_ROLE = Qt.ItemDataRole.UserRole
#: The tables whose changes the candidate, interview and comparison tabs show.
INTERVIEW_KINDS = (
    "candidate",
    "case_exercise",
    "evaluation",
    "rating",
    "reference_rating",
    "scorecard",
    "scorecard_dimension",
    "scorecard_signal",
)


class NotesEdit(QPlainTextEdit):
    """A plain-text box that reports when the user leaves it after typing.

    Signals:
        editing_finished(): focus left the box and its text was changed since it was set.
    """

    editing_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self._original = ""

    def set_text(self, text: str) -> None:
        """Show ``text`` unless the user is typing here."""
        if self.hasFocus() and self.toPlainText() != self._original:
            return
        self._original = text
        if self.toPlainText() != text:
            self.setPlainText(text)

    def is_modified(self) -> bool:
        return self.toPlainText() != self._original

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.finish()

    def finish(self) -> None:
        """Report the edit (as leaving the box does)."""
        if self.is_modified():
            self._original = self.toPlainText()
            self.editing_finished.emit()


def list_id(view: QListWidget) -> int | None:
    """The id (``UserRole``) of the list's current item, or None."""
    item = view.currentItem()
    return None if item is None else item.data(USER_ROLE)


def refill_list(view: QListWidget, entries: Iterable[tuple[QListWidgetItem, int]]) -> None:
    """Replace the list's items by ``(item, id)`` entries without signalling each step;
    the current id stays current when still there, else the first row becomes current."""
    current = list_id(view)
    view.blockSignals(True)
    view.clear()
    ids = []
    for item, entry_id in entries:
        item.setData(USER_ROLE, entry_id)
        view.addItem(item)
        ids.append(entry_id)
    view.blockSignals(False)
    if ids:
        view.setCurrentRow(ids.index(current) if current in ids else 0)


def section_label(text: str) -> QLabel:
    label = named_label(text, "sectionTitle")
    return label


def muted_label(text: str = "", *, wrap: bool = True) -> QLabel:
    label = named_label(text, "mutedLabel")
    label.setWordWrap(wrap)
    return label


def empty_state(text: str) -> QLabel:
    return builders.empty_state(text, margin=24)


def fit_height(view: QTableWidget, *, rows: int | None = None) -> None:
    """Make a table exactly as tall as its header and rows (``rows`` of the current row
    height when given, for a table that fills later), so a short table takes no more room
    than it needs and a page of them stacks without gaps."""
    count = view.rowCount() if rows is None else rows
    height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
    if rows is None:
        height += sum(view.rowHeight(r) for r in range(count))
    else:
        height += count * view.verticalHeader().defaultSectionSize()
    if view.horizontalScrollBar().isVisible():
        height += view.horizontalScrollBar().sizeHint().height()
    view.setFixedHeight(height)


def keep_rows_fitted(view: QTableWidget, *, fit: bool = True) -> None:
    """Re-fit the row heights of a word-wrapping table whenever a column is resized (its
    columns get their widths only once laid out), and with ``fit`` its height too."""

    def refit(*_args: object) -> None:
        view.resizeRowsToContents()
        if fit:
            fit_height(view)

    view.horizontalHeader().sectionResized.connect(refit)


def clear_layout(layout: QLayout) -> None:
    """Take every item out of ``layout``, deleting its widgets."""
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()


def row_of(view: QTableWidget, items: Sequence[T] | None) -> T | None:
    """The entry of ``items`` (one per row of ``view``) on the current row, or None."""
    row = view.currentRow()
    if items is None or not 0 <= row < len(items):
        return None
    return items[row]


def repolish(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def export_in_worker(
    ctx: AppContext,
    owner: QWidget,
    export_button: QAbstractButton,
    write: Callable[..., Path],
    *args: Any,
) -> Task:
    """Run ``write(*args)`` (an export that writes a file and returns its path) in a
    worker, ``export_button`` disabled meanwhile; the status bar names the file written,
    a refusal is shown as a plain message."""
    export_button.setEnabled(False)
    task = ctx.tasks.run(write, *args)

    def finished(written: Path) -> None:
        export_button.setEnabled(True)
        status = getattr(owner.window(), "statusBar", None)
        if callable(status):
            status().showMessage(f"Wrote {written}", 5000)

    def failed(error: BaseException) -> None:
        export_button.setEnabled(True)
        if isinstance(error, UserError):
            ctx.show_error(error)
        else:
            report_error(error)

    task.finished.connect(finished)
    task.failed.connect(failed)
    return task


#: The formats a candidate document (feedback summary, debrief) is exported to.
DOCUMENT_FILTERS = "PDF document (*.pdf);;Markdown (*.md)"


def ask_document_path(owner: QWidget, caption: str, name: str) -> tuple[str, bool]:
    """Ask where to write a PDF or markdown document called ``name`` (in the home folder
    at first): the path chosen ("" when cancelled) and whether markdown was picked."""
    suggested = str(Path.home() / f"{name}.pdf")
    path, chosen = QFileDialog.getSaveFileName(owner, caption, suggested, DOCUMENT_FILTERS)
    return path, "*.md" in chosen


def export_document(
    ctx: AppContext,
    owner: QWidget,
    export_button: QAbstractButton,
    path: str | Path,
    data: Any,
    *,
    markdown: bool,
    suffixes: tuple[str, ...],
    check: Callable[[Path], object],
    write: Callable[[Any, Path], Path],
) -> Task | None:
    """Write ``data`` with ``write(data, out)`` to ``path`` (".md" or ".pdf" added when it
    has none of ``suffixes``) in a worker (:func:`export_in_worker`), after ``check(out)``
    accepts the target; the task, or None when nothing was started."""
    out = Path(path)
    if out.suffix.lower() not in suffixes:
        out = out.with_name(out.name + (".md" if markdown else ".pdf"))
    try:
        check(out)
    except UserError as err:
        ctx.show_error(err)
        return None
    return export_in_worker(ctx, owner, export_button, write, data, out)
