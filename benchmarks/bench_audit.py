"""Audit-trail timings: verifying the hash chain of a large change log.

    python benchmarks/bench_audit.py [WORKSPACE.aipm]

Keys: ``audit_verify_ms`` (``services.audit.verify`` over 100,000 change-log entries,
evidence files included; target 2,000) and ``audit_verify_cpu_ms`` (its CPU time),
``audit_verify_cli_ms`` (the whole ``aipm audit verify FILE`` command in a new process,
start-up included, wall time; and ``audit_verify_cli_cpu_ms``, the CPU time it used,
which a busy machine inflates less), ``audit_entries`` (the entries verified) and
``audit_seal_ms`` (sealing those 100,000 entries in one pass). A fresh workspace is built
in a temporary folder with 100,000 feedback items and a change-log entry for each (the
file given, if any, is not used: the figure needs this exact size). Each figure is the
median of a few runs.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

#: Runs per figure; change-log entries in the workspace measured.
RUNS, ENTRIES = 5, 100_000
ROOT = Path(__file__).resolve().parents[1]


def _once(action) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def _cpu_and_wall(action) -> tuple[float, float]:
    """The wall and CPU times of ``action()``, in milliseconds."""
    cpu = time.process_time()
    wall = _once(action)
    return wall, (time.process_time() - cpu) * 1000


def _children_cpu() -> float:
    """CPU seconds (user and system) the finished child processes used so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _build(path: Path) -> float:
    """The workspace: ENTRIES feedback items and a change-log entry for each (as ENTRIES
    separate edits would log them; a bulk import itself logs one summary entry), sealed
    in one pass; returns how long that seal took (ms)."""
    import datetime as dt

    from aipm_desktop.models import FeedbackItem, utcnow
    from aipm_desktop.models.common import table_of
    from aipm_desktop.services.workspace import new_workspace
    from aipm_desktop.store import audit, bulk

    ws = new_workspace(path)
    now = utcnow()
    day = dt.date(2026, 10, 5)
    rows = [(f"ticket {n} about refunds", day, "Zendesk") for n in range(ENTRIES)]
    constants = {"created_at": now, "updated_at": now, "version": 1}
    table = table_of(FeedbackItem)
    with ws.write(label="Benchmark import") as session:
        bulk.insert_rows(session.connection(), table, ("text", "date", "source"), rows,
                         constants=constants)  # fmt: skip
    with ws.engine.connect() as conn:
        conn.info["aipm_operation"] = True  # bookkeeping, not a user edit
        trans = conn.begin()
        conn.exec_driver_sql(
            "INSERT INTO change_log (at, who, entity, entity_id, action, changes, label) "
            "SELECT created_at, 'bench', 'feedback_item', id, 'create', "
            "json_object('text', json_array(NULL, text), 'source', json_array(NULL, source)), "
            f"substr(text, 1, 60) FROM feedback_item ORDER BY id LIMIT {ENTRIES}"
        )
        seal = _once(lambda: audit.seal(conn))
        trans.commit()
    ws.close()
    return seal


def run(_large_path: Path | None = None) -> dict[str, float]:
    from aipm_desktop.services import audit
    from aipm_desktop.store import open_workspace

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "audit.aipm"
        seal = _build(path)
        ws = open_workspace(path, readonly=True)
        try:
            report = audit.verify(ws=ws)
            assert report.ok, report.broken_text
            runs = [_cpu_and_wall(lambda: audit.verify(ws=ws)) for _ in range(RUNS)]
            verify = statistics.median(wall for wall, _cpu in runs)
            verify_cpu = statistics.median(cpu for _wall, cpu in runs)
        finally:
            ws.close()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "aipm_desktop.cli", "audit", "verify", str(path)]
        walls, cpus = [], []
        for _ in range(3):
            before = _children_cpu()
            walls.append(
                _once(lambda: subprocess.run(command, env=env, check=True, capture_output=True))
            )
            cpus.append((_children_cpu() - before) * 1000)
    return {
        "audit_verify_ms": round(verify, 1),
        "audit_verify_cpu_ms": round(verify_cpu, 1),
        "audit_verify_cli_ms": round(statistics.median(walls), 1),
        "audit_verify_cli_cpu_ms": round(statistics.median(cpus), 1),
        "audit_entries": report.entries,
        "audit_seal_ms": round(seal, 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]) if len(sys.argv) > 1 else None), indent=2))
