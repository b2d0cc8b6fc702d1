"""The one helper for long work: run a function on ``QThreadPool``, deliver on the main thread.

A worker function gets plain values (a file path, options), opens its own connection or
session from them and never touches widgets. Its result, its error or its progress
reports come back as signals of a :class:`Task`, always delivered on the main thread::

    task = ctx.tasks.run(build_report, path, out, progress=True)
    task.finished.connect(self._on_task_finished)
    task.failed.connect(self._on_task_failed)

With ``progress=True`` the function is called with a ``progress(done, total)`` keyword
argument it may call from the worker thread as often as it likes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMetaMethod, QObject, QRunnable, QThreadPool, Signal, Slot


def report_error(error: BaseException) -> None:
    """Default for a failed task: the excepthook (plain message or crash dialog)."""
    sys.excepthook(type(error), error, error.__traceback__)


class Task(QObject):
    """One piece of work submitted to the pool; lives on the main thread.

    Signals:
        finished(object): the function's return value.
        failed(object): the exception it raised (with ``__traceback__``).
        progress(int, int): ``done, total`` as reported by the function.
        done(): after ``finished`` or ``failed``.
    """

    finished = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)
    done = Signal()

    # Emitted from the worker thread; connected to this object's slots, so Qt queues them
    # to the main thread where this object lives.
    _result_ready = Signal(object)
    _error_ready = Signal(object)
    _progress_ready = Signal(int, int)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.result: Any = None
        self.error: BaseException | None = None
        self.is_done = False
        self._result_ready.connect(self._on_self_result_ready)
        self._error_ready.connect(self._on_self_error_ready)
        self._progress_ready.connect(self._on_self_progress_ready)

    @Slot(object)
    def _on_self_result_ready(self, result: object) -> None:
        self.result = result
        self.is_done = True
        self.finished.emit(result)
        self.done.emit()

    @Slot(object)
    def _on_self_error_ready(self, error: BaseException) -> None:
        self.error = error
        self.is_done = True
        if self.isSignalConnected(QMetaMethod.fromSignal(self.failed)):
            self.failed.emit(error)
        else:
            report_error(error)
        self.done.emit()

    @Slot(int, int)
    def _on_self_progress_ready(self, done: int, total: int) -> None:
        self.progress.emit(done, total)


class _Runnable(QRunnable):
    def __init__(
        self,
        task: Task,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task = task
        self._fn = fn
        self._args = args
        self._kwargs = kwargs

    def run(self) -> None:
        task = self._task
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as error:  # delivered to the main thread, never swallowed
            task._error_ready.emit(error)
        else:
            task._result_ready.emit(result)


class TaskRunner(QObject):
    """Runs functions on a ``QThreadPool`` and keeps their :class:`Task` objects alive.

    A failure goes to ``Task.failed``, or, when nothing is connected to it, to
    :func:`report_error` (plain message for a ``UserError``, crash dialog otherwise).

    Signals:
        busy_changed(bool): True when the first task starts, False when the last one ends.
    """

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        # The one writer: work that writes the workspace runs here, one job at a time.
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._active: set[Task] = set()

    @property
    def busy(self) -> bool:
        return bool(self._active)

    def run(
        self, fn: Callable[..., Any], /, *args: Any, progress: bool = False, **kwargs: Any
    ) -> Task:
        """Start ``fn(*args, **kwargs)`` in a worker; returns its :class:`Task`."""
        return self._start(self._pool, fn, args, kwargs, progress)

    def run_write(
        self, fn: Callable[..., Any], /, *args: Any, progress: bool = False, **kwargs: Any
    ) -> Task:
        """Like :meth:`run`, for work that writes the workspace: such jobs run one at a time
        on the single writer thread (readers may still run in parallel on the pool)."""
        return self._start(self._writer, fn, args, kwargs, progress)

    def _start(
        self,
        pool: QThreadPool,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        progress: bool,
    ) -> Task:
        task = Task(getattr(fn, "__name__", "task"), self)
        if progress:
            kwargs["progress"] = task._progress_ready.emit
        task.done.connect(self._on_task_done)
        was_busy = self.busy
        self._active.add(task)
        pool.start(_Runnable(task, fn, args, kwargs))
        if not was_busy:
            self.busy_changed.emit(True)
        return task

    @Slot()
    def _on_task_done(self) -> None:
        task = self.sender()
        if not isinstance(task, Task):
            return
        self._active.discard(task)
        task.deleteLater()
        if not self._active:
            self.busy_changed.emit(False)

    def wait(self, msecs: int = -1) -> bool:
        """Block until every worker has finished (used on quit and in tests)."""
        return self._pool.waitForDone(msecs) and self._writer.waitForDone(msecs)
