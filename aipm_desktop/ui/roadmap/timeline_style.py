"""The roadmap timeline's look: zoom levels, row geometry, colours, marker shapes.

Shared by the scene (:mod:`.timeline_scene`), the view (:mod:`.timeline_view`), the
headers (:mod:`.timeline_headers`), the widget (:mod:`.timeline`) and the board's lane
colours; also :class:`LaneBand`, a lane's vertical extent in the scene.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen, QPolygonF

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
