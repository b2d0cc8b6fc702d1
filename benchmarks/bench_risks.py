"""Risk register timings on the large workspace (20,000 risks linked to use cases).

    python benchmarks/bench_risks.py LARGE.aipm

Keys (milliseconds, median of several runs; targets from the issue):

- ``risk_list_ms``: build the register's list spec, query every id in its default
  (residual score) order and fetch the first page of 100 rows (target 300);
- ``heatmap_ms``: count the heat map, build its figure and draw it on an Agg canvas
  (target 300);
- ``cell_filter_ms``: the ids of the busiest heat-map cell, as a click filters the list
  (target 100).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

try:
    import aipm_desktop  # noqa: F401
except ImportError:  # run as a script from a source checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RUNS = 5
PAGE = 100


def _median_ms(func, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def run(large_path: Path) -> dict[str, float]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from aipm_desktop.services import listing, risks
    from aipm_desktop.services.charts.heatmap import build_figure
    from aipm_desktop.store import open_workspace

    ws = open_workspace(Path(large_path), readonly=True)
    try:

        def risk_list() -> None:
            spec = risks.risk_list_spec(ws=ws)
            ids = listing.query_ids(ws=ws, spec=spec)
            listing.fetch_rows(ws=ws, spec=spec, ids=ids[:PAGE])

        risk_list()  # warm the file cache and imports
        risk_list_ms = _median_ms(risk_list)

        def heatmap() -> None:
            risks.heatmap(ws=ws)
            FigureCanvasAgg(build_figure(ws=ws)).draw()

        heatmap()
        heatmap_ms = _median_ms(heatmap)

        data = risks.heatmap(ws=ws)
        busiest = max(data.ids, key=lambda cell: len(data.ids[cell]))
        spec = risks.risk_list_spec(ws=ws)

        def cell_filter() -> None:
            risks.ids_in_cell(ws=ws, likelihood=busiest[0], impact=busiest[1], spec=spec)

        cell_filter()
        cell_filter_ms = _median_ms(cell_filter)
    finally:
        ws.close()
    return {
        "risk_list_ms": risk_list_ms,
        "heatmap_ms": heatmap_ms,
        "cell_filter_ms": cell_filter_ms,
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python benchmarks/bench_risks.py LARGE.aipm")
    print(json.dumps(run(Path(sys.argv[1]))))
