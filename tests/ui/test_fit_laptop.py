"""Every area is usable in a 1280x720 window, with the demo workspace open.

A page whose minimum size is wider or taller than that forces the window past a laptop
screen (and, with the stacked pages, keeps it from ever shrinking again).
"""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

from aipm_desktop.store import open_workspace
from aipm_desktop.ui.areas import AREAS
from aipm_desktop.ui.main_window import SMALLEST_WINDOW, MainWindow, first_window_size


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    from aipm_desktop.services.workspace import new_workspace

    path = tmp_path_factory.mktemp("demo") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


@pytest.fixture
def styled(qapp):
    """The app's own style and style sheet (their padding and fonts set the sizes)."""
    from aipm_desktop.app import load_stylesheet

    before_sheet, before_style = qapp.styleSheet(), qapp.style().name()
    qapp.setStyle("Fusion")
    qapp.setStyleSheet(load_stylesheet())
    yield
    qapp.setStyleSheet(before_sheet)
    qapp.setStyle(before_style)


@pytest.fixture
def window(qtbot, styled, app_ctx, demo_file, tmp_path):
    path = tmp_path / "demo.aipm"
    shutil.copyfile(demo_file, path)
    win = MainWindow(app_ctx, persist=False)
    qtbot.addWidget(win)
    app_ctx.set_workspace(open_workspace(path))
    win.resize(*SMALLEST_WINDOW)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_the_first_window_fits_the_screen(qapp):
    from PySide6.QtGui import QGuiApplication

    room = QGuiApplication.primaryScreen().availableGeometry()
    width, height = first_window_size()
    assert width <= max(room.width(), 640)
    assert height <= max(room.height(), 480)


@pytest.mark.parametrize("area", [a.name for a in AREAS])
def test_every_area_fits_a_1280x720_window(qtbot, window, area):
    limit = QSize(*SMALLEST_WINDOW)
    window.show_area(area)
    qtbot.wait(50)
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert hint.width() <= limit.width(), f"{area} needs {hint.width()} px of width"
    assert hint.height() <= limit.height(), f"{area} needs {hint.height()} px of height"
    window.resize(limit)
    qtbot.wait(20)
    assert window.width() == limit.width() and window.height() == limit.height()


def test_visiting_every_area_lets_the_window_shrink_back(qtbot, window):
    for area in AREAS:
        window.show_area(area.name)
        qtbot.wait(20)
    window.show_area(AREAS[0].name)
    window.resize(*SMALLEST_WINDOW)
    qtbot.wait(20)
    assert (window.width(), window.height()) == SMALLEST_WINDOW


def test_every_demo_document_opens_within_a_1280x720_window(qtbot, window):
    """The first document shown is not the only one: a long kind name or an approver
    with a date in the header once pushed the window to 1,350 px."""
    from aipm_desktop.services import documents

    window.show_area("documents")
    page = window.findChild(QWidget, "documentsPage")
    shown = []
    for doc in documents.list_documents(ws=window.ctx.workspace):
        page.open_document(doc["id"])
        qtbot.wait(10)
        width = window.minimumSizeHint().expandedTo(window.minimumSize()).width()
        assert width <= SMALLEST_WINDOW[0], f"{doc['title']} needs {width} px"
        shown.append(page.status_chip.text())
    # The header keeps the whole text for the reader (the tooltip when cut).
    assert any(text.startswith("Approved · ") and text.count("·") == 2 for text in shown)


def test_with_the_related_panel_open_every_area_still_fits(qtbot, window):
    """View ▸ Related panel beside any area keeps the window within 1280x720."""
    window.go_anywhere.set_related_visible(True)
    for area in AREAS:
        window.show_area(area.name)
        qtbot.wait(10)
        hint = window.minimumSizeHint().expandedTo(window.minimumSize())
        parts = (
            window.page_stack.currentWidget().minimumSizeHint().width(),
            window.go_anywhere.dock.minimumSizeHint().width(),
        )
        assert hint.width() <= SMALLEST_WINDOW[0], f"{area.name} needs {hint.width()} px {parts}"
        assert hint.height() <= SMALLEST_WINDOW[1], f"{area.name} needs {hint.height()} px"
    window.resize(*SMALLEST_WINDOW)
    qtbot.wait(20)
    assert (window.width(), window.height()) == SMALLEST_WINDOW
    assert window.go_anywhere.dock.width() >= window.go_anywhere.dock.minimumSizeHint().width()


def test_the_related_panel_gets_its_width_back_after_a_wide_area(qtbot, window):
    from aipm_desktop.ui.go_anywhere import RELATED_WIDTH

    window.go_anywhere.set_related_visible(True)
    dock = window.go_anywhere.dock
    qtbot.waitUntil(lambda: dock.width() >= RELATED_WIDTH)
    window.show_area("documents")  # the widest area squeezes the panel
    qtbot.waitUntil(lambda: dock.width() < RELATED_WIDTH)
    window.show_area("settings")
    qtbot.waitUntil(lambda: dock.width() >= RELATED_WIDTH)
    assert window.width() == SMALLEST_WINDOW[0]
