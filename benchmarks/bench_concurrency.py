"""Two processes editing one workspace: no lost update, and how soon one sees the other.

    python benchmarks/bench_concurrency.py [LOCATION | --server]

LOCATION is a workspace file (default: a new one in a temporary folder) or a team server's
URL (an initialised server; 100 use cases are added to it). ``--server``: a new workspace
in a database made for the run on the server ``benchmarks/bench_server.py`` uses (its
``AIPM_BENCH_PG_URL``, or a throwaway cluster), dropped after. Prints one JSON object:

- ``edits_per_process`` (1,000) and ``records`` (100): two processes each make that many
  random edits to the shared use cases, each edit as the GUI makes it: read the record
  (the version the user saw), a pause of up to 2 ms (the user typing), then save two
  fields expecting that version (:func:`aipm_desktop.services.conflicts.expecting`);
- ``accepted``, ``conflicts``: edits stored, and edits refused as conflicts;
- ``lost_updates`` (target 0): accepted edits overwritten by an edit that never saw them
  (two accepted edits expecting the same version of a record, or a record whose stored
  value is not its last accepted edit's, or an accepted edit missing from the change log);
- ``other_errors`` (target 0): edits failing otherwise, refused edits whose values were
  stored anyway, versions no accepted edit explains, rows half-written (the two fields of
  one edit from different edits);
- ``visible_median_ms`` (target <= 1,000), ``visible_p90_ms``: from an edit in one process
  to the other process seeing it through :class:`~aipm_desktop.store.watch.Watch`, polled
  as often as the GUI polls (:data:`~aipm_desktop.store.watch.POLL_INTERVAL_S`); 100 edits;
- on a server also ``visible_woken_median_ms`` (target <= 1,000), ``visible_woken_p90_ms``:
  the same when the server's notifications wake the poll, as the GUI does on a server.

:func:`run_edits` and :func:`check` are what ``tests/store/test_concurrency.py`` runs.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

#: Edits per process, shared records, and edits timed for the visibility delay.
EDITS, RECORDS, SAMPLES = 1_000, 100, 100
#: The longest pause (s) between reading a record and saving the edit of it.
THINK_S = 0.002

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _open(location: str) -> Any:
    from aipm_desktop.store import open_workspace

    return open_workspace(location)


def prepare(location: str, count: int) -> list[int]:
    """``count`` fresh use cases in the workspace at ``location``; their ids."""
    from aipm_desktop.models import UseCase
    from aipm_desktop.services import records

    ws = _open(location)
    try:
        ids = []
        with ws.operation("prepare the concurrency benchmark"):
            for n in range(count):
                obj, _ = records.create(ws=ws, model=UseCase, data={"title": f"Shared {n}"})
                ids.append(int(obj.id))
        return ids
    finally:
        ws.close()


def worker(
    location: str, name: str, ids: list[int], edits: int, seed: int, out: str, start: Any
) -> None:
    """Make ``edits`` random edits as process ``name``; the outcome of each goes to ``out``
    (JSON: ``[outcome, record id, token, version read, version written or error]``)."""
    from aipm_desktop.errors import ConflictError
    from aipm_desktop.models import UseCase
    from aipm_desktop.services import records
    from aipm_desktop.services.conflicts import expecting, key_of

    ws = _open(location)
    rng = random.Random(seed)
    log: list[list[Any]] = []
    start.wait()
    try:
        for i in range(edits):
            record_id = rng.choice(ids)
            read = records.get(ws=ws, model=UseCase, id=record_id)
            time.sleep(rng.uniform(0, THINK_S))
            token = f"{name}-{i}"
            key = key_of(UseCase, record_id)
            try:
                with expecting({key: read.version}) as expected:
                    records.update(
                        ws=ws,
                        model=UseCase,
                        id=record_id,
                        data={"owner": token, "problem": token},
                        who=name,
                    )
                log.append(["ok", record_id, token, read.version, expected.written.get(key)])
            except ConflictError:
                log.append(["conflict", record_id, token, read.version, None])
            except Exception as error:
                log.append(["error", record_id, token, read.version, f"{error!r}"[:300]])
    finally:
        ws.close()
        Path(out).write_text(json.dumps(log), encoding="utf-8")


def run_edits(location: str, ids: list[int], edits: int, work: Path) -> list[list[Any]]:
    """Two real processes making ``edits`` random edits each on ``ids``; every outcome."""
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Event()
    outs = [work / f"edits-{n}.json" for n in ("a", "b")]
    procs = [
        spawn.Process(
            target=worker, args=(location, name, ids, edits, seed, str(out), start), daemon=True
        )
        for name, seed, out in (("a", 1, outs[0]), ("b", 2, outs[1]))
    ]
    for proc in procs:
        proc.start()
    start.set()
    for proc in procs:
        proc.join(timeout=600)
        if proc.exitcode != 0:
            raise RuntimeError(f"an edit process ended with exit code {proc.exitcode}")
    return [entry for out in outs for entry in json.loads(out.read_text(encoding="utf-8"))]


def check(location: str, ids: list[int], log: list[list[Any]]) -> dict[str, int]:
    """Compare what the processes were told with what the workspace holds."""
    from sqlalchemy import select

    from aipm_desktop.models import ChangeLog, UseCase

    ws = _open(location)
    try:
        with ws.engine.connect() as conn:
            rows = {
                r.id: r
                for r in conn.execute(
                    select(UseCase.id, UseCase.version, UseCase.owner, UseCase.problem).where(
                        UseCase.id.in_(ids)  # type: ignore[attr-defined]
                    )
                )
            }
            logged: dict[int, set[str]] = defaultdict(set)
            for entity_id, changes in conn.execute(
                select(ChangeLog.entity_id, ChangeLog.changes).where(
                    ChangeLog.entity == "use_case",
                    ChangeLog.entity_id.in_(ids),  # type: ignore[attr-defined]
                )
            ):
                owner = (changes or {}).get("owner")
                if owner:
                    logged[int(entity_id)].add(str(owner[1]))
    finally:
        ws.close()
    counts = {"accepted": 0, "conflicts": 0, "lost_updates": 0, "other_errors": 0}
    by_record: dict[int, list[list[Any]]] = defaultdict(list)
    for entry in log:
        outcome, record_id = entry[0], int(entry[1])
        if outcome == "ok":
            counts["accepted"] += 1
            by_record[record_id].append(entry)
        elif outcome == "conflict":
            counts["conflicts"] += 1
            if entry[2] in logged[record_id]:
                counts["other_errors"] += 1  # refused, yet stored
        else:
            counts["other_errors"] += 1
    for record_id in ids:
        row = rows[record_id]
        accepted = sorted(by_record[record_id], key=lambda e: int(e[4]))
        if row.owner != row.problem:
            counts["other_errors"] += 1  # half-written
        read_versions = {int(e[3]) for e in accepted}
        counts["lost_updates"] += len(accepted) - len(read_versions)
        counts["lost_updates"] += sum(1 for e in accepted if e[2] not in logged[record_id])
        if accepted:
            if row.owner != accepted[-1][2]:
                counts["lost_updates"] += 1
            expected_chain = list(range(2, int(row.version) + 1))
            if sorted(int(e[4]) for e in accepted) != expected_chain:
                counts["other_errors"] += 1  # a version no accepted edit explains
        elif row.version != 1:
            counts["other_errors"] += 1
    return counts


def writer(location: str, record_id: int, samples: int, out: str, start: Any) -> None:
    """Edit record ``record_id`` ``samples`` times at random moments; when each began."""
    from aipm_desktop.models import UseCase
    from aipm_desktop.services import records

    ws = _open(location)
    rng = random.Random(3)
    began: list[float] = []
    start.wait()
    try:
        for i in range(samples):
            time.sleep(rng.uniform(0.05, 0.35))
            began.append(time.time())
            records.update(ws=ws, model=UseCase, id=record_id, data={"owner": f"seen-{i}"})
    finally:
        ws.close()
        Path(out).write_text(json.dumps(began), encoding="utf-8")


def visibility(
    location: str, record_id: int, samples: int, work: Path, *, woken: bool = False
) -> list[float]:
    """Seconds from each of ``samples`` edits in another process to this one seeing it:
    polling every :data:`~aipm_desktop.store.watch.POLL_INTERVAL_S`, or (``woken``, on a
    server) as the GUI does there: a poll the moment the server notifies a commit, and
    every :data:`~aipm_desktop.store.watch.LISTENING_POLL_INTERVAL_S` besides."""
    import queue

    from aipm_desktop.store.watch import (
        LISTENING_POLL_INTERVAL_S,
        POLL_INTERVAL_S,
        Watch,
        listen,
    )

    spawn = multiprocessing.get_context("spawn")
    start = spawn.Event()
    out = work / "writer.json"
    ws = _open(location)
    seen: list[float] = []
    commits: queue.Queue[int] = queue.Queue()
    listener = listen(ws, commits.put, lambda _error: None) if woken else None
    try:
        if listener is not None:
            listener.listening.wait(timeout=60)
        watch = Watch(ws)
        proc = spawn.Process(
            target=writer, args=(location, record_id, samples, str(out), start), daemon=True
        )
        proc.start()
        start.set()
        deadline = time.time() + 600
        while len(seen) < samples and time.time() < deadline:
            found = watch.poll()
            now = time.time()
            seen.extend(now for _ in found)
            if listener is None:
                time.sleep(POLL_INTERVAL_S)
                continue
            with contextlib.suppress(queue.Empty):
                commits.get(timeout=LISTENING_POLL_INTERVAL_S)
        proc.join(timeout=60)
    finally:
        if listener is not None:
            listener.stop()
        ws.close()
    began = json.loads(out.read_text(encoding="utf-8"))
    return [s - b for s, b in zip(seen, began, strict=False)]


def run(location: str | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="aipm-bench-concurrency-") as tmp:
        work = Path(tmp)
        if location is None:
            from aipm_desktop.services.workspace import new_workspace

            location = str(work / "shared.aipm")
            new_workspace(Path(location)).close()
        ids = prepare(location, RECORDS)
        began = time.perf_counter()
        log = run_edits(location, ids, EDITS, work)
        elapsed = time.perf_counter() - began
        counts = check(location, ids, log)
        delays = sorted(visibility(location, ids[0], SAMPLES, work))
        woken = _woken_figures(location, ids[0], work)
    return {
        "edits_per_process": EDITS,
        "records": RECORDS,
        **counts,
        "edits_s": round(elapsed, 2),
        "visible_median_ms": round(statistics.median(delays) * 1000, 1),
        "visible_p90_ms": round(delays[int(len(delays) * 0.9) - 1] * 1000, 1),
        "visible_samples": len(delays),
        **woken,
    }


def _woken_figures(location: str, record_id: int, work: Path) -> dict[str, float]:
    """On a server: the visibility delays when the server's notifications wake the poll."""
    from aipm_desktop.locations import is_server_url

    if not is_server_url(location):
        return {}
    delays = sorted(visibility(location, record_id, SAMPLES, work, woken=True))
    return {
        "visible_woken_median_ms": round(statistics.median(delays) * 1000, 1),
        "visible_woken_p90_ms": round(delays[int(len(delays) * 0.9) - 1] * 1000, 1),
    }


def run_on_server() -> dict[str, float]:
    """:func:`run` on a new workspace on a server (empty when there is none)."""
    from aipm_desktop.services.workspace import new_workspace
    from benchmarks.bench_server import _server

    server: Any = _server()
    if server is None:
        return {}
    url = server.new_database()
    try:
        new_workspace(url).close()
        return run(url)
    finally:
        server.drop_database(url)
        server.close()


if __name__ == "__main__":
    if len(sys.argv) > 2:
        sys.exit(
            "usage: python benchmarks/bench_concurrency.py [FILE.aipm | postgresql://… | --server]"
        )
    if sys.argv[1:] == ["--server"]:
        print(json.dumps(run_on_server(), indent=2))
    else:
        print(json.dumps(run(sys.argv[1] if len(sys.argv) == 2 else None), indent=2))
