"""Roadmap timeline timings on the large workspace (5,000 roadmap items).

    python benchmarks/bench_timeline.py LARGE.aipm

Keys (milliseconds; targets from the issue):

- ``timeline_shown_ms``: query the 5,000 items (and the critical path), build the scene
  and paint the timeline once, in a 1400 x 900 widget (target 500; median of 3);
- ``timeline_frame_ms``: one repaint of the view after a scroll step, with about 1,000
  items in view (the viewport is made tall enough at the quarters zoom; median of 20
  frames, target 16);
- ``timeline_zoom_ms``: a zoom step (re-layout of every item, then one repaint; median of
  10);
- ``timeline_visible_items``: how many items the frame figure had in view.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

try:
    import aipm_desktop  # noqa: F401
except ImportError:  # run as a script from a source checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FRAMES = 20
SHOW_RUNS = 3


def run(large_path: Path) -> dict[str, float]:
    from aipm_desktop.app import _application
    from aipm_desktop.store import open_workspace
    from aipm_desktop.ui.context import AppContext
    from aipm_desktop.ui.roadmap.timeline import ZOOMS, TimelineWidget

    app = _application()  # the app's own Qt set-up (style, thread pool setting)
    ws = open_workspace(Path(large_path), readonly=True)
    ctx = AppContext()
    ctx.set_workspace(ws)
    widgets = []
    try:

        def settle() -> None:
            for _ in range(3):
                app.sendPostedEvents()
                app.processEvents()

        shown = []
        for _ in range(SHOW_RUNS):
            start = time.perf_counter()
            widget = TimelineWidget(ctx)
            widget.resize(1400, 900)
            widget.show()
            settle()
            widget.view.viewport().repaint()
            shown.append((time.perf_counter() - start) * 1000)
            widgets.append(widget)
        for old in widgets[:-1]:
            old.close()
            old.deleteLater()
        settle()
        widget = widgets[-1]

        # About 1,000 items in view: quarters zoom, a tall viewport over the middle rows.
        widget.set_zoom("quarters")
        widget.resize(1920, 3600)
        settle()
        view, scene = widget.view, widget.scene
        bar = view.horizontalScrollBar()
        vbar = view.verticalScrollBar()
        vbar.setValue(vbar.maximum() // 3)
        bar.setValue(round(scene.x_of(scene.today) - view.viewport().width() / 2))
        settle()
        area = view.mapToScene(view.viewport().rect()).boundingRect()
        in_view = sum(1 for i in scene.items_by_id if area.intersects(scene.item_rect(i)))
        view.viewport().repaint()
        frames = []
        for step in range(FRAMES):
            bar.setValue(bar.value() + (8 if step % 2 == 0 else -8))
            vbar.setValue(vbar.value() + (6 if step % 2 == 0 else -6))
            start = time.perf_counter()
            view.viewport().repaint()
            frames.append((time.perf_counter() - start) * 1000)

        zooms = []
        for step in range(10):
            start = time.perf_counter()
            widget.zoom_to(ZOOMS["quarters"] * (1.25 if step % 2 == 0 else 1.0), 400)
            view.viewport().repaint()
            zooms.append((time.perf_counter() - start) * 1000)
        return {
            "timeline_shown_ms": round(statistics.median(shown), 1),
            "timeline_frame_ms": round(statistics.median(frames), 1),
            "timeline_zoom_ms": round(statistics.median(zooms), 1),
            "timeline_visible_items": float(in_view),
        }
    finally:
        for widget in widgets:
            widget.close()
            widget.deleteLater()
        ctx.close_workspace()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(json.dumps(run(Path(sys.argv[1])), indent=2))
