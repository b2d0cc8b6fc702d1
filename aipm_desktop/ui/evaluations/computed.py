"""The base of the tabs that compute from stored results (Report, Compare, Charts).

Bootstrap intervals over 100,000 examples take a second or two, so a tab computes in a
worker (``ctx.tasks``) and only while it is shown: choosing another suite or run marks
it stale, and it starts again when it is next visible. A progress bar under the tab's
choices follows the worker; the rest of the window stays usable. A result that a newer
choice replaced is dropped when it arrives; a refusal (a run without results, two runs
that share no example) is shown in the tab's message line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QLabel, QLayout, QProgressBar, QWidget

from ...errors import UserError
from ..context import AppContext
from ..errors import show_user_error
from ..tasks import Task, report_error
from ..widgets.builders import empty_state, stacked, vbox
from ..widgets.context_widgets import ContextWidget
from ..widgets.dialog_parts import show_saved
from ..widgets.page_header import named_label


def fill_runs(combo: QComboBox, runs: list[Any], chosen: Any, *, fallback: int = 0) -> None:
    """Offer ``runs`` (newest first) in ``combo`` without signalling, keeping the run
    ``chosen`` (an id) chosen while the runs are the same, else the one at ``fallback``
    (a new run is chosen as the latest)."""
    blocked = combo.blockSignals(True)
    offered = [combo.itemData(i) for i in range(combo.count())]
    if offered != [run.id for run in runs]:
        chosen = None
    combo.clear()
    for run in runs:
        when = f" · {run.run_date.isoformat()}" if run.run_date else ""
        combo.addItem(f"{run.name}{when}", run.id)
        combo.setItemData(combo.count() - 1, f"{run.name}{when}", Qt.ItemDataRole.ToolTipRole)
    index = combo.findData(chosen)
    if index < 0 and runs:
        index = min(fallback, len(runs) - 1)
    combo.setCurrentIndex(index)
    combo.blockSignals(blocked)


def write_or_warn(parent: QWidget, saved: QLabel, write: Callable[[], Path]) -> Path | None:
    """Run the export ``write()``: the file written (said on ``saved``), or None after a
    plain warning over ``parent`` when it was refused (a bad path, a full disk)."""
    try:
        out = write()
    except UserError as err:
        show_user_error(parent, err)
        return None
    show_saved(saved, out)
    return out


def headline_label() -> QLabel:
    """The sentence above a tab's figures (red when it is bad news: ``bad`` "true")."""
    label = named_label("", "evalHeadline", wrap=True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class ComputedTab(ContextWidget):
    """A tab showing what a worker computes for the shown suite (see the module
    docstring). A subclass builds its widgets, calls :meth:`set_up` and answers
    :meth:`job` (the worker's function and keywords, or None when there is nothing to
    compute), :meth:`show_result` and :meth:`show_nothing`."""

    #: Whether the worker reports its progress (a ``progress(done, total)`` keyword).
    PROGRESS = True

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, name: str) -> None:
        super().__init__(ctx, parent, name=name)
        self.suite: Any = None
        self.task: Task | None = None
        self.result: Any = None
        self.stale = True
        self.progress = QProgressBar()
        self.progress.setObjectName("computeProgress")
        self.progress.setTextVisible(True)
        self.progress.setVisible(False)
        self.message = named_label("", "hintBox", wrap=True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setVisible(False)

    def show_suite(self, suite: Any) -> None:
        """Show ``suite`` (None: nothing); the computation is redone when visible."""
        self.suite = suite
        self.fill_choices(suite)
        self.recompute()

    def fill_choices(self, suite: Any) -> None:
        """Offer the suite's runs and metrics in the tab's choices (a subclass's)."""

    def recompute(self) -> None:
        """Mark the tab stale; compute now when it is visible."""
        self.stale = True
        if self.isVisible():
            self.start()

    def lay_out(self, top: QLayout, figures: QWidget, empty_text: str) -> None:
        """Lay the tab out: its choices (``top``), the progress bar and the message line,
        then ``figures``, or the ``empty`` message in their place (:meth:`show_nothing`)."""
        self.figures = figures
        self.empty = empty_state(empty_text, margin=16)
        self.body = stacked(self.empty, figures)
        vbox(
            top,
            self.progress,
            self.message,
            (self.body, 1),
            spacing=6,
            margins=(4, 4, 4, 4),
            parent=self,
        )

    def job(self) -> tuple[Callable[..., Any], dict[str, Any]] | None:
        raise NotImplementedError

    def show_result(self, result: Any) -> None:
        raise NotImplementedError

    def show_nothing(self, why: str) -> None:
        """Say ``why`` there is nothing to show, in place of the figures."""
        self.clear()
        self.empty.setText(why)
        self.body.setCurrentWidget(self.empty)

    def show_figures(self, headline: QLabel, text: str, bad: bool) -> None:
        """Show the figures under ``headline`` saying ``text``, in red when ``bad``."""
        self.body.setCurrentWidget(self.figures)
        headline.setText(text)
        headline.setProperty("bad", "true" if bad else "false")
        headline.style().unpolish(headline)
        headline.style().polish(headline)

    def clear(self) -> None:
        """Forget what was shown (a subclass empties its tables)."""

    def say(self, text: str) -> None:
        """Show ``text`` in the message line ("" hides it)."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def start(self) -> Task | None:
        """Compute in a worker (the previous one's result will be dropped)."""
        self.stale = False
        self.result = None
        found = self.job() if self.ctx.workspace is not None and self.suite is not None else None
        if found is None:
            self.task = None
            self.progress.setVisible(False)
            return None
        fn, kwargs = found
        self.say("")
        self.progress.setRange(0, 0)
        self.progress.setFormat("Computing…")
        self.progress.setVisible(True)
        task = self.ctx.tasks.run(fn, ws=self.ctx.workspace, progress=self.PROGRESS, **kwargs)
        self.task = task
        task.progress.connect(self._on_task_progress)
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        return task

    def _settle(self) -> bool:
        if self.sender() is not self.task:
            return False
        self.task = None
        self.progress.setVisible(False)
        return True

    def _on_task_progress(self, done: int, total: int) -> None:
        if self.sender() is self.task and total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.progress.setFormat("Computing… %p%")

    def _on_task_finished(self, result: object) -> None:
        if self._settle():
            self.result = result
            self.show_result(result)

    def _on_task_failed(self, error: object) -> None:
        if not self._settle():
            return
        if isinstance(error, UserError):
            self.show_nothing(str(error))
        elif isinstance(error, BaseException):
            report_error(error)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.stale:
            self.start()
