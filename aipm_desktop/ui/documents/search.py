"""Full-text search across every document of the workspace, with highlighted hits.

Every word typed must occur on the line (case-insensitively); activating a hit opens its
document with the cursor on that line.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ...services import documents
from ...store import Workspace
from ..widgets.builders import NO_MARGINS, vbox
from ..widgets.debounce import Debouncer
from ..widgets.page_header import named_label
from ..widgets.roles import DISPLAY_ROLE, ID_ROLE, TOOLTIP_ROLE
from ..widgets.row_list_model import RowListModel

SEARCH_DELAY_MS = 200
HIT_ROLE = ID_ROLE
HTML_ROLE = ID_ROLE + 1
MARGIN = 6


def highlighted(snippet: str, spans: tuple[tuple[int, int], ...]) -> str:
    """``snippet`` as HTML with the ``(start, end)`` spans marked."""
    parts: list[str] = []
    position = 0
    for start, end in sorted(spans):
        start, end = max(start, position), max(end, position)
        if start >= end:
            continue
        parts.append(html.escape(snippet[position:start]))
        parts.append(
            '<span style="background-color:#ffe58f; color:#1f2933; font-weight:600">'
            f"{html.escape(snippet[start:end])}</span>"
        )
        position = end
    parts.append(html.escape(snippet[position:]))
    return "".join(parts)


def kind_label(kind: str) -> str:
    text = kind.replace("_", " ")
    return text[:1].upper() + text[1:]


def hit_html(hit: documents.SearchHit) -> str:
    """A hit as the list shows it: title, kind and line, then the highlighted snippet."""
    return (
        f"<b>{html.escape(hit.title)}</b>"
        f' <span style="color:#7b8794">· {html.escape(kind_label(hit.kind))}'
        f" · line {hit.line}</span><br>{highlighted(hit.snippet, hit.spans)}"
    )


class HitModel(RowListModel[documents.SearchHit]):
    """The search hits as rows; :class:`HitDelegate` paints them."""

    def row_data(self, hit: documents.SearchHit, row: int, role: int) -> Any:
        if role == DISPLAY_ROLE:
            return f"{hit.title} · line {hit.line}: {hit.snippet}"
        if role == HTML_ROLE:
            return hit_html(hit)
        if role == HIT_ROLE:
            return row
        if role == TOOLTIP_ROLE:
            return f"{hit.title}, line {hit.line}"
        return None


class HitDelegate(QStyledItemDelegate):
    """Paints a hit's rich text (wrapped to the view's width) instead of a label widget."""

    def _document(self, option: QStyleOptionViewItem, index: Any) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(0)
        document.setHtml(str(index.data(HTML_ROLE) or ""))
        document.setTextWidth(max(option.rect.width(), 200) - 2 * MARGIN)
        return document

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:
        view = self.parent()
        if isinstance(view, QListView):
            option.rect.setWidth(view.viewport().width())
        document = self._document(option, index)
        return QSize(int(document.idealWidth()) + 2 * MARGIN, int(document.size().height()) + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget is not None else None
        text_option = QStyleOptionViewItem(option)
        text_option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, text_option, painter)
        document = self._document(option, index)
        painter.save()
        painter.translate(option.rect.left() + MARGIN, option.rect.top() + 5)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        document.documentLayout().draw(painter, context)
        painter.restore()


class SearchPane(QWidget):
    """A query box and the hits.

    Signals:
        hit_activated(int, int): a hit was clicked; carries (document id, line).
    """

    hit_activated = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPane")
        self.ws: Workspace | None = None
        self.hits: list[documents.SearchHit] = []
        self.query_edit = QLineEdit()
        self.query_edit.setObjectName("searchEdit")
        self.query_edit.setPlaceholderText("Search all documents…")
        self.query_edit.setClearButtonEnabled(True)
        self.count_label = named_label("", "listCount")
        self.model = HitModel(self)
        self.results = QListView()
        self.results.setObjectName("searchResults")
        self.results.setModel(self.model)
        self.results.setItemDelegate(HitDelegate(self.results))
        self.results.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        self.results.setWordWrap(True)
        self.results.setUniformItemSizes(False)
        vbox(self.query_edit, self.count_label, (self.results, 1), margins=NO_MARGINS, parent=self)
        self._timer = Debouncer(self, SEARCH_DELAY_MS, self.run_search)
        self.query_edit.textChanged.connect(lambda _t: self._timer.start())
        self.query_edit.returnPressed.connect(self.run_search)
        self.results.clicked.connect(self._on_results_activated)
        self.results.activated.connect(self._on_results_activated)

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        self.run_search()

    def search_for(self, query: str) -> None:
        self.query_edit.setText(query)
        self.run_search()

    def run_search(self) -> None:
        self._timer.stop()
        query = self.query_edit.text().strip()
        self.hits = []
        self.model.set_rows([])
        if self.ws is None or not query:
            self.count_label.setText("Type words to find them in every document.")
            return
        self.hits = documents.search(ws=self.ws, query=query)
        self.count_label.setText(
            f"{len(self.hits)} hit{'s' if len(self.hits) != 1 else ''}"
            if self.hits
            else f"No document contains “{query}”."
        )
        self.model.set_rows(self.hits)

    def _on_results_activated(self, model_index: QModelIndex) -> None:
        index = model_index.data(HIT_ROLE)
        if isinstance(index, int) and 0 <= index < len(self.hits):
            hit = self.hits[index]
            self.hit_activated.emit(hit.document_id, hit.line)
