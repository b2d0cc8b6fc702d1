"""Feedback inbox timings at 200,000 items.

    python benchmarks/bench_feedback.py [WORKSPACE.aipm] [--rows N]

A 200,000-row CSV of tickets is written to a temporary folder and imported into a copy of
the workspace given (or a new empty one), so the file given is never changed. Keys:

- ``feedback_import_200k_s``: preview (read and check every row) and apply the import,
  one operation (target 5); ``feedback_preview_200k_s`` and ``feedback_apply_200k_s``
  split it.
- ``feedback_inbox_open_ms``: build the Feedback tab's inbox list over the 200,000 items
  and paint it (target 300).
- ``feedback_filter_ms``: the slowest of choosing a class, a source, back to all, and one
  search word in the filter box, each until the list is painted (target 100).
  ``feedback_filter_<which>_ms`` give each.
- ``feedback_triage_key_ms``: a triage key pressed with the Untriaged filter on: the item
  saved, taken off the list and the next one chosen and shown (median of many; target 50).

Nothing here runs in CI.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ROWS = 200_000
KEY_RUNS = 30
_WORD_TEXT = (
    "draft reply refund window policy wrong answer slow latency summary missing order status "
    "invoice charged twice login translation tone formal agent customer ticket bot queue"
)
WORDS = _WORD_TEXT.split()


def write_tickets(path: Path, rows: int, seed: int = 7) -> Path:
    """A CSV of ``rows`` tickets (~25 words each) over the last 400 days."""
    rng = random.Random(seed)
    today = dt.date.today()
    sources = ("Zendesk", "Intercom", "In-app feedback", "CSAT survey", "Gong call")
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["text", "date", "source", "customer", "tags"])
        for n in range(rows):
            text = " ".join(rng.choice(WORDS) for _ in range(24))
            day = today - dt.timedelta(days=rng.randrange(400))
            out.writerow(
                [f"{text} #{n}", day.isoformat(), rng.choice(sources), f"Customer {n % 3000}", ""]
            )
    return path


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _import(ws, source: Path) -> dict[str, float]:
    from aipm_desktop.services import triage

    start = time.perf_counter()
    preview = triage.preview_import(ws=ws, source=source)
    previewed = time.perf_counter()
    triage.apply_import(ws=ws, preview=preview)
    applied = time.perf_counter()
    return {
        "feedback_preview_200k_s": previewed - start,
        "feedback_apply_200k_s": applied - previewed,
        "feedback_import_200k_s": applied - start,
        "feedback_items": float(triage.count_items(ws=ws)),
    }


def _gui(ws) -> dict[str, float]:
    from aipm_desktop.app import _application
    from aipm_desktop.ui.context import AppContext
    from aipm_desktop.ui.operations.feedback_tab import FeedbackTab
    from benchmarks.run import _paint_waiter, _wait_for_paint

    app = _application()
    ctx = AppContext()
    ctx.set_workspace(ws)
    start = time.perf_counter()
    tab = FeedbackTab(ctx)
    tab.resize(1200, 700)
    viewport = tab.list_pane.table.viewport()
    painted = _paint_waiter(viewport)
    tab.show()
    open_ms = (_wait_for_paint(app, painted) - start) * 1000

    def repaint_after(action) -> float:
        painted.painted_at = None
        begin = time.perf_counter()
        action()
        viewport.update()
        return (_wait_for_paint(app, painted) - begin) * 1000

    combo, sources = tab.class_combo, tab.source_combo
    filters = [
        repaint_after(lambda: combo.setCurrentIndex(combo.findData("untriaged"))),
        repaint_after(lambda: sources.setCurrentIndex(1)),
        repaint_after(lambda: sources.setCurrentIndex(0)),
        repaint_after(lambda: tab.list_pane.model.set_text_filter("refund")),
        repaint_after(lambda: tab.list_pane.model.set_text_filter("")),
    ]
    tab.master.select_first()
    keys = []
    for n in range(KEY_RUNS):
        value = ("ux", "data", "model", "policy", "not_ai")[n % 5]
        keys.append(repaint_after(lambda v=value: tab.triage_key(v)))
    tab.close()
    tab.deleteLater()
    app.processEvents()
    names = ("class", "source", "all_sources", "search", "no_search")
    return {
        "feedback_inbox_open_ms": open_ms,
        "feedback_filter_ms": max(filters),
        **{f"feedback_filter_{n}_ms": t for n, t in zip(names, filters, strict=True)},
        "feedback_triage_key_ms": statistics.median(keys),
    }


def run(path: Path | None = None, rows: int = ROWS) -> dict[str, float]:
    from aipm_desktop.store import open_workspace
    from aipm_desktop.store.workspace import create_workspace

    with tempfile.TemporaryDirectory(prefix="aipm-bench-feedback-") as folder:
        work = Path(folder)
        copy = work / "feedback.aipm"
        if path is not None:
            shutil.copyfile(path, copy)
            ws = open_workspace(copy)
        else:
            ws = create_workspace(copy)
        try:
            source = write_tickets(work / "tickets.csv", rows)
            results = _import(ws, source)
            results.update(_gui(ws))
        finally:
            ws.close()
    return results


if __name__ == "__main__":
    args = sys.argv[1:]
    count = ROWS
    if "--rows" in args:
        at = args.index("--rows")
        count = int(args[at + 1])
        del args[at : at + 2]
    given = Path(args[0]) if args else None
    print(json.dumps({k: round(v, 3) for k, v in run(given, count).items()}, indent=2))
