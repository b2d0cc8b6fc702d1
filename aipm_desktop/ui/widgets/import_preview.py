"""The base of the import dialogs that check a whole file before writing any of it (an
experiment's results, an evaluation run): choose the file, see what it would store or
every problem by row and column, then import all of it as one operation, or nothing.

:class:`PreviewImportDialog` holds what they share: the file line and its "Choose file…"
button, the summary and problem lines, the table of the rows a preview would store
stacked over the table of problems, the Import button (enabled only for a preview
without problems, in a writable workspace, with no worker running), and the one worker
at a time (:attr:`~PreviewImportDialog.task`: the preview, then the write) followed by a
progress dialog after half a second. A preview a newer choice replaced is ignored when it
ends; Cancel does nothing while the write runs (it cannot stop half-way).

A subclass lays the pieces out, starts its preview with :meth:`follow`, shows it with
:meth:`show_rows_or_problems`, says which widgets a running import locks
(:meth:`choice_widgets`) and what to write (:meth:`write_job`) and does with the result
(:meth:`imported`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QHeaderView, QWidget

from ...errors import UserError
from ...services.problems import Problem
from ..context import AppContext
from ..tasks import Task
from . import task_progress
from .builders import NO_MARGINS, button, dialog_buttons, hbox, line_edit, stacked, table_view, vbox
from .context_widgets import ContextDialog
from .page_header import named_label
from .row_list_model import Column, ColumnTableModel

#: Rows of a preview the tables list (the summary counts them all).
SHOWN_ROWS = 2000


def problem_columns() -> tuple[Column[Problem], ...]:
    return (
        Column("Row", lambda p: str(p.row), align="right"),
        Column("Column", lambda p: p.column),
        Column("Problem", lambda p: p.message, color=lambda _p: "#b71c1c"),
    )


class PreviewImportDialog(ContextDialog):
    """A dialog that previews a file and imports it whole (see the module docstring).

    The widgets are named after ``prefix``: ``<prefix>Path``, ``<prefix>Choose``,
    ``<prefix>Rows``, ``<prefix>Problems``, ``<prefix>Progress``.
    """

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None,
        *,
        name: str,
        size: tuple[int, int],
        prefix: str,
        rows: Sequence[Column[Any]] = (),
    ) -> None:
        super().__init__(ctx, parent, name=name, title="Import results", size=size)
        self.path: Path | None = None
        self.preview: Any = None
        self.task: Task | None = None
        self.importing = False
        self.progress: task_progress.TaskProgressDialog | None = None
        self.prefix = prefix
        self.path_edit = line_edit(f"{prefix}Path", "No file chosen")
        self.path_edit.setReadOnly(True)
        self.choose_button = button("Choose file…", self.choose_file, name=f"{prefix}Choose")
        self.summary = named_label(
            "Choose a file to see what it would import.", "importSummary", wrap=True
        )
        self.problem = named_label("", "errorHint", wrap=True)
        for label in (self.summary, self.problem):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.hide()
        self.problems_model: ColumnTableModel[Problem] = ColumnTableModel(problem_columns(), self)
        self.rows_model: ColumnTableModel[Any] = ColumnTableModel(rows, self)
        self.problems_table = table_view(self.problems_model, f"{prefix}Problems")
        self.rows_table = table_view(self.rows_model, f"{prefix}Rows")
        self.tables = stacked(self.rows_table, self.problems_table)
        self.buttons = dialog_buttons(self, self.start_import)
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Import")
        self.import_button.setObjectName("primaryButton")
        self.import_button.setEnabled(False)

    def lay_out(self, heading: QWidget, intro: QWidget, choices: Any, body: QWidget) -> None:
        """Lay the dialog out: ``heading`` and ``intro``, the file line, the subclass's
        ``choices`` (a layout), the summary and problem lines, ``body`` (the tables, or a
        widget holding them) and the buttons."""
        vbox(
            heading,
            intro,
            hbox((self.path_edit, 1), self.choose_button, margins=NO_MARGINS),
            choices,
            self.summary,
            self.problem,
            (body, 1),
            self.buttons,
            margins=(18, 16, 18, 14),
            spacing=8,
            parent=self,
        )

    # -- what a subclass says -------------------------------------------------------------

    def choice_widgets(self) -> Sequence[QWidget]:
        """The widgets locked while the import is written (besides "Choose file…")."""
        return ()

    def ready(self) -> bool:
        """Whether the dialog holds all it needs besides a good preview (e.g. a name)."""
        return True

    def write_job(self) -> tuple[Callable[..., Any], dict[str, Any], str]:
        """The function writing the previewed file (run on the writer thread), its keyword
        arguments and what the progress dialog says meanwhile."""
        raise NotImplementedError

    def imported(self, result: Any) -> None:
        """The write ended with ``result``: push its undo step, say what changed."""
        raise NotImplementedError

    def choose_file(self) -> None:
        raise NotImplementedError

    # -- the worker -----------------------------------------------------------------------

    def follow(self, task: Task, text: str, finished: Any, *, delay: int = 500) -> Task:
        """Make ``task`` the dialog's worker, with a progress dialog saying ``text``."""
        task_progress.close_progress(self.progress)
        self.task = task
        self.progress = task_progress.run_with_progress(
            task,
            text,
            self,
            finished,
            self._on_task_failed,
            title="Import results",
            name=f"{self.prefix}Progress",
            delay=delay,
        )
        return task

    def settle(self) -> bool:
        """The worker that sent the signal ended: True when it is the current one."""
        if self.sender() is not self.task:
            return False
        self.task = None
        task_progress.close_progress(self.progress)
        self.progress = None
        return True

    def say(self, summary: str, problem: str = "") -> None:
        self.summary.setText(summary)
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))

    def _on_task_failed(self, error: object) -> None:
        if not self.settle():
            return
        self.importing = False
        self._enable_choices(True)
        if isinstance(error, UserError):
            self.say("Nothing was imported.", str(error))
        else:
            task_progress.show_task_error(self, error)
        self.enable_import()

    def _enable_choices(self, enabled: bool) -> None:
        for widget in (self.choose_button, *self.choice_widgets()):
            widget.setEnabled(enabled)

    # -- preview --------------------------------------------------------------------------

    def clear_preview(self, text: str) -> None:
        """Forget the preview shown (a new one is being made, saying ``text``)."""
        self.preview = None
        for model in (self.problems_model, self.rows_model):
            model.set_rows([])
        self.enable_import()
        self.say(text)

    def show_rows_or_problems(self, preview: Any, rows: Sequence[Any], fix: str) -> str:
        """Show ``preview``'s problems, or (without any) the ``rows`` it would store; the
        line saying why nothing can be imported ("" when something can). ``fix`` says how
        to fix the file."""
        self.preview = preview
        problem = ""
        if preview.problem_count:
            shown = list(preview.problems[:SHOWN_ROWS])
            self.problems_model.set_rows(shown)
            self.tables.setCurrentWidget(self.problems_table)
            listed = "" if len(shown) == preview.problem_count else f" ({len(shown):,} listed)"
            problem = (
                f"{preview.problem_count:,} problem(s){listed}: nothing can be imported while "
                f"any row has one. {fix}"
            )
        else:
            self.rows_model.set_rows(list(rows[:SHOWN_ROWS]))
            self.tables.setCurrentWidget(self.rows_table)
        for view in (self.problems_table, self.rows_table):
            header = view.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(header.count() - 1, QHeaderView.ResizeMode.Stretch)
        return problem

    def can_import(self) -> bool:
        """A preview without problems, a writable workspace, no worker running."""
        found = self.preview
        return bool(
            found and found.ok and self.ready() and not self.ctx.readonly and self.task is None
        )

    def enable_import(self) -> None:
        self.import_button.setEnabled(self.can_import())

    def problem_lines(self) -> list[str]:
        """The problems listed, as ``row N: column: message``."""
        return [p.line() for p in self.problems_model.rows]

    # -- import ---------------------------------------------------------------------------

    def start_import(self) -> Task | None:
        """Write the previewed file on the single writer thread, with a progress dialog;
        the dialog closes when it is stored."""
        if self.ctx.workspace is None or self.preview is None or not self.can_import():
            return None
        fn, kwargs, text = self.write_job()
        self.importing = True
        self.import_button.setEnabled(False)
        self._enable_choices(False)
        task = self.ctx.tasks.run_write(fn, ws=self.ctx.workspace, **kwargs)
        return self.follow(task, text, self._on_import_task_finished, delay=300)

    def _on_import_task_finished(self, result: object) -> None:
        if not self.settle():
            return
        self.importing = False
        self.imported(result)
        self.accept()

    def reject(self) -> None:
        """Cancel, unless the import is being written (it cannot stop half-way)."""
        if not self.importing:
            super().reject()
