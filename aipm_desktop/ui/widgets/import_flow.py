"""The flow the spreadsheet import dialogs share (KPI snapshots, feedback): the file row,
the summary and problem lines, the preview table, Import and Cancel; the file checked in
a worker, the import written in a worker behind a progress dialog, then pushed as one
undo step; a running import cannot be abandoned.

A dialog derives from :class:`ImportDialog` and says how to check a file
(:meth:`ImportDialog.preview_call`), how to show what it found
(:meth:`ImportDialog.show_preview`, usually through :meth:`ImportDialog.show_found`), how
to write it (:meth:`ImportDialog.import_call`) and the undo step that takes it back
(:meth:`ImportDialog.undo_command`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QTableView, QWidget

from ...errors import UserError
from ...services.changes import Changes
from ..context import AppContext
from ..tasks import Task, report_error
from .builders import button, hbox, vbox
from .context_widgets import ContextDialog
from .dialog_parts import choose_spreadsheet, dialog_heading
from .page_header import named_label
from .task_progress import TaskProgressDialog, close_progress, run_with_progress, show_task_error

#: Around a dialog's contents.
DIALOG_MARGINS = (18, 16, 18, 14)


class ImportDialog(ContextDialog):
    """Choose a spreadsheet, see every row checked, import all of it or nothing (see the
    module docstring). ``title`` names the dialog and its progress; ``intro`` says what
    the file holds."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None,
        *,
        name: str,
        title: str,
        intro: str,
        size: tuple[int, int],
    ) -> None:
        super().__init__(ctx, parent, name=name, title=title, size=size)
        self.title = title
        self.path: Path | None = None
        self.preview: Any = None
        self.preview_task: Task | None = None
        self.import_task: Task | None = None
        self.progress: TaskProgressDialog | None = None
        self.imported = 0
        self.heading, self.intro = dialog_heading(title, intro)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPath")
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("No file chosen")
        self.choose_button = button(
            "Choose file…", self._on_choose_button_clicked, name="importChoose"
        )
        self.summary = named_label(
            "Choose a file to see what it would import.", "importSummary", wrap=True
        )
        self.problem = named_label("", "errorHint", wrap=True)
        self.problem.setVisible(False)
        self.table = QTableView()
        self.table.setObjectName("importPreview")
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("primaryButton")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)

    def lay_out(self, *above: Any, below: Sequence[Any] = ()) -> None:
        """Cancel after the dialog's own buttons; the heading, the file row, the dialog's
        ``above`` rows, the summary, its ``below`` rows, the problem line, the preview
        and the buttons, top to bottom."""
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.clicked.connect(self.reject)
        file_row = hbox((self.path_edit, 1), self.choose_button, spacing=8)
        rows = [self.heading, self.intro, file_row, *above, self.summary, *below, self.problem]
        vbox(*rows, (self.table, 1), self.buttons, margins=DIALOG_MARGINS, spacing=8, parent=self)

    # -- what a dialog says -------------------------------------------------------------

    def preview_call(self, path: Path) -> tuple[Callable[..., Any], dict[str, Any]]:
        """The service call (and its keywords) that checks ``path``."""
        raise NotImplementedError

    def show_preview(self, preview: Any) -> None:
        raise NotImplementedError

    def import_call(self) -> tuple[Callable[..., Any], dict[str, Any], str]:
        """The call that writes the preview (``progress=True`` is added), its keywords and
        the progress text."""
        raise NotImplementedError

    def undo_command(self, preview: Any, changes: Changes) -> QUndoCommand:
        raise NotImplementedError

    def set_busy(self, busy: bool) -> None:
        """Disable the dialog's own choices while an import runs (none by default)."""

    # -- preview --------------------------------------------------------------------------

    def set_path(self, path: Path | str) -> Task | None:
        """Check ``path`` in a worker; returns the task."""
        self.path = Path(path)
        self.path_edit.setText(str(self.path))
        return self.start_preview()

    def start_preview(self) -> Task | None:
        ws = self.ctx.workspace
        if ws is None or self.path is None:
            return None
        self.preview = None
        self.import_button.setEnabled(False)
        self.problem.setVisible(False)
        self.summary.setText(f"Checking {self.path.name}…")
        call, options = self.preview_call(self.path)
        task = self.ctx.tasks.run(call, ws=ws, **options)
        self.preview_task = task
        task.finished.connect(self._on_preview_task_finished)
        task.failed.connect(self._on_preview_task_failed)
        return task

    def show_found(self, preview: Any, rejected: int, nothing: str, more: str = "") -> None:
        """The summary of ``preview`` and, when it cannot be imported, why: ``rejected``
        rows (``more`` says what else helps), or ``nothing`` to import."""
        self.preview = preview
        self.summary.setText(f"{preview.source}: {preview.summary()}.")
        if rejected:
            self.problem.setText(
                f"{rejected:,} row{'s are' if rejected != 1 else ' is'} rejected (listed "
                "first). Fix the file and choose it again: nothing is imported while any "
                f"row is rejected.{more}"
            )
        elif preview.to_write == 0:
            self.problem.setText(nothing)
        self.problem.setVisible(bool(rejected) or preview.to_write == 0)
        self.import_button.setEnabled(self.can_import())

    def can_import(self) -> bool:
        preview = self.preview
        return (
            preview is not None
            and not preview.rejected
            and preview.to_write > 0
            and not self.ctx.readonly
            and self.import_task is None
        )

    # -- import ---------------------------------------------------------------------------

    def start_import(self) -> Task | None:
        """Write the previewed rows in a worker, with a progress dialog."""
        ws = self.ctx.workspace
        if ws is None or not self.can_import():
            return None
        call, options, text = self.import_call()
        task = self.ctx.tasks.run_write(
            call, ws=ws, who=self.ctx.author(), progress=True, **options
        )
        self.import_task = task
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.set_busy(True)
        self.progress = run_with_progress(
            task,
            text,
            self,
            self._on_import_task_finished,
            self._on_import_task_failed,
            title=self.title,
            name="importProgress",
            maximum=max(self.preview.to_write, 1),
            delay=300,
        )
        return task

    def _end_import(self) -> None:
        self.import_task = None
        close_progress(self.progress)
        self.progress = None
        self.choose_button.setEnabled(True)
        self.set_busy(False)

    def _on_import_task_finished(self, result: object) -> None:
        self._end_import()
        changes, count = cast(tuple[Changes, int], result)
        self.imported = int(count)
        self.ctx.run_edit(self.undo_command(self.preview, changes))
        self.ctx.notify(changes)
        self.accept()

    def _on_import_task_failed(self, error: object) -> None:
        self._end_import()
        self.import_button.setEnabled(self.can_import())
        show_task_error(self, error)

    # -- slots ----------------------------------------------------------------------------

    def _on_choose_button_clicked(self) -> None:
        start = self.ctx.settings.last_directory()
        chosen = choose_spreadsheet(self, self.title, self.path, start)
        if chosen:
            self.set_path(chosen)

    def _on_preview_task_finished(self, preview: object) -> None:
        if self.sender() is not self.preview_task:
            return  # an older preview (the file or a choice changed since)
        self.preview_task = None
        self.show_preview(preview)

    def _on_preview_task_failed(self, error: object) -> None:
        if self.sender() is not self.preview_task:
            return
        self.preview_task = None
        if isinstance(error, UserError):
            self.summary.setText("The file cannot be imported.")
            self.problem.setText(str(error))
            self.problem.setVisible(True)
        elif isinstance(error, BaseException):
            report_error(error)

    def reject(self) -> None:
        if self.import_task is not None:
            return  # the import is running: it cannot be abandoned half-way
        super().reject()
