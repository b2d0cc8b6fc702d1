"""Roadmap timings on the large workspace (5,000 roadmap items).

    python benchmarks/bench_roadmap.py LARGE.aipm

Keys: ``roadmap_timeline_query_ms`` (every item and dependency with slip, violation and
critical flags, as the timeline view loads them; the issue's "timeline shown within
500 ms" includes this), ``critical_path_ms`` (the critical path of 5,000 items with
10,000 finish-to-start dependencies, reading them included; target 200). The large file
has no dependencies, so 10,000 acyclic ones (always from a lower to a higher item id) are
added to a temporary copy; the large file itself is never changed. Each figure is the
median of a few runs.
"""

from __future__ import annotations

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

RUNS = 5
DEPENDENCIES = 10_000
SEED = 7


def _median_ms(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _add_dependencies(ws, count: int) -> int:
    """Add ``count`` acyclic dependencies (lower id -> higher id) with Core; returns how
    many were added."""
    from sqlalchemy import insert, select

    from aipm_desktop.models import RoadmapDependency, RoadmapItem

    item = RoadmapItem.__table__
    dep = RoadmapDependency.__table__
    rng = random.Random(SEED)
    with ws.engine.connect() as conn:
        ids = sorted(conn.execute(select(item.c.id)).scalars())
    if len(ids) < 2:
        return 0
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < count:
        a, b = rng.sample(range(len(ids)), 2)
        low, high = min(a, b), max(a, b)
        if high - low > 400:  # keep chains local, like real roadmaps
            high = low + rng.randint(1, 400)
            if high >= len(ids):
                continue
        pairs.add((ids[low], ids[high]))
    with ws.engine.begin() as conn:
        conn.execute(
            insert(dep), [{"predecessor_id": p, "successor_id": s} for p, s in sorted(pairs)]
        )
    return len(pairs)


def run(large_path: Path) -> dict[str, float]:
    from aipm_desktop.services import roadmap
    from aipm_desktop.store import open_workspace

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "roadmap-bench.aipm"
        shutil.copyfile(large_path, copy)
        ws = open_workspace(copy)
        try:
            timeline_ms = _median_ms(lambda: roadmap.timeline(ws=ws))
            _add_dependencies(ws, DEPENDENCIES)
            critical_ms = _median_ms(lambda: roadmap.critical_path(ws=ws))
            with_deps_ms = _median_ms(lambda: roadmap.timeline(ws=ws))
        finally:
            ws.close()
    return {
        "roadmap_timeline_query_ms": round(timeline_ms, 1),
        "roadmap_timeline_query_10k_deps_ms": round(with_deps_ms, 1),
        "critical_path_ms": round(critical_ms, 1),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python benchmarks/bench_roadmap.py LARGE.aipm", file=sys.stderr)
        return 2
    print(json.dumps(run(Path(args[0])), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
