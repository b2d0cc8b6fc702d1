"""Migration 0014 (audit chain): an older file's change log is sealed in id order (each
entry knows its operation while the undo history still holds it), its evidence size
limit is 50 MB; the downgrade drops the new columns and keeps every entry."""

from __future__ import annotations

from pathlib import Path

from aipm_desktop.services import audit as audit_service
from aipm_desktop.services import workspace as workspace_service
from aipm_desktop.store import audit, head_revision, known_revisions, open_workspace

from .conftest import rows_of
from .migration_files import file_at, stamped

#: The revision under test and the one before it (renumbered together at a merge).
REVISION, PREVIOUS = "0014_audit_chain", "0013_controls"
AT_1, AT_2 = "2026-11-02 09:00:00.000000", "2026-11-03 10:30:00.500000"
OLD_ROWS: dict[str, list[dict[str, object]]] = {
    "workspace_settings": [
        stamped(id=1, name="Legacy", client="", owner_name="", risk_method="multiply",
                risk_bands="[]", roadmap_lanes='["Data"]'),
    ],
    "operation": [
        {"id": 4, "at": AT_2, "actor": "Dana", "label": "edit use case", "kind": "do",
         "target_id": None, "state": "active", "kinds": '["use_case"]', "row_count": 1},
    ],
    "change_log": [
        {"id": 1, "at": AT_1, "who": "Dana", "entity": "use_case", "entity_id": 1,
         "action": "create", "label": "CV screening", "changes": '{"title": [null, "CV"]}'},
        {"id": 2, "at": AT_2, "who": "Dana", "entity": "use_case", "entity_id": 1,
         "action": "update", "label": "CV screening", "changes": '{"owner": ["", "Dana"]}'},
    ],
}  # fmt: skip


def test_an_old_change_log_is_sealed_in_order(tmp_path: Path) -> None:
    order = known_revisions()
    assert order.index(REVISION) == order.index(PREVIOUS) + 1
    path = tmp_path / "legacy.aipm"
    file_at(path, PREVIOUS, OLD_ROWS)
    ws = open_workspace(path)
    try:
        assert (ws.migrated_from, ws.revision) == (PREVIOUS, head_revision())
        log = rows_of(path, "SELECT id, op_id, entry_hash FROM change_log ORDER BY id")
        # entry 1's operation was pruned long ago; entry 2's is still in the history
        assert [(i, op) for i, op, _h in log] == [(1, None), (2, 4)]
        first = audit.entry_hash(audit.GENESIS, {**OLD_ROWS["change_log"][0], "op_id": None})
        assert log[0][2] == first
        assert log[1][2] == audit.entry_hash(first, {**OLD_ROWS["change_log"][1], "op_id": 4})
        report = audit_service.verify(ws=ws)
        assert report.ok and report.entries == 2 and report.head == log[1][2]
        assert workspace_service.get_settings(ws=ws).evidence_max_mb == 50
    finally:
        ws.close()


def test_downgrade_drops_the_columns_and_keeps_the_entries(
    tmp_path: Path, downgrade, read_rows
) -> None:
    path = tmp_path / "legacy.aipm"
    file_at(path, PREVIOUS, OLD_ROWS)
    open_workspace(path).close()
    downgrade(path, PREVIOUS)
    columns = {row[1] for row in read_rows(path, "PRAGMA table_info(change_log)")}
    assert "entry_hash" not in columns and "op_id" not in columns
    settings = {row[1] for row in read_rows(path, "PRAGMA table_info(workspace_settings)")}
    assert "evidence_max_mb" not in settings
    assert read_rows(path, "SELECT id, label FROM change_log ORDER BY id") == [
        (1, "CV screening"),
        (2, "CV screening"),
    ]
    # and up again: sealed the same way
    ws = open_workspace(path)
    try:
        assert audit_service.verify(ws=ws).ok
    finally:
        ws.close()
