"""Timings of AIPM Desktop, each beside its floor measured in the same run.

    python benchmarks/run.py [--large PATH] [--only start] [--no-bytecode-cache]

Prints one JSON object. Keys (milliseconds unless named otherwise):

- ``start_ms``: process start to the first painted main window on the demo workspace;
  ``start_floor_ms``: the same for a bare PySide6 main window that imports sqlmodel and
  opens an SQLite file (target: start within 1.3x the floor); ``start_ratio``.
- ``start_content_ms``: process start to the Overview painted with the workspace's
  content in it (target: within 1.8x ``start_floor_ms``); ``start_content_ratio``.
- ``list_open_ms``: open the large workspace and show the use-case list, its rows
  painted (target 300); ``list_shown_ms``: the same from the workspace open; ``filter_ms``:
  one filter keystroke on it (target 100); ``sort_ms``: sort by a column (target 200).
- ``generate_rows_per_s``: bulk generation of the large workspace (target >= 50,000).
- ``rss_mb``: resident memory with the large workspace open and every area visited
  (median of 3 processes); ``rss_chart_floor_mb``: the bare window above with one
  matplotlib QtAgg canvas drawn in it (target: ``rss_over_chart_floor_mb`` within 150 MB);
  ``rss_floor_mb``: the bare window without the chart.
- Area modules add their own keys (``benchmarks/bench_<area>.py``, ``run(large_path)``).

Each start-up figure is the median of :data:`START_RUNS` fresh processes, app and floor
alternating (so both see the same machine load). ``--only start`` runs just those.
Child processes keep their bytecode in a private cache, filled by an unmeasured first run,
as an installed app has its own (``--no-bytecode-cache``: compile as the environment says;
with ``PYTHONDONTWRITEBYTECODE`` set, the app's modules are compiled on every start).
Nothing here runs in CI.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
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
    "benchmarks.bench_costs",
    "benchmarks.bench_runbooks",
    "benchmarks.bench_experiments",
    "benchmarks.bench_experiment_readout",
    "benchmarks.bench_feedback",
    "benchmarks.bench_evals",
    "benchmarks.bench_reports",
    "benchmarks.bench_controls",
    "benchmarks.bench_search",
    "benchmarks.bench_audit",
)
START_RUNS = 7


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


def _wait_for_paint(app, waiter, limit_s: float = 20.0, *, finished: bool = False) -> float:
    """When the widget of ``waiter`` was first painted: the paint event's arrival, or
    (``finished``) the end of the event-loop turn that painted it. A list reads the rows
    it shows while it paints, so only the end tells when they were shown."""
    deadline = time.perf_counter() + limit_s
    while waiter.painted_at is None and time.perf_counter() < deadline:
        app.processEvents()
    return time.perf_counter() if finished else waiter.painted_at or time.perf_counter()


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


def child_chart_floor(path: str) -> dict:
    """The memory floor of a charting Qt app: the bare window above, plus one matplotlib
    QtAgg canvas drawn in it."""
    import sqlmodel  # noqa: F401
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure
    from PySide6.QtWidgets import QApplication, QMainWindow
    from sqlalchemy import create_engine, text

    app = QApplication([])
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
    figure = Figure(figsize=(6, 4))
    figure.add_subplot().plot([1, 2, 3], [3, 1, 2])
    canvas = FigureCanvasQTAgg(figure)
    window = QMainWindow()
    window.setCentralWidget(canvas)
    window.resize(1400, 900)
    waiter = _paint_waiter(canvas)
    window.show()
    _wait_for_paint(app, waiter)
    canvas.draw()
    for _ in range(20):
        app.processEvents()
    return {"rss_mb": _rss_mb()}


def child_start(path: str) -> dict:
    """The app's own start-up (:func:`aipm_desktop.app.start_gui`) on the demo workspace.

    Records the first paint of the window (``start_gui`` paints it before returning) and
    the first paint of the Overview page with the workspace's content in it.
    """
    from aipm_desktop.app import _application, build_parser, start_gui

    window = start_gui(build_parser().parse_args([path, "--view", "overview"]), persist=False)
    painted = time.perf_counter()
    app = _application()
    opened: dict[str, object] = {}

    def on_opened(_ws: object) -> None:
        # Connected after the window's own slot, which has built the page by now.
        page = window.pages.get("overview")
        opened["waiter"] = _paint_waiter(page) if page is not None else None

    window.ctx.workspace_opened.connect(on_opened)
    deadline = time.perf_counter() + 20
    while "waiter" not in opened and time.perf_counter() < deadline:
        app.processEvents()
    waiter = opened.get("waiter")
    content = _wait_for_paint(app, waiter) if waiter is not None else None
    return {
        "painted": painted,
        "content_painted": content,
        "matplotlib_loaded": "matplotlib" in sys.modules,
        "markdown_loaded": "markdown" in sys.modules,
        "numpy_loaded": "numpy" in sys.modules,
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
    ws = open_workspace(path)  # a file, or a server's URL (benchmarks/bench_server.py)
    opened = time.perf_counter()
    pane = ListPane(use_case_list_spec(), ws)
    pane.resize(1000, 800)
    waiter = _paint_waiter(pane.table.viewport())
    pane.show()
    shown = _wait_for_paint(app, waiter, finished=True)

    def timed(action) -> float:
        waiter.painted_at = None
        start = time.perf_counter()
        action()
        pane.table.viewport().update()
        return _wait_for_paint(app, waiter, finished=True) - start

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
        "list_open_ms": (shown - t0) * 1000,
        "list_shown_ms": (shown - opened) * 1000,
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


CHILDREN = {
    "floor": child_floor,
    "chart_floor": child_chart_floor,
    "start": child_start,
    "list": child_list,
    "rss": child_rss,
}


#: Where the children keep their bytecode (see :func:`_spawn`); None: as the environment says.
PYCACHE: Path | None = None
#: This run's scratch folder (removed at the end): workspaces, homes, bytecode.
WORK: Path | None = None


def _spawn(name: str, path: Path) -> dict:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if PYCACHE is not None:
        # Measure the app as installed, with its modules' bytecode at hand (pip compiles it
        # at install), not compiled from source on every start as PYTHONDONTWRITEBYTECODE
        # makes a checkout do: the floor's libraries have theirs. A private cache keeps
        # the source tree clean; the first run of each child fills it.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env["AIPM_HOME"] = env.get("AIPM_HOME") or tempfile.mkdtemp(prefix="home-", dir=WORK)
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
    if name == "start" and "Traceback" in proc.stderr:  # a slot failed: no content to time
        raise RuntimeError(f"benchmark child {name} failed:\n{proc.stderr}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if "painted" in result:
        # perf_counter is system-wide monotonic on Linux: the child's paint time minus our
        # spawn time is process start (fork/exec included) to first paint.
        result["elapsed_ms"] = (result.pop("painted") - started) * 1000
    if result.get("content_painted"):
        result["content_ms"] = (result.pop("content_painted") - started) * 1000
    return result


def _start_figures(demo: Path) -> dict[str, object]:
    """Start-up on ``demo``: app and floor processes alternating, medians of each."""
    floors: list[dict] = []
    starts: list[dict] = []
    if PYCACHE is not None:  # fill the bytecode cache: not measured
        _spawn("floor", demo)
        _spawn("start", demo)
    for _ in range(START_RUNS):
        floors.append(_spawn("floor", demo))
        starts.append(_spawn("start", demo))
    floor = statistics.median(f["elapsed_ms"] for f in floors)
    start = statistics.median(s["elapsed_ms"] for s in starts)
    content = statistics.median(s["content_ms"] for s in starts)
    return {
        "start_floor_ms": round(floor),
        "start_ms": round(start),
        "start_ratio": round(start / floor, 2),
        "start_content_ms": round(content),
        "start_content_ratio": round(content / floor, 2),
        "start_imports_matplotlib": any(s["matplotlib_loaded"] for s in starts),
        "start_imports_numpy": any(s["numpy_loaded"] for s in starts),
        "start_bytecode_cached": PYCACHE is not None,
        "rss_floor_mb": round(statistics.median(f["rss_mb"] for f in floors), 1),
        "start_runs": {
            "floor_ms": [round(f["elapsed_ms"]) for f in floors],
            "start_ms": [round(s["elapsed_ms"]) for s in starts],
            "content_ms": [round(s["content_ms"]) for s in starts],
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--large", type=Path, help="Large workspace to use (made if missing).")
    parser.add_argument(
        "--only",
        choices=("start", "rss"),
        help="run only this part (start: the start-up figures, no large workspace; rss: the "
        "memory figures)",
    )
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="let the children compile sources as the environment says (no private cache)",
    )
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(CHILDREN[args.child](args.path)))
        return 0

    global PYCACHE, WORK
    work = WORK = Path(tempfile.mkdtemp(prefix="aipm-bench-"))
    if not args.no_bytecode_cache:
        PYCACHE = work / "pycache"
    try:
        return _run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(args: argparse.Namespace, work: Path) -> int:
    from aipm_desktop.services.workspace import new_workspace

    demo = work / "demo.aipm"
    new_workspace(demo, demo=True).close()
    results: dict[str, object] = {}
    if args.only != "rss":
        results.update(_start_figures(demo))
    if args.only == "start":
        print(json.dumps(results, indent=2, sort_keys=True))
        return 0

    from benchmarks.generate import generate

    large = args.large or work / "large.aipm"
    if not large.exists():
        gen = generate(large)
        results["generate_rows_per_s"] = round(gen["rows_per_s"])
        results["generate_rows"] = gen["rows"]

    if args.only != "rss":
        listing = _spawn("list", large)
        results.update({k: round(v, 1) if isinstance(v, float) else v for k, v in listing.items()})
    rss = statistics.median(_spawn("rss", large)["rss_mb"] for _ in range(3))
    chart_floor = statistics.median(_spawn("chart_floor", large)["rss_mb"] for _ in range(3))
    results["rss_mb"] = round(rss, 1)
    results["rss_chart_floor_mb"] = round(chart_floor, 1)
    results["rss_over_chart_floor_mb"] = round(rss - chart_floor, 1)
    if "rss_floor_mb" in results:
        results["rss_over_floor_mb"] = round(rss - float(results["rss_floor_mb"]), 1)
    if args.only == "rss":
        print(json.dumps(results, indent=2, sort_keys=True))
        return 0

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
