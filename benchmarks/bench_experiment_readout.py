"""Experiment readout and results-import timings.

    python benchmarks/bench_experiment_readout.py [LARGE_WORKSPACE.aipm]

Builds its own workspace in a temporary folder (the argument, for ``run.py``'s
interface, is not needed) and prints one JSON object. Keys:

- ``readout_ms``: :func:`readout_of` of an experiment with 5 arms and 6 metrics (the
  primary and 5 guardrails, 2 of them with a CUPED covariate) over 365 days of daily
  aggregates (10,950 rows), the query included; decided, so no peeking (target 200).
  ``readout_msprt_ms`` / ``readout_obf_ms``: the same experiment running, with its
  "can we stop now?" answer for the 4 treatments (O'Brien-Fleming over the last 4
  weekly looks);
- ``aggregate_import_ms``: importing those 10,950 daily rows from CSV (preview and apply);
- ``per_unit_rows``, ``per_unit_import_s``: importing 1,000,000 per-unit rows (2 arms, 28
  days, 3 metrics, a covariate) from CSV, aggregated and stored (target 3 s), and
  ``per_unit_import_cpu_s`` the CPU time it took (steadier on a shared machine);
  ``per_unit_peak_mb``: the peak resident memory of that import over the process's
  memory before it (target 400), measured in a fresh process.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ARMS = ("Control", "A", "B", "C", "D")
METRICS = (
    ("Conversion", "proportion"),
    ("Refunds", "proportion"),
    ("Revenue", "mean"),
    ("Minutes", "mean"),
    ("Errors", "proportion"),
    ("Latency", "mean"),
)
DAYS = 365
START = dt.date(2026, 1, 5)
UNIT_ROWS = 1_000_000


def _median_ms(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _aggregates_csv(path: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(1)
    header = "date,variant,metric,units,conversions,sum,sum_sq,pre_sum,pre_sum_sq,cross_sum\n"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(header)
        for day in range(DAYS):
            date = (START + dt.timedelta(days=day)).isoformat()
            for arm_index, arm in enumerate(ARMS):
                units = int(rng.poisson(2000))
                for name, kind in METRICS:
                    if kind == "proportion":
                        conv = int(rng.binomial(units, 0.1 + 0.002 * arm_index))
                        fh.write(f"{date},{arm},{name},{units},{conv},,,,,\n")
                        continue
                    mean, sd = 20 + arm_index * 0.1, 6.0
                    total = mean * units + rng.normal(0, sd * units**0.5)
                    total_sq = (sd**2 + (total / units) ** 2) * units
                    covariate = ""
                    if name in ("Revenue", "Minutes"):
                        pre = 19.0 * units
                        pre_sq = (36 + 19**2) * units
                        cross = total * 19.0 + 0.5 * 36 * units
                        covariate = f"{pre:.4f},{pre_sq:.4f},{cross:.4f}"
                    else:
                        covariate = ",,"
                    fh.write(
                        f"{date},{arm},{name},{units},,{total:.4f},{total_sq:.4f},{covariate}\n"
                    )


def _experiment(ws) -> int:
    from aipm_desktop.services import experiments

    experiment_id, _ = experiments.create_experiment(
        ws=ws,
        data={
            "title": "Year-long pricing test",
            "primary_metric": METRICS[0][0],
            "status": "running",
            "baseline": 0.1,
            "mde": 0.05,
            "mde_relative": True,
            "daily_units": 10_000,
        },
        variants=[(arm, 1) for arm in ARMS],
        guardrails=[{"name": name, "kind": kind, "margin": 0.05, "relative": True}
                    for name, kind in METRICS[1:]],
    )  # fmt: skip
    return experiment_id


def readout_figures(folder: Path) -> dict[str, float]:
    from aipm_desktop.services import experiments
    from aipm_desktop.services.workspace import new_workspace

    ws = new_workspace(folder / "bench.aipm")
    try:
        experiment_id = _experiment(ws)
        data = folder / "aggregates.csv"
        _aggregates_csv(data)
        start = time.perf_counter()
        preview, _ = experiments.import_results(ws=ws, experiment_id=experiment_id, path=data)
        imported = (time.perf_counter() - start) * 1000
        assert len(preview.rows) == DAYS * len(ARMS) * len(METRICS)

        def read() -> None:
            experiments.readout_of(ws=ws, experiment_id=experiment_id)

        figures = {"aggregate_import_ms": round(imported, 1)}
        for peeking in ("msprt", "obf"):
            experiments.update_experiment(
                ws=ws, experiment_id=experiment_id, data={"peeking": peeking}
            )
            figures[f"readout_{peeking}_ms"] = round(_median_ms(read, 5), 1)
        experiments.record_decision(ws=ws, experiment_id=experiment_id, decision="ship")
        read()  # warm: scipy and the modules loaded
        figures["readout_ms"] = round(_median_ms(read, 20), 1)
    finally:
        ws.close()
    return figures


def _units_csv(path: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(2)
    n = UNIT_ROWS
    arms = rng.integers(0, 2, n)
    days = rng.integers(0, 28, n)
    dates = np.array([(START + dt.timedelta(days=d)).isoformat() for d in range(28)])
    names = np.array(["Control", "A"])
    conv = (rng.random(n) < 0.1 + 0.01 * arms).astype(int)
    minutes = rng.normal(20, 6, n).round(2)
    errors = (rng.random(n) < 0.02).astype(int)
    covariate = rng.normal(19, 6, n).round(2)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("unit_id,variant,date,Conversion,Minutes,Errors,covariate\n")
        step = 100_000
        for lo in range(0, n, step):
            hi = min(n, lo + step)
            lines = [
                f"u{i},{names[arms[i]]},{dates[days[i]]},{conv[i]},{minutes[i]},{errors[i]},"
                f"{covariate[i]}\n"
                for i in range(lo, hi)
            ]
            fh.write("".join(lines))


_CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from benchmarks.bench_experiment_readout import _experiment
from aipm_desktop.services import experiments
from aipm_desktop.services.experiments import imports, readout, stats, design  # loaded first
from aipm_desktop.services.workspace import new_workspace
import numpy  # noqa: F401
ws = new_workspace(Path({folder!r}) / "units.aipm")
experiment_id = _experiment(ws)
def rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20
before = rss_mb()
start, cpu = time.perf_counter(), time.process_time()
preview, _ = experiments.import_results(
    ws=ws, experiment_id=experiment_id, path={data!r}, per_unit=True
)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
ws.close()
assert preview.row_count == {rows}, preview.row_count
found = {{"seconds": seconds, "cpu": cpu, "peak_over_mb": peak - before,
          "aggregates": len(preview.rows)}}
print(json.dumps(found))
"""


def per_unit_figures(folder: Path) -> dict[str, float]:
    data = folder / "units.csv"
    _units_csv(data)
    code = _CHILD.format(root=str(ROOT), folder=str(folder), data=str(data), rows=UNIT_ROWS)
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    return {
        "per_unit_rows": UNIT_ROWS,
        "per_unit_import_s": round(found["seconds"], 2),
        "per_unit_import_cpu_s": round(found["cpu"], 2),
        "per_unit_peak_mb": round(found["peak_over_mb"], 1),
        "per_unit_aggregates": found["aggregates"],
    }


def run(path: Path | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        return {**readout_figures(folder), **per_unit_figures(folder)}


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]) if len(sys.argv) > 1 else None), indent=2))
