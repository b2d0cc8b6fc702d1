"""The Now / Next / Later board: the same roadmap items as cards in three columns.

Columns come from ``roadmap.board`` (done and cancelled items are left out); each is a
``QListWidget`` whose items a delegate paints as cards (title, lane and owner, dates,
a progress bar). Double-click opens the item's edit dialog.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ...models.enums import ItemKind, ItemStatus
from ...services import roadmap
from ...services.changes import Changes
from ...services.dates import format_date, format_range
from ..context import AppContext
from ..widgets.builders import TAB_MARGINS
from ..widgets.page_header import named_label
from ..widgets.refresh import RefreshWhenShown
from .edit_dialog import enum_text
from .timeline_style import LANE_COLOURS

COLUMNS = (
    ("now", "Now", "In progress or already started"),
    ("next", "Next", "Starting within 90 days"),
    ("later", "Later", "Further out"),
)
ITEM_ROLE = Qt.ItemDataRole.UserRole
DISPLAY_ROLE = Qt.ItemDataRole.DisplayRole
CARD_H = 86
KIND_MARK = {ItemKind.MILESTONE: "◆ ", ItemKind.RELEASE: "⚑ "}


def schedule_text(item: Any) -> str:
    """A card's third line: its dates (one day, or start → end, in the app's date style),
    its status and any slip, e.g. ``2026-12-06 → 2027-01-28 · In progress · slipped 5 d``."""
    one_day = item.start == item.end
    when = format_date(item.start) if one_day else format_range(item.start, item.end)
    status = enum_text(item.status)
    if item.slip_days and item.slip_days > 0:
        status += f" · slipped {item.slip_days} d"
    return f"{when} · {status}"


class CardDelegate(QStyledItemDelegate):
    """Paints a roadmap item as a card."""

    def __init__(self, lanes: list[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.lanes = lanes

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(220, CARD_H)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item = index.data(ITEM_ROLE)
        if item is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(option.rect).adjusted(4, 4, -4, -4)  # type: ignore[attr-defined]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        lane_index = self.lanes.index(item.lane) if item.lane in self.lanes else 0
        _fill, accent = LANE_COLOURS[lane_index % len(LANE_COLOURS)]
        painter.setPen(QPen(QColor("#1a56b8") if selected else QColor("#dde2e8"), 1.4))
        painter.setBrush(QColor("#f4f8ff") if selected else QColor("#ffffff"))
        painter.drawRoundedRect(rect, 8, 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(accent))
        painter.drawRoundedRect(QRectF(rect.left(), rect.top(), 5, rect.height()), 2, 2)
        inner = rect.adjusted(14, 8, -10, -8)
        font = QFont(option.font)  # type: ignore[attr-defined]
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor("#1f2933"))
        title = KIND_MARK.get(item.kind, "") + item.title
        metrics = painter.fontMetrics()
        painter.drawText(
            QRectF(inner.left(), inner.top(), inner.width(), metrics.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(title, Qt.TextElideMode.ElideRight, int(inner.width())),
        )
        painter.setFont(font)
        small = painter.fontMetrics()
        line = inner.top() + metrics.height() + 3
        meta = item.lane + (f" · {item.owner}" if item.owner else "")
        painter.setPen(QColor("#616e7c"))
        painter.drawText(
            QRectF(inner.left(), line, inner.width(), small.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            small.elidedText(meta, Qt.TextElideMode.ElideRight, int(inner.width())),
        )
        line += small.height() + 2
        painter.drawText(
            QRectF(inner.left(), line, inner.width(), small.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            small.elidedText(schedule_text(item), Qt.TextElideMode.ElideRight, int(inner.width())),
        )
        if item.kind == ItemKind.WORK:
            bar = QRectF(inner.left(), inner.bottom() - 5, inner.width(), 5)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#e6eaef"))
            painter.drawRoundedRect(bar, 2.5, 2.5)
            progress = 100 if item.status == ItemStatus.DONE else item.progress
            if progress:
                painter.setBrush(QColor(accent))
                painter.drawRoundedRect(
                    QRectF(bar.left(), bar.top(), bar.width() * progress / 100, 5), 2.5, 2.5
                )
        painter.restore()


class BoardColumn(QFrame):
    """One column: a heading with a count, and the cards."""

    def __init__(self, key: str, title: str, hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.title = title
        self.setObjectName("roadmapBoardColumn")
        self.heading = named_label(title, "roadmapBoardHeading")
        sub = named_label(hint, "mutedLabel")
        self.list = QListWidget()
        self.list.setObjectName("roadmapBoardList")
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setUniformItemSizes(True)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.empty = named_label("Nothing here.", "mutedLabel")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(2)
        layout.addWidget(self.heading)
        layout.addWidget(sub)
        layout.addSpacing(6)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)

    def set_items(self, items: list[Any]) -> None:
        self.list.clear()
        for item in items:
            entry = QListWidgetItem()
            entry.setData(DISPLAY_ROLE, item.title)
            entry.setData(ITEM_ROLE, item)
            entry.setToolTip(f"{item.title}\n{item.lane} · double-click to edit")
            self.list.addItem(entry)
        self.heading.setText(f"{self.title}  ·  {len(items)}")
        self.empty.setVisible(not items)
        self.list.setVisible(bool(items))

    def titles(self) -> list[str]:
        return [self.list.item(row).data(DISPLAY_ROLE) for row in range(self.list.count())]


class BoardWidget(RefreshWhenShown, QWidget):
    """The Now / Next / Later tab.

    Signals:
        edit_requested(int): double-click on a card.
    """

    edit_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("roadmapBoard")
        self.delegate = CardDelegate([], self)
        self.columns: dict[str, BoardColumn] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        layout.setSpacing(12)
        for key, title, hint in COLUMNS:
            column = BoardColumn(key, title, hint)
            column.list.setItemDelegate(self.delegate)
            column.list.itemDoubleClicked.connect(self._on_list_item_double_clicked)
            self.columns[key] = column
            layout.addWidget(column, 1)
        self.today: dt.date | None = None

    def reload(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        self.delegate.lanes = roadmap.lanes(ws=ws)
        columns = roadmap.board(ws=ws, today=self.today)
        for key, column in self.columns.items():
            column.set_items(columns.get(key, []))
        self._dirty = False

    def on_changed(self, changes: Changes) -> None:
        if changes.touches("roadmap_item", "settings"):
            self.invalidate()

    def refresh(self) -> None:
        self.reload()

    def _on_list_item_double_clicked(self, entry: QListWidgetItem) -> None:
        item = entry.data(ITEM_ROLE)
        if item is not None:
            self.edit_requested.emit(item.id)
