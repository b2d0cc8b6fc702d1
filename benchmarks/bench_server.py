"""Team-server timings: the large workspace copied to PostgreSQL and its use-case list.

    python benchmarks/bench_server.py [LARGE.aipm]

The server: ``AIPM_BENCH_PG_URL`` (a URL of a user who may create databases), else
``AIPM_TEST_PG_URL``, else a throwaway cluster started as the tests start one
(``tests/pg_cluster.py``: ``initdb`` on PATH or in ``/usr/lib/postgresql/*/bin``). With
none, it prints a message and skips. A new database is made for the run and dropped after.
The large workspace is LARGE.aipm (read only), else one generated for the run. Keys:

- ``server_copy_s``: ``aipm copy LARGE URL`` in a fresh process, file to server
  (target 60).
- ``server_list_open_ms``: open the server workspace and show the use-case list of its
  10,000 use cases (target 300); ``server_filter_ms``: one filter keystroke (target 100);
  ``server_sort_ms``: sort by a column. Measured as ``run.py`` measures the file's
  (``list_open_ms`` ...), in a fresh process.

Nothing here runs in CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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


def run(large_path: Path | None = None) -> dict[str, float]:
    """The figures above (empty when there is no server)."""
    from benchmarks.run import _spawn

    server = _server()
    if server is None:
        return {}
    work = Path(tempfile.mkdtemp(prefix="aipm-bench-server-"))
    url = server.new_database()  # type: ignore[attr-defined]
    try:
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
        listed = _spawn("list", url)  # type: ignore[arg-type]
        return {
            "server_copy_s": round(copy_s, 2),
            "server_list_open_ms": round(listed["list_open_ms"], 1),
            "server_filter_ms": round(listed["filter_ms"], 1),
            "server_sort_ms": round(listed["sort_ms"], 1),
            "server_list_rows": listed["list_rows"],
        }
    finally:
        server.drop_database(url)  # type: ignore[attr-defined]
        server.close()  # type: ignore[attr-defined]


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]) if len(sys.argv) > 1 else None), indent=2))
