"""The roadmap timeline: swim lanes of bars, milestones and releases on a time axis.

:class:`TimelineScene` holds one graphics item per roadmap item (plain C++-painted
``QGraphicsRectItem``/``QGraphicsPolygonItem``/``QGraphicsPathItem`` with a text child, so
thousands of them stay cheap), the dependency arrows and the today line; lane backgrounds
and the calendar grid are painted in ``drawBackground`` for the exposed rectangle only.
Items are packed into rows inside their lane so nothing overlaps; a label that does not
fit inside its bar goes to its right and the packing keeps room for it. The packing, lane
bands, bar geometry and calendar come from :mod:`aipm_desktop.services.timeline_layout`,
which the exported chart uses too, so the two put every item in the same lane row.

:class:`TimelineView` handles the mouse: drag a bar to move it, drag an edge to resize
it (dates snap to days), drag empty space to pan, Ctrl+wheel to zoom around the cursor,
double-click to edit, and the two clicks of the "add dependency" mode.
:class:`TimelineWidget` puts the view beside a lane header column, under a time-axis
header that stays visible, with a toolbar (zoom, baseline, critical path, dependencies,
export) and turns the user's gestures into undoable commands.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QStaticText,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QFrame,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...models.enums import ItemKind, ItemStatus
from ...services import roadmap
from ...services import timeline_layout as tl
from ...services.changes import Changes
from ...services.timeline_layout import (  # noqa: F401  (the calendar helpers, re-exported)
    MARGIN_DAYS,
    add_months,
    month_start,
    quarter_name,
    quarter_start,
)
from ..context import AppContext
from .edit_dialog import enum_text
from .edits import AddDependencyCommand, MoveItemCommand, RemoveDependencyCommand

#: Pixels per day of each zoom level of the segmented control.
ZOOMS: dict[str, float] = {"weeks": 18.0, "months": 4.5, "quarters": 1.5}
ZOOM_TEXT = {"weeks": "Weeks", "months": "Months", "quarters": "Quarters"}
MIN_PPD, MAX_PPD = 0.4, 80.0
ROW_H = 28.0
BAR_Y = 4.0
BAR_H = 18.0
LANE_PAD = 6.0
LANE_HEADER_W = 190
AXIS_H = 46
EDGE_PX = 6.0
LABEL_GAP = 6.0
MARKER = 7.0
ROW_PAD = 4.0  # pixels an item keeps free after it (and its label) in its row
OUTSIDE_LABELS_PPD = 2.2
OUTSIDE_LABELS_ITEMS = 400

ITEM_ID = 0  # QGraphicsItem.data key: the roadmap item id
DEP_ID = 1  # QGraphicsItem.data key: the dependency id

#: (fill, accent) per lane, in lane order (repeats after five).
LANE_COLOURS = (
    ("#dbe7fb", "#3b6fd4"),
    ("#e6defa", "#6d4fc7"),
    ("#d3f0e6", "#23896a"),
    ("#fde5cc", "#c8691c"),
    ("#f8d7e3", "#b8336a"),
)
LANE_BACKGROUNDS = (QColor("#ffffff"), QColor("#f5f7fa"))
LANE_LINE = QColor("#e1e5ea")
GRID_LINE = QColor("#e9edf2")
GRID_MAJOR = QColor("#d8dee6")
TEXT = QColor("#1f2933")
MUTED = QColor("#7b8794")
TODAY = QColor("#1a56b8")
VIOLATED = QColor("#d64545")
ARROW = QColor("#8a96a3")
CRITICAL = QColor("#e8590c")
SELECTED = QColor("#102a43")
CANCELLED = QColor("#c1c8d1")


def _diamond(size: float) -> QPolygonF:
    return QPolygonF([QPointF(0, -size), QPointF(size, 0), QPointF(0, size), QPointF(-size, 0)])


def _flag() -> QPainterPath:
    path = QPainterPath()
    path.moveTo(-1, -MARKER - 2)
    path.lineTo(MARKER + 4, -MARKER / 2 - 1)
    path.lineTo(-1, 0)
    path.closeSubpath()
    path.addRect(QRectF(-1.5, -MARKER - 2, 2.0, 2 * MARKER + 2))
    return path


#: Marker shapes around (0, 0): a milestone diamond, a release flag, a baseline ghost.
MILESTONE = _diamond(MARKER)
RELEASE = _flag()
GHOST_MARKER = _diamond(MARKER - 1)
GHOST_PEN = QPen(QColor("#7b8794"), 1.0, Qt.PenStyle.DashLine)
GHOST_MARKER_PEN = QPen(QColor("#7b8794"), 1.0, Qt.PenStyle.DotLine)
GHOST_BRUSH = QBrush(QColor(123, 135, 148, 70))


@dataclass(frozen=True)
class LaneBand:
    """A lane's vertical extent in the scene."""

    name: str
    top: float
    height: float
    count: int


def item_tooltip(item: Any) -> str:
    """The hover text of a timeline item: title, dates, owner, status, slip."""
    kind = {ItemKind.MILESTONE: "Milestone", ItemKind.RELEASE: "Release"}.get(item.kind, "")
    lines = [f"<b>{_escape(item.title)}</b>" + (f" <i>({kind})</i>" if kind else "")]
    if item.start == item.end:
        lines.append(item.start.strftime("%a %d %b %Y"))
    else:
        days = (item.end - item.start).days + 1
        lines.append(f"{item.start:%d %b %Y} → {item.end:%d %b %Y} ({days} days)")
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


class _Style:
    """Pen and brushes shared by the items drawn alike (one batch per style)."""

    __slots__ = ("brush", "pen", "shade", "text")

    def __init__(self, pen: QPen, brush: QBrush, shade: QBrush, text: QColor) -> None:
        self.pen = pen
        self.brush = brush
        self.shade = shade
        self.text = text


class _Batch:
    """Shapes drawn with one style, sorted by their top so a frame takes a slice of rows."""

    __slots__ = ("shapes", "style", "tops")

    def __init__(self, style: Any) -> None:
        self.style = style
        self.tops: list[float] = []
        self.shapes: list[Any] = []

    def visible(self, top: float, bottom: float) -> list[Any]:
        lo = bisect.bisect_left(self.tops, top)
        hi = bisect.bisect_right(self.tops, bottom)
        return self.shapes[lo:hi]


class ItemLayer(QGraphicsItem):
    """Paints every roadmap item of the scene (bars, markers, labels, baseline ghosts).

    One graphics item for all of them: a frame draws the visible rows in a few batched
    calls per style instead of walking thousands of graphics items; the arrows stay
    below it and the today line above it.
    """

    def __init__(self, timeline: TimelineScene) -> None:
        super().__init__()
        self.timeline = timeline
        self._rect = QRectF()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setZValue(2)

    def set_rect(self, rect: QRectF) -> None:
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = QRectF(rect)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option: Any, widget: Any = None) -> None:
        self.timeline.paint_items(painter, option.exposedRect)


class TimelineScene(QGraphicsScene):
    """The roadmap items of a workspace laid out on lanes and a time axis.

    Signals:
        laid_out(): positions changed (after new data or a zoom); headers repaint.
    """

    laid_out = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.ppd = ZOOMS["months"]
        self.today = dt.date.today()
        self.origin = month_start(self.today - dt.timedelta(days=90))
        self.last_day = self.today + dt.timedelta(days=180)
        self.lanes: list[str] = []
        self.plan = tl.layout([], [], origin=self.origin)
        self.bands: list[LaneBand] = []
        self.items_by_id: dict[int, Any] = {}
        self.deps: dict[int, Any] = {}
        self.deps_of: dict[int, list[int]] = defaultdict(list)
        self.row_top: dict[int, float] = {}
        #: item id -> (x0, x1) of its bar or marker as drawn now (moved while dragged).
        self.drawn: dict[int, tuple[float, float]] = {}
        #: item id -> top-left of its label, or None when the label is hidden.
        self.label_pos: dict[int, QPointF | None] = {}
        self.arrows: dict[int, QGraphicsPathItem] = {}
        self.label_inside: dict[int, bool] = {}
        self.outside_labels = True
        self.show_baseline = False
        self.show_critical = True
        self.selected_id: int | None = None
        self.selected_dependency: int | None = None
        self.link_source_id: int | None = None
        self.font = QFont()
        self.font.setPointSizeF(max(8.0, self.font.pointSizeF() - 0.5))
        self.metrics = QFontMetricsF(self.font)
        self._text_width: dict[int, float] = {}
        self._static_text: dict[int, QStaticText] = {}
        self._rows: list[float] = []  # sorted distinct row tops
        self._row_items: dict[float, list[int]] = {}
        self._styles: dict[tuple[Any, ...], _Style] = {}
        self._batches: dict[str, list[_Batch]] | None = None
        self.layer = ItemLayer(self)
        self.addItem(self.layer)
        self.today_line = QGraphicsLineItem()
        pen = QPen(TODAY, 1.5)
        pen.setCosmetic(True)
        self.today_line.setPen(pen)
        self.today_line.setZValue(5)
        self.addItem(self.today_line)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)

    # -- coordinates ----------------------------------------------------------------------

    def x_of(self, day: dt.date) -> float:
        """Scene x of the start of ``day``."""
        return (day - self.origin).days * self.ppd

    def date_at(self, x: float) -> dt.date:
        """The day under scene x."""
        return self.origin + dt.timedelta(days=int(x // self.ppd))

    def span(self, item_id: int) -> tuple[float, float]:
        """Scene x extent of an item's bar or marker (not its label)."""
        geometry = tl.bar(self.items_by_id[item_id], self.origin)
        if not geometry.marker:
            return geometry.start * self.ppd, geometry.end * self.ppd
        centre = geometry.start * self.ppd + self.ppd / 2
        return centre - MARKER, centre + MARKER

    def item_rect(self, item_id: int) -> QRectF:
        """The scene rectangle of an item's bar or marker."""
        x0, x1 = self.span(item_id)
        return QRectF(x0, self.row_top[item_id] + BAR_Y, x1 - x0, BAR_H)

    def item_ids(self) -> list[int]:
        return list(self.items_by_id)

    def item_at(self, point: QPointF) -> int | None:
        """The roadmap item under a scene point: its bar or marker first, then its label."""
        if not self._rows:
            return None
        x, y = point.x(), point.y()
        index = bisect.bisect_right(self._rows, y) - 1
        candidates: list[int] = []
        for row in self._rows[max(index - 1, 0) : index + 2]:
            candidates.extend(self._row_items[row])
        for item_id in candidates:
            x0, x1 = self.drawn[item_id]
            top = self.row_top[item_id] + BAR_Y
            if x0 - 1.5 <= x <= x1 + 1.5 and top - 1.5 <= y <= top + BAR_H + 1.5:
                return item_id
        height = self.metrics.height()
        for item_id in candidates:
            pos = self.label_pos[item_id]
            if (
                pos is not None
                and pos.x() <= x <= pos.x() + self.text_width(item_id)
                and pos.y() <= y <= pos.y() + height
            ):
                return item_id
        return None

    # -- data -----------------------------------------------------------------------------

    def set_data(self, items: list[Any], deps: list[Any], lanes: list[str]) -> None:
        """Show these items and dependencies (keeping the arrows of those that stay)."""
        new = {item.id: item for item in items}
        for item_id, old in self.items_by_id.items():
            item = new.get(item_id)
            if item is None or item.title != old.title:
                self._text_width.pop(item_id, None)
                self._static_text.pop(item_id, None)
        self.items_by_id = new
        dep_ids = {dep.id for dep in deps}
        for dep_id in [d for d in self.deps if d not in dep_ids]:
            arrow = self.arrows.pop(dep_id, None)
            if arrow is not None:
                self.removeItem(arrow)
        self.deps = {dep.id: dep for dep in deps}
        self.deps_of = defaultdict(list)
        for dep in deps:
            self.deps_of[dep.predecessor_id].append(dep.id)
            self.deps_of[dep.successor_id].append(dep.id)
        self.lanes = tl.lane_order(items, lanes)
        if self.selected_id not in new:
            self.selected_id = None
        if self.selected_dependency not in self.deps:
            self.selected_dependency = None
        if self.link_source_id not in new:
            self.link_source_id = None
        self.relayout()

    def text_width(self, item_id: int) -> float:
        width = self._text_width.get(item_id)
        if width is None:
            width = self.metrics.horizontalAdvance(self.items_by_id[item_id].title)
            self._text_width[item_id] = width
        return width

    def static_text(self, item_id: int) -> QStaticText:
        text = self._static_text.get(item_id)
        if text is None:
            text = QStaticText(self.items_by_id[item_id].title)
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.prepare(QTransform(), self.font)
            self._static_text[item_id] = text
        return text

    # -- layout ---------------------------------------------------------------------------

    def set_ppd(self, ppd: float) -> None:
        ppd = min(MAX_PPD, max(MIN_PPD, ppd))
        if abs(ppd - self.ppd) > 1e-9:
            self.ppd = ppd
            self.relayout()

    def relayout(self) -> None:
        """Place every item for the current data and zoom."""
        items = self.items_by_id
        self.origin, self.last_day = tl.date_range(items.values(), self.today, MARGIN_DAYS)
        # Labels that do not fit their bar go beside it (and take room in the row), except
        # when many items are zoomed far out: then rows stay dense and tooltips name them.
        self.outside_labels = self.ppd >= OUTSIDE_LABELS_PPD or len(items) <= OUTSIDE_LABELS_ITEMS
        # The same layout as the exported chart (services.timeline_layout), in pixels here.
        self.plan = tl.layout(
            list(items.values()), self.lanes, self.layout_metrics(), origin=self.origin
        )
        top = 0.0
        bands: list[LaneBand] = []
        self.row_top = {}
        self.label_inside = {}
        for band in self.plan.bands:
            height = band.rows * ROW_H + 2 * LANE_PAD
            bands.append(LaneBand(band.name, top, height, band.count))
            top += height
        lane_index = {band.name: index for index, band in enumerate(bands)}
        for item_id, placed in self.plan.placements.items():
            band = bands[lane_index[placed.lane]]
            self.row_top[item_id] = band.top + LANE_PAD + placed.lane_row * ROW_H
            self.label_inside[item_id] = placed.label_inside
        self.bands = bands
        row_items: dict[float, list[int]] = defaultdict(list)
        for item_id, row in self.row_top.items():
            row_items[row].append(item_id)
        self._row_items = dict(row_items)
        self._rows = sorted(row_items)
        width = self.x_of(self.last_day)
        scene_rect = QRectF(0, 0, width, max(top, ROW_H))
        self.setSceneRect(scene_rect)
        self.drawn = {}
        self.label_pos = {}
        for item_id in items:
            self._place(item_id)
        self._place_arrows(self.deps)
        self.layer.set_rect(scene_rect.adjusted(-MARKER, -MARKER, 400, MARKER))
        self._batches = None
        x = self.x_of(self.today) + self.ppd / 2
        self.today_line.setLine(x, 0, x, max(top, ROW_H))
        self.update()
        self.laid_out.emit()

    def layout_metrics(self) -> tl.Metrics:
        """The widths the layout packs with at this zoom: pixels, ``ppd`` of them a day."""
        return tl.Metrics.from_pixels(
            self.ppd,
            lambda item: self.text_width(item.id),
            gap=LABEL_GAP,
            pad=ROW_PAD,
            marker=MARKER,
            outside_labels=self.outside_labels,
        )

    def export_metrics(self) -> tl.Metrics:
        """:meth:`layout_metrics` with every title measured now, so a worker that draws the
        exported chart packs exactly as the screen does (no font metrics in the worker)."""
        metrics = self.layout_metrics()
        widths = {item.title: metrics.label_width(item) for item in self.items_by_id.values()}
        char = self.metrics.averageCharWidth()
        return tl.Metrics.from_widths(
            widths,
            lambda item: len(item.title) * char,
            gap=metrics.gap,
            pad=metrics.pad,
            marker=metrics.marker,
            outside_labels=metrics.outside_labels,
            scale=metrics.scale,
        )

    def lane_of_y(self, y: float) -> str | None:
        tops = [band.top for band in self.bands]
        index = bisect.bisect_right(tops, y) - 1
        if 0 <= index < len(self.bands) and y < self.bands[index].top + self.bands[index].height:
            return self.bands[index].name
        return None

    def _place(
        self, item_id: int, start: dt.date | None = None, end: dt.date | None = None
    ) -> None:
        """Position an item's bar or marker and label (at other dates while it is dragged)."""
        item = self.items_by_id[item_id]
        start = item.start if start is None else start
        end = item.end if end is None else end
        y = self.row_top[item_id] + BAR_Y
        text_y = y + (BAR_H - self.metrics.height()) / 2
        geometry = tl.bar(item, self.origin, start, end)
        if not geometry.marker:
            x0 = geometry.start * self.ppd
            width = max(geometry.end * self.ppd - x0, 2.0)
            self.drawn[item_id] = (x0, x0 + width)
            if self.label_inside.get(item_id, False):
                self.label_pos[item_id] = QPointF(x0 + LABEL_GAP, text_y)
            elif self.outside_labels:
                self.label_pos[item_id] = QPointF(x0 + width + LABEL_GAP, text_y)
            else:
                self.label_pos[item_id] = None
        else:
            centre = geometry.start * self.ppd + self.ppd / 2
            self.drawn[item_id] = (centre - MARKER, centre + MARKER)
            if self.outside_labels:
                self.label_pos[item_id] = QPointF(centre + MARKER + LABEL_GAP, text_y)
            else:
                self.label_pos[item_id] = None

    def lane_colours(self, lane: str) -> tuple[QColor, QColor]:
        index = self.lanes.index(lane) if lane in self.lanes else 0
        fill, accent = LANE_COLOURS[index % len(LANE_COLOURS)]
        return QColor(fill), QColor(accent)

    def item_style(self, item_id: int) -> _Style:
        """Pen, brush, progress shade and text colour of an item for its lane, status and
        selection (shared by the items that look alike)."""
        item = self.items_by_id[item_id]
        lane_index = self.lanes.index(item.lane) if item.lane in self.lanes else 0
        cancelled = item.status == ItemStatus.CANCELLED
        outline = "plain"
        if item.status == ItemStatus.BLOCKED:
            outline = "blocked"
        if self.show_critical and item.critical:
            outline = "critical"
        if item_id == self.link_source_id:
            outline = "link"
        elif item_id == self.selected_id:
            outline = "selected"
        key = (lane_index % len(LANE_COLOURS), cancelled, outline, item.kind == ItemKind.WORK)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = self._new_style(*key)
        return style

    @staticmethod
    def _new_style(lane_index: int, cancelled: bool, outline: str, work: bool) -> _Style:
        fill, accent = (QColor(c) for c in LANE_COLOURS[lane_index])
        if cancelled:
            fill, accent = QColor("#eef1f4"), CANCELLED
        pen = {
            "plain": lambda: QPen(accent, 1.0),
            "blocked": lambda: QPen(VIOLATED, 1.6, Qt.PenStyle.DashLine),
            "critical": lambda: QPen(CRITICAL, 2.4),
            "link": lambda: QPen(TODAY, 2.6, Qt.PenStyle.DashLine),
            "selected": lambda: QPen(SELECTED, 2.2),
        }[outline]()
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        shade = QColor(accent)
        shade.setAlpha(110 if not cancelled else 60)
        return _Style(
            pen, QBrush(fill if work else accent), QBrush(shade), MUTED if cancelled else TEXT
        )

    def restyle(self) -> None:
        self._batches = None
        self.layer.update()
        for dep_id in self.arrows:
            self._style_arrow(dep_id)

    def _place_arrows(self, dep_ids: Any) -> None:
        for dep_id in dep_ids:
            dep = self.deps[dep_id]
            if dep.predecessor_id not in self.row_top or dep.successor_id not in self.row_top:
                continue
            arrow = self.arrows.get(dep_id)
            if arrow is None:
                arrow = QGraphicsPathItem()
                arrow.setData(DEP_ID, dep_id)
                arrow.setZValue(1)
                self.addItem(arrow)
                self.arrows[dep_id] = arrow
            arrow.setPath(self._arrow_path(dep.predecessor_id, dep.successor_id))
            self._style_arrow(dep_id)

    def _arrow_path(self, pred: int, succ: int) -> QPainterPath:
        x1 = self.drawn[pred][1]
        x2 = self.drawn[succ][0]
        y1 = self.row_top[pred] + BAR_Y + BAR_H / 2
        y2 = self.row_top[succ] + BAR_Y + BAR_H / 2
        path = QPainterPath(QPointF(x1, y1))
        if x2 - x1 >= 16:
            xm = x2 - 8
            path.lineTo(xm, y1)
            path.lineTo(xm, y2)
        else:
            gap = self.row_top[succ] + (0 if y2 >= y1 else ROW_H) - (1 if y2 >= y1 else -1)
            path.lineTo(x1 + 8, y1)
            path.lineTo(x1 + 8, gap)
            path.lineTo(x2 - 8, gap)
            path.lineTo(x2 - 8, y2)
        path.lineTo(x2, y2)
        path.moveTo(x2 - 6, y2 - 4)
        path.lineTo(x2, y2)
        path.lineTo(x2 - 6, y2 + 4)
        return path

    def _style_arrow(self, dep_id: int) -> None:
        dep = self.deps[dep_id]
        arrow = self.arrows[dep_id]
        if dep_id == self.selected_dependency:
            pen = QPen(SELECTED, 2.4)
        elif dep.violated:
            pen = QPen(VIOLATED, 1.8)
        else:
            pen = QPen(ARROW, 1.2)
        arrow.setPen(pen)

    def preview(self, item_id: int, start: dt.date, end: dt.date) -> None:
        """Show an item (and its arrows) at other dates while it is dragged."""
        self._place(item_id, start, end)
        self._batches = None
        self.layer.update()
        self._place_arrows(self.deps_of.get(item_id, []))

    def set_options(
        self,
        *,
        baseline: bool | None = None,
        critical: bool | None = None,
    ) -> None:
        if baseline is not None and baseline != self.show_baseline:
            self.show_baseline = baseline
            self._batches = None
            self.layer.update()
        if critical is not None and critical != self.show_critical:
            self.show_critical = critical
            self.restyle()

    def select(self, item_id: int | None = None, dependency_id: int | None = None) -> None:
        old_item, old_dep = self.selected_id, self.selected_dependency
        self.selected_id, self.selected_dependency = item_id, dependency_id
        if old_item != item_id:
            self.restyle_items()
        for d in {old_dep, dependency_id} - {None}:
            if d in self.arrows:
                self._style_arrow(d)  # type: ignore[arg-type]

    def set_link_source(self, item_id: int | None) -> None:
        old, self.link_source_id = self.link_source_id, item_id
        if old != item_id:
            self.restyle_items()

    def restyle_items(self) -> None:
        """Draw the items again after a selection or style change."""
        self._batches = None
        self.layer.update()

    # -- painting -------------------------------------------------------------------------

    def _build_batches(self) -> dict[str, list[_Batch]]:
        """Group what the layer draws by style, each group sorted by row."""
        bars: dict[int, _Batch] = {}
        shades: dict[int, _Batch] = {}
        milestones: dict[int, _Batch] = {}
        releases: dict[int, _Batch] = {}
        labels: dict[int, _Batch] = {}
        ghost_bars = _Batch(None)
        ghost_markers = _Batch(None)
        for item_id in sorted(self.items_by_id, key=self.row_top.__getitem__):
            item = self.items_by_id[item_id]
            style = self.item_style(item_id)
            key = id(style)
            row = self.row_top[item_id]
            y = row + BAR_Y
            x0, x1 = self.drawn[item_id]
            if item.kind == ItemKind.WORK:
                batch = bars.get(key) or bars.setdefault(key, _Batch(style))
                batch.tops.append(row)
                batch.shapes.append(QRectF(x0, y, x1 - x0, BAR_H))
                progress = 100 if item.status == ItemStatus.DONE else item.progress
                if progress > 0:
                    batch = shades.get(key) or shades.setdefault(key, _Batch(style))
                    batch.tops.append(row)
                    batch.shapes.append(
                        QRectF(x0 + 0.5, y + 0.5, (x1 - x0 - 1) * progress / 100, BAR_H - 1)
                    )
            else:
                markers = milestones if item.kind == ItemKind.MILESTONE else releases
                batch = markers.get(key) or markers.setdefault(key, _Batch(style))
                batch.tops.append(row)
                centre = (x0 + x1) / 2
                shape = MILESTONE if item.kind == ItemKind.MILESTONE else RELEASE
                batch.shapes.append((x0, x1, shape.translated(centre, y + BAR_H / 2)))
            pos = self.label_pos[item_id]
            if pos is not None:
                batch = labels.get(key) or labels.setdefault(key, _Batch(style))
                batch.tops.append(row)
                right = pos.x() + self.text_width(item_id)
                batch.shapes.append((pos.x(), right, pos, self.static_text(item_id)))
            if self.show_baseline and self._has_ghost(item):
                row_ghost = y + BAR_H / 2
                if item.kind == ItemKind.WORK:
                    gx0 = self.x_of(item.planned_start)
                    gx1 = self.x_of(item.planned_end + dt.timedelta(days=1))
                    ghost_bars.tops.append(row)
                    ghost_bars.shapes.append(QRectF(gx0, y + BAR_H + 1, max(gx1 - gx0, 4.0), 4.0))
                else:
                    centre = self.x_of(item.planned_start) + self.ppd / 2
                    ghost_markers.tops.append(row)
                    ghost_markers.shapes.append(
                        (
                            centre - MARKER,
                            centre + MARKER,
                            GHOST_MARKER.translated(centre, row_ghost),
                        )
                    )
        return {
            "ghost_bars": [ghost_bars],
            "ghost_markers": [ghost_markers],
            "bars": list(bars.values()),
            "shades": list(shades.values()),
            "milestones": list(milestones.values()),
            "releases": list(releases.values()),
            "labels": list(labels.values()),
        }

    @staticmethod
    def _has_ghost(item: Any) -> bool:
        return not (
            item.planned_start is None
            or item.planned_end is None
            or (item.planned_start == item.start and item.planned_end == item.end)
        )

    def paint_items(self, painter: QPainter, rect: QRectF) -> None:
        """Draw the items of the rows crossing ``rect``: ghosts, bars, markers, labels."""
        if self._batches is None:
            self._batches = self._build_batches()
        batches = self._batches
        top, bottom = rect.top() - ROW_H, rect.bottom() + 1
        left, right = rect.left() - 4, rect.right() + 4
        if self.show_baseline:
            painter.setPen(GHOST_PEN)
            painter.setBrush(GHOST_BRUSH)
            shapes = batches["ghost_bars"][0].visible(top, bottom)
            if shapes:
                painter.drawRects(shapes)
            painter.setPen(GHOST_MARKER_PEN)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for x0, x1, polygon in batches["ghost_markers"][0].visible(top, bottom):
                if x1 >= left and x0 <= right:
                    painter.drawPolygon(polygon)
        for batch in batches["bars"]:
            shapes = batch.visible(top, bottom)
            if shapes:
                painter.setPen(batch.style.pen)
                painter.setBrush(batch.style.brush)
                painter.drawRects(shapes)
        painter.setPen(Qt.PenStyle.NoPen)
        for batch in batches["shades"]:
            shapes = batch.visible(top, bottom)
            if shapes:
                painter.setBrush(batch.style.shade)
                painter.drawRects(shapes)
        for batch in batches["milestones"]:
            shapes = batch.visible(top, bottom)
            if shapes:
                painter.setPen(batch.style.pen)
                painter.setBrush(batch.style.brush)
                for x0, x1, polygon in shapes:
                    if x1 >= left and x0 <= right:
                        painter.drawPolygon(polygon)
        for batch in batches["releases"]:
            shapes = batch.visible(top, bottom)
            if shapes:
                painter.setPen(batch.style.pen)
                painter.setBrush(batch.style.brush)
                for x0, x1, path in shapes:
                    if x1 >= left and x0 <= right:
                        painter.drawPath(path)
        painter.setFont(self.font)
        for batch in batches["labels"]:
            shapes = batch.visible(top, bottom)
            if shapes:
                painter.setPen(batch.style.text)
                for x0, x1, pos, text in shapes:
                    if x1 >= left and x0 <= right:
                        painter.drawStaticText(pos, text)

    # -- background -----------------------------------------------------------------------

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        # Every pixel once: the lanes, then white where there is no lane (the view's
        # viewport paints nothing itself).
        covered_top, covered_bottom = rect.bottom(), rect.top()
        for index, band in enumerate(self.bands):
            band_top = max(band.top, rect.top())
            band_bottom = min(band.top + band.height, rect.bottom())
            if band_bottom <= band_top:
                continue
            lane_rect = QRectF(rect.left(), band_top, rect.width(), band_bottom - band_top)
            painter.fillRect(lane_rect, LANE_BACKGROUNDS[index % 2])
            covered_top = min(covered_top, band_top)
            covered_bottom = max(covered_bottom, band_bottom)
        if covered_bottom <= covered_top:
            painter.fillRect(rect, LANE_BACKGROUNDS[0])
        else:
            if covered_top > rect.top():
                painter.fillRect(
                    QRectF(rect.left(), rect.top(), rect.width(), covered_top - rect.top()),
                    LANE_BACKGROUNDS[0],
                )
            if covered_bottom < rect.bottom():
                painter.fillRect(
                    QRectF(
                        rect.left(), covered_bottom, rect.width(), rect.bottom() - covered_bottom
                    ),
                    LANE_BACKGROUNDS[0],
                )
        painter.setPen(QPen(LANE_LINE, 0))
        for band in self.bands:
            y = band.top + band.height
            if rect.top() <= y <= rect.bottom():
                painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        first = self.date_at(max(rect.left(), 0.0))
        last = self.date_at(rect.right()) + dt.timedelta(days=1)
        scale = tl.scale_for(self.ppd)
        if scale == "weeks":
            painter.setPen(QPen(GRID_LINE, 0))
            for day in tl.weeks(first, last):
                x = self.x_of(day)
                painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
        for day in tl.months(first, last):
            major = day == quarter_start(day)
            painter.setPen(QPen(GRID_MAJOR if major or scale != "quarters" else GRID_LINE, 0))
            if scale != "quarters" or major:
                x = self.x_of(day)
                painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))


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


class AxisHeader(QWidget):
    """The time axis above the view: periods on two rows, a "Today" marker. Stays visible."""

    def __init__(self, view: TimelineView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.setObjectName("roadmapAxis")
        self.setFixedHeight(AXIS_H)
        self.bold = QFont(self.font())
        self.bold.setBold(True)

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
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#f0f3f7"))
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


class LaneHeader(QWidget):
    """The lane names left of the view, scrolled with it vertically."""

    def __init__(self, view: TimelineView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.setObjectName("roadmapLanes")
        self.setFixedWidth(LANE_HEADER_W)
        self.bold = QFont(self.font())
        self.bold.setBold(True)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#f0f3f7"))
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


class TimelineWidget(QWidget):
    """The Timeline tab: toolbar, axis header, lane header and the view.

    Signals:
        edit_requested(int): the user wants to edit item ``id`` (double-click).
        selection_changed(object): the selected item id (or None).
        export_finished(object): the path an export wrote.
    """

    edit_requested = Signal(int)
    selection_changed = Signal(object)
    export_finished = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("roadmapTimeline")
        self.scene = TimelineScene(self)
        self.view = TimelineView(self.scene)
        self.axis = AxisHeader(self.view)
        self.lanes_header = LaneHeader(self.view)
        self.export_task: Any = None
        self.progress: QProgressDialog | None = None

        self.zoom_group = QButtonGroup(self)
        self.zoom_buttons: dict[str, QToolButton] = {}
        segment = QFrame()
        segment.setObjectName("roadmapZoom")
        segment_layout = QHBoxLayout(segment)
        segment_layout.setContentsMargins(0, 0, 0, 0)
        segment_layout.setSpacing(0)
        for index, (name, text) in enumerate(ZOOM_TEXT.items()):
            button = QToolButton()
            button.setText(text)
            button.setCheckable(True)
            button.setObjectName("segmentButton")
            button.setProperty("position", ("first", "middle", "last")[index])
            button.setToolTip(f"Zoom to {text.lower()} (Ctrl+wheel zooms freely)")
            self.zoom_group.addButton(button)
            self.zoom_buttons[name] = button
            segment_layout.addWidget(button)
            button.clicked.connect(lambda _c=False, n=name: self.set_zoom(n))
        self.zoom_buttons["months"].setChecked(True)
        self.today_button = QPushButton("Today")
        self.today_button.setToolTip("Scroll to today")
        self.baseline_check = QCheckBox("Show baseline")
        self.baseline_check.setToolTip(
            "Show the planned dates as thin ghost bars under the items, to see the slip"
        )
        self.critical_check = QCheckBox("Critical path")
        self.critical_check.setChecked(True)
        self.critical_check.setToolTip("Outline the items on the critical path in orange")
        self.shift_check = QCheckBox("Shift dependents")
        self.shift_check.setToolTip(
            "When you move an item, push the items that depend on it so they still start "
            "after it ends"
        )
        self.link_button = QPushButton("Add dependency")
        self.link_button.setCheckable(True)
        self.link_button.setToolTip(
            "Click the item that must finish first, then the item that waits for it (Esc stops)"
        )
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save the visible date range as PNG, SVG or PDF")
        self.hint = QLabel()
        self.hint.setObjectName("roadmapHint")
        self.hint.setWordWrap(False)

        toolbar = QHBoxLayout()
        toolbar.setContentsMargins(12, 8, 12, 6)
        toolbar.setSpacing(10)
        toolbar.addWidget(segment)
        toolbar.addWidget(self.today_button)
        toolbar.addSpacing(6)
        toolbar.addWidget(self.baseline_check)
        toolbar.addWidget(self.critical_check)
        toolbar.addWidget(self.shift_check)
        toolbar.addWidget(self.link_button)
        toolbar.addWidget(self.hint, 1)
        toolbar.addWidget(self.export_button)

        corner = QLabel("Lane")
        corner.setObjectName("roadmapCorner")
        corner.setFixedSize(LANE_HEADER_W, AXIS_H)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(0)
        grid.addWidget(corner, 0, 0)
        grid.addWidget(self.axis, 0, 1)
        grid.addWidget(self.lanes_header, 1, 0)
        grid.addWidget(self.view, 1, 1)
        frame = QFrame()
        frame.setObjectName("roadmapFrame")
        frame.setLayout(grid)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(toolbar)
        outer = QHBoxLayout()
        outer.setContentsMargins(12, 0, 12, 12)
        outer.addWidget(frame)
        layout.addLayout(outer, 1)

        self.today_button.clicked.connect(self.scroll_to_today)
        self.baseline_check.toggled.connect(self._on_baseline_check_toggled)
        self.critical_check.toggled.connect(self._on_critical_check_toggled)
        self.link_button.toggled.connect(self._on_link_button_toggled)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.view.move_requested.connect(self._on_view_move_requested)
        self.view.item_activated.connect(self.edit_requested)
        self.view.item_clicked.connect(self._on_view_item_clicked)
        self.view.dependency_clicked.connect(self._on_view_dependency_clicked)
        self.view.background_clicked.connect(self._on_view_background_clicked)
        self.view.zoom_requested.connect(self._on_view_zoom_requested)
        self.view.scrolled_horizontally.connect(self._on_view_scrolled_horizontally)
        self.view.scrolled_vertically.connect(self._on_view_scrolled_vertically)
        self.scene.laid_out.connect(self._on_view_scrolled)
        self._scrolled_to_today = False
        self.reload()

    # -- data -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the items again from the workspace and lay them out (keeping the scroll)."""
        ws = self.ctx.workspace
        if ws is None:
            return
        items, deps = roadmap.timeline(ws=ws)
        lanes = roadmap.lanes(ws=ws)
        self._keep_scroll(lambda: self.scene.set_data(items, deps, lanes))
        self.selection_changed.emit(self.scene.selected_id)

    def _keep_scroll(self, change: Any) -> None:
        """Run ``change`` (a relayout) and keep the same date at the left of the view."""
        bar = self.view.horizontalScrollBar()
        left_day = (bar.value() / self.scene.ppd) + (self.scene.origin.toordinal())
        change()
        if self._scrolled_to_today:
            bar.setValue(round((left_day - self.scene.origin.toordinal()) * self.scene.ppd))

    def on_changed(self, changes: Changes) -> None:
        if changes.touches("roadmap_item", "roadmap_dependency", "settings", "use_case"):
            self.reload()

    # -- zoom and scroll ------------------------------------------------------------------

    def zoom_name(self) -> str | None:
        for name, ppd in ZOOMS.items():
            if abs(ppd - self.scene.ppd) < 1e-9:
                return name
        return None

    def set_zoom(self, name: str) -> None:
        """Zoom to weeks, months or quarters, keeping the centre date in view."""
        self.zoom_buttons[name].setChecked(True)
        self.zoom_to(ZOOMS[name], self.view.viewport().width() // 2)

    def zoom_to(self, ppd: float, anchor_x: int) -> None:
        """Zoom to ``ppd`` pixels a day, keeping the date under viewport x ``anchor_x``."""
        ppd = min(MAX_PPD, max(MIN_PPD, ppd))
        bar = self.view.horizontalScrollBar()
        day = (bar.value() + anchor_x) / self.scene.ppd
        self.scene.set_ppd(ppd)
        bar.setValue(round(day * self.scene.ppd - anchor_x))
        name = self.zoom_name()
        if name is not None:
            self.zoom_buttons[name].setChecked(True)
        else:
            nearest = min(ZOOMS, key=lambda n: abs(ZOOMS[n] - ppd))
            self.zoom_buttons[nearest].setChecked(True)
        self._on_view_scrolled()

    def scroll_to_today(self) -> None:
        x = self.scene.x_of(self.scene.today)
        self.view.horizontalScrollBar().setValue(round(x - self.view.viewport().width() / 3))
        self._scrolled_to_today = True

    def scroll_to_item(self, item_id: int) -> None:
        rect = self.scene.item_rect(item_id)
        self.view.ensureVisible(rect, 60, 40)

    def visible_range(self) -> tuple[dt.date, dt.date]:
        """The first and last day shown in the view."""
        left = self.view.mapToScene(0, 0).x()
        right = self.view.mapToScene(self.view.viewport().width(), 0).x()
        return self.scene.date_at(max(left, 0.0)), self.scene.date_at(max(right - 1, 0.0))

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._scrolled_to_today:
            QTimer.singleShot(0, self.scroll_to_today)

    # -- selection and dependencies -------------------------------------------------------

    def selected_id(self) -> int | None:
        return self.scene.selected_id

    def select_item(self, item_id: int | None) -> None:
        self.scene.select(item_id, None)
        self.selection_changed.emit(item_id)

    def set_link_mode(self, on: bool) -> None:
        self.link_button.setChecked(on)

    def _on_link_button_toggled(self, on: bool) -> None:
        self.view.link_mode = on
        self.scene.set_link_source(None)
        if on:
            self.hint.setText("Click the item that must finish first.")
        else:
            self.hint.clear()
        self.view.viewport().setCursor(
            Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor
        )

    def _on_view_item_clicked(self, item_id: int) -> None:
        if not self.view.link_mode:
            self.select_item(item_id)
            return
        source = self.scene.link_source_id
        if source is None:
            self.scene.set_link_source(item_id)
            title = self.scene.items_by_id[item_id].title
            self.hint.setText(f"“{title}” first; now click the item that waits for it.")
            return
        self.scene.set_link_source(None)
        if self.ctx.readonly:
            return
        command = AddDependencyCommand(self.ctx, source, item_id)
        if self.ctx.run_edit(command):
            self.hint.setText("Dependency added. Click another predecessor, or press Esc.")
        else:
            message = command.error.message if command.error is not None else ""
            self.hint.setText(message)
            self.hint.setToolTip(message)

    def _on_view_dependency_clicked(self, dep_id: int) -> None:
        self.scene.select(None, dep_id)
        self.selection_changed.emit(None)
        dep = self.scene.deps[dep_id]
        before = self.scene.items_by_id[dep.predecessor_id].title
        after = self.scene.items_by_id[dep.successor_id].title
        state = " (violated: it starts before the other ends)" if dep.violated else ""
        self.hint.setText(f"“{before}” → “{after}”{state}. Del removes it.")

    def _on_view_background_clicked(self) -> None:
        if self.view.link_mode:
            self.scene.set_link_source(None)
            self.hint.setText("Click the item that must finish first.")
            return
        self.scene.select(None, None)
        self.selection_changed.emit(None)
        self.hint.clear()

    def delete_selected(self) -> bool:
        """Delete the selected dependency (the selected item is deleted by the page)."""
        dep_id = self.scene.selected_dependency
        if dep_id is None or self.ctx.readonly:
            return False
        if self.ctx.run_edit(RemoveDependencyCommand(self.ctx, dep_id)):
            self.hint.setText("Dependency removed. Edit ▸ Undo brings it back.")
            return True
        return False

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and self.view.link_mode:
            self.set_link_mode(False)
            return
        super().keyPressEvent(event)

    # -- moving ---------------------------------------------------------------------------

    def move_item(self, item_id: int, start: dt.date, end: dt.date) -> bool:
        """Give an item new dates (undoable); the "Shift dependents" box applies."""
        if self.ctx.readonly:
            self.reload()
            return False
        item = self.scene.items_by_id.get(item_id)
        verb = "move"
        if item is not None and (end - start) != (item.end - item.start):
            verb = "resize"
        command = MoveItemCommand(
            self.ctx,
            item_id,
            start,
            end,
            shift_dependents=self.shift_check.isChecked(),
            text=f"{verb} '{item.title[:40]}'" if item is not None else "move roadmap item",
        )
        ok = self.ctx.run_edit(command)
        if not ok:
            self.reload()  # put the bar back where the workspace says it is
        return ok

    def _on_view_move_requested(self, item_id: int, start: Any, end: Any) -> None:
        self.move_item(item_id, start, end)

    # -- export ---------------------------------------------------------------------------

    def _on_export_button_clicked(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            "Export the roadmap",
            str(Path.home() / "roadmap.png"),
            "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)",
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> Any:
        """Save the visible date range as PNG, SVG or PDF (in a worker); returns the task."""
        ws = self.ctx.workspace
        if ws is None:
            return None
        start, end = self.visible_range()
        self.export_button.setEnabled(False)
        progress = QProgressDialog("Exporting the roadmap…", "", 0, 0, self)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)
        self.progress = progress
        metrics = self.scene.export_metrics()
        task = self.ctx.tasks.run(_export, ws, start, end, path, self.scene.today, metrics)
        task.finished.connect(self._on_export_task_finished)
        task.failed.connect(self._on_export_task_failed)
        self.export_task = task
        return task

    def _end_export(self) -> None:
        self.export_button.setEnabled(True)
        self.export_task = None
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _on_export_task_finished(self, path: Any) -> None:
        self._end_export()
        self.hint.setText(f"Exported to {path}")
        self.export_finished.emit(path)

    def _on_export_task_failed(self, error: Any) -> None:
        self._end_export()
        if isinstance(error, UserError):
            self.hint.setText(error.message)
            self.ctx.show_error(error)
        else:
            raise error

    # -- slots ----------------------------------------------------------------------------

    def _on_baseline_check_toggled(self, on: bool) -> None:
        self.scene.set_options(baseline=on)

    def _on_critical_check_toggled(self, on: bool) -> None:
        self.scene.set_options(critical=on)

    def _on_view_zoom_requested(self, factor: float, anchor_x: int) -> None:
        self.zoom_to(self.scene.ppd * factor, anchor_x)

    def _on_view_scrolled(self) -> None:
        self.axis.update()
        self.lanes_header.update()

    def _on_view_scrolled_horizontally(self) -> None:
        self.axis.update()

    def _on_view_scrolled_vertically(self) -> None:
        self.lanes_header.update()


def _export(
    ws: Any, start: dt.date, end: dt.date, path: Path, today: dt.date, metrics: tl.Metrics
) -> Path:
    """Worker: build the roadmap chart of ``start..end`` and save it (no widgets here);
    ``metrics`` make its rows those of the screen."""
    from ...services.charts import save_figure
    from ...services.charts.roadmap import build_figure

    figure = build_figure(ws=ws, start=start, end=end, today=today, metrics=metrics)
    return save_figure(figure, path)
