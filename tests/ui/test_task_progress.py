"""The progress dialog never reorders a task's progress for its other listeners."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget

from aipm_desktop.ui.tasks import Task
from aipm_desktop.ui.widgets.task_progress import TaskProgressDialog


def test_listeners_get_progress_in_order_while_the_modal_dialog_shows_it(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    task = Task("job")
    dialog = TaskProgressDialog(task, "Working…", parent, title="Job", name="jobProgress", delay=0)
    seen: list[int] = []
    task.progress.connect(lambda done, _total: seen.append(done))

    def worker() -> None:  # a worker reports from its own thread, as a real task does
        for step in range(1, 41):
            task._progress_ready.emit(step, 40)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(seen) == 40, timeout=5000)
    assert seen == list(range(1, 41))
    qtbot.waitUntil(lambda: dialog.value() == 40, timeout=5000)
    dialog.end()
