"""Charts as matplotlib figures, shared by the GUI (on a canvas) and the CLI (to a file).

Each chart module has ``build_figure(*, ws, **options) -> Figure``; :data:`CHARTS` maps the
chart kind used by ``aipm chart FILE KIND`` to it. Figures are built with
``matplotlib.figure.Figure`` (no pyplot, no global state, any backend), and matplotlib is
imported only when a chart is first drawn.

The common style lives here too: :func:`new_figure` (size, dpi, layout),
:func:`text_size` (how big a text will be drawn, to place labels without cutting them),
:func:`wrap` (names wrapped on words, never cut) and the footer every exported chart
carries (:class:`Footer`: workspace, client and date, drawn by :func:`save_figure` in a
strip added below the chart). Exports are reproducible: the same figure and footer give
the same bytes as PNG, SVG and PDF (no creation time, fixed SVG ids).
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import UserError
from .. import clock
from ..dates import format_date

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...store import Workspace

#: Chart kind -> ``"module:function"`` building its figure.
CHARTS: dict[str, str] = {
    kind: f"{__name__}.{kind}:build_figure"
    for kind in ("matrix", "heatmap", "radar", "kpi", "roadmap")
}
CHARTS["tornado"] = f"{__name__}.tornado:build_figure"
CHARTS["experiment"] = f"{__name__}.experiment:build_figure"
CHARTS["incidents"] = f"{__name__}.incidents:build_figure"
CHARTS["eval"] = f"{__name__}.evaluation:build_trend"
CHARTS["eval_slices"] = f"{__name__}.evaluation:build_slices"
CHARTS["eval_reliability"] = f"{__name__}.evaluation:build_reliability"
CHARTS["controls-gaps"] = f"{__name__}.controls_gaps:build_figure"

#: Command-line spelling of build_figure keywords whose names differ.
_OPTION_NAMES = {"start": "--from", "end": "--to", "candidate_ids": "--candidate"}

EXPORT_SUFFIXES = (".png", ".svg", ".pdf")
#: What each export format is, for help texts and file dialogs.
EXPORT_FORMATS = {".png": "PNG image", ".svg": "SVG drawing", ".pdf": "PDF document"}

#: The footer strip: font size (points), colour, and the gid of its texts.
FOOTER_FONT_PT = 7.5
FOOTER_COLOR = "#607d8b"
FOOTER_GID = "aipm-footer"
_FOOTER_MARGIN_IN = 0.12
#: Metadata that would change from one export to the next (creation times) left out.
_STABLE_METADATA = {
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "ModDate": None},
}
_SVG_SALT = "aipm-desktop"


def new_figure(width: float = 9.0, height: float = 6.0) -> Figure:
    """A blank figure with the app's chart defaults."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    figure.set_facecolor("white")
    return figure


# -- text ---------------------------------------------------------------------------------

_measure_lock = threading.Lock()
_renderers: dict[int, Any] = {}
#: The resolutions charts are drawn at (screen, PNG export): text widths differ a little
#: between them (hinting), so a label is measured at each and given the widest.
_MEASURE_DPI = (100, 150)


def text_size(text: str, fontsize: float, *, weight: str = "normal") -> tuple[float, float]:
    """``(width, height)`` in points of ``text`` drawn at ``fontsize`` (lines split on
    newlines, spaced as matplotlib spaces them), measured with the Agg renderer's font
    metrics at the resolutions charts are drawn at (the widest): what a label needs,
    before anything is drawn."""
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(size=fontsize, weight=weight)
    lines = text.split("\n") or [""]
    width = 0.0
    with _measure_lock:
        for dpi in _MEASURE_DPI:
            renderer = _renderers.get(dpi)
            if renderer is None:
                from matplotlib.backends.backend_agg import RendererAgg

                renderer = _renderers[dpi] = RendererAgg(1, 1, dpi)
            for line in lines:
                measured = renderer.get_text_width_height_descent(line, prop, ismath=False)[0]
                width = max(width, measured * 72 / dpi)
    # matplotlib puts lines 1.2 line heights apart; a line is about 1.17 font sizes high.
    height = fontsize * (1.17 + 1.2 * 1.17 * (len(lines) - 1))
    return width, height


def wrap(text: str, width: int) -> str:
    """``text`` wrapped on spaces into lines of about ``width`` characters; every word is
    kept whole (a word longer than ``width`` gets a line of its own), nothing is cut."""
    lines = textwrap.wrap(
        " ".join(text.split()), width, break_long_words=False, break_on_hyphens=False
    )
    return "\n".join(lines) or text


def one_line(text: str) -> str:
    """A drawn text as one line (wrapped lines joined by spaces): to compare with a name."""
    return " ".join(text.split())


class KeyNumber:
    """A legend handle drawn as a number: an entry of a chart's key, naming what the chart
    marks with that number (a name that had no room where it belongs)."""

    def __init__(self, number: int) -> None:
        self.number = number


def key_handler_map() -> dict[type, Any]:
    """The legend ``handler_map`` that draws :class:`KeyNumber` handles (bold numbers)."""
    from matplotlib.legend_handler import HandlerBase
    from matplotlib.text import Text

    class NumberHandler(HandlerBase):
        def create_artists(
            self,
            legend: Any,
            orig_handle: Any,
            xdescent: float,
            ydescent: float,
            width: float,
            height: float,
            fontsize: float,
            trans: Any,
        ) -> list[Any]:
            return [
                Text(
                    width - xdescent,
                    height - ydescent,
                    str(orig_handle.number),
                    ha="right",
                    va="top",
                    fontsize=fontsize,
                    fontweight="bold",
                    color="#212121",
                    transform=trans,
                )
            ]

    return {KeyNumber: NumberHandler()}


# -- footer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Footer:
    """The small print under an exported chart: which workspace, for which client, when."""

    workspace: str
    client: str = ""
    day: dt.date | None = None

    @property
    def source(self) -> str:
        """``Workspace · Client: Name`` (the client left out when there is none)."""
        parts = [self.workspace.strip() or "Untitled workspace"]
        if self.client.strip():
            parts.append(f"Client: {self.client.strip()}")
        return " · ".join(parts)

    @property
    def date(self) -> str:
        """The day, as every date is shown (:func:`aipm_desktop.services.dates.format_date`)."""
        return format_date(self.day, empty="")

    @property
    def text(self) -> str:
        """The whole footer on one line."""
        return " · ".join(part for part in (self.source, self.date) if part)


def footer_for(*, ws: Workspace, day: dt.date | None = None) -> Footer:
    """The footer of a chart of ``ws`` exported on ``day`` (default: today), from the
    workspace settings (its name and client)."""
    from ..workspace import get_settings

    settings = get_settings(ws=ws)
    return Footer(
        workspace=settings.name or ws.path.stem,
        client=settings.client or "",
        day=day or clock.today(),
    )


@contextmanager
def footer_added(figure: Figure, footer: Footer | None) -> Iterator[Figure]:
    """``figure`` with ``footer`` in a strip added below it, for as long as the block runs
    (then the figure is as it was: size, layout and artists).

    The figure grows by the strip's height and the chart is laid out above it (by the
    layout engine's rectangle, or, without one, by moving the axes up), so the footer never
    covers the chart and the chart keeps its size.
    """
    if footer is None:
        yield figure
        return
    width, height = figure.get_size_inches()
    right = footer.date
    room_pt = (width - 2 * _FOOTER_MARGIN_IN) * 72 - (
        text_size(right, FOOTER_FONT_PT)[0] + 12 if right else 0
    )
    source = footer.source
    if text_size(source, FOOTER_FONT_PT)[0] > room_pt:
        chars = max(20, int(room_pt / (0.55 * FOOTER_FONT_PT)))
        source = wrap(source, chars)
    lines = source.count("\n") + 1
    strip = (lines * 1.4 * FOOTER_FONT_PT + 9) / 72  # inches
    new_height = height + strip
    share = strip / new_height
    engine: Any = figure.get_layout_engine()
    old_rect = None
    moved: list[tuple[Any, Any]] = []
    figure.set_size_inches(width, new_height, forward=False)
    if engine is not None and "rect" in engine.get():
        old_rect = engine.get()["rect"]
        left, bottom, w, h = old_rect
        engine.set(rect=(left, share + bottom * (1 - share), w, h * (1 - share)))
    else:  # laid out by hand: move the axes (and texts placed on the figure) up
        for ax in figure.axes:
            box = ax.get_position(original=True)
            moved.append((ax, box))
            ax.set_position(
                (box.x0, share + box.y0 * (1 - share), box.width, box.height * (1 - share))
            )
        for text in figure.texts:
            if text.get_transform() is figure.transSubfigure:
                x, y = text.get_position()
                moved.append((text, (x, y)))
                text.set_position((x, share + y * (1 - share)))
    # The source line at the left of the strip, the ``right`` text (if any) at its right.
    placed = [(_FOOTER_MARGIN_IN, source, "left")]
    if right:
        placed.append((width - _FOOTER_MARGIN_IN, right, "right"))
    texts = [
        figure.text(
            x,
            strip / 2,
            words,
            transform=figure.dpi_scale_trans,
            ha=ha,
            va="center",
            fontsize=FOOTER_FONT_PT,
            color=FOOTER_COLOR,
            gid=FOOTER_GID,
        )
        for x, words, ha in placed
    ]
    for text in texts:
        text.set_in_layout(False)
    try:
        yield figure
    finally:
        for text in texts:
            text.remove()
        for artist, where in moved:
            artist.set_position(where)
        if old_rect is not None and engine is not None:
            engine.set(rect=old_rect)
        figure.set_size_inches(width, height, forward=False)


def footer_texts(figure: Figure) -> list[str]:
    """The footer texts drawn on ``figure`` (while :func:`footer_added` runs)."""
    return [t.get_text() for t in figure.texts if t.get_gid() == FOOTER_GID]


# -- building and saving --------------------------------------------------------------------


def build(*, ws: Workspace, kind: str, **options: Any) -> Figure:
    """The figure of chart ``kind`` (a key of :data:`CHARTS`)."""
    target = CHARTS.get(kind)
    if target is None:
        known = ", ".join(sorted(CHARTS)) or "none"
        raise UserError(f"unknown chart {kind!r}; available: {known}.")
    module_name, _, function = target.partition(":")
    builder = getattr(importlib.import_module(module_name), function)
    accepted = set(inspect.signature(builder).parameters) - {"ws"}
    unknown = sorted(set(options) - accepted)
    if unknown:
        names = ", ".join(
            _OPTION_NAMES.get(
                name, "--" + name.replace("_ids", "").replace("_id", "").replace("_", "-")
            )
            for name in unknown
        )
        raise UserError(f"{names} does not apply to the {kind} chart.")
    return builder(ws=ws, **options)


def _accepts(kind: str, name: str) -> bool:
    module_name, _, function = CHARTS[kind].partition(":")
    builder = getattr(importlib.import_module(module_name), function)
    return name in inspect.signature(builder).parameters


def save_figure(
    figure: Figure, out: Path | str, *, overwrite: bool = True, footer: Footer | None = None
) -> Path:
    """Write ``figure`` as PNG, SVG or PDF (by suffix), whole or not at all, with
    ``footer`` (if any) in a strip below it; the same figure gives the same bytes."""
    from matplotlib import rc_context

    from ..outputs import replacing

    suffix = Path(out).suffix.lower()
    fmt = suffix[1:]
    with (
        replacing(out, overwrite=overwrite, suffixes=EXPORT_SUFFIXES, what="a chart") as tmp,
        footer_added(figure, footer),
        rc_context({"svg.hashsalt": _SVG_SALT}),
    ):
        figure.savefig(
            tmp,
            format=fmt,
            dpi=150 if suffix == ".png" else 100,
            metadata=_STABLE_METADATA.get(fmt),
        )
    canvas = getattr(figure, "canvas", None)
    if canvas is not None and footer is not None:
        canvas.draw_idle()  # a figure on screen: show it as it was again
    return Path(out).expanduser()


def render_chart(
    *,
    ws: Workspace,
    kind: str,
    out: Path | str,
    overwrite: bool = True,
    today: dt.date | None = None,
    **options: Any,
) -> Path:
    """Build chart ``kind`` and save it to ``out`` with the workspace's footer dated
    ``today`` (default: the current date; also the chart's "today" where it has one)."""
    day = today or clock.today()
    if kind in CHARTS and _accepts(kind, "today"):
        options["today"] = day
    figure = build(ws=ws, kind=kind, **options)
    return save_figure(figure, out, overwrite=overwrite, footer=footer_for(ws=ws, day=day))
