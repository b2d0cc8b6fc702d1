"""The roadmap timeline's headers: the time axis above the view and the lane names
left of it, both painted to follow the view's scrolling; and the legend under it, which
says what the outlines, shades, markers and lines mean.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...services import timeline_layout as tl
from .timeline_style import (
    ARROW,
    AXIS_H,
    CANCELLED,
    CRITICAL,
    GHOST_BRUSH,
    GHOST_PEN,
    GRID_MAJOR,
    LANE_COLOURS,
    LANE_HEADER_W,
    LANE_LINE,
    MILESTONE,
    MUTED,
    RELEASE,
    SELECTED,
    TEXT,
    TODAY,
    VIOLATED,
)
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


#: The legend's entries: (key, text); ``TimelineLegend`` draws a swatch for each key.
LEGEND_ENTRIES: tuple[tuple[str, str], ...] = (
    ("progress", "Done (shaded)"),
    ("critical", "Critical path"),
    ("blocked", "Blocked"),
    ("selected", "Selected"),
    ("cancelled", "Cancelled"),
    ("baseline", "Planned dates"),
    ("milestone", "Milestone"),
    ("release", "Release"),
    ("dependency", "Dependency"),
    ("violated", "Violated"),
    ("today", "Today"),
)
SWATCH_W = 22
SWATCH_GAP = 5
ENTRY_GAP = 12
LEGEND_ROW_H = 20


class TimelineLegend(QWidget):
    """What the timeline's outlines, shades, markers and lines mean, in one or more rows
    under the timeline (entries wrap to the next row when the window is narrow, so the
    legend never makes the window wider). Bar colours are the lanes' (see the lane
    header)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roadmapLegend")
        font = QFont(self.font())
        font.setPointSizeF(max(7.5, font.pointSizeF() - 1))
        self.setFont(font)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setToolTip(
            "Bars take their lane's colour; the outline and shading say more about an item. "
            "Planned dates show with Show baseline; the orange outline with Critical path."
        )
        self.setFixedHeight(LEGEND_ROW_H)

    def texts(self) -> list[str]:
        return [text for _key, text in LEGEND_ENTRIES]

    def _entry_width(self, text: str) -> float:
        return SWATCH_W + SWATCH_GAP + QFontMetricsF(self.font()).horizontalAdvance(text)

    def entry_rects(self, width: int | None = None) -> list[QRectF]:
        """Where each entry goes (swatch and text) at ``width`` (default: the widget's)."""
        width = self.width() if width is None else width
        rects: list[QRectF] = []
        x, y = 0.0, 0.0
        for _key, text in LEGEND_ENTRIES:
            entry = self._entry_width(text)
            if x > 0 and x + entry > width:
                x, y = 0.0, y + LEGEND_ROW_H
            rects.append(QRectF(x, y, entry, LEGEND_ROW_H))
            x += entry + ENTRY_GAP
        return rects

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        height = self.heightForWidth(event.size().width())
        if height != self.height():
            self.setFixedHeight(height)  # wrap onto as many rows as the width needs

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        rects = self.entry_rects(width)
        return int(rects[-1].bottom()) if rects else LEGEND_ROW_H

    def sizeHint(self) -> QSize:
        total = sum(self._entry_width(t) + ENTRY_GAP for t in self.texts())
        return QSize(int(total), LEGEND_ROW_H)

    def minimumSizeHint(self) -> QSize:
        widest = max(self._entry_width(t) for t in self.texts())
        return QSize(int(widest) + 1, LEGEND_ROW_H)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for (key, text), rect in zip(LEGEND_ENTRIES, self.entry_rects(), strict=True):
            swatch = QRectF(rect.left(), rect.top() + 4, SWATCH_W, rect.height() - 8)
            painter.save()
            _paint_swatch(painter, key, swatch)
            painter.restore()
            painter.setPen(MUTED)
            painter.drawText(
                QRectF(swatch.right() + SWATCH_GAP, rect.top(), rect.width(), rect.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
        painter.end()


def _paint_swatch(painter: QPainter, key: str, rect: QRectF) -> None:
    """A small picture of ``key`` in ``rect``, painted as the timeline paints it."""
    fill, accent = (QColor(c) for c in LANE_COLOURS[0])
    centre = rect.center()
    if key in ("progress", "critical", "blocked", "selected", "cancelled", "baseline"):
        bar = rect.adjusted(1, 1, -1, -1)
        pens = {
            "progress": QPen(accent, 1.0),
            "critical": QPen(CRITICAL, 2.4),
            "blocked": QPen(VIOLATED, 1.6, Qt.PenStyle.DashLine),
            "selected": QPen(SELECTED, 2.2),
            "cancelled": QPen(CANCELLED, 1.0),
            "baseline": QPen(accent, 1.0),
        }
        if key == "baseline":
            bar = QRectF(rect.left() + 1, rect.top(), rect.width() - 8, rect.height() - 5)
        painter.setPen(pens[key])
        painter.setBrush(QColor("#eef1f4") if key == "cancelled" else fill)
        painter.drawRect(bar)
        if key == "progress":
            shade = QColor(accent)
            shade.setAlpha(110)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(shade)
            painter.drawRect(
                QRectF(bar.left() + 0.5, bar.top() + 0.5, bar.width() * 0.55, bar.height() - 1)
            )
        if key == "baseline":
            painter.setPen(GHOST_PEN)
            painter.setBrush(GHOST_BRUSH)
            painter.drawRect(QRectF(rect.left() + 6, bar.bottom() + 1, rect.width() - 6, 4.0))
    elif key in ("milestone", "release"):
        painter.translate(
            centre.x() - (3 if key == "release" else 0), centre.y() + (3 if key == "release" else 0)
        )
        painter.scale(0.8, 0.8)
        painter.setPen(QPen(accent, 1.0))
        painter.setBrush(accent)
        if key == "milestone":
            painter.drawPolygon(MILESTONE)
        else:
            painter.drawPath(RELEASE)
    elif key in ("dependency", "violated"):
        painter.setPen(QPen(ARROW if key == "dependency" else VIOLATED, 1.4))
        y = centre.y()
        painter.drawLine(QPointF(rect.left() + 1, y), QPointF(rect.right() - 1, y))
        painter.drawLine(QPointF(rect.right() - 7, y - 4), QPointF(rect.right() - 1, y))
        painter.drawLine(QPointF(rect.right() - 7, y + 4), QPointF(rect.right() - 1, y))
    elif key == "today":
        painter.setPen(QPen(TODAY, 1.5))
        painter.drawLine(
            QPointF(centre.x(), rect.top() - 2), QPointF(centre.x(), rect.bottom() + 2)
        )
