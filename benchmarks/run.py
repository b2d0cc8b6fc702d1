"""Timings of AIPM Desktop, each beside its floor measured in the same run.

    python benchmarks/run.py [--large PATH] [--skip-generate]

Prints one JSON object. Keys (milliseconds unless named otherwise):

- ``start_ms``: process start to the first painted main window on the demo workspace;
  ``start_floor_ms``: the same for a bare PySide6 main window that imports sqlmodel and
  opens an SQLite file (target: start within 1.3x the floor).
- ``list_open_ms``: open the large workspace and show the use-case list (target 300);
  ``filter_ms``: one filter keystroke on it (target 100); ``sort_ms``: sort by a column
  (target 200).
- ``generate_rows_per_s``: bulk generation of the large workspace (target >= 50,000).
- ``rss_mb``: resident memory with the large workspace open and every area visited;
  ``rss_floor_mb``: the bare window above (target: within 150 MB of it).
- Area modules add their own keys (``benchmarks/bench_<area>.py``, ``run(large_path)``).

Each start-up figure is the median of several fresh processes; nothing here runs in CI.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

AREA_BENCHMARKS = (
    "benchmarks.bench_usecases",
    "benchmarks.bench_risks",
    "benchmarks.bench_kpis",
    "benchmarks.bench_documents",
    "benchmarks.bench_roadmap",
    "benchmarks.bench_timeline",
)
START_RUNS = 5


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _paint_waiter(widget):
    """An event filter that records the first paint of ``widget``."""
    from PySide6.QtCore import QEvent, QObject

    class Waiter(QObject):
        painted_at: float | None = None

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and self.painted_at is None:
                self.painted_at = time.perf_counter()
            return False

    waiter = Waiter()
    widget.installEventFilter(waiter)
    return waiter


def _wait_for_paint(app, waiter, limit_s: float = 20.0) -> float:
    deadline = time.perf_counter() + limit_s
    while waiter.painted_at is None and time.perf_counter() < deadline:
        app.processEvents()
    return waiter.painted_at or time.perf_counter()


# -- child processes --------------------------------------------------------------------


def child_floor(path: str) -> dict:
    """A bare main window that imports sqlmodel and opens an SQLite file."""
    import sqlmodel  # noqa: F401
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
    from sqlalchemy import create_engine, text

    app = QApplication([])
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
    window = QMainWindow()
    window.setCentralWidget(QLabel("floor"))
    window.resize(1400, 900)
    waiter = _paint_waiter(window)
    window.show()
    painted = _wait_for_paint(app, waiter)
    return {"painted": painted, "rss_mb": _rss_mb()}


def child_start(path: str) -> dict:
    """The app's own start-up path (``app._run_gui``) on the demo workspace.

    Records the first paint of the window and the first paint of the Overview page with
    the workspace's content in it.
    """
    from PySide6.QtCore import QTimer

    from aipm_desktop.app import _application, open_start_workspace, start_path
    from aipm_desktop.ui.context import AppContext
    from aipm_desktop.ui.main_window import MainWindow

    app = _application()
    ctx = AppContext()
    window = MainWindow(ctx, persist=False)
    window.show_area("overview")
    window.show_opening(start_path(path, False))
    window.resize(1400, 900)
    waiter = _paint_waiter(window)
    opened: dict[str, object] = {}

    def open_start() -> None:
        window.set_workspace(open_start_workspace(path, False))
        page = window.pages.get("overview")
        opened["waiter"] = _paint_waiter(page) if page is not None else None

    window.show()
    window.repaint()
    painted = _wait_for_paint(app, waiter)
    QTimer.singleShot(0, open_start)
    deadline = time.perf_counter() + 20
    while "waiter" not in opened and time.perf_counter() < deadline:
        app.processEvents()
    content = _wait_for_paint(app, opened["waiter"]) if opened.get("waiter") else None
    return {
        "painted": painted,
        "content_painted": content,
        "matplotlib_loaded": "matplotlib" in sys.modules,
        "markdown_loaded": "markdown" in sys.modules,
    }


def child_list(path: str) -> dict:
    """Open the large workspace and show, filter and sort the use-case list."""
    from PySide6.QtCore import Qt

    from aipm_desktop.app import _application
    from aipm_desktop.services.listing import use_case_list_spec
    from aipm_desktop.store import open_workspace
    from aipm_desktop.ui.widgets.lazy_table import ListPane

    app = _application()
    t0 = time.perf_counter()
    ws = open_workspace(Path(path))
    pane = ListPane(use_case_list_spec(), ws)
    pane.resize(1000, 800)
    waiter = _paint_waiter(pane.table.viewport())
    pane.show()
    list_open = _wait_for_paint(app, waiter) - t0

    def timed(action) -> float:
        waiter.painted_at = None
        start = time.perf_counter()
        action()
        pane.table.viewport().update()
        return _wait_for_paint(app, waiter) - start

    filter_times = [
        timed(lambda: pane.model.set_text_filter("data")),
        timed(lambda: pane.model.set_text_filter("")),
    ]
    sort_times = [
        timed(lambda: pane.model.sort(0, Qt.SortOrder.DescendingOrder)),
        timed(lambda: pane.model.sort(1, Qt.SortOrder.AscendingOrder)),
    ]
    rows = pane.model.rowCount()
    ws.close()
    return {
        "list_open_ms": list_open * 1000,
        "filter_ms": max(filter_times) * 1000,
        "sort_ms": max(sort_times) * 1000,
        "list_rows": rows,
    }


def child_rss(path: str) -> dict:
    """Resident memory with the large workspace open and every area visited."""
    from aipm_desktop.app import _application
    from aipm_desktop.services.listing import use_case_list_spec
    from aipm_desktop.store import open_workspace
    from aipm_desktop.ui.areas import AREAS
    from aipm_desktop.ui.context import AppContext
    from aipm_desktop.ui.main_window import MainWindow
    from aipm_desktop.ui.widgets.lazy_table import ListPane

    app = _application()
    ctx = AppContext()
    window = MainWindow(ctx, persist=False)
    window.set_workspace(open_workspace(Path(path)))
    window.resize(1400, 900)
    window.show()
    for area in AREAS:
        window.show_area(area.name)
        for _ in range(20):
            app.processEvents()
    pane = ListPane(use_case_list_spec(), ctx.workspace)
    pane.show()
    for _ in range(20):
        app.processEvents()
    return {"rss_mb": _rss_mb(), "areas": [a.name for a in AREAS]}


CHILDREN = {"floor": child_floor, "start": child_start, "list": child_list, "rss": child_rss}


def _spawn(name: str, path: Path) -> dict:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["AIPM_HOME"] = env.get("AIPM_HOME") or tempfile.mkdtemp(prefix="aipm-bench-home-")
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, "--child", name, str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child {name} failed:\n{proc.stderr}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if "painted" in result:
        # perf_counter is system-wide monotonic on Linux: the child's paint time minus our
        # spawn time is process start (fork/exec included) to first paint.
        result["elapsed_ms"] = (result.pop("painted") - started) * 1000
    if result.get("content_painted"):
        result["content_ms"] = (result.pop("content_painted") - started) * 1000
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--large", type=Path, help="Large workspace to use (made if missing).")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(CHILDREN[args.child](args.path)))
        return 0

    from aipm_desktop.services.workspace import new_workspace
    from benchmarks.generate import generate

    work = Path(tempfile.mkdtemp(prefix="aipm-bench-"))
    demo = work / "demo.aipm"
    new_workspace(demo, demo=True).close()
    large = args.large or work / "large.aipm"
    results: dict[str, object] = {}
    if not large.exists():
        gen = generate(large)
        results["generate_rows_per_s"] = round(gen["rows_per_s"])
        results["generate_rows"] = gen["rows"]

    floors = [_spawn("floor", demo) for _ in range(START_RUNS)]
    starts = [_spawn("start", demo) for _ in range(START_RUNS)]
    results["start_floor_ms"] = round(statistics.median(f["elapsed_ms"] for f in floors))
    results["start_ms"] = round(statistics.median(s["elapsed_ms"] for s in starts))
    results["start_ratio"] = round(results["start_ms"] / results["start_floor_ms"], 2)
    results["start_content_ms"] = round(statistics.median(s["content_ms"] for s in starts))
    results["start_imports_matplotlib"] = any(s["matplotlib_loaded"] for s in starts)
    results["rss_floor_mb"] = round(statistics.median(f["rss_mb"] for f in floors), 1)

    listing = _spawn("list", large)
    results.update({k: round(v, 1) if isinstance(v, float) else v for k, v in listing.items()})
    rss = _spawn("rss", large)
    results["rss_mb"] = round(rss["rss_mb"], 1)
    results["rss_over_floor_mb"] = round(rss["rss_mb"] - results["rss_floor_mb"], 1)

    for module_name in AREA_BENCHMARKS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        for key, value in module.run(large).items():
            results[key] = round(value, 1) if isinstance(value, float) else value
    print(json.dumps(results, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
