"""The roadmap timeline's headers: the time axis above the view and the lane names
left of it, both painted to follow the view's scrolling.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from ...services import timeline_layout as tl
from .timeline_style import AXIS_H, GRID_MAJOR, LANE_HEADER_W, LANE_LINE, MUTED, TEXT, TODAY
from .timeline_view import TimelineView


class _Header(QWidget):
    """A strip painted beside ``view`` (object name ``name``), with a bold font at hand."""

    def __init__(self, view: TimelineView, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.setObjectName(name)
        self.bold = QFont(self.font())
        self.bold.setBold(True)

    def begin_paint(self) -> QPainter:
        """A painter on the strip, its background filled."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#f0f3f7"))
        return painter


class AxisHeader(_Header):
    """The time axis above the view: periods on two rows, a "Today" marker. Stays visible."""

    def __init__(self, view: TimelineView, parent: QWidget | None = None) -> None:
        super().__init__(view, "roadmapAxis", parent)
        self.setFixedHeight(AXIS_H)

    def _x(self, day: dt.date) -> float:
        return self.view.mapFromScene(QPointF(self.view.timeline.x_of(day), 0)).x()

    def periods(
        self,
    ) -> tuple[list[tuple[dt.date, dt.date, str]], list[tuple[dt.date, dt.date, str]]]:
        """(top row, bottom row) periods over the visible range: ``(start, end, label)``."""
        scene = self.view.timeline
        left = scene.date_at(max(self.view.mapToScene(0, 0).x(), 0.0))
        right = scene.date_at(self.view.mapToScene(self.width(), 0).x()) + dt.timedelta(days=1)
        return tl.axis_periods(
            left, right, tl.scale_for(scene.ppd), long_month_names=scene.ppd * 28 > 80
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = self.begin_paint()
        width = self.width()
        half = AXIS_H // 2
        top, bottom = self.periods()
        metrics = painter.fontMetrics()
        painter.setFont(self.bold)
        bold_metrics = painter.fontMetrics()
        for start, end, label in top:
            x0, x1 = self._x(start), self._x(end)
            painter.setPen(QPen(GRID_MAJOR, 1))
            painter.drawLine(int(x0), 0, int(x0), AXIS_H)
            text_x = max(x0, 0.0) + 6
            if x1 - text_x > bold_metrics.horizontalAdvance(label) + 4:
                painter.setPen(TEXT)
                painter.drawText(
                    QRectF(text_x, 2, x1 - text_x, half - 2),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                    label,
                )
        scene = self.view.timeline
        today_x = self._x(scene.today) + scene.ppd / 2
        chip_w = metrics.horizontalAdvance("Today") + 10
        chip = QRectF(today_x - chip_w / 2, AXIS_H - 18, chip_w, 15)
        painter.setFont(self.font())
        for start, end, label in bottom:
            x0, x1 = self._x(start), self._x(end)
            painter.setPen(QPen(LANE_LINE, 1))
            painter.drawLine(int(x0), half, int(x0), AXIS_H)
            text_x = x0 + 4
            text_w = metrics.horizontalAdvance(label) + 2
            if text_x < chip.right() + 2 and text_x + text_w > chip.left() - 2:
                text_x = chip.right() + 4  # keep the label clear of the "Today" chip
            if x1 - text_x > text_w:
                painter.setPen(QColor("#52606d"))
                painter.drawText(
                    QRectF(text_x, half, x1 - text_x, half),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                    label,
                )
        painter.setPen(QPen(LANE_LINE, 1))
        painter.drawLine(0, half, width, half)
        painter.drawLine(0, AXIS_H - 1, width, AXIS_H - 1)
        if -40 <= today_x <= width + 40:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(TODAY)
            painter.drawRoundedRect(chip, 4, 4)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(chip, int(Qt.AlignmentFlag.AlignCenter), "Today")
        painter.end()


class LaneHeader(_Header):
    """The lane names left of the view, scrolled with it vertically."""

    def __init__(self, view: TimelineView, parent: QWidget | None = None) -> None:
        super().__init__(view, "roadmapLanes", parent)
        self.setFixedWidth(LANE_HEADER_W)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = self.begin_paint()
        offset = self.view.mapFromScene(QPointF(0, 0)).y()
        scene = self.view.timeline
        for index, band in enumerate(scene.bands):
            top = band.top + offset
            if top > self.height() or top + band.height < 0:
                continue
            rect = QRectF(0, top, self.width(), band.height)
            background = QColor("#f7f9fb") if index % 2 == 0 else QColor("#eef1f5")
            painter.fillRect(rect, background)
            _fill, accent = scene.lane_colours(band.name)
            painter.fillRect(QRectF(0, top, 4, band.height), accent)
            painter.setPen(QPen(LANE_LINE, 1))
            painter.drawLine(
                QPointF(0, top + band.height), QPointF(self.width(), top + band.height)
            )
            # The name stays in view while a tall lane scrolls: clamp it to the visible part.
            visible_top = max(top, 0.0)
            text_rect = QRectF(14, visible_top + 6, self.width() - 22, 40)
            painter.setFont(self.bold)
            painter.setPen(TEXT)
            flags = int(
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
            )
            used = painter.boundingRect(text_rect, flags, band.name)
            painter.drawText(text_rect, flags, band.name)
            painter.setFont(self.font())
            painter.setPen(MUTED)
            count = f"{band.count} item" + ("" if band.count == 1 else "s")
            if used.bottom() + 18 <= top + band.height:
                painter.drawText(QPointF(14, used.bottom() + 14), count)
        painter.setPen(QPen(QColor("#dde2e8"), 1))
        painter.drawLine(self.width() - 1, 0, self.width() - 1, self.height())
        painter.end()
