"""Bases for an area's widgets and dialogs that keep the app context.

Each one does what the hand-written ``__init__`` lines did: keep ``ctx``, set the object
name the style sheet and the tests look up, and (dialogs) the window title and first size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QWidget

if TYPE_CHECKING:
    from ..context import AppContext


class ContextWidget(QWidget):
    """A widget of an area, named ``name``, holding the app context as ``ctx``."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, name: str) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(name)


class ContextDialog(QDialog):
    """A dialog of an area, named ``name`` and titled ``title`` (resized to ``size``
    when given), holding the app context as ``ctx``."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        name: str,
        title: str,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(name)
        self.setWindowTitle(title)
        if size is not None:
            self.resize(*size)

    def add_undo_shortcuts(self) -> None:
        """Ctrl+Z / Ctrl+Shift+Z (the platform's undo and redo keys) in this dialog too,
        on the app's undo stack: a non-modal dialog is its own window."""
        stack = self.ctx.undo_stack
        for action, keys in (
            (stack.createUndoAction(self, "Undo"), QKeySequence.StandardKey.Undo),
            (stack.createRedoAction(self, "Redo"), QKeySequence.StandardKey.Redo),
        ):
            action.setShortcuts([QKeySequence(keys)])
            self.addAction(action)
