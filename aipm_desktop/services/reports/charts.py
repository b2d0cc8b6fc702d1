"""A report's charts drawn reproducibly: SVG for PDF and HTML, PNG for formats that want
pixels (DOCX, PPTX). The same chart gives the same bytes: a hash salt per chart (so ids
differ between the charts of one HTML page), no date, no metadata block."""

from __future__ import annotations

import io
import re
import threading
from typing import Any

from .model import Chart

_METADATA = re.compile(rb"<metadata>.*?</metadata>\s*", re.S)
_lock = threading.Lock()


def _figure(chart: Chart, *, dpi: int | None = None) -> Any:
    """The chart's figure, laid out once: savefig on a figure with a layout engine
    draws it twice (a silent pass to lay it out, then the real one); running the
    engine here and switching it off leaves one pass (~15% quicker, the same look).
    With ``dpi`` (a PNG to come) the figure gets an Agg canvas at that resolution first,
    so the layout and the picture share one renderer and measure each text once."""
    if chart.figure is None:
        raise ValueError(f"chart {chart.key!r} has neither a figure nor SVG")
    figure = chart.figure()
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    if dpi is not None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        figure.set_dpi(dpi)
        FigureCanvasAgg(figure)

    engine = figure.get_layout_engine()
    if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
        engine.execute(figure)
        figure.set_layout_engine("none")
    return figure


def svg_of(chart: Chart) -> bytes:
    """The chart as SVG, its texts as text (DejaVu Sans, then any sans-serif): small,
    searchable, and quick for the PDF engine to draw (glyphs as paths cost ~20x more)."""
    if chart.svg is not None:
        return chart.svg
    from matplotlib import rc_context

    figure = _figure(chart)
    buffer = io.BytesIO()
    # rc_context changes process-wide rcParams: one chart at a time.
    with _lock, rc_context({"svg.hashsalt": f"aipm-report-{chart.key}", "svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _METADATA.sub(b"", buffer.getvalue())


def png_of(chart: Chart, *, dpi: int = 150) -> bytes:
    """The chart as PNG at ``dpi`` (no time stamp: the same chart, the same bytes)."""
    if chart.figure is None:
        raise ValueError(f"chart {chart.key!r} was given as SVG only; it has no PNG")
    figure = _figure(chart, dpi=dpi)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


class ChartCache:
    """SVG of each chart of one rendering, drawn once (renderers and the JSON share it)."""

    def __init__(self) -> None:
        self._svg: dict[str, bytes] = {}

    def svg(self, chart: Chart) -> bytes:
        found = self._svg.get(chart.key)
        if found is None:
            found = self._svg[chart.key] = svg_of(chart)
        return found
