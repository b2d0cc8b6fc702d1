"""The style sheet's conventions that every area relies on."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from aipm_desktop.app import load_stylesheet


@pytest.fixture
def styled(qapp):
    before = qapp.styleSheet()
    qapp.setStyleSheet(load_stylesheet())
    yield
    qapp.setStyleSheet(before)


def _background_and_text(qtbot, button: QPushButton) -> tuple[str, str]:
    qtbot.addWidget(button)
    button.resize(120, 32)
    image = button.grab().toImage()
    background = image.pixelColor(6, image.height() // 2).name()
    colours = {
        image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())
    }
    colours.discard(background)
    return background, ",".join(sorted(colours))


@pytest.mark.parametrize("name", ["", "primaryButton"])
def test_a_disabled_button_looks_different_from_an_enabled_one(qtbot, styled, name):
    enabled, disabled = QPushButton("Delete"), QPushButton("Delete")
    for button in (enabled, disabled):
        button.setObjectName(name)
    disabled.setEnabled(False)
    on_background, on_text = _background_and_text(qtbot, enabled)
    off_background, off_text = _background_and_text(qtbot, disabled)
    assert on_background != off_background
    assert on_text != off_text
