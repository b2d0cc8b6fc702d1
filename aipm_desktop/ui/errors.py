"""How errors reach the user: plain messages for ``UserError``, a crash dialog for bugs.

:func:`install_excepthook` replaces ``sys.excepthook``: an unexpected exception is written
with its traceback to the rotating log file (:func:`aipm_desktop.paths.log_file`) and
shown in a :class:`CrashDialog`; a :class:`~aipm_desktop.errors.UserError` that reaches the
hook is shown as a plain message instead. Dialogs open without blocking (``open()``).
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME, __version__, paths
from ..errors import UserError
from .widgets.page_header import named_label

log = logging.getLogger("aipm_desktop")

_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_HANDLER_NAME = "aipm-desktop-file"


def setup_logging(level: int = logging.INFO) -> Path:
    """Log the ``aipm_desktop`` logger to a rotating file in the log directory.

    Calling it again (another ``AIPM_HOME``) replaces the earlier file handler.
    """
    path = paths.log_file()
    for handler in list(log.handlers):
        if handler.get_name() == _HANDLER_NAME:
            log.removeHandler(handler)
            handler.close()
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter(_LOG_FORMAT))
    log.addHandler(handler)
    log.setLevel(level)
    return path


def show_user_error(parent: QWidget | None, err: UserError) -> QMessageBox:
    """A plain warning box with the error's title and message (and detail, if any)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(err.title)
    box.setText(err.message)
    detail = getattr(err, "detail", "")
    if detail:
        box.setDetailedText(detail)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setObjectName("userErrorBox")
    box.open()
    return box


class CrashDialog(QDialog):
    """What went wrong, the traceback to copy into a bug report, and where the log is."""

    def __init__(
        self,
        summary: str,
        details: str,
        log_path: Path | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(f"{APP_NAME}: unexpected error")
        self.resize(720, 460)
        self.details = details

        heading = named_label("Something went wrong", "dialogHeading")
        explanation = QLabel(
            f"{APP_NAME} hit an unexpected error: <b>{_escape(summary)}</b><br>"
            "Your workspace is safe: every edit up to this point was saved. "
            "You can keep working, or quit and start the app again."
        )
        explanation.setWordWrap(True)

        self.text = QPlainTextEdit(details)
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)

        where = f"The details were written to the log file {log_path}." if log_path else ""
        self.log_label = QLabel(where)
        self.log_label.setWordWrap(True)
        self.log_label.setObjectName("mutedLabel")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy to clipboard")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explanation)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.log_label)
        layout.addWidget(buttons)

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(
            f"{APP_NAME} {__version__}, Python {sys.version.split()[0]}\n\n{self.details}"
        )
        self.copy_button.setText("Copied")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ExceptionHook:
    """``sys.excepthook`` replacement: log + crash dialog, or a plain message for UserError.

    ``parent`` returns the widget dialogs attach to (the main window, or None).
    """

    def __init__(self, parent: Callable[[], QWidget | None] = lambda: None) -> None:
        self._parent = parent
        self._previous = sys.excepthook
        self._handling = False
        self.dialogs: list[QDialog] = []

    def install(self) -> ExceptionHook:
        self._previous = sys.excepthook
        sys.excepthook = self
        return self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous

    def __call__(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if self._handling:  # the handler itself failed: do not loop
            sys.__excepthook__(exc_type, exc, tb)
            return
        self._handling = True
        try:
            self._handle(exc_type, exc, tb)
        except Exception:
            sys.__excepthook__(exc_type, exc, tb)
        finally:
            self._handling = False

    def _handle(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        if isinstance(exc, UserError):
            log.info("%s: %s", exc.title, exc.message)
            self._keep(show_user_error(self._parent(), exc))
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("Unexpected error\n%s", details.rstrip())
        log_path = _current_log_file()
        summary = f"{exc_type.__name__}: {exc}" if str(exc) else exc_type.__name__
        dialog = CrashDialog(summary, details, log_path, self._parent())
        dialog.open()
        self._keep(dialog)

    def _keep(self, dialog: QDialog) -> None:
        self.dialogs = [d for d in self.dialogs if _alive(d) and d.isVisible()]
        self.dialogs.append(dialog)


def _alive(widget: QWidget) -> bool:
    try:
        widget.objectName()
    except RuntimeError:
        return False
    return True


def _current_log_file() -> Path | None:
    for handler in log.handlers:
        if isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    return None


def install_excepthook(parent: Callable[[], QWidget | None] = lambda: None) -> ExceptionHook:
    """Set up the log file and route uncaught exceptions to the user (see module doc)."""
    setup_logging()
    return ExceptionHook(parent).install()
