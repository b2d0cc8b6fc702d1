"""Timings of the operation layer (every write journaled and undoable).

Keys: ``edit_ms`` (one use-case field edit through the record service, committed as an
operation with its history and change-log rows), ``undo_ms`` (undo of such an edit),
``delete_cascade_ms`` / ``undo_delete_ms`` (delete a use case with its scores and links,
and undo it), ``edit_floor_ms`` (the same UPDATE committed by plain sqlite3 with the
workspace's pragmas: what any edit costs). Medians; runs on a copy of the large file.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EDITS = 200


def run(large_path: Path) -> dict[str, float]:
    from aipm_desktop.models import UseCase
    from aipm_desktop.services import records
    from aipm_desktop.store import open_workspace

    work = Path(tempfile.mkdtemp(prefix="aipm-bench-history-"))
    try:
        path = work / "copy.aipm"
        shutil.copy(large_path, path)
        results: dict[str, float] = {}
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        times = []
        for i in range(EDITS):
            began = time.perf_counter()
            conn.execute("UPDATE use_case SET owner = ? WHERE id = ?", (f"f{i}", i + 1))
            conn.commit()
            times.append((time.perf_counter() - began) * 1000)
        conn.close()
        results["edit_floor_ms"] = statistics.median(times)

        ws = open_workspace(path)
        try:
            times = []
            for i in range(EDITS):
                began = time.perf_counter()
                records.update(ws=ws, model=UseCase, id=i + 1, data={"owner": f"o{i}"})
                times.append((time.perf_counter() - began) * 1000)
            results["edit_ms"] = statistics.median(times)
            times = []
            for _ in range(EDITS // 4):
                began = time.perf_counter()
                ws.undo()
                times.append((time.perf_counter() - began) * 1000)
            results["undo_ms"] = statistics.median(times)
            began = time.perf_counter()
            records.delete(ws=ws, model=UseCase, id=EDITS + 1)
            results["delete_cascade_ms"] = (time.perf_counter() - began) * 1000
            began = time.perf_counter()
            ws.undo()
            results["undo_delete_ms"] = (time.perf_counter() - began) * 1000
        finally:
            ws.close()
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python benchmarks/bench_history.py LARGE.aipm")
    print(json.dumps({k: round(v, 3) for k, v in run(Path(sys.argv[1])).items()}, indent=2))
