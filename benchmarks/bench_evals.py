"""Evaluation timings on a 100,000-example run (issue 14's figures).

    python benchmarks/bench_evals.py [WORKSPACE.aipm]

A suite with 8 metrics (accuracy, binary F1, macro F1, ECE, a pass rate, a mean score,
latency p95, cost per item) and one slice column of 5 values; two generated runs of
100,000 examples x 12 columns (CSV). Keys:

- ``evals_import_100k_ms``: preview (read, map, check every row) and apply (one undoable
  operation) of one run; target 3,000;
- ``evals_import_100k_mb``: resident memory the import adds over the idle process (the
  workspace open and the modules loaded; peak RSS minus RSS before); target < 300;
- ``evals_report_100k_ms``: every metric with 1,000-resample bootstrap CIs overall and
  per slice (8 metrics x 5 slices), the results decoded from the file; target 2,000;
- ``evals_compare_100k_ms``: the two runs compared (paired CIs, McNemar, flips,
  regressions, per slice); target 2,000.

The import also runs in a child process of its own (``evals_import_100k_child_ms``: the
first import of a session, every entity class already built as the app has by its first
edit; its memory is measured there, over the process idle with the workspace open); each
figure is the median of 3 runs after one warm-up (module imports excluded). The
workspace argument is accepted so ``benchmarks/run.py`` can pass its large file; the
figures use a fresh file of their own.
"""

from __future__ import annotations

import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [] if str(ROOT) in sys.path else [str(ROOT)]

EXAMPLES = 100_000
RUNS = 3
CLASSES = ("billing", "bug", "account", "how_to", "feature_request")
LANGUAGES = ("en", "de", "fr", "es", "ja")
HEADER = ["id", "expected", "predicted", "probability", "latency_ms", "cost", "language",
          "hallucinated", "grounded", "refused", "toxic", "judge"]  # fmt: skip
METRICS = [
    "accuracy:0.85:blocking",
    "f1:0.8",
    "macro_f1:0.8",
    "ece:0.1",
    "pass_rate:hallucinated:0.05:blocking:lower",
    "mean_score:judge:4",
    "latency_p95:2000",
    "cost_per_item",
]


def write_run(path: Path, quality: float, seed: int) -> None:
    """A results CSV of :data:`EXAMPLES` rows x 12 columns."""
    import numpy as np

    rng = np.random.default_rng(seed)
    latent = np.random.default_rng(1).random(EXAMPLES)
    expected = np.random.default_rng(2).integers(0, len(CLASSES), EXAMPLES)
    right = latent < quality
    predicted = np.where(right, expected, (expected + 1) % len(CLASSES))
    confidence = np.clip(np.where(right, 0.85, 0.6) + rng.normal(0, 0.1, EXAMPLES), 0, 1)
    latency = rng.gamma(2.0, 300.0, EXAMPLES)
    cost = 0.002 + rng.random(EXAMPLES) * 0.001
    flags = rng.random((4, EXAMPLES))
    judge = rng.integers(1, 6, EXAMPLES)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(EXAMPLES):
            out.writerow(
                [
                    f"ex{i}",
                    CLASSES[expected[i]],
                    CLASSES[predicted[i]],
                    f"{confidence[i]:.3f}",
                    f"{latency[i]:.1f}",
                    f"{cost[i]:.6f}",
                    LANGUAGES[i % 5],
                    "true" if flags[0, i] < 0.04 else "false",
                    "true" if flags[1, i] < 0.9 else "false",
                    "true" if flags[2, i] < 0.05 else "false",
                    "true" if flags[3, i] < 0.01 else "false",
                    int(judge[i]),
                ]
            )


def _median_ms(action, runs: int = RUNS) -> float:
    """The median of ``runs`` timings of ``action`` after one warm-up (module imports,
    file caches), in milliseconds."""
    return statistics.median(timeit.repeat(action, number=1, repeat=runs + 1)[1:]) * 1000


def _rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def child_import(workspace: str, source: str) -> dict[str, float]:
    """In a fresh process: time one import and measure the memory it adds."""
    from aipm_desktop.models import load_all
    from aipm_desktop.services import evaluations as ev
    from aipm_desktop.services.evaluations import compare, imports, metrics  # noqa: F401
    from aipm_desktop.store import open_workspace

    ws = open_workspace(workspace)
    load_all()  # what the app has done by its first edit: every entity class built
    suite = ev.find_suite(ws=ws, ref="Bench")
    ev.suites(ws=ws)
    idle = _rss_mb()
    start = time.perf_counter()
    preview = ev.preview_import(ws=ws, suite_id=suite, path=source)
    ev.apply_import(ws=ws, preview=preview, name="memory", replace=True)
    elapsed = (time.perf_counter() - start) * 1000
    peak = _rss_mb("VmHWM")
    ws.close()
    return {"ms": elapsed, "mb": peak - idle}


def run(path: Path | None = None) -> dict[str, float | int]:
    from aipm_desktop.services import evaluations as ev
    from aipm_desktop.store import create_workspace

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        a, b = folder / "a.csv", folder / "b.csv"
        write_run(a, 0.85, 10)
        write_run(b, 0.86, 11)
        workspace = folder / "bench.aipm"
        ws = create_workspace(workspace)
        suite, _ = ev.create_suite(
            ws=ws, data={"name": "Bench", "slices": "language", "classes": ", ".join(CLASSES),
                         "positive_label": "bug"}, metrics=METRICS,
        )  # fmt: skip

        def do_import() -> None:
            preview = ev.preview_import(ws=ws, suite_id=suite, path=a)
            ev.apply_import(ws=ws, preview=preview, name="A", replace=True)

        import_ms = _median_ms(do_import)
        ev.import_results(ws=ws, suite_id=suite, path=b, name="B")
        run_a = ev.find_run(ws=ws, suite_id=suite, ref="A").id
        run_b = ev.find_run(ws=ws, suite_id=suite, ref="B").id
        report_ms = _median_ms(lambda: ev.run_report(ws=ws, run_id=run_b))
        compare_ms = _median_ms(lambda: ev.compare_runs(ws=ws, run_a=run_a, run_b=run_b))
        report = ev.run_report(ws=ws, run_id=run_b)
        groups = sum(1 + len(m.slices) for m in report.metrics)
        ws.close()
        memory = []
        for _ in range(RUNS):
            command = [sys.executable, __file__, "--child", str(workspace), str(a)]
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            proc = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
            memory.append(json.loads(proc.stdout))
    return {
        "evals_import_100k_ms": round(import_ms, 1),
        "evals_import_100k_child_ms": round(statistics.median(m["ms"] for m in memory), 1),
        "evals_import_100k_mb": round(statistics.median(m["mb"] for m in memory), 1),
        "evals_report_100k_ms": round(report_ms, 1),
        "evals_report_groups": groups,
        "evals_compare_100k_ms": round(compare_ms, 1),
    }


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child_import(sys.argv[2], sys.argv[3])))
    elif len(sys.argv) > 2:
        raise SystemExit("usage: python benchmarks/bench_evals.py [WORKSPACE.aipm]")
    else:
        print(json.dumps(run(Path(sys.argv[1]) if len(sys.argv) == 2 else None), indent=2))
