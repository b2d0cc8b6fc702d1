"""Fixtures for the GUI shell tests: an app context and a main window over a workspace."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


@pytest.fixture
def app_ctx(qapp) -> Iterator:
    from aipm_desktop.ui.context import AppContext

    ctx = AppContext()
    yield ctx
    ctx.tasks.wait()
    ctx.close_workspace()


@pytest.fixture
def main_window(qtbot, app_ctx, ws):
    """A main window (layout persisted like the real app) with ``ws`` open."""
    from aipm_desktop.ui.main_window import MainWindow

    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    window.set_workspace(ws)
    window.show()
    qtbot.waitExposed(window)
    return window


def _visible_message_boxes(parent: QWidget | None = None) -> list[QMessageBox]:
    if parent is not None:
        boxes = parent.findChildren(QMessageBox)
    else:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    return [box for box in boxes if box.isVisible()]


@pytest.fixture
def message_boxes(qapp) -> Iterator:
    """``message_boxes(parent=None)``: the message boxes shown now; all closed at the end."""
    yield _visible_message_boxes
    for box in _visible_message_boxes():
        box.close()
        box.deleteLater()


def shown_page(qtbot, app_ctx, ws, page_class, size=(1280, 720)):
    """An area page of ``page_class`` over ``ws``, shown at ``size``."""
    app_ctx.set_workspace(ws)
    page = page_class(app_ctx)
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def operations_page(qtbot, app_ctx, sample_ws):
    """The Operations area over a copy of the sample workspace, shown at 1280x720."""
    from aipm_desktop.ui.operations.page import OperationsPage

    return shown_page(qtbot, app_ctx, sample_ws, OperationsPage)


@pytest.fixture
def controls_page(qtbot, app_ctx, ws):
    """The Controls area over a fresh workspace, shown at 1280x720."""
    from aipm_desktop.ui.controls.page import ControlsPage

    return shown_page(qtbot, app_ctx, ws, ControlsPage)
