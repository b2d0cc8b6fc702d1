"""What the Gaps and Traceability tabs compute off the UI thread, and the page they show
meanwhile: :class:`BusyPanel`.

A tab hands the panel a service function that takes a ``progress(done, total)``
callback; the panel runs it through the app's task pool (:mod:`..tasks`), follows its
progress and delivers the result (its ``finished`` signal) on the main thread. The tab
stays responsive: its other widgets still work, and the panel's Cancel stops the run.
Starting again while a run is under way (the workspace changed, another catalog or level
was chosen) stops that run and drops whatever it would have returned, so a stale result
is never shown. A run stops at its next progress call: the panel's callback raises
:class:`Cancelled` in the worker.

The panel comes up only when a run takes longer than :data:`SHOW_AFTER_MS` (a small
workspace's figures appear without a flash of "Computing…").
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressBar, QStackedWidget

from ...errors import UserError
from ..context import AppContext
from ..tasks import Task, report_error
from ..widgets.builders import button, hbox, vbox
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import named_label

#: How long a run may take before the panel shows (ms).
SHOW_AFTER_MS = 150


class Cancelled(Exception):
    """Raised in the worker, at its next progress call, once its run was stopped."""


def run_stoppable(
    fn: Callable[..., Any],
    stop: threading.Event,
    *,
    progress: Callable[[int, int], None],
    **kwargs: Any,
) -> Any:
    """``fn(progress=..., **kwargs)`` in a worker, its progress passed on until ``stop``
    is set; then the next progress call raises :class:`Cancelled`."""

    def report(done: int, total: int) -> None:
        if stop.is_set():
            raise Cancelled
        progress(done, total)

    return fn(progress=report, **kwargs)


class BusyPanel(ContextWidget):
    """The page of a tab that computes in the background: what it computes, a progress
    bar and Cancel; after a cancel or a failure, what happened and a button to compute
    again (``restart``).

    Signals:
        finished(object): the newest run's result (stopped runs deliver nothing).
    """

    finished = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        stack: QStackedWidget,
        *,
        what: str,
        name: str,
        restart: Callable[[], object],
    ) -> None:
        super().__init__(ctx, name=name)
        self.what = what
        self.stack = stack
        self.restart = restart
        self.task: Task | None = None
        self._stop: threading.Event | None = None
        self.label = named_label("", "busyLabel", wrap=True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.bar = QProgressBar()
        self.bar.setObjectName(f"{name}Progress")
        self.bar.setFixedWidth(360)
        self.bar.setTextVisible(False)
        self.cancel_button = button("Cancel", self.cancel, name=f"{name}Cancel")
        self.again_button = button("Compute again", self._again, name=f"{name}Again")
        vbox(
            1,
            self.label,
            hbox(1, self.bar, 1),
            hbox(1, self.cancel_button, self.again_button, 1),
            2,
            margins=(24, 24, 24, 24),
            spacing=12,
            parent=self,
        )
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SHOW_AFTER_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        stack.addWidget(self)

    @property
    def running(self) -> bool:
        return self.task is not None

    def start(self, fn: Callable[..., Any], /, **kwargs: Any) -> Task:
        """Run ``fn(progress=..., **kwargs)`` in the background, stopping the run under
        way (its result is dropped); this page shows if it takes a while."""
        self.stop()
        self._stop = threading.Event()
        task = self.ctx.tasks.run(run_stoppable, fn, self._stop, progress=True, **kwargs)
        task.progress.connect(self._on_task_progress)
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        self.task = task
        self._say(f"Computing {self.what}…", running=True)
        self.bar.setRange(0, 0)  # busy until the first progress report
        self._timer.start()
        return task

    def cancel(self) -> None:
        """Stop the run under way; this page says so and offers to compute again."""
        if self.task is None:
            return
        self.stop()
        self._say(f"Cancelled: {self.what} was not computed.", running=False)
        self.stack.setCurrentWidget(self)

    def stop(self) -> None:
        """Stop the run under way, if any (its result is dropped); the page stays."""
        if self._stop is not None:
            self._stop.set()
        self._stop = None
        self.task = None
        self._timer.stop()

    def _say(self, text: str, *, running: bool) -> None:
        self.label.setText(text)
        self.bar.setVisible(running)
        self.cancel_button.setVisible(running)
        self.again_button.setVisible(not running)

    def _again(self) -> None:
        self.restart()

    def _on_timer_timeout(self) -> None:
        if self.task is not None:
            self.stack.setCurrentWidget(self)

    @Slot(int, int)
    def _on_task_progress(self, done: int, total: int) -> None:
        if self.sender() is self.task and total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))

    @Slot(object)
    def _on_task_finished(self, result: object) -> None:
        if self.sender() is not self.task:
            return  # stopped, or replaced by a newer run
        self.stop()
        self.finished.emit(result)

    @Slot(object)
    def _on_task_failed(self, error: object) -> None:
        if self.sender() is not self.task:
            return  # a stopped run ends with Cancelled (or with whatever it met)
        self.stop()
        self._say(f"{self.what.capitalize()} could not be computed: {error}", running=False)
        self.stack.setCurrentWidget(self)
        if not isinstance(error, UserError) and isinstance(error, BaseException):
            report_error(error)
