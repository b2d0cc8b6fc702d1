"""Migration 0015 (change-log record index): an older file gets the index the "Updated
by" column seeks with, and the newest entry naming a record is found through it; the
downgrade drops the index and keeps every entry."""

from __future__ import annotations

from pathlib import Path

from aipm_desktop.store import head_revision, known_revisions, open_workspace

from .conftest import rows_of
from .migration_files import file_at, stamped

#: The revision under test and the one before it (renumbered together at a merge).
REVISION, PREVIOUS = "0015_change_log_record_index", "0014_audit_chain"
INDEX = "ix_change_log_entity_record"
OLD_ROWS: dict[str, list[dict[str, object]]] = {
    "workspace_settings": [
        stamped(id=1, name="Legacy", client="", owner_name="", risk_method="multiply",
                risk_bands="[]", roadmap_lanes='["Data"]'),
    ],
    "change_log": [
        {"id": 1, "at": "2026-11-02 09:00:00.000000", "who": "Dana", "entity": "use_case",
         "entity_id": 1, "action": "create", "label": "CV screening", "changes": "{}"},
        {"id": 2, "at": "2026-11-03 10:30:00.000000", "who": "Ravi", "entity": "use_case",
         "entity_id": 1, "action": "update", "label": "CV screening", "changes": "{}"},
    ],
}  # fmt: skip
NEWEST = (
    "SELECT who FROM change_log WHERE entity = 'use_case' AND entity_id = 1 "
    "ORDER BY id DESC LIMIT 1"
)


def _indexes(path: Path) -> set[str]:
    query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'change_log'"
    return {name for (name,) in rows_of(path, query)}


def test_an_old_file_gets_the_index_and_the_downgrade_drops_it(
    tmp_path: Path, downgrade, read_rows
) -> None:
    order = known_revisions()
    assert order.index(REVISION) == order.index(PREVIOUS) + 1
    path = tmp_path / "legacy.aipm"
    file_at(path, PREVIOUS, OLD_ROWS)
    assert INDEX not in _indexes(path)
    ws = open_workspace(path)
    try:
        assert (ws.migrated_from, ws.revision) == (PREVIOUS, head_revision())
    finally:
        ws.close()
    assert INDEX in _indexes(path)
    # the newest entry naming a record is found through the index
    assert rows_of(path, NEWEST) == [("Ravi",)]
    plan = " ".join(str(row) for row in rows_of(path, "EXPLAIN QUERY PLAN " + NEWEST))
    assert INDEX in plan

    downgrade(path, PREVIOUS)
    assert INDEX not in _indexes(path)
    assert read_rows(path, "SELECT id, who FROM change_log ORDER BY id") == [
        (1, "Dana"),
        (2, "Ravi"),
    ]
