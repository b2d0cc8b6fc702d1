"""The markdown editor of the Documents area, used with the keyboard like a writer would."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextCursor

from aipm_desktop.ui.documents.editor import MarkdownEditor, SourcePane
from aipm_desktop.ui.documents.markup import fit_tables, local_image


def _pane(qtbot) -> SourcePane:
    pane = SourcePane()
    qtbot.addWidget(pane)
    pane.resize(700, 400)
    pane.show()
    qtbot.waitExposed(pane)
    pane.activateWindow()
    qtbot.waitUntil(pane.isActiveWindow)
    pane.editor.setFocus()
    qtbot.waitUntil(pane.editor.hasFocus)
    return pane


def _select(editor: MarkdownEditor, start: int, end: int) -> None:
    cursor = editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)


def test_ctrl_b_and_ctrl_i_wrap_the_selection(qtbot):
    pane = _pane(qtbot)
    editor = pane.editor
    editor.setPlainText("make this bold and that italic")
    _select(editor, 5, 9)  # "this"
    qtbot.keyClick(editor, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == "make **this** bold and that italic"
    assert editor.textCursor().selectedText() == "this"
    _select(editor, 23, 27)  # "that"
    qtbot.keyClick(editor, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == "make **this** bold and *that* italic"
    # Ctrl+Z in the editor undoes the typing (the editor's own undo).
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == "make **this** bold and that italic"


def test_tab_indents_and_shift_tab_outdents_list_items(qtbot):
    pane = _pane(qtbot)
    editor = pane.editor
    editor.setPlainText("- one\n- two\n- three")
    _select(editor, 6, 17)  # lines 2 and 3
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "- one\n    - two\n    - three"
    qtbot.keyClick(editor, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert editor.toPlainText() == "- one\n- two\n- three"
    # Outside a list, Tab inserts spaces (no focus change).
    editor.setPlainText("plain")
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "plain    "
    assert editor.hasFocus()


def test_find_and_replace_all(qtbot):
    pane = _pane(qtbot)
    editor = pane.editor
    editor.setPlainText("The model is smarter. A smarter model.\nSmarter still.")
    qtbot.keyClick(editor, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    bar = pane.find_bar
    assert bar.isVisible() and bar.replace_row.isVisible()
    qtbot.keyClicks(bar.find_edit, "smarter")
    assert editor.textCursor().selectedText().lower() == "smarter"
    qtbot.keyClicks(bar.replace_edit, "more accurate (F1 0.82)")
    qtbot.mouseClick(bar.replace_all_button, Qt.MouseButton.LeftButton)
    text = editor.toPlainText()
    assert "smarter" not in text.lower()
    assert text.count("more accurate (F1 0.82)") == 3
    assert bar.status_label.text() == "3 replaced"
    # One editor undo step brings every match back.
    editor.undo()
    assert editor.toPlainText().lower().count("smarter") == 3


def test_find_next_previous_wrap_and_escape(qtbot):
    pane = _pane(qtbot)
    editor = pane.editor
    editor.setPlainText("alpha beta alpha gamma alpha")
    qtbot.keyClick(editor, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = pane.find_bar
    assert bar.isVisible() and not bar.replace_row.isVisible()
    qtbot.keyClicks(bar.find_edit, "alpha")
    starts = []
    for _ in range(4):
        qtbot.mouseClick(bar.next_button, Qt.MouseButton.LeftButton)
        starts.append(editor.textCursor().selectionStart())
    assert starts == [11, 23, 0, 11]  # wraps around after the last match
    qtbot.mouseClick(bar.previous_button, Qt.MouseButton.LeftButton)
    assert editor.textCursor().selectionStart() == 0
    qtbot.keyClicks(bar.find_edit, "zzz")
    assert bar.status_label.text() == "Not found"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert editor.hasFocus()


def test_replace_one_at_a_time(qtbot):
    pane = _pane(qtbot)
    editor = pane.editor
    editor.setPlainText("seamless and seamless")
    qtbot.keyClick(editor, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    bar = pane.find_bar
    qtbot.keyClicks(bar.find_edit, "seamless")
    bar.replace_edit.setText("one-click")
    qtbot.mouseClick(bar.replace_button, Qt.MouseButton.LeftButton)
    assert editor.toPlainText() == "one-click and seamless"


def test_highlighter_marks_headings_code_and_tables(qtbot):
    pane = _pane(qtbot)
    editor = pane.editor
    editor.setPlainText("# Heading\n\n```\n# not a heading\n```\n| a | b |\n|---|---|\n- item")
    doc = editor.document()

    def colour_at(line: int, column: int = 0) -> str:
        block = doc.findBlockByNumber(line)
        for fmt_range in block.layout().formats():
            if fmt_range.start <= column < fmt_range.start + fmt_range.length:
                return fmt_range.format.foreground().color().name()
        return ""

    assert colour_at(0) == "#1a56b8"  # heading
    assert colour_at(3) == "#6a1b9a"  # inside the fence: code, not a heading
    assert colour_at(5) == "#2e7d4f"  # a table pipe
    assert colour_at(7) == "#b25e00"  # the list marker


def test_tables_fit_the_width_and_only_local_images_load(tmp_path):
    assert 'width="100%"' in fit_tables("<table><tr><td>x</td></tr></table>")
    from PySide6.QtGui import QImage

    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(0)
    assert image.save(str(tmp_path / "chart.png"))
    outside = tmp_path.parent / "outside.png"
    image.save(str(outside))
    assert local_image(QUrl("chart.png"), tmp_path) is not None
    assert local_image(QUrl("http://example.com/chart.png"), tmp_path) is None
    assert local_image(QUrl("//example.com/chart.png"), tmp_path) is None
    assert local_image(QUrl("../outside.png"), tmp_path) is None
    assert local_image(QUrl.fromLocalFile(str(outside)), tmp_path) is None
