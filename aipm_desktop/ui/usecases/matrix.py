"""The Matrix tab: value (x) against feasibility (y), one bubble per scored use case.

The figure is drawn by :func:`aipm_desktop.services.charts.matrix.draw_on` (the same
drawing the ``aipm chart FILE matrix`` command saves), on a
:class:`~aipm_desktop.ui.widgets.chart_canvas.ChartCanvas`. matplotlib is imported the
first time the tab is shown. Hovering a bubble shows its use case; clicking one makes it
the page's current use case; the current use case is highlighted. With
:attr:`MatrixTab.risk_from_register` (set by the page) the risk criterion's level, and so
the scores and bubble colours, come from the risk register for use cases with open risks.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ..context import AppContext
from ..widgets.builders import TAB_MARGINS
from ..widgets.chart_canvas import ChartCanvas
from ..widgets.context_widgets import ContextWidget
from ..widgets.dialog_parts import IMAGE_FILTERS, ask_save_path
from ..widgets.lazy_table import set_enabled_why
from ..widgets.page_header import named_label

REDRAW_DELAY_MS = 120
#: Extra pixels around a bubble that still count as hitting it.
HIT_SLOP_PX = 3.0
SIZE_CHOICES = (("reach", "Reach"), ("cost", "Cost to serve"))
EMPTY_TEXT = (
    "No use case is fully scored yet. Score every criterion of a use case in the "
    "Scoring grid tab and it appears here as a bubble."
)
EXPORT_TIP = "Save the matrix as a PNG or SVG image"
HINT_TEXT = "Colour: risk level · hover a bubble for details · click it to select"
HINT_FED_TEXT = (
    "Colour: risk level (risk criterion from the risk register) · hover a bubble for "
    "details · click it to select"
)


class MatrixTab(ContextWidget):
    """The value / feasibility matrix of the portfolio.

    Signals:
        use_case_clicked(int): a bubble was clicked; carries its use case id.
    """

    use_case_clicked = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="matrixTab")
        self._dirty = True
        self._highlight: int | None = None
        self.bubbles: dict[int, Any] = {}
        self.points: list[tuple[int, float, float, float]] = []
        self.draw_count = 0
        #: Let open residual risks feed the risk criterion (the page's setting).
        self.risk_from_register = False

        self.size_combo = QComboBox()
        self.size_combo.setObjectName("sizeByCombo")
        for key, label in SIZE_CHOICES:
            self.size_combo.addItem(label, key)
        self.size_combo.setToolTip("What the bubble size shows")
        self.size_combo.currentIndexChanged.connect(self._on_size_combo_index_changed)
        self.export_button = QPushButton("Export PNG/SVG…")
        self.export_button.setObjectName("exportMatrixButton")
        self.export_button.setToolTip(EXPORT_TIP)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        caption = named_label("Bubble size", "filterLabel")
        self.hint = hint = QLabel(HINT_TEXT)
        hint.setObjectName("mutedLabel")
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(caption)
        top.addWidget(self.size_combo)
        top.addSpacing(12)
        top.addWidget(hint, 1)
        top.addWidget(self.export_button)

        self.chart = ChartCanvas(self)
        self.chart.set_hover_handler(self.hover_text)
        self.chart.clicked.connect(self._on_chart_clicked)
        self.empty_label = named_label(EMPTY_TEXT, "emptyState", wrap=True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack = QStackedWidget()
        self._stack.addWidget(self.chart)
        self._stack.addWidget(self.empty_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self._stack, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REDRAW_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    # -- state ----------------------------------------------------------------------------

    @property
    def size_by(self) -> str:
        return str(self.size_combo.currentData())

    @property
    def dirty(self) -> bool:
        return self._dirty

    def mark_dirty(self) -> None:
        """The data changed: redraw soon if shown, else when next shown."""
        self._dirty = True
        if self.isVisible():
            self._timer.start()

    def set_risk_from_register(self, on: bool) -> None:
        """Rank with the risk criterion fed by the risk register (redraws)."""
        if bool(on) != self.risk_from_register:
            self.risk_from_register = bool(on)
            self.hint.setText(HINT_FED_TEXT if on else HINT_TEXT)
            self.mark_dirty()

    def set_highlight(self, use_case_id: int | None) -> None:
        if use_case_id != self._highlight:
            self._highlight = use_case_id
            self.mark_dirty()

    @property
    def highlight(self) -> int | None:
        return self._highlight

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self._timer.start(0)

    def _on_timer_timeout(self) -> None:
        if self._dirty and self.isVisible():
            self.redraw()

    # -- drawing --------------------------------------------------------------------------

    def redraw(self) -> None:
        """Read the bubbles and draw the figure now."""
        from ...services.charts import matrix as matrix_chart

        ws = self.ctx.workspace
        if ws is None:
            return
        self._dirty = False
        try:
            bubbles = matrix_chart.matrix_data(
                ws=ws, size_by=self.size_by, risk_from_register=self.risk_from_register
            )
        except UserError as err:
            bubbles = []
            self.empty_label.setText(f"{err.message}\nEdit the model with Scoring grid ▸ Models….")
        else:
            self.empty_label.setText(EMPTY_TEXT)
        self.bubbles = {b.use_case_id: b for b in bubbles}
        if not bubbles:
            self.points = []
            self._stack.setCurrentWidget(self.empty_label)
            set_enabled_why(
                self.export_button,
                False,
                EXPORT_TIP,
                "Nothing to export: no use case is fully scored yet.",
            )
            return
        self._stack.setCurrentWidget(self.chart)
        set_enabled_why(self.export_button, True, EXPORT_TIP)
        figure = self.chart.figure()
        figure.clear()
        info = matrix_chart.draw_on(
            figure,
            bubbles,
            highlight=self._highlight,
            size_by=self.size_by,
            title=f"Value vs feasibility ({len(bubbles)} scored use cases)",
        )
        self.points = [tuple(p) for p in info.get("points", [])]  # type: ignore[misc]
        self.chart.draw_now()
        self.draw_count += 1

    def bubble_at(self, x_px: float, y_px: float) -> int | None:
        """The use case whose bubble covers display position ``(x_px, y_px)``, if any."""
        figure = self.chart.figure()
        if not figure.axes or not self.points:
            return None
        axes = figure.axes[0]
        best: tuple[float, int] | None = None
        for use_case_id, x, y, radius in self.points:
            px, py = axes.transData.transform((x, y))
            distance = math.hypot(px - x_px, py - y_px)
            if distance <= radius + HIT_SLOP_PX and (best is None or distance < best[0]):
                best = (distance, use_case_id)
        return best[1] if best is not None else None

    def hover_text(self, x_px: float, y_px: float) -> str | None:
        use_case_id = self.bubble_at(x_px, y_px)
        bubble = self.bubbles.get(use_case_id) if use_case_id is not None else None
        if bubble is None:
            return None
        risk = "no risk criteria" if bubble.risk_level == "none" else f"{bubble.risk_level} risk"
        return (
            f"{bubble.title}\n"
            f"Value {bubble.value:.0f} · Feasibility {bubble.feasibility:.0f} · {risk}\n"
            f"Quadrant: {bubble.quadrant} · score {bubble.score:.1f}"
        )

    # -- slots ----------------------------------------------------------------------------

    def _on_chart_clicked(self, x: float, y: float) -> None:
        figure = self.chart.figure()
        if not figure.axes:
            return
        px, py = figure.axes[0].transData.transform((x, y))
        use_case_id = self.bubble_at(px, py)
        if use_case_id is not None:
            self.use_case_clicked.emit(use_case_id)

    def _on_size_combo_index_changed(self, _index: int) -> None:
        self._dirty = True
        if self.isVisible():
            self.redraw()

    def _on_export_button_clicked(self) -> None:
        start = self.ctx.settings.last_directory() / "use-case-matrix.png"
        path = ask_save_path(self, "Export the matrix", start, IMAGE_FILTERS)
        if path is not None:
            self.export(path)

    def export(self, path: Path) -> bool:
        """Save the matrix as PNG or SVG; a problem is shown as a plain message."""
        if self._dirty:
            self.redraw()
        try:
            self.chart.export(path)
        except UserError as err:
            self.ctx.show_error(err)
            return False
        self.ctx.settings.set_last_directory(path)
        return True
