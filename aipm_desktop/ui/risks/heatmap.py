"""The interactive 5x5 likelihood x impact heat map (painted with QPainter) and its tab.

:class:`HeatmapWidget` paints the cells coloured by appetite band with their counts, the
level names on both axes and, in movement mode, an arrow per (inherent cell -> residual
cell) pair; the counts then move to badges in the cells' top-left corners, painted over
the arrows, so an arrow never hides a count. A click on a cell reports it; the page then
filters the register to it.
:class:`HeatmapTab` adds the controls (inherent/residual, movement, use case) and the
PNG/SVG/PDF export, which runs :mod:`aipm_desktop.services.charts.heatmap` (matplotlib) in a
worker, so matplotlib is imported only when the user exports.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
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
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...services import risks
from ...services.changes import Changes
from ..context import AppContext
from ..tasks import report_error
from ..widgets.builders import segments
from ..widgets.context_widgets import ContextWidget
from ..widgets.dialog_parts import DRAWING_FILTERS, ask_save_path
from ..widgets.page_header import named_label
from .fields import split_level, text_color_on
from .form import use_case_titles

LEVELS = range(1, 6)
AXIS_LEFT = 150
AXIS_BOTTOM = 72
MARGIN = 16
REFRESH_KINDS = ("risk", "settings", "risk_use_case", "use_case")
EMPTY_ALPHA = 90
ARROW_OFFSET = 0.18  # arrows run this share of a cell below and right of the centres
PORTFOLIO = "Whole portfolio"


def export_heatmap(
    ws: Any, out: Path, residual: bool, use_case_id: int | None, movement: bool
) -> Path:
    """Worker: build the heat-map figure (matplotlib) and write it as PNG, SVG or PDF, with
    the chart footer (workspace, client, date)."""
    from ...services.charts import footer_for, save_figure
    from ...services.charts.heatmap import build_figure

    figure = build_figure(ws=ws, residual=residual, use_case_id=use_case_id, movement=movement)
    return save_figure(figure, out, footer=footer_for(ws=ws))


class HeatmapWidget(QWidget):
    """A clickable 5x5 heat map: likelihood up the side, impact along the bottom.

    Signals:
        cell_clicked(int, int): likelihood and impact of the cell clicked.
    """

    cell_clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("riskHeatmap")
        self.setMinimumSize(520, 400)
        self.setMouseTracking(True)
        self.data: risks.HeatmapData | None = None
        self.movements: list[risks.Movement] = []
        self.show_movement = False
        self.selected: tuple[int, int] | None = None
        self.likelihood_names = [split_level(t)[0] for t in risks.LIKELIHOOD_LEVELS]
        self.impact_names = [split_level(t)[0] for t in risks.IMPACT_LEVELS]

    def sizeHint(self) -> QSize:
        return QSize(700, 520)

    def set_data(
        self,
        data: risks.HeatmapData,
        movements: list[risks.Movement] | None = None,
        *,
        show_movement: bool = False,
    ) -> None:
        self.data = data
        self.movements = list(movements or [])
        self.show_movement = show_movement
        self.update()

    def set_selected(self, cell: tuple[int, int] | None) -> None:
        self.selected = cell
        self.update()

    # -- geometry -------------------------------------------------------------------------

    def _grid(self) -> tuple[float, float, float]:
        """Left, top and the side of one (square) cell."""
        width = self.width() - AXIS_LEFT - MARGIN
        height = self.height() - AXIS_BOTTOM - MARGIN
        side = max(20.0, min(width, height) / 5)
        left = AXIS_LEFT + max(0.0, (width - side * 5) / 2)
        top = MARGIN + max(0.0, (height - side * 5) / 2)
        return left, top, side

    def cell_rectf(self, likelihood: int, impact: int) -> QRectF:
        left, top, side = self._grid()
        return QRectF(left + (impact - 1) * side, top + (5 - likelihood) * side, side, side)

    def cell_rect(self, likelihood: int, impact: int) -> QRect:
        """Where the cell (likelihood, impact) is drawn, in widget coordinates."""
        return self.cell_rectf(likelihood, impact).toAlignedRect()

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        left, top, side = self._grid()
        column = math.floor((x - left) / side)
        row = math.floor((y - top) / side)
        if 0 <= column < 5 and 0 <= row < 5:
            return 5 - row, column + 1
        return None

    def count(self, likelihood: int, impact: int) -> int:
        if self.data is None:
            return 0
        return self.data.counts[likelihood - 1][impact - 1]

    # -- events ---------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            cell = self.cell_at(event.position().x(), event.position().y())
            if cell is not None:
                self.cell_clicked.emit(*cell)
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position().x(), event.position().y())
        self.setCursor(
            Qt.CursorShape.PointingHandCursor if cell is not None else Qt.CursorShape.ArrowCursor
        )
        super().mouseMoveEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            cell = self.cell_at(event.pos().x(), event.pos().y())
            if cell is None or self.data is None:
                QToolTip.hideText()
                event.ignore()
                return True
            QToolTip.showText(event.globalPos(), self.cell_tooltip(*cell), self)
            return True
        return super().event(event)

    def cell_tooltip(self, likelihood: int, impact: int) -> str:
        count = self.count(likelihood, impact)
        band = ""
        if self.data is not None:
            score = risks.risk_score(likelihood, impact)
            band = risks.level_of(score, self.data.bands).name
        what = "residual" if self.data is not None and self.data.residual else "inherent"
        return (
            f"Likelihood {likelihood} · {self.likelihood_names[likelihood - 1]} × "  # noqa: RUF001
            f"impact {impact} · {self.impact_names[impact - 1]}\n"
            f"{count} risk{'s' if count != 1 else ''} ({what}), level {band}.\n"
            "Click to list them in the register."
        )

    # -- painting -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        left, top, side = self._grid()
        self._paint_cells(painter, side)
        self._paint_axes(painter, left, top, side)
        if self.show_movement:
            self._paint_movements(painter, side)
            self._paint_count_badges(painter, side)
        painter.end()

    def _paint_cells(self, painter: QPainter, side: float) -> None:
        count_font = QFont(self.font())
        count_font.setPixelSize(max(12, int(side * 0.28)))
        count_font.setBold(True)
        for likelihood in LEVELS:
            for impact in LEVELS:
                rect = self.cell_rectf(likelihood, impact)
                color = QColor("#e4e7eb")
                if self.data is not None:
                    color = QColor(self.data.colors.get((likelihood, impact), "#e4e7eb"))
                count = self.count(likelihood, impact)
                fill = QColor(color)
                if count == 0:
                    fill.setAlpha(EMPTY_ALPHA)
                painter.setPen(QPen(QColor("#ffffff"), 2))
                painter.setBrush(QBrush(fill))
                painter.drawRect(rect)
                if count and not self.show_movement:
                    painter.setFont(count_font)
                    painter.setPen(QColor(text_color_on(color.name())))
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{count:,}")
        if self.selected is not None:
            rect = self.cell_rectf(*self.selected).adjusted(2, 2, -2, -2)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor("#1f2933"), 3))
            painter.drawRect(rect)

    def _paint_axes(self, painter: QPainter, left: float, top: float, side: float) -> None:
        small = QFont(self.font())
        small.setPixelSize(12)
        bold = QFont(small)
        bold.setBold(True)
        painter.setPen(QColor("#3e4c59"))
        for likelihood in LEVELS:
            rect = self.cell_rectf(likelihood, 1)
            label = QRectF(8, rect.top(), left - 16, rect.height())
            painter.setFont(small)
            painter.drawText(
                label,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{likelihood} · {self.likelihood_names[likelihood - 1]}",
            )
        bottom = top + 5 * side
        for impact in LEVELS:
            rect = self.cell_rectf(1, impact)
            name = self.impact_names[impact - 1]
            font = QFont(small)
            while font.pixelSize() > 9 and (
                QFontMetricsF(font).horizontalAdvance(name) > rect.width() - 4
            ):
                font.setPixelSize(font.pixelSize() - 1)
            painter.setFont(font)
            label = QRectF(rect.left(), bottom + 3, rect.width(), 32)
            painter.drawText(
                label,
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                f"{impact}\n{name}",
            )
        painter.setFont(bold)
        painter.setPen(QColor("#52606d"))
        painter.drawText(
            QRectF(left, bottom + 36, 5 * side, 22), Qt.AlignmentFlag.AlignCenter, "Impact →"
        )
        painter.save()
        painter.translate(18, top + 5 * side / 2)
        painter.rotate(-90)
        painter.drawText(QRectF(-80, -10, 160, 20), Qt.AlignmentFlag.AlignCenter, "Likelihood →")
        painter.restore()

    def count_badge_rect(self, likelihood: int, impact: int) -> QRectF:
        """Where a cell's count badge is painted in movement mode (its top-left corner)."""
        rect = self.cell_rectf(likelihood, impact)
        font = self._badge_font(rect.width())
        metrics = QFontMetricsF(font)
        text = f"{self.count(likelihood, impact):,}"
        width = metrics.horizontalAdvance(text) + 10
        height = metrics.height() + 4
        inset = max(3.0, rect.width() * 0.05)
        return QRectF(rect.left() + inset, rect.top() + inset, width, height)

    def _badge_font(self, side: float) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(11, int(side * 0.16)))
        font.setBold(True)
        return font

    def _paint_count_badges(self, painter: QPainter, side: float) -> None:
        """The counts in white badges over the arrows (movement mode)."""
        painter.setFont(self._badge_font(side))
        for likelihood in LEVELS:
            for impact in LEVELS:
                count = self.count(likelihood, impact)
                if not count:
                    continue
                badge = self.count_badge_rect(likelihood, impact)
                painter.setPen(QPen(QColor("#9aa5b1"), 1))
                painter.setBrush(QBrush(QColor("#ffffff")))
                painter.drawRoundedRect(badge, 5, 5)
                painter.setPen(QColor("#1f2933"))
                painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, f"{count:,}")

    def arrow_ends(self) -> list[tuple[QPointF, QPointF]]:
        """(start, tip) of each movement arrow, in widget coordinates (movement mode)."""
        pairs = Counter(
            (m.inherent, m.residual) for m in self.movements if m.inherent != m.residual
        )
        _left, _top, side = self._grid()
        offset = QPointF(side * ARROW_OFFSET, side * ARROW_OFFSET)
        return [
            (self.cell_rectf(*start).center() + offset, self.cell_rectf(*end).center() + offset)
            for start, end in sorted(pairs)
        ]

    def _paint_movements(self, painter: QPainter, side: float) -> None:
        pairs = Counter(
            (m.inherent, m.residual) for m in self.movements if m.inherent != m.residual
        )
        if not pairs:
            return
        most = max(pairs.values())
        badges: list[tuple[QPointF, QPointF, int]] = []
        color = QColor("#1f2933")
        color.setAlpha(190)
        for (start, end), number in sorted(pairs.items()):
            a = self.cell_rectf(*start).center()
            b = self.cell_rectf(*end).center()
            # Shift towards the bottom right, away from the count badges (top left).
            offset = QPointF(side * ARROW_OFFSET, side * ARROW_OFFSET)
            a, b = a + offset, b + offset
            width = 1.5 + 3.5 * (number / most)
            painter.setPen(QPen(color, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            path = QPainterPath(a)
            path.lineTo(b)
            painter.drawPath(path)
            angle = math.atan2(b.y() - a.y(), b.x() - a.x())
            head = 8 + width * 1.5
            tip = QPolygonF(
                [
                    b,
                    QPointF(
                        b.x() - head * math.cos(angle - 0.45), b.y() - head * math.sin(angle - 0.45)
                    ),
                    QPointF(
                        b.x() - head * math.cos(angle + 0.45), b.y() - head * math.sin(angle + 0.45)
                    ),
                ]
            )
            painter.setBrush(QBrush(color))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawPolygon(tip)
            if number > 1:
                badges.append((a, b, number))
        self._paint_move_badges(painter, badges)

    def _paint_move_badges(
        self, painter: QPainter, badges: list[tuple[QPointF, QPointF, int]]
    ) -> None:
        """How many risks made each move ("x2", with a multiplication sign) in a dark pill
        on its arrow, at the first point along it clear of the count badges and of the
        other pills."""
        font = QFont(self.font())
        font.setPixelSize(11)
        font.setBold(True)
        metrics = QFontMetricsF(font)
        taken = [
            self.count_badge_rect(likelihood, impact).adjusted(-2, -2, 2, 2)
            for likelihood in LEVELS
            for impact in LEVELS
            if self.count(likelihood, impact)
        ]
        painter.setFont(font)
        for a, b, number in badges:
            text = f"×{number}"  # noqa: RUF001 - a multiplication sign
            width, height = metrics.horizontalAdvance(text) + 10, metrics.height() + 2
            pill = QRectF()
            for share in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
                point = a + (b - a) * share
                pill = QRectF(point.x() - width / 2, point.y() - height / 2, width, height)
                if not any(pill.intersects(other) for other in taken):
                    break
            taken.append(pill)
            painter.setPen(QPen(QColor("#ffffff"), 1))
            painter.setBrush(QBrush(QColor("#1f2933")))
            painter.drawRoundedRect(pill, height / 2, height / 2)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)


class HeatmapTab(ContextWidget):
    """The heat-map tab: controls, the map, its legend and the export.

    Signals:
        cell_chosen(int, int, bool, object): likelihood, impact, residual, use case id
            (None: whole portfolio) of a clicked cell.
        appetite_requested(): the user asked to edit the risk appetite.
    """

    cell_chosen = Signal(int, int, bool, object)
    appetite_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="riskHeatmapTab")
        self.export_task: Any = None
        self._dirty = True

        self.inherent_button = QPushButton("Inherent")
        self.residual_button = QPushButton("Residual")
        self.mode_group = segments(self, self.inherent_button, self.residual_button)
        for button in (self.inherent_button, self.residual_button):
            bold = QFont(button.font())
            bold.setBold(True)  # the checked button's text is bold (style sheet)
            button.setMinimumWidth(QFontMetricsF(bold).horizontalAdvance(button.text()) + 44)
        self.inherent_button.setChecked(True)
        self.inherent_button.setToolTip("Place each risk by its likelihood and impact")
        self.residual_button.setToolTip(
            "Place each risk by its residual likelihood and impact (after mitigation)"
        )
        self.movement_check = QCheckBox("Show movement")
        self.movement_check.setToolTip(
            "Draw an arrow from each risk's inherent cell to its residual cell"
        )
        self.use_case_combo = QComboBox()
        self.use_case_combo.setObjectName("heatmapUseCaseCombo")
        self.use_case_combo.setMinimumContentsLength(24)
        self.use_case_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.appetite_button = QPushButton("Appetite…")
        self.appetite_button.setToolTip(
            "Edit the score bands, their colours and the scoring method"
        )
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save this heat map as a PNG, SVG or PDF file")

        controls = QHBoxLayout()
        controls.addWidget(self.inherent_button)
        controls.addWidget(self.residual_button)
        controls.addSpacing(12)
        controls.addWidget(self.movement_check)
        controls.addSpacing(12)
        controls.addWidget(QLabel("Use case"))
        controls.addWidget(self.use_case_combo)
        controls.addStretch(1)
        controls.addWidget(self.appetite_button)
        controls.addWidget(self.export_button)

        self.heatmap = HeatmapWidget()
        self.summary = named_label("", "pageSubtitle", wrap=True)
        self.legend = named_label("", "heatmapLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.status = named_label("", "mutedLabel")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(self.heatmap, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.status)

        self.mode_group.buttonClicked.connect(lambda _b: self.refresh())
        self.movement_check.toggled.connect(lambda _c: self.refresh())
        self.use_case_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.heatmap.cell_clicked.connect(self._on_heatmap_cell_clicked)
        self.appetite_button.clicked.connect(self.appetite_requested)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        ctx.changed.connect(self._on_ctx_changed)
        self.export_button.setEnabled(ctx.workspace is not None)
        self.load_use_cases()
        self.refresh()

    # -- state ----------------------------------------------------------------------------

    @property
    def residual(self) -> bool:
        return self.residual_button.isChecked()

    def set_residual(self, residual: bool) -> None:
        (self.residual_button if residual else self.inherent_button).setChecked(True)
        self.refresh()

    @property
    def use_case_id(self) -> int | None:
        data = self.use_case_combo.currentData()
        return None if data is None else int(data)

    def load_use_cases(self) -> None:
        ws = self.ctx.workspace
        current = self.use_case_id
        self.use_case_combo.blockSignals(True)
        self.use_case_combo.clear()
        self.use_case_combo.addItem(PORTFOLIO, None)
        if ws is not None:
            for use_case_id, title in use_case_titles(ws):
                self.use_case_combo.addItem(title, use_case_id)
        index = self.use_case_combo.findData(current) if current is not None else 0
        self.use_case_combo.setCurrentIndex(max(index, 0))
        self.use_case_combo.blockSignals(False)

    def refresh(self) -> None:
        """Read the counts (and movements) again and repaint."""
        ws = self.ctx.workspace
        if ws is None:
            return
        residual = self.residual
        data = risks.heatmap(ws=ws, residual=residual, use_case_id=self.use_case_id)
        movement = self.movement_check.isChecked()
        moves = risks.movements(ws=ws, use_case_id=self.use_case_id) if movement else []
        self.heatmap.set_data(data, moves, show_movement=movement)
        total = sum(sum(row) for row in data.counts)
        scope = self.use_case_combo.currentText()
        what = "residual" if residual else "inherent"
        if total == 0:
            self.summary.setText(
                f"No risks to place ({scope.lower() if self.use_case_id is None else scope}). "
                "Add risks on the Register tab and link them to use cases; they appear here."
            )
        else:
            moved = sum(1 for m in moves if m.inherent != m.residual)
            extra = f" {moved} moved after mitigation." if movement else ""
            self.summary.setText(
                f"{total:,} risk{'s' if total != 1 else ''} by {what} likelihood and impact "
                f"({scope}). Click a cell to list its risks.{extra}"
            )
        self.legend.setText(_legend_html(data.bands))

    # -- slots ----------------------------------------------------------------------------

    def _on_heatmap_cell_clicked(self, likelihood: int, impact: int) -> None:
        self.heatmap.set_selected((likelihood, impact))
        self.cell_chosen.emit(likelihood, impact, self.residual, self.use_case_id)

    def _on_ctx_changed(self, changes: Changes) -> None:
        if changes.touches("use_case"):
            self.load_use_cases()
        if changes.touches(*REFRESH_KINDS):
            self.refresh()

    def _on_export_button_clicked(self) -> None:
        default = self.ctx.settings.last_directory() / (
            "risk-heatmap-residual.png" if self.residual else "risk-heatmap.png"
        )
        path = ask_save_path(self, "Export heat map", default, DRAWING_FILTERS)
        if path is not None:
            self.export_to(path)

    def export_to(self, out: Path) -> Any:
        """Write the heat map as shown (mode, movement, use case) to ``out`` in a worker."""
        ws = self.ctx.workspace
        if ws is None:
            return None
        if out.suffix.lower() not in (".png", ".svg", ".pdf"):
            out = out.with_suffix(".png")
        self.ctx.settings.set_last_directory(out.parent)
        self.export_button.setEnabled(False)
        self.status.setText(f"Exporting to {out.name}…")
        task = self.ctx.tasks.run(
            export_heatmap,
            ws,
            out,
            self.residual,
            self.use_case_id,
            self.movement_check.isChecked(),
        )
        task.finished.connect(self._on_export_task_finished)
        task.failed.connect(self._on_export_task_failed)
        self.export_task = task
        return task

    def _on_export_task_finished(self, path: Path) -> None:
        self.export_button.setEnabled(True)
        self.status.setText(f"Saved {path}")
        self.export_task = None

    def _on_export_task_failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.status.setText("")
        self.export_task = None
        if isinstance(error, UserError):
            self.ctx.show_error(error)
        else:
            report_error(error)


def _legend_html(bands: tuple[risks.Band, ...]) -> str:
    parts = []
    for band in bands:
        parts.append(
            f"<span style='background:{band.color}; color:{text_color_on(band.color)};'>"
            f"&nbsp;{band.name}&nbsp;</span>&nbsp;{band.low}–{band.high}"  # noqa: RUF001
        )
    return "Appetite bands (score): " + " &nbsp;&nbsp; ".join(parts)
