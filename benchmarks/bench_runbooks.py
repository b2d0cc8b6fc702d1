"""Runbook timings: every rollback criterion checked against the latest KPI snapshots.

    python benchmarks/bench_runbooks.py WORKSPACE.aipm

Keys: ``runbook_check_ms`` (``runbooks.check`` over one rollback criterion per KPI of
the file, half of them asking for 2 and a quarter for 3 consecutive snapshots: what the
Overview and ``aipm runbooks check`` run; target 100 on the large workspace's 500 KPIs x
104 weekly snapshots), ``runbook_criteria`` (how many were checked) and
``runbook_check_met`` (how many were met). The file is copied to a temporary folder and
the runbooks are added to the copy (10 runbooks sharing the criteria), so the file given
is never changed. Each figure is the median of many runs.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RUNS = 30
RUNBOOKS = 10


def _median_ms(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _add_runbooks(ws) -> int:
    """One criterion per KPI (threshold: the KPI's median-ish latest value), spread over
    :data:`RUNBOOKS` runbooks, written in one operation; returns the criteria added."""
    from sqlalchemy import func, insert, select

    from aipm_desktop.models import Kpi, KpiSnapshot, RollbackCriterion, Runbook, utcnow

    k = Kpi.__table__  # type: ignore[attr-defined]
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        levels = dict(
            conn.execute(select(s.c.kpi_id, func.avg(s.c.value)).group_by(s.c.kpi_id)).all()
        )
        kpi_ids = [int(i) for (i,) in conn.execute(select(k.c.id).order_by(k.c.id))]
    now = utcnow()
    with ws.write(label="Benchmark runbooks") as session:
        ids = []
        for n in range(RUNBOOKS):
            runbook = Runbook(title=f"Benchmark runbook {n + 1}")
            session.add(runbook)
            session.flush()
            ids.append(runbook.id)
        rows = [
            {
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "runbook_id": ids[i % RUNBOOKS],
                "position": i // RUNBOOKS,
                "kpi_id": kpi_id,
                "op": ">" if i % 2 else "<",
                "threshold": float(levels.get(kpi_id) or 0),
                "unit": "",
                "consecutive": (1, 2, 2, 3)[i % 4],
                "text": "",
            }
            for i, kpi_id in enumerate(kpi_ids)
        ]
        if rows:
            session.execute(insert(RollbackCriterion.__table__), rows)  # type: ignore[attr-defined]
    return len(rows)


def run(path: Path) -> dict[str, float | int]:
    from aipm_desktop.services import runbooks
    from aipm_desktop.store import open_workspace

    with tempfile.TemporaryDirectory(prefix="aipm-bench-runbooks-") as folder:
        copy = Path(folder) / "runbooks.aipm"
        shutil.copyfile(path, copy)
        ws = open_workspace(copy)
        try:
            criteria = _add_runbooks(ws)
            results = runbooks.check(ws=ws)
            assert len(results) >= criteria
            check_ms = _median_ms(lambda: runbooks.check(ws=ws))
            met = sum(1 for r in results if r.met)
        finally:
            ws.close()
    return {
        "runbook_check_ms": check_ms,
        "runbook_criteria": len(results),
        "runbook_check_met": met,
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python benchmarks/bench_runbooks.py WORKSPACE.aipm")
    print(json.dumps(run(Path(sys.argv[1])), indent=2))
