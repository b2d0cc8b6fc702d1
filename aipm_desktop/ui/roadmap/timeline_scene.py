"""The roadmap timeline's scene: the items laid out on lanes and a time axis, and painted.

:class:`TimelineScene` holds the roadmap items, the dependency arrows (one
``QGraphicsPathItem`` each) and the today line; :class:`ItemLayer`, one graphics item for
all the bars, markers and labels, paints the visible rows in a few batched calls per
style (``_Style``, ``_Batch``), so thousands of items stay cheap. Lane backgrounds and
the calendar grid are painted in ``drawBackground`` for the exposed rectangle only.
Items are packed into rows inside their lane so nothing overlaps; a label that does not
fit inside its bar goes to its right and the packing keeps room for it. The packing, lane
bands, bar geometry and calendar come from :mod:`aipm_desktop.services.timeline_layout`,
which the exported chart uses too, so the two put every item in the same lane row.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsLineItem, QGraphicsPathItem, QGraphicsScene

from ...models.enums import ItemKind, ItemStatus
from ...services import clock
from ...services import timeline_layout as tl
from ...services.timeline_layout import MARGIN_DAYS, month_start, quarter_start
from .timeline_style import (
    ARROW,
    BAR_H,
    BAR_Y,
    CANCELLED,
    CRITICAL,
    DEP_ID,
    GHOST_BRUSH,
    GHOST_MARKER,
    GHOST_MARKER_PEN,
    GHOST_PEN,
    GRID_LINE,
    GRID_MAJOR,
    LABEL_GAP,
    LANE_BACKGROUNDS,
    LANE_COLOURS,
    LANE_LINE,
    LANE_PAD,
    MARKER,
    MAX_PPD,
    MILESTONE,
    MIN_PPD,
    MUTED,
    OUTSIDE_LABELS_ITEMS,
    OUTSIDE_LABELS_PPD,
    RELEASE,
    ROW_H,
    ROW_PAD,
    SELECTED,
    TEXT,
    TODAY,
    VIOLATED,
    ZOOMS,
    LaneBand,
)


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


def _pen_and_brush(painter: QPainter, style: _Style) -> None:
    painter.setPen(style.pen)
    painter.setBrush(style.brush)


def _text_pen(painter: QPainter, style: _Style) -> None:
    painter.setPen(style.text)


def _paint_spans(
    painter: QPainter,
    batches: list[_Batch],
    window: tuple[float, float, float, float],
    draw: Callable[..., None],
    apply_style: Callable[[QPainter, _Style], None] | None = None,
) -> None:
    """Draw the ``(x0, x1, *shape)`` shapes of ``batches`` in ``window`` (top, bottom,
    left, right): the rows from top to bottom, of those the ones whose span x0..x1 meets
    left..right, each as ``draw(*shape)``; a batch with rows in view first applies its
    style (when ``apply_style`` is given)."""
    top, bottom, left, right = window
    for batch in batches:
        shapes = batch.visible(top, bottom)
        if shapes and apply_style is not None:
            apply_style(painter, batch.style)
        for x0, x1, *shape in shapes:
            if x1 >= left and x0 <= right:
                draw(*shape)


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
        self.today = clock.today()
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
        window = (top, bottom, rect.left() - 4, rect.right() + 4)
        if self.show_baseline:
            painter.setPen(GHOST_PEN)
            painter.setBrush(GHOST_BRUSH)
            shapes = batches["ghost_bars"][0].visible(top, bottom)
            if shapes:
                painter.drawRects(shapes)
            painter.setPen(GHOST_MARKER_PEN)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            _paint_spans(painter, batches["ghost_markers"], window, painter.drawPolygon)
        for batch in batches["bars"]:
            shapes = batch.visible(top, bottom)
            if shapes:
                _pen_and_brush(painter, batch.style)
                painter.drawRects(shapes)
        painter.setPen(Qt.PenStyle.NoPen)
        for batch in batches["shades"]:
            shapes = batch.visible(top, bottom)
            if shapes:
                painter.setBrush(batch.style.shade)
                painter.drawRects(shapes)
        _paint_spans(painter, batches["milestones"], window, painter.drawPolygon, _pen_and_brush)
        _paint_spans(painter, batches["releases"], window, painter.drawPath, _pen_and_brush)
        painter.setFont(self.font)
        _paint_spans(painter, batches["labels"], window, painter.drawStaticText, _text_pen)

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
