"""KPI timings on the large workspace (500 KPIs x 104 weekly snapshots).

    python benchmarks/bench_kpis.py LARGE.aipm

Keys: ``kpi_status_ms`` (status, trend and staleness of every KPI; target 200),
``kpi_chart_10k_ms`` (build and Agg-draw a KPI chart of 10,000 points; target 300),
``kpi_import_50k_s`` (preview and apply a 50,000-row CSV import into a copy; target 5),
``kpi_import_undo_s`` / ``kpi_import_redo_s`` (undo, then redo, that import in the core),
``dashboard_ms`` (the overview dashboard's data, every section; the overview target is
500), ``kpi_grid_cells_ms`` (the snapshot grid's cells at 104 weeks: every KPI's
snapshots with the id and version an edit expects, as the grid is filled). Each is the
median of a few runs; the large file itself is never changed.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aipm_desktop.services import clock

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RUNS = 5
CHART_POINTS = 10_000
IMPORT_ROWS = 50_000


def _median_ms(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run(large_path: Path) -> dict[str, float]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from aipm_desktop.services import kpis
    from aipm_desktop.services.charts import new_figure
    from aipm_desktop.services.charts.kpi import draw_kpi
    from aipm_desktop.services.dashboard import dashboard
    from aipm_desktop.store import open_workspace

    results: dict[str, float] = {}
    ws = open_workspace(Path(large_path), readonly=True)
    try:
        kpis.status_all(ws=ws)  # warm the connection pool and statement caches
        results["kpi_status_ms"] = _median_ms(lambda: kpis.status_all(ws=ws))

        status = kpis.kpi_status(ws=ws, kpi_id=kpis.status_all(ws=ws)[0].kpi_id)
        first = dt.date(2000, 1, 3)
        dates = [first + dt.timedelta(days=i) for i in range(CHART_POINTS)]
        values = [50 + 10 * ((i * 7919) % 101) / 101 + i / 1000 for i in range(CHART_POINTS)]
        events = [
            kpis.Marker(first + dt.timedelta(days=d), kind, f"{kind} {d}")
            for d, kind in ((1200, "release"), (4000, "incident"), (8000, "release"))
        ]

        def chart() -> None:
            figure = new_figure(10.0, 5.5)
            FigureCanvasAgg(figure)
            draw_kpi(figure, dates=dates, values=values, status=status, markers=events)
            figure.canvas.draw()

        chart()
        results["kpi_chart_10k_ms"] = _median_ms(chart)
        dashboard(ws=ws)
        results["dashboard_ms"] = _median_ms(lambda: dashboard(ws=ws))
        names = [row["name"] for row in kpis.kpi_rows(ws=ws)]
        kpi_ids = [status.kpi_id for status in kpis.status_all(ws=ws)]
        weeks_ago = clock.today() - dt.timedelta(weeks=103, days=clock.today().weekday())
        results["kpi_grid_cells_ms"] = _median_ms(
            lambda: kpis.grid_cells(ws=ws, kpi_ids=kpi_ids, start=weeks_ago)
        )
    finally:
        ws.close()

    work = Path(tempfile.mkdtemp(prefix="aipm-bench-kpis-"))
    try:
        copy = work / "copy.aipm"
        shutil.copy2(large_path, copy)
        source = work / "snapshots.csv"
        # 50,000 rows: 100 KPIs x 500 days after the generated history (new snapshots).
        start = clock.today() + dt.timedelta(days=1)
        with source.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["kpi", "date", "value", "note"])
            for k, name in enumerate(names[:100]):
                for d in range(IMPORT_ROWS // 100):
                    day = start + dt.timedelta(days=d)
                    writer.writerow([name, day.isoformat(), round(40 + (k + d) % 17 * 0.5, 2), ""])
        target = open_workspace(copy)
        try:
            began = time.perf_counter()
            preview = kpis.preview_import(ws=target, source=source)
            _changes, written = kpis.apply_import(ws=target, preview=preview)
            results["kpi_import_50k_s"] = time.perf_counter() - began
            assert written == IMPORT_ROWS, written
            began = time.perf_counter()
            target.undo()
            results["kpi_import_undo_s"] = time.perf_counter() - began
            began = time.perf_counter()
            target.redo()
            results["kpi_import_redo_s"] = time.perf_counter() - began
        finally:
            target.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python benchmarks/bench_kpis.py LARGE.aipm")
    print(json.dumps({k: round(v, 3) for k, v in run(Path(sys.argv[1])).items()}, indent=2))
