"""Bases for an area's widgets and dialogs that keep the app context.

Each one does what the hand-written ``__init__`` lines did: keep ``ctx``, set the object
name the style sheet and the tests look up, and (dialogs) the window title and first size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
