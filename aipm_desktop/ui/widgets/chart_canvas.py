"""A reusable widget showing one matplotlib figure, with hover tooltips, clicks and export.

matplotlib (and its QtAgg backend, ~1 s to import) is imported the first time a figure is
shown, never when the widget is built, so pages can create the widget up front.

Coordinates: a hover handler gets matplotlib *display* coordinates (pixels from the
figure's bottom-left corner, in device pixels, like ``Axes.transData.transform`` gives);
:attr:`ChartCanvas.clicked` carries *data* coordinates of the axes under the mouse.

Exports carry the chart footer (workspace, client, date; see
:func:`aipm_desktop.services.charts.footer_for`): from :meth:`ChartCanvas.set_footer_source`
when the page gives one, else from the workspace of the nearest view above the canvas that
holds an app context (``ctx``), the way every page does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, QPointF, Signal
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

from ...errors import UserError
from ...services.charts import Footer, footer_for, new_figure, save_figure
from ..errors import show_user_error

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

HoverHandler = Callable[[float, float], "str | None"]
FooterSource = Callable[[], "Footer | None"]


class ChartCanvas(QWidget):
    """One matplotlib figure on a Qt canvas.

    Signals:
        clicked(float, float): left click inside an axes, in that axes' data coordinates.
    """

    clicked = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartCanvas")
        self._figure: Figure | None = None
        self._canvas: Any = None
        self._hover: HoverHandler | None = None
        self._tooltip = ""
        self._footer_source: FooterSource | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    # -- figure ---------------------------------------------------------------------------

    @property
    def canvas(self) -> Any:
        """The ``FigureCanvasQTAgg`` widget (None until a figure is shown)."""
        return self._canvas

    def figure(self) -> Figure:
        """The figure shown (a blank one is created and shown on first use)."""
        if self._figure is None:
            self.set_figure(new_figure())
        assert self._figure is not None
        return self._figure

    def set_figure(self, figure: Figure) -> None:
        """Show ``figure`` (replacing the one shown)."""
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        old = self._canvas
        self._figure = figure
        canvas = FigureCanvasQTAgg(figure)
        canvas.setParent(self)
        canvas.setObjectName("chartCanvasFigure")
        canvas.mpl_connect("motion_notify_event", self._on_canvas_motion)
        canvas.mpl_connect("button_press_event", self._on_canvas_button_press)
        canvas.mpl_connect("figure_leave_event", self._on_canvas_leave)
        self._layout.addWidget(canvas)
        self._canvas = canvas
        if old is not None:
            self._layout.removeWidget(old)
            old.hide()
            old.deleteLater()
        canvas.draw_idle()

    def draw(self) -> None:
        """Redraw after the figure was changed in place."""
        if self._canvas is not None:
            self._canvas.draw_idle()

    def draw_now(self) -> None:
        """Redraw at once (e.g. before reading positions of what was drawn)."""
        if self._canvas is not None:
            self._canvas.draw()

    def export(self, path: Path | str, *, footer: Footer | None = None) -> Path:
        """Write the figure as PNG, SVG or PDF (by suffix) with the chart footer
        (``footer``, else :meth:`export_footer`); raises ``UserError`` on bad paths."""
        return save_figure(self.figure(), path, footer=footer or self.export_footer())

    def export_or_warn(self, path: Path, parent: QWidget) -> Path | None:
        """:meth:`export`; on a bad path, None after a plain warning over ``parent``."""
        try:
            return self.export(path)
        except UserError as err:
            show_user_error(parent, err)
            return None

    def set_footer_source(self, source: FooterSource | None) -> None:
        """``source() -> Footer or None``: the footer of the next exports."""
        self._footer_source = source

    def export_footer(self, day: dt.date | None = None) -> Footer | None:
        """The footer an export gets: from the footer source, else from the workspace of
        the nearest view above that has an app context; None without a workspace."""
        if self._footer_source is not None:
            return self._footer_source()
        widget = self.parentWidget()
        while widget is not None:
            ctx = getattr(widget, "ctx", None)
            ws = getattr(ctx, "workspace", None) if ctx is not None else None
            if ws is not None:
                return footer_for(ws=ws, day=day)
            widget = widget.parentWidget()
        return None

    # -- interaction ----------------------------------------------------------------------

    def set_hover_handler(self, handler: HoverHandler | None) -> None:
        """``handler(x_px, y_px) -> tooltip text or None``, in display coordinates."""
        self._hover = handler

    def hover_text(self, x_px: float, y_px: float) -> str | None:
        """The tooltip the hover handler gives for a display position."""
        return self._hover(x_px, y_px) if self._hover is not None else None

    @property
    def tooltip_text(self) -> str:
        """The tooltip shown now ("" when none)."""
        return self._tooltip

    def widget_pos(self, x: float, y: float, axes: Axes | None = None) -> QPointF:
        """Where data point ``(x, y)`` of ``axes`` (default: the first) is, in canvas pixels."""
        figure = self.figure()
        axes = axes if axes is not None else figure.axes[0]
        x_px, y_px = axes.transData.transform((x, y))
        ratio = self._canvas.device_pixel_ratio or 1.0
        height = figure.bbox.height
        return QPointF(x_px / ratio, (height - y_px) / ratio)

    def _on_canvas_motion(self, event: Any) -> None:
        if self._hover is None:
            return
        text = self._hover(event.x, event.y) or ""
        if text == self._tooltip:
            return
        self._tooltip = text
        if text:
            pos = self.widget_pos_from_display(event.x, event.y)
            QToolTip.showText(self._canvas.mapToGlobal(pos), text, self._canvas)
        else:
            QToolTip.hideText()

    def widget_pos_from_display(self, x_px: float, y_px: float) -> QPoint:
        """A display position as a point of the canvas widget."""
        ratio = self._canvas.device_pixel_ratio or 1.0
        height = self.figure().bbox.height
        return QPoint(round(x_px / ratio), round((height - y_px) / ratio))

    def _on_canvas_leave(self, _event: Any) -> None:
        if self._tooltip:
            self._tooltip = ""
            QToolTip.hideText()

    def _on_canvas_button_press(self, event: Any) -> None:
        if event.button != 1 or event.inaxes is None:
            return
        if event.xdata is None or event.ydata is None:
            return
        self.clicked.emit(float(event.xdata), float(event.ydata))
