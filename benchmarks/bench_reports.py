"""Report timings: the client assessment of the demo and of the large workspace.

    python benchmarks/bench_reports.py LARGE.aipm

Each figure is one report written by a fresh process (imports included, as ``aipm
report`` runs), the median of a few runs. Keys: ``report_demo_pdf_s``,
``report_demo_html_s``, ``report_demo_docx_s`` and ``report_demo_pptx_s`` (target 5 s each;
aim for 3.5 s on a quiet machine, so that a busy laptop still makes 5),
``report_large_pdf_s`` (target 30 s: the large workspace's top 50 use cases and 20,000
risks summarised) and ``report_large_mb`` (the peak memory of that process above its
memory once the workspace is open, target 500).
``*_cpu_s`` are the same runs' CPU seconds (the wall time on a busy machine is higher).
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RUNS = 3
AS_OF = "2026-12-01"
#: The formats of the demo assessment timed (each in fresh processes of its own).
FORMATS = ("pdf", "html", "docx", "pptx")


def child(path: str, out: str) -> dict[str, float]:
    """One report in this process: wall and CPU seconds from before the first import."""
    wall, cpu = time.perf_counter(), time.process_time()
    import datetime as dt

    from aipm_desktop.services.reports import ReportOptions, export_report
    from aipm_desktop.store import open_workspace
    from benchmarks.run import _rss_mb

    ws = open_workspace(path, readonly=True)
    idle = _rss_mb()
    try:
        options = ReportOptions(kind="assessment", as_of=dt.date.fromisoformat(AS_OF))
        export_report(ws=ws, options=options, out=out)
    finally:
        ws.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
        "mb": peak - idle,
    }


def _spawn(path: Path, out: Path) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(path), str(out)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _median(path: Path, out: Path, runs: int = RUNS) -> dict[str, float]:
    found = [_spawn(path, out) for _ in range(runs)]
    return {key: statistics.median(f[key] for f in found) for key in found[0]}


def run(path: Path) -> dict[str, float]:
    from aipm_desktop.services.workspace import new_workspace

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="aipm-bench-reports-") as folder:
        demo = Path(folder) / "demo.aipm"
        new_workspace(demo, demo=True).close()
        for fmt in FORMATS:
            figures = _median(demo, Path(folder) / f"demo.{fmt}")
            results[f"report_demo_{fmt}_s"] = round(figures["s"], 2)
            results[f"report_demo_{fmt}_cpu_s"] = round(figures["cpu_s"], 2)
        figures = _median(path, Path(folder) / "large.pdf", runs=1)
        results["report_large_pdf_s"] = round(figures["s"], 2)
        results["report_large_pdf_cpu_s"] = round(figures["cpu_s"], 2)
        results["report_large_mb"] = round(figures["mb"], 1)
    return results


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3])))
    elif len(sys.argv) == 2:
        print(json.dumps(run(Path(sys.argv[1])), indent=2))
    else:
        raise SystemExit("usage: python benchmarks/bench_reports.py LARGE.aipm")
