"""Team-server timings: the large workspace copied to PostgreSQL and its use-case list.

    python benchmarks/bench_server.py [LARGE.aipm] [--only visible]

The server: ``AIPM_BENCH_PG_URL`` (a URL of a user who may create databases), else
``AIPM_TEST_PG_URL``, else a throwaway cluster started as the tests start one
(``tests/pg_cluster.py``: ``initdb`` on PATH or in ``/usr/lib/postgresql/*/bin``). With
none, it prints a message and skips. A new database is made for the run and dropped after.
The large workspace is LARGE.aipm (read only), else one generated for the run. Keys:

- ``server_copy_s``: ``aipm copy LARGE URL`` in a fresh process, file to server
  (target 60).
- ``server_list_open_ms``: open the server workspace and show the use-case list of its
  10,000 use cases, their rows painted (target 300); ``server_list_shown_ms``: the same
  from the workspace open (connected, the driver imported); ``server_filter_ms``: one
  filter keystroke (target 100); ``server_sort_ms``: sort by a column. Measured as
  ``run.py`` measures the file's (``list_open_ms`` ...), each the median of
  :data:`LIST_RUNS` fresh processes.
- ``load_1min``: the machine's load average when the lists were measured (2 cores).
- ``server_visible_median_ms`` (target 1,000), ``server_visible_p90_ms``: from an edit in
  one process to another seeing it, woken by the server's notification as the GUI is
  (median of 100); ``server_visible_polled_median_ms``: the same found by polling alone.
  ``--only visible`` measures these alone (no large workspace).

Nothing here runs in CI.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Fresh processes measuring the list; each figure is their median.
LIST_RUNS = 3
for folder in (ROOT, ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


def _server() -> object | None:
    from pg_cluster import Server, start_cluster

    url = os.environ.get("AIPM_BENCH_PG_URL") or os.environ.get("AIPM_TEST_PG_URL")
    if url:
        return Server(url)
    try:
        return start_cluster()
    except (OSError, RuntimeError, subprocess.CalledProcessError, KeyError) as error:
        print(f"bench_server: skipped, no PostgreSQL server ({error})", file=sys.stderr)
        return None


def _large(given: str | None, work: Path) -> Path:
    if given:
        return Path(given)
    from benchmarks.generate import generate

    path = work / "large.aipm"
    generate(path)
    return path


def visible(url: str, work: Path) -> dict[str, float]:
    """The visibility figures, on a new workspace in the empty database at ``url``."""
    from aipm_desktop.services.workspace import new_workspace
    from benchmarks.bench_concurrency import SAMPLES, prepare, visibility

    new_workspace(url).close()
    record_id = prepare(url, 1)[0]
    polled = sorted(visibility(url, record_id, SAMPLES, work))
    woken = sorted(visibility(url, record_id, SAMPLES, work, woken=True))
    return {
        "server_visible_median_ms": round(statistics.median(woken) * 1000, 1),
        "server_visible_p90_ms": round(woken[int(len(woken) * 0.9) - 1] * 1000, 1),
        "server_visible_polled_median_ms": round(statistics.median(polled) * 1000, 1),
        "server_visible_samples": len(woken),
    }


def run(large_path: Path | None = None, *, only: str = "") -> dict[str, float]:
    """The figures above (empty when there is no server)."""
    from benchmarks.run import _spawn

    server = _server()
    if server is None:
        return {}
    work = Path(tempfile.mkdtemp(prefix="aipm-bench-server-"))
    url = server.new_database()  # type: ignore[attr-defined]
    try:
        if only == "visible":
            return visible(url, work)
        large = _large(str(large_path) if large_path else None, work)
        env = dict(os.environ, AIPM_HOME=str(work / "home"), PYTHONPATH=str(ROOT))
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "aipm_desktop.cli", "copy", str(large), url],
            check=True,
            capture_output=True,
            env=env,
        )
        copy_s = time.perf_counter() - started
        runs = [_spawn("list", url) for _ in range(LIST_RUNS)]  # type: ignore[arg-type]
        load = os.getloadavg()[0]

        def median(key: str) -> float:
            return round(statistics.median(r[key] for r in runs), 1)

        seen_url = server.new_database()  # type: ignore[attr-defined]
        try:
            seen = visible(seen_url, work)
        finally:
            server.drop_database(seen_url)  # type: ignore[attr-defined]
        return {
            **seen,
            "server_copy_s": round(copy_s, 2),
            "server_list_open_ms": median("list_open_ms"),
            "server_list_shown_ms": median("list_shown_ms"),
            "server_filter_ms": median("filter_ms"),
            "server_sort_ms": median("sort_ms"),
            "server_list_rows": runs[0]["list_rows"],
            "load_1min": round(load, 2),
        }
    finally:
        server.drop_database(url)  # type: ignore[attr-defined]
        server.close()  # type: ignore[attr-defined]


if __name__ == "__main__":
    args = sys.argv[1:]
    chosen = ""
    if "--only" in args:
        at = args.index("--only")
        chosen = args[at + 1] if at + 1 < len(args) else ""
        del args[at : at + 2]
        if chosen != "visible":
            sys.exit("usage: python benchmarks/bench_server.py [LARGE.aipm] [--only visible]")
    print(json.dumps(run(Path(args[0]) if args else None, only=chosen), indent=2))
