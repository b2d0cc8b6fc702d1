"""Experiment statistics timings: planning as the user types, and a year's readout.

    python benchmarks/bench_experiments.py [WORKSPACE.aipm]

Keys: ``experiments_plan_proportion_ms`` and ``experiments_plan_mean_ms`` (one
``design.plan_proportion`` / ``design.plan_mean`` with traffic, three treatments and
Holm: what the design form recomputes on every keystroke; target 5),
``experiments_mde_curve_ms`` (the detectable effect for every day of a year, the form's
chart), and ``experiments_readout_ms`` (a readout from daily aggregates: 365 days x 5 arms
(control and four treatments) x 6 metrics (three conversion rates, three means of which
two carry a pre-period covariate for CUPED) added up with ``stats.combine``, then for every
metric each treatment against the control with ``stats.compare``, Holm over the four
treatments with ``stats.adjust_comparisons``, and the sample-ratio check with
``stats.srm_check``; target 200), with ``experiments_readout_comparisons`` (how many
comparisons that was). No database yet: the workspace argument is accepted so
``benchmarks/run.py`` can pass its large file, and the stored-results part will join here.
Each figure is the median of many runs.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RUNS = 200
READOUT_RUNS = 20
DAYS = 365
ARMS = ("control", "B", "C", "D", "E")
# (metric kind, has a pre-period covariate)
METRICS = (
    ("proportion", False),
    ("proportion", False),
    ("proportion", True),
    ("mean", False),
    ("mean", True),
    ("mean", True),
)
DAILY_UNITS = 2_000  # per arm and day


def _median_ms(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _daily_aggregates(seed: int = 15):
    """``{metric index: {arm: [ArmTotals a day]}}`` of plausible daily sums."""
    import numpy as np

    from aipm_desktop.services.experiments.stats import ArmTotals

    rng = np.random.default_rng(seed)
    data: dict[int, dict[str, list]] = {}
    for m, (kind, covariate) in enumerate(METRICS):
        data[m] = {}
        for a, name in enumerate(ARMS):
            units = rng.poisson(DAILY_UNITS, size=DAYS) + 1
            if kind == "proportion":
                rate = 0.10 + 0.002 * a
                conversions = rng.binomial(units, rate)
                total = conversions.astype(float)
                total_sq = total
            else:
                mean, sd = 20.0 + 0.1 * a, 8.0
                total = units * mean + rng.normal(0, sd, size=DAYS) * np.sqrt(units)
                total_sq = (units - 1) * sd**2 + total**2 / units
                conversions = None
            days = []
            for d in range(DAYS):
                pre = {}
                if covariate:
                    x = total[d] * 0.9
                    pre = dict(
                        pre_total=x,
                        pre_total_sq=total_sq[d] * 0.81 + units[d] * 0.5,
                        cross_total=total_sq[d] * 0.9,
                    )
                days.append(
                    ArmTotals(
                        name,
                        int(units[d]),
                        conversions=None if conversions is None else int(conversions[d]),
                        total=float(total[d]),
                        total_sq=float(total_sq[d]),
                        **pre,
                    )
                )
            data[m][name] = days
    return data


def readout(data) -> int:
    """The whole readout over ``data``; returns the number of comparisons made."""
    from aipm_desktop.services.experiments.stats import (
        adjust_comparisons,
        combine,
        compare,
        srm_check,
    )

    made = 0
    for m, (kind, covariate) in enumerate(METRICS):
        totals = {name: combine(days) for name, days in data[m].items()}
        srm_check([totals[name].units for name in ARMS], [1] * len(ARMS))
        control = totals[ARMS[0]]
        family = [compare(control, totals[name], metric=kind, cuped=covariate) for name in ARMS[1:]]
        made += len(adjust_comparisons(family, "holm"))
    return made


def run(path: Path | None = None) -> dict[str, float | int]:
    from aipm_desktop.services.experiments import design

    data = _daily_aggregates()
    made = readout(data)
    days = list(range(1, DAYS + 1))
    return {
        "experiments_plan_proportion_ms": _median_ms(
            lambda: design.plan_proportion(
                baseline=0.1, mde=0.05, relative=True, treatments=3, daily=20_000
            )
        ),
        "experiments_plan_mean_ms": _median_ms(
            lambda: design.plan_mean(mean=20, sd=8, mde=0.2, treatments=3, daily=20_000)
        ),
        "experiments_mde_curve_ms": _median_ms(
            lambda: design.mde_curve(
                metric="proportion", baseline=0.1, treatments=3, daily=20_000, days=days
            )
        ),
        "experiments_readout_ms": _median_ms(lambda: readout(data), runs=READOUT_RUNS),
        "experiments_readout_comparisons": made,
    }


if __name__ == "__main__":
    if len(sys.argv) > 2:
        raise SystemExit("usage: python benchmarks/bench_experiments.py [WORKSPACE.aipm]")
    print(json.dumps(run(Path(sys.argv[1]) if len(sys.argv) == 2 else None), indent=2))
