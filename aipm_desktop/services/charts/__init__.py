"""Charts as matplotlib figures, shared by the GUI (on a canvas) and the CLI (to a file).

Each chart module has ``build_figure(*, ws, **options) -> Figure``; :data:`CHARTS` maps the
chart kind used by ``aipm chart FILE KIND`` to it. Figures are built with
``matplotlib.figure.Figure`` (no pyplot, no global state, any backend), and matplotlib is
imported only when a chart is first drawn.
"""

from __future__ import annotations

import importlib
import inspect
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import UserError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...store import Workspace

#: Chart kind -> ``"module:function"`` building its figure.
CHARTS: dict[str, str] = {
    kind: f"{__name__}.{kind}:build_figure"
    for kind in ("matrix", "heatmap", "radar", "kpi", "roadmap")
}

#: Command-line spelling of build_figure keywords whose names differ.
_OPTION_NAMES = {"start": "--from", "end": "--to", "candidate_ids": "--candidate"}

EXPORT_SUFFIXES = (".png", ".svg", ".pdf")


def new_figure(width: float = 9.0, height: float = 6.0) -> Figure:
    """A blank figure with the app's chart defaults."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    figure.set_facecolor("white")
    return figure


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


def save_figure(figure: Figure, out: Path | str, *, overwrite: bool = True) -> Path:
    """Write ``figure`` as PNG, SVG or PDF (by suffix), whole or not at all."""
    from ..outputs import replacing

    suffix = Path(out).suffix.lower()
    with replacing(out, overwrite=overwrite, suffixes=EXPORT_SUFFIXES, what="a chart") as tmp:
        figure.savefig(tmp, format=suffix[1:], dpi=150 if suffix == ".png" else 100)
    return Path(out).expanduser()


def render_chart(
    *, ws: Workspace, kind: str, out: Path | str, overwrite: bool = True, **options: Any
) -> Path:
    """Build chart ``kind`` and save it to ``out``."""
    return save_figure(build(ws=ws, kind=kind, **options), out, overwrite=overwrite)
