"""The roadmap timeline's viewport: the mouse gestures and the hover text.

:class:`TimelineView` handles the mouse: drag a bar to move it, drag an edge to resize
it (dates snap to days), drag empty space to pan, Ctrl+wheel to zoom around the cursor,
double-click to edit, and the two clicks of the "add dependency" mode.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QHelpEvent, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QFrame, QGraphicsView, QToolTip, QWidget

from ...models.enums import ItemKind
from ...services.dates import format_date, format_range
from .edit_dialog import enum_text
from .timeline_scene import TimelineScene
from .timeline_style import DEP_ID, EDGE_PX


def item_tooltip(item: Any) -> str:
    """The hover text of a timeline item: title, dates, owner, status, slip."""
    kind = {ItemKind.MILESTONE: "Milestone", ItemKind.RELEASE: "Release"}.get(item.kind, "")
    lines = [f"<b>{_escape(item.title)}</b>" + (f" <i>({kind})</i>" if kind else "")]
    if item.start == item.end:
        lines.append(format_date(item.start))
    else:
        days = (item.end - item.start).days + 1
        lines.append(f"{format_range(item.start, item.end)} ({days} days)")
    status = enum_text(item.status)
    if item.kind == ItemKind.WORK:
        status += f" · {item.progress}% done"
    lines.append(f"{status} · {item.lane}")
    lines.append(f"Owner: {_escape(item.owner) if item.owner else '—'}")
    if item.slip_days:
        word = "later" if item.slip_days > 0 else "earlier"
        lines.append(f"Slip: {abs(item.slip_days)} days {word} than planned")
    elif item.planned_end is not None:
        lines.append("On its planned dates")
    if item.critical:
        lines.append("On the critical path")
    return "<br>".join(lines)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class TimelineView(QGraphicsView):
    """The timeline's viewport: dragging, resizing, panning, zooming and picking.

    Signals:
        move_requested(int, object, object): the user dropped item ``id`` at new dates.
        item_activated(int): double-click on an item.
        item_clicked(int): click on an item (also in the dependency mode).
        dependency_clicked(int): click on a dependency arrow.
        background_clicked(): click on empty space.
        zoom_requested(float, int): Ctrl+wheel: zoom factor and the viewport x to keep.
        scrolled(): the visible part moved.
        scrolled_horizontally(): ... left or right (the time axis follows).
        scrolled_vertically(): ... up or down (the lane header follows).
    """

    move_requested = Signal(int, object, object)
    item_activated = Signal(int)
    item_clicked = Signal(int)
    dependency_clicked = Signal(int)
    background_clicked = Signal()
    zoom_requested = Signal(float, int)
    scrolled = Signal()
    scrolled_horizontally = Signal()
    scrolled_vertically = Signal()

    def __init__(self, scene: TimelineScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.timeline = scene
        self.setObjectName("roadmapTimelineView")
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlags(
            QGraphicsView.OptimizationFlag.DontSavePainterState
            | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing
        )
        # drawBackground paints every pixel of the viewport: no cached background to blit
        # and scroll, no fill of the viewport under it.
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        self.viewport().setAutoFillBackground(False)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setMouseTracking(True)
        self.link_mode = False
        self._drag: dict[str, Any] | None = None
        self._pan: QPoint | None = None
        self.horizontalScrollBar().valueChanged.connect(self._on_horizontal_bar_value_changed)
        self.verticalScrollBar().valueChanged.connect(self._on_vertical_bar_value_changed)

    # -- picking --------------------------------------------------------------------------

    def item_at(self, pos: QPoint) -> int | None:
        """The roadmap item under a viewport position (bar, marker or label)."""
        return self.timeline.item_at(self.mapToScene(pos))

    def dependency_at(self, pos: QPoint) -> int | None:
        area = QRectF(QPointF(pos) - QPointF(3, 3), QPointF(pos) + QPointF(3, 3))
        for graphic in self.items(area.toRect(), Qt.ItemSelectionMode.IntersectsItemShape):
            value = graphic.data(DEP_ID)
            if value is not None:
                return int(value)
        return None

    def viewport_rect(self, item_id: int) -> QRectF:
        """Where an item's bar or marker is, in viewport coordinates."""
        return self.mapFromScene(self.timeline.item_rect(item_id)).boundingRect().toRectF()

    def _edge(self, item_id: int, scene_x: float) -> str:
        item = self.timeline.items_by_id[item_id]
        if item.kind != ItemKind.WORK:
            return "move"
        x0, x1 = self.timeline.span(item_id)
        if abs(scene_x - x0) <= EDGE_PX:
            return "left"
        if abs(scene_x - x1) <= EDGE_PX:
            return "right"
        return "move"

    # -- mouse ----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan = pos
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        item_id = self.item_at(pos)
        if item_id is not None:
            self.item_clicked.emit(item_id)
            if not self.link_mode and self.timeline.items_by_id.get(item_id) is not None:
                scene_x = self.mapToScene(pos).x()
                item = self.timeline.items_by_id[item_id]
                self._drag = {
                    "id": item_id,
                    "mode": self._edge(item_id, scene_x),
                    "x": scene_x,
                    "start": item.start,
                    "end": item.end,
                    "new": (item.start, item.end),
                }
            return
        dep_id = self.dependency_at(pos)
        if dep_id is not None:
            self.dependency_clicked.emit(dep_id)
            return
        self.background_clicked.emit()
        self._pan = pos
        self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._pan is not None:
            delta = pos - self._pan
            self._pan = pos
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            return
        drag = self._drag
        if drag is not None:
            days = round((self.mapToScene(pos).x() - drag["x"]) / self.timeline.ppd)
            start, end = drag["start"], drag["end"]
            step = dt.timedelta(days=days)
            if drag["mode"] == "move":
                start, end = start + step, end + step
            elif drag["mode"] == "left":
                start = min(start + step, end)
            else:
                end = max(end + step, start)
            if (start, end) != drag["new"]:
                drag["new"] = (start, end)
                self.timeline.preview(drag["id"], start, end)
            return
        item_id = self.item_at(pos)
        if item_id is None or self.link_mode:
            cursor = Qt.CursorShape.CrossCursor if self.link_mode else Qt.CursorShape.ArrowCursor
        else:
            edge = self._edge(item_id, self.mapToScene(pos).x())
            cursor = (
                Qt.CursorShape.SizeHorCursor if edge != "move" else Qt.CursorShape.OpenHandCursor
            )
        self.viewport().setCursor(cursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan is not None:
            self._pan = None
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            return
        drag, self._drag = self._drag, None
        if drag is not None:
            start, end = drag["new"]
            if (start, end) != (drag["start"], drag["end"]):
                self.move_requested.emit(drag["id"], start, end)
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        item_id = self.item_at(event.position().toPoint())
        if item_id is not None and event.button() == Qt.MouseButton.LeftButton:
            self._drag = None
            self.item_activated.emit(item_id)
            return
        super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.zoom_requested.emit(1.25**steps, int(event.position().x()))
            event.accept()
            return
        super().wheelEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            item_id = self.item_at(event.pos())
            if item_id is not None:
                QToolTip.showText(
                    event.globalPos(), item_tooltip(self.timeline.items_by_id[item_id]), self
                )
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def _on_horizontal_bar_value_changed(self, _value: int) -> None:
        self.scrolled_horizontally.emit()
        self.scrolled.emit()

    def _on_vertical_bar_value_changed(self, _value: int) -> None:
        self.scrolled_vertically.emit()
        self.scrolled.emit()
