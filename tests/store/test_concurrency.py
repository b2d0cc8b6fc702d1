"""Two real processes editing the same records: no lost update, nothing half-written.

Each process reads a record (the version a user sees), pauses as a user would, and saves
two fields expecting that version. Afterwards every edit the app accepted is stored or
superseded by a later accepted edit that saw it, every refused edit was reported as a
conflict and left no trace, and no row holds fields of two different edits.

It runs on each back end of the run (tests/conftest.py: a file, and a database on the
tests' PostgreSQL server when there is one).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.bench_concurrency import check, prepare, run_edits

RECORDS = 8
EDITS = 150


pytestmark = pytest.mark.backends


@pytest.fixture
def location(workspace_location) -> str:
    """A file (a new workspace made here) or a server database holding one."""
    if isinstance(workspace_location, Path):
        from aipm_desktop.services.workspace import new_workspace

        new_workspace(workspace_location).close()
    return str(workspace_location)


def test_two_processes_lose_no_update(location: str, tmp_path: Path) -> None:
    ids = prepare(location, RECORDS)
    log = run_edits(location, ids, EDITS, tmp_path)
    assert len(log) == 2 * EDITS
    errors = [entry for entry in log if entry[0] == "error"]
    assert errors == []
    counts = check(location, ids, log)
    assert counts["lost_updates"] == 0
    assert counts["other_errors"] == 0
    assert counts["accepted"] + counts["conflicts"] == 2 * EDITS
    assert counts["accepted"] >= EDITS  # most edits get through


def test_the_check_finds_a_lost_update_and_a_half_written_row(tmp_path: Path) -> None:
    """The check itself: an accepted edit overwritten by one that never saw it, and a row
    whose two fields come from different edits, are both counted."""
    from aipm_desktop.models import UseCase
    from aipm_desktop.services import records
    from aipm_desktop.services.workspace import new_workspace

    location = str(tmp_path / "checked.aipm")
    new_workspace(Path(location)).close()
    first, second = prepare(location, 2)
    ws = _open(location)
    try:
        # Both "processes" read version 1 of the first record; both were told "stored".
        for token in ("a-0", "b-0"):
            records.update(ws=ws, model=UseCase, id=first, data={"owner": token, "problem": token})
        records.update(ws=ws, model=UseCase, id=second, data={"owner": "a-1", "problem": "x"})
    finally:
        ws.close()
    log = [
        ["ok", first, "a-0", 1, 2],
        ["ok", first, "b-0", 1, 3],
        ["ok", second, "a-1", 1, 2],
    ]
    counts = check(location, [first, second], log)
    assert counts["lost_updates"] == 1
    assert counts["other_errors"] == 1


def _open(location: str):
    from aipm_desktop.store import open_workspace

    return open_workspace(location)
