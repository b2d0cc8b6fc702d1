"""The markdown source editor: highlighting, emphasis keys, list indenting, find and replace.

Keys inside the editor: Ctrl+B / Ctrl+I wrap the selection (or the word at the cursor) in
``**`` / ``*``; Tab / Shift+Tab indent or outdent the list items touched by the cursor or
selection (elsewhere Tab inserts four spaces); Ctrl+F opens the find bar, Ctrl+H the find
and replace bar (both only while focus is in the editor or its bar, so the document
list keeps its own Ctrl+F). Ctrl+Z / Ctrl+Shift+Z undo and redo the typing in the editor;
the main window's Edit ▸ Undo (menu) undoes whole autosaves.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QRegularExpression, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..widgets.page_header import named_label

INDENT = "    "
_LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])(\s+|$)")
#: Ctrl+<key>: the markup wrapped around the selection (bold, italic).
_WRAP_KEYS = {Qt.Key.Key_B: "**", Qt.Key.Key_I: "*"}
_KEY_TAB = Qt.Key.Key_Tab
_KEY_BACKTAB = Qt.Key.Key_Backtab
_CTRL = Qt.KeyboardModifier.ControlModifier
_SHIFT = Qt.KeyboardModifier.ShiftModifier
_MODS = _CTRL | _SHIFT | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier

# Block states of the highlighter.
_NORMAL = 0
_IN_FENCE = 1


def _format(
    color: str,
    *,
    bold: bool = False,
    italic: bool = False,
    background: str = "",
    size_delta: float = 0,
) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    if italic:
        fmt.setFontItalic(True)
    if background:
        fmt.setBackground(QColor(background))
    return fmt


class MarkdownHighlighter(QSyntaxHighlighter):
    """Colours headings, list markers, emphasis, inline and fenced code, tables, links."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.heading = _format("#1a56b8", bold=True)
        self.list_marker = _format("#b25e00", bold=True)
        self.strong = _format("#1f2933", bold=True)
        self.emphasis = _format("#323f4b", italic=True)
        self.code = _format("#8e24aa", background="#f3eef8")
        self.fence = _format("#6a1b9a", background="#f3eef8")
        self.table = _format("#2e7d4f")
        self.table_rule = _format("#7b8794")
        self.link = _format("#1565c0")
        self.quote = _format("#616e7c", italic=True)
        self.rules: list[tuple[QRegularExpression, QTextCharFormat]] = [
            (QRegularExpression(r"\*\*[^*\n]+\*\*|__[^_\n]+__"), self.strong),
            (
                QRegularExpression(r"(?<![*\w])\*(?!\s)[^*\n]+?\*(?!\*)|(?<![_\w])_[^_\n]+_(?!\w)"),
                self.emphasis,
            ),
            (QRegularExpression(r"\[[^\]\n]*\]\([^)\n]*\)"), self.link),
            (QRegularExpression(r"`[^`\n]+`"), self.code),
        ]
        self._fence = QRegularExpression(r"^\s*(```|~~~)")
        self._heading = QRegularExpression(r"^\s{0,3}#{1,6}(\s|$)")
        self._list = QRegularExpression(r"^\s*([-*+]|\d+[.)])\s+(\[[ xX]\]\s+)?")
        self._table_rule = QRegularExpression(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")

    def highlightBlock(self, text: str) -> None:
        previous = self.previousBlockState()
        if self._fence.match(text).hasMatch():
            self.setFormat(0, len(text), self.fence)
            self.setCurrentBlockState(_NORMAL if previous == _IN_FENCE else _IN_FENCE)
            return
        if previous == _IN_FENCE:
            self.setFormat(0, len(text), self.fence)
            self.setCurrentBlockState(_IN_FENCE)
            return
        self.setCurrentBlockState(_NORMAL)
        if self._heading.match(text).hasMatch():
            self.setFormat(0, len(text), self.heading)
            return
        stripped = text.strip()
        if stripped.startswith(">"):
            self.setFormat(0, len(text), self.quote)
        if stripped.startswith("|") or (stripped.count("|") >= 2):
            if self._table_rule.match(text).hasMatch():
                self.setFormat(0, len(text), self.table_rule)
                return
            for i, char in enumerate(text):
                if char == "|":
                    self.setFormat(i, 1, self.table)
        match = self._list.match(text)
        if match.hasMatch():
            self.setFormat(0, match.capturedLength(0), self.list_marker)
        for pattern, fmt in self.rules:
            it = pattern.globalMatch(text)
            while it.hasNext():
                m = it.next()
                self.setFormat(m.capturedStart(0), m.capturedLength(0), fmt)


class MarkdownEditor(QPlainTextEdit):
    """A monospace markdown source editor with the editing keys of the module docstring."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("markdownEditor")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10.0))
        self.setFont(font)
        self.setTabChangesFocus(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * len(INDENT))
        self.setPlaceholderText("Write in markdown: # headings, - lists, **bold**, | tables |")
        self.highlighter = MarkdownHighlighter(self.document())

    # -- editing commands -----------------------------------------------------------------

    def wrap_selection(self, marker: str) -> None:
        """Wrap the selection (or the word at the cursor) in ``marker``; unwrap if wrapped."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        text = cursor.selectedText()
        start = cursor.selectionStart()
        cursor.beginEditBlock()
        n = len(marker)
        if len(text) >= 2 * n and text.startswith(marker) and text.endswith(marker):
            inner = text[n:-n]
            cursor.insertText(inner)
            cursor.setPosition(start)
            cursor.setPosition(start + len(inner), QTextCursor.MoveMode.KeepAnchor)
        else:
            cursor.insertText(f"{marker}{text}{marker}")
            if text:
                cursor.setPosition(start + n)
                cursor.setPosition(start + n + len(text), QTextCursor.MoveMode.KeepAnchor)
            else:
                cursor.setPosition(start + n)
        cursor.endEditBlock()
        self.setTextCursor(cursor)

    def _selected_blocks(self) -> list[int]:
        cursor = self.textCursor()
        doc = self.document()
        first = doc.findBlock(cursor.selectionStart()).blockNumber()
        end = cursor.selectionEnd()
        last_block = doc.findBlock(end)
        last = last_block.blockNumber()
        if cursor.hasSelection() and last > first and end == last_block.position():
            last -= 1  # a selection ending at the start of a line does not touch that line
        return list(range(first, last + 1))

    def touches_list(self) -> bool:
        """True when every line the cursor or selection touches is a list item."""
        doc = self.document()
        return all(
            _LIST_ITEM.match(doc.findBlockByNumber(n).text()) for n in self._selected_blocks()
        )

    def indent_lines(self, outdent: bool = False) -> None:
        """Indent (or outdent) every line touched by the cursor or the selection."""
        doc = self.document()
        cursor = self.textCursor()
        cursor.beginEditBlock()
        for number in self._selected_blocks():
            block = doc.findBlockByNumber(number)
            line = QTextCursor(block)
            text = block.text()
            if outdent:
                remove = len(text) - len(text.lstrip(" "))
                remove = min(remove, len(INDENT))
                if text.startswith("\t"):
                    remove = 1
                if remove:
                    line.movePosition(
                        QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor, remove
                    )
                    line.removeSelectedText()
            else:
                line.insertText(INDENT)
        cursor.endEditBlock()

    def go_to_line(self, line: int) -> None:
        """Put the cursor at the start of 1-based ``line`` and show it centred."""
        block = self.document().findBlockByNumber(max(0, line - 1))
        if not block.isValid():
            block = self.document().lastBlock()
        cursor = QTextCursor(block)
        self.setTextCursor(cursor)
        self.centerCursor()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def current_line(self) -> int:
        return self.textCursor().blockNumber() + 1

    # -- keys -----------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            mods = event.modifiers() & _MODS
            if mods == _CTRL and event.key() in _WRAP_KEYS:
                event.accept()  # ours, even when a window action uses the same keys
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & _MODS
        if mods == _CTRL and key in _WRAP_KEYS:
            self.wrap_selection(_WRAP_KEYS[key])
            return
        if key == _KEY_BACKTAB or (key == _KEY_TAB and mods == _SHIFT):
            self.indent_lines(outdent=True)
            return
        if key == _KEY_TAB and not mods:
            if self.touches_list() or self.textCursor().hasSelection():
                self.indent_lines()
            else:
                self.insertPlainText(INDENT)
            return
        super().keyPressEvent(event)


class FindBar(QFrame):
    """Find (and replace) in a :class:`MarkdownEditor`.

    Enter finds the next match, Shift+Enter the previous one, Esc closes the bar and
    gives the focus back to the editor.

    Signals:
        closed(): the bar was closed.
    """

    closed = Signal()

    def __init__(self, editor: MarkdownEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.editor = editor
        self.find_edit = QLineEdit()
        self.find_edit.setObjectName("findEdit")
        self.find_edit.setPlaceholderText("Find")
        self.find_edit.setClearButtonEnabled(True)
        self.replace_edit = QLineEdit()
        self.replace_edit.setObjectName("replaceEdit")
        self.replace_edit.setPlaceholderText("Replace with")
        self.find_edit.setMinimumWidth(120)
        self.case_check = QToolButton()
        self.case_check.setText("Aa")
        self.case_check.setCheckable(True)
        self.case_check.setToolTip("Match case")
        self.status_label = named_label("", "findStatus")
        self.previous_button = QToolButton()
        self.previous_button.setText("↑")
        self.previous_button.setToolTip("Find the previous match (Shift+Enter)")
        self.next_button = QToolButton()
        self.next_button.setText("↓")
        self.next_button.setToolTip("Find the next match (Enter)")
        self.replace_button = QPushButton("Replace")
        self.replace_button.setToolTip("Replace the current match and find the next one")
        self.replace_all_button = QPushButton("Replace all")
        self.replace_all_button.setToolTip("Replace every match in the document (one undo step)")
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Close (Esc)")
        self.close_button.setAutoRaise(True)

        first = QHBoxLayout()
        first.setContentsMargins(0, 0, 0, 0)
        first.addWidget(self.find_edit, 1)
        first.addWidget(self.previous_button)
        first.addWidget(self.next_button)
        first.addWidget(self.case_check)
        first.addWidget(self.status_label)
        first.addWidget(self.close_button)
        self.replace_row = QWidget()
        second = QHBoxLayout(self.replace_row)
        second.setContentsMargins(0, 0, 0, 0)
        second.addWidget(self.replace_edit, 1)
        second.addWidget(self.replace_button)
        second.addWidget(self.replace_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(first)
        layout.addWidget(self.replace_row)

        self.find_edit.returnPressed.connect(self.find_next)
        self.replace_edit.returnPressed.connect(self.replace)
        self.next_button.clicked.connect(self.find_next)
        self.previous_button.clicked.connect(self.find_previous)
        self.replace_button.clicked.connect(self.replace)
        self.replace_all_button.clicked.connect(self.replace_all)
        self.close_button.clicked.connect(self.close_bar)
        self.find_edit.textChanged.connect(self._on_find_edit_text_changed)
        self.hide()

    # -- open / close ---------------------------------------------------------------------

    def open_find(self, replace: bool = False) -> None:
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.find_edit.setText(selected)
        self.replace_row.setVisible(replace)
        self.show()
        self.find_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        self.closed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (event.modifiers() & _SHIFT):
            self.find_previous()
            return
        super().keyPressEvent(event)

    # -- finding --------------------------------------------------------------------------

    def _flags(self, backward: bool = False) -> QTextDocument.FindFlag:
        flags = QTextDocument.FindFlag(0)
        if self.case_check.isChecked():
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        return flags

    def _find(self, backward: bool) -> bool:
        needle = self.find_edit.text()
        if not needle:
            self.status_label.setText("")
            return False
        editor = self.editor
        if editor.find(needle, self._flags(backward)):
            self.status_label.setText("")
            return True
        # Wrap around once.
        cursor = editor.textCursor()
        cursor.movePosition(
            QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start
        )
        editor.setTextCursor(cursor)
        found = editor.find(needle, self._flags(backward))
        self.status_label.setText("" if found else "Not found")
        return found

    def find_next(self) -> bool:
        return self._find(backward=False)

    def find_previous(self) -> bool:
        return self._find(backward=True)

    def _matches(self, text: str) -> bool:
        needle = self.find_edit.text()
        if self.case_check.isChecked():
            return text == needle
        return text.casefold() == needle.casefold()

    def replace(self) -> bool:
        """Replace the current match (if the selection is one) and find the next."""
        if self.editor.isReadOnly() or not self.find_edit.text():
            return False
        cursor = self.editor.textCursor()
        if cursor.hasSelection() and self._matches(cursor.selectedText()):
            cursor.insertText(self.replace_edit.text())
        return self.find_next()

    def replace_all(self) -> int:
        """Replace every match; one undo step in the editor. Returns how many."""
        needle = self.find_edit.text()
        if self.editor.isReadOnly() or not needle:
            return 0
        doc = self.editor.document()
        flags = self._flags()
        count = 0
        edit = QTextCursor(doc)
        edit.beginEditBlock()
        cursor = doc.find(needle, 0, flags)
        while not cursor.isNull():
            cursor.insertText(self.replace_edit.text())
            count += 1
            cursor = doc.find(needle, cursor.position(), flags)
        edit.endEditBlock()
        self.status_label.setText(f"{count} replaced" if count else "Not found")
        return count

    def _on_find_edit_text_changed(self, text: str) -> None:
        self.status_label.setText("")
        if not text:
            return
        # Incremental: search from the start of the current selection.
        cursor = self.editor.textCursor()
        cursor.setPosition(cursor.selectionStart())
        self.editor.setTextCursor(cursor)
        self.find_next()


class SourcePane(QWidget):
    """The editor with its find bar; owns the Ctrl+F / Ctrl+H shortcuts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourcePane")
        self.editor = MarkdownEditor()
        self.find_bar = FindBar(self.editor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.editor, 1)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.find_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        self.find_shortcut.setContext(context)
        self.find_shortcut.activated.connect(lambda: self.find_bar.open_find(False))
        self.replace_shortcut = QShortcut(QKeySequence("Ctrl+H"), self)
        self.replace_shortcut.setContext(context)
        self.replace_shortcut.activated.connect(lambda: self.find_bar.open_find(True))
