"""Full-text search across every document of the workspace, with highlighted hits.

Every word typed must occur on the line (case-insensitively); activating a hit opens its
document with the cursor on that line.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...services import documents
from ...store import Workspace

SEARCH_DELAY_MS = 200
HIT_ROLE = Qt.ItemDataRole.UserRole


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
        self.count_label = QLabel()
        self.count_label.setObjectName("listCount")
        self.results = QListWidget()
        self.results.setObjectName("searchResults")
        self.results.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.results.setUniformItemSizes(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.query_edit)
        layout.addWidget(self.count_label)
        layout.addWidget(self.results, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.query_edit.textChanged.connect(lambda _t: self._timer.start())
        self.query_edit.returnPressed.connect(self.run_search)
        self.results.itemClicked.connect(self._on_results_item_activated)
        self.results.itemActivated.connect(self._on_results_item_activated)

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        self.run_search()

    def search_for(self, query: str) -> None:
        self.query_edit.setText(query)
        self.run_search()

    def run_search(self) -> None:
        self._timer.stop()
        query = self.query_edit.text().strip()
        self.results.clear()
        self.hits = []
        if self.ws is None or not query:
            self.count_label.setText("Type words to find them in every document.")
            return
        self.hits = documents.search(ws=self.ws, query=query)
        self.count_label.setText(
            f"{len(self.hits)} hit{'s' if len(self.hits) != 1 else ''}"
            if self.hits
            else f"No document contains “{query}”."
        )
        width = max(200, self.results.viewport().width() - 12)
        for index, hit in enumerate(self.hits):
            item = QListWidgetItem()
            item.setData(HIT_ROLE, index)
            label = QLabel(
                f"<b>{html.escape(hit.title)}</b>"
                f' <span style="color:#7b8794">· {html.escape(kind_label(hit.kind))}'
                f" · line {hit.line}</span><br>{highlighted(hit.snippet, hit.spans)}"
            )
            label.setObjectName("searchHit")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setContentsMargins(6, 4, 6, 4)
            label.setFixedWidth(width)
            item.setSizeHint(QSize(width, label.heightForWidth(width) + 4))
            item.setToolTip(f"{hit.title}, line {hit.line}")
            self.results.addItem(item)
            self.results.setItemWidget(item, label)

    def _on_results_item_activated(self, item: QListWidgetItem) -> None:
        index = item.data(HIT_ROLE)
        if isinstance(index, int) and 0 <= index < len(self.hits):
            hit = self.hits[index]
            self.hit_activated.emit(hit.document_id, hit.line)
