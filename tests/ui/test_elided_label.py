"""A header label that gives way in a narrow window: it shows the start of its text with
"…", the whole text in its tooltip, and still reports the whole text."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QWidget

from aipm_desktop.ui.widgets.elided_label import ElidedLabel

LONG = "Approved · Priya Natarajan · 2026-08-02"


def _row(qtbot, width: int) -> tuple[QWidget, ElidedLabel]:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.addWidget(QLineEdit(), 1)
    label = ElidedLabel(LONG)
    layout.addWidget(label)
    qtbot.addWidget(row)
    row.resize(width, 40)
    row.show()
    qtbot.waitExposed(row)
    return row, label


def test_a_narrow_row_cuts_the_text_and_tells_it_whole_in_the_tooltip(qtbot):
    row, label = _row(qtbot, 200)
    assert row.minimumSizeHint().width() < label.fontMetrics().horizontalAdvance(LONG)
    row.resize(row.minimumSizeHint().width(), 40)
    qtbot.wait(10)
    shown = super(ElidedLabel, label).text()
    assert shown.endswith("…") and LONG.startswith(shown[:-1])
    assert label.toolTip() == LONG
    assert label.text() == LONG


def test_with_room_the_whole_text_shows_and_no_tooltip_repeats_it(qtbot):
    _, label = _row(qtbot, 900)
    assert super(ElidedLabel, label).text() == LONG
    assert label.toolTip() == ""
    label.setToolTip("Who approved it, and when")
    assert label.toolTip() == "Who approved it, and when"


def test_new_text_is_cut_to_the_room_there_is(qtbot):
    _, label = _row(qtbot, 400)
    label.setText("Draft")
    assert super(ElidedLabel, label).text() == "Draft"
    label.setText(LONG * 3)
    qtbot.wait(10)
    assert label.width() < label.fontMetrics().horizontalAdvance(LONG * 3)
    assert super(ElidedLabel, label).text().endswith("…")
