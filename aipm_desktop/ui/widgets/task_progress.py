"""Run a task with a progress dialog: the window-modal dialog that follows a worker.

Shared by the long jobs the GUI starts (importing KPI snapshots, building the sample
workspace ...): the dialog has no cancel button, shows after ``delay`` ms, stays open
until the caller closes it (:func:`close_progress`) and takes its maximum and value from
the task's ``progress(done, total)`` signal.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from ...errors import UserError
from ..errors import show_user_error
from ..tasks import Task, report_error


class TaskProgressDialog(QProgressDialog):
    """A progress dialog following ``task``; see the module docstring."""

    def __init__(
        self,
        task: Task,
        text: str,
        parent: QWidget,
        *,
        title: str,
        name: str,
        maximum: int = 0,
        delay: int = 500,
    ) -> None:
        super().__init__(text, "", 0, maximum, parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setCancelButton(None)
        self.setMinimumDuration(delay)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._ended = False
        self._latest: tuple[int, int] | None = None
        self._updating = False
        # Queued: a window-modal QProgressDialog.setValue() runs the event loop, and doing
        # that inside the task's progress emission would hand later progress values to
        # the task's other listeners before this one had them (1, 3, 2 instead of 1, 2, 3).
        task.progress.connect(self._on_task_progress, Qt.ConnectionType.QueuedConnection)

    def end(self) -> None:
        """Close and delete the dialog; the task's progress no longer reaches it."""
        self._ended = True
        self.close()
        self.deleteLater()

    def _on_task_progress(self, done: int, total: int) -> None:
        self._latest = (done, total)
        if self._updating:  # called again from setValue's event loop: the loop below shows it
            return
        self._updating = True
        try:
            while self._latest is not None and not self._ended:
                done, total = self._latest
                self._latest = None
                if total > 0:
                    self.setMaximum(total)
                    self.setValue(min(done, total))
        finally:
            self._updating = False


def run_with_progress(
    task: Task,
    text: str,
    parent: QWidget,
    finished: Callable[[object], object],
    failed: Callable[[object], object],
    **options: object,
) -> TaskProgressDialog:
    """A :class:`TaskProgressDialog` for ``task`` (``options``: its title, name, maximum,
    delay); the task's ``finished`` and ``failed`` go to the slots given."""
    progress = TaskProgressDialog(task, text, parent, **options)  # type: ignore[arg-type]
    task.finished.connect(finished)
    task.failed.connect(failed)
    return progress


def close_progress(progress: TaskProgressDialog | None) -> None:
    """:meth:`~TaskProgressDialog.end` ``progress`` (when there is one)."""
    if progress is not None:
        progress.end()


def show_task_error(parent: QWidget, error: object) -> None:
    """A failed task's error: a :class:`UserError` as a plain message, else a crash report."""
    if isinstance(error, UserError):
        show_user_error(parent, error)
    elif isinstance(error, BaseException):
        report_error(error)
