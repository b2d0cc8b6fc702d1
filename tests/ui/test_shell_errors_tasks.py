"""Error dialogs, the exception hook, the log file, the task runner and settings."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtWidgets import QApplication

from aipm_desktop import paths
from aipm_desktop.errors import NotAWorkspaceError, UserError
from aipm_desktop.ui.errors import CrashDialog, ExceptionHook, install_excepthook, setup_logging
from aipm_desktop.ui.settings import MAX_RECENT_FILES, Settings
from aipm_desktop.ui.tasks import TaskRunner


def _raise(error: BaseException) -> tuple:
    try:
        raise error
    except BaseException:
        return sys.exc_info()


@pytest.fixture
def hook(qapp):
    setup_logging()
    hook = ExceptionHook()
    yield hook
    for dialog in hook.dialogs:
        dialog.close()
        dialog.deleteLater()


@pytest.mark.allow_log_errors  # the hook logs the unexpected error: that is the point
def test_unexpected_exception_opens_crash_dialog_and_logs_traceback(qapp, hook, message_boxes):
    hook(*_raise(RuntimeError("boom in a slot")))
    dialogs = [d for d in hook.dialogs if isinstance(d, CrashDialog)]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert dialog.isVisible()
    assert dialog.text.isReadOnly()
    assert "RuntimeError: boom in a slot" in dialog.text.toPlainText()
    assert "Traceback (most recent call last)" in dialog.text.toPlainText()
    assert str(paths.log_file()) in dialog.log_label.text()
    assert message_boxes() == []

    log_text = paths.log_file().read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log_text
    assert "RuntimeError: boom in a slot" in log_text

    dialog.copy_button.click()
    copied = QApplication.clipboard().text()
    assert "RuntimeError: boom in a slot" in copied


def test_user_error_through_hook_is_a_plain_message(hook, message_boxes):
    hook(*_raise(NotAWorkspaceError("notes.txt is not an AIPM workspace.")))
    boxes = message_boxes()
    assert len(boxes) == 1
    assert boxes[0].windowTitle() == "Cannot open the workspace"
    assert boxes[0].text() == "notes.txt is not an AIPM workspace."
    assert not any(isinstance(d, CrashDialog) for d in hook.dialogs)
    assert "Traceback" not in paths.log_file().read_text(encoding="utf-8")


def test_install_replaces_and_restores_sys_excepthook(qapp):
    previous = sys.excepthook
    hook = install_excepthook()
    try:
        assert sys.excepthook is hook
    finally:
        hook.uninstall()
    assert sys.excepthook is previous


def test_task_result_arrives_on_the_main_thread(qtbot, qapp):
    runner = TaskRunner()
    main_thread = threading.get_ident()
    seen: list[int] = []

    def work(a: int, b: int, progress) -> tuple[int, int]:
        for step in range(3):
            progress(step + 1, 3)
        return a + b, threading.get_ident()

    task = runner.run(work, 2, 3, progress=True)
    task.progress.connect(lambda done, total: seen.append(done))
    with qtbot.waitSignal(task.finished) as blocker:
        pass
    total, worker_thread = blocker.args[0]
    assert total == 5
    assert worker_thread != main_thread
    assert seen == [1, 2, 3]
    runner.wait()


def test_task_error_is_delivered(qtbot, qapp):
    runner = TaskRunner()

    def fail() -> None:
        raise UserError("Disk full")

    task = runner.run(fail)
    with qtbot.waitSignal(task.failed) as blocker:
        pass
    assert isinstance(blocker.args[0], UserError)
    assert str(blocker.args[0]) == "Disk full"
    runner.wait()


def test_recent_files_are_unique_most_recent_first_and_capped(tmp_path):
    settings = Settings()
    files = []
    for index in range(MAX_RECENT_FILES + 2):
        path = tmp_path / f"w{index}.aipm"
        path.write_bytes(b"")
        files.append(path)
        settings.add_recent_file(path)
    settings.add_recent_file(files[5])
    listed = Settings().recent_files()
    assert len(listed) == MAX_RECENT_FILES
    assert listed[0] == files[5].resolve()
    assert listed[1] == files[-1].resolve()
    assert len(set(listed)) == len(listed)
    files[-1].unlink()
    assert files[-1].resolve() not in Settings().recent_files()
    assert Settings().path.parent == paths.config_dir()


def test_typed_settings_have_defaults_and_round_trip(tmp_path):
    settings = Settings()
    assert settings.author_name() == ""
    assert settings.window_geometry() is None
    assert settings.sidebar_visible() is True
    settings.set_author_name("  Ana  ")
    settings.set_last_directory(tmp_path)
    settings.set_sidebar_visible(False)
    settings.set_splitter_state("main", b"\x00\x01state")
    settings.sync()
    again = Settings()
    assert again.author_name() == "Ana"
    assert again.last_directory() == tmp_path
    assert again.sidebar_visible() is False
    assert bytes(again.splitter_state("main")) == b"\x00\x01state"
