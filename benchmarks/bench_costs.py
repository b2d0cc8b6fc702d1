"""Unit-economics timings: recalculating one cost model as the user types.

    python benchmarks/bench_costs.py WORKSPACE.aipm

Keys: ``costs_recalc_ms`` (compute in the base scenario and the tornado rows of one
model from its inputs, no database: what the costs view does on every keystroke; target
10), ``costs_recalc_validated_ms`` (the same after validating the form's values into
inputs with ``make_inputs``), ``costs_compare_ms`` (four options compared), and
``costs_list_ms`` (every cost model of the file with its figures, reading included).
The model is the file's first cost model, or, when the file has none (the generated
large workspace), the demo's "large model + prompt cache" option priced from the file's
price table. Each figure is the median of many runs; the file is opened read-only.
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


def _median_ms(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _demo_inputs(ws):
    """The demo's cached option, priced from the file's price table."""
    from aipm_desktop.services import costs
    from aipm_desktop.services.demo.content import load_json

    spec = next(m for m in load_json("operations")["cost_models"] if m["role"] == "build")
    values = {k: v for k, v in spec.items() if k not in ("use_case", "kpi", "price", "role")}
    price = next(
        (r for r in costs.price_rows(ws=ws) if f"{r.provider}/{r.model}" == spec["price"]), None
    )
    return costs.make_inputs(values, price=price), values, price


def run(path: Path) -> dict[str, float]:
    from aipm_desktop.services import costs
    from aipm_desktop.store import open_workspace

    ws = open_workspace(Path(path), readonly=True)
    try:
        found = costs.all_inputs(ws=ws)
        if found:
            inputs = found[0]
            values = {name: getattr(inputs, name) for name in costs.SPEC_BY_FIELD}
            values.update(name=inputs.name, currency=inputs.currency, sources=inputs.sources)
            price = None
        else:
            inputs, values, price = _demo_inputs(ws)
        results = {
            "costs_recalc_ms": _median_ms(
                lambda: (costs.compute(inputs), costs.sensitivity(inputs))
            ),
            "costs_recalc_validated_ms": _median_ms(
                lambda: (
                    (typed := costs.make_inputs(values, price=price)),
                    costs.compute(typed),
                    costs.sensitivity(typed),
                )
            ),
            "costs_compare_ms": _median_ms(lambda: costs.compare([inputs] * 4)),
            "costs_list_ms": _median_ms(lambda: costs.summaries(ws=ws), runs=20),
        }
    finally:
        ws.close()
    return {key: round(value, 3) for key, value in results.items()}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(json.dumps(run(Path(sys.argv[1])), indent=2))
