"""Migration 0010 (feedback triage): a 0009 file with data upgrades with its data intact
and gets the feedback tables and their full-text index; feedback items work on it; the
downgrade drops them (index and triggers too) and leaves the 0009 data as it was."""

from __future__ import annotations

from pathlib import Path

from aipm_desktop.services import triage
from aipm_desktop.store import head_revision, known_revisions, open_workspace
from aipm_desktop.store.engine import make_engine
from aipm_desktop.store.migrate import upgrade

from .conftest import downgrade_file, rows_of
from .test_migration_0008 import _make_0007_workspace

#: The revision this migration has and the one before it.
REVISION = "0010_feedback_triage"
PREVIOUS = "0009"


def _make_old_workspace(path: Path) -> None:
    """A file at the previous revision with data in it: the 0007 file of the 0008 test
    (settings, use case 7, experiments), upgraded to 0009."""
    _make_0007_workspace(path)
    engine = make_engine(path)
    with engine.begin() as conn:
        upgrade(conn, PREVIOUS)
    engine.dispose()


def test_0010_follows_the_previous_revision() -> None:
    revisions = known_revisions()
    assert revisions.index(REVISION) == revisions.index(PREVIOUS) + 1


def test_an_0009_file_upgrades_and_takes_feedback(tmp_path: Path) -> None:
    path = tmp_path / "legacy.aipm"
    _make_old_workspace(path)
    ws = open_workspace(path)
    try:
        assert ws.migrated_from == PREVIOUS and ws.revision == head_revision()
        csv = tmp_path / "fb.csv"
        csv.write_text(
            "text,date,source,customer\nRefund window invented,2025-02-01,Zendesk,Acme\n",
            encoding="utf-8",
        )
        triage.apply_import(ws=ws, preview=triage.preview_import(ws=ws, source=csv))
        (item_id,) = triage.list_ids(ws=ws, search="refund")
        triage.update_item(ws=ws, item_id=item_id, data={"use_case_id": 7})
        assert triage.item(ws=ws, item_id=item_id).links == {"use_case_id": "Agent reply drafts"}
    finally:
        ws.close()
    tables = {name for (name,) in rows_of(path, "SELECT name FROM sqlite_master")}
    assert {"feedback_item", "feedback_import", "feedback_fts"} <= tables


def test_the_downgrade_drops_the_feedback_tables_with_data_in_them(tmp_path: Path) -> None:
    path = tmp_path / "legacy.aipm"
    _make_old_workspace(path)
    ws = open_workspace(path)
    try:
        csv = tmp_path / "fb.csv"
        csv.write_text(
            "text,date,source,customer\na,2025-02-01,Z,C\nb,2025-02-02,Z,C\n", encoding="utf-8"
        )
        triage.apply_import(ws=ws, preview=triage.preview_import(ws=ws, source=csv))
        triage.reclassify(ws=ws, item_ids=triage.list_ids(ws=ws), triage_class="model")
    finally:
        ws.close()
    tables = downgrade_file(path, PREVIOUS)
    assert rows_of(path, "SELECT title FROM use_case") == [("Agent reply drafts",)]
    assert rows_of(path, "SELECT name FROM sqlite_master WHERE type = 'trigger'") == []
    assert not any(name.startswith("feedback") for name in tables)
    # and up again: an empty inbox
    ws = open_workspace(path)
    try:
        assert triage.count_items(ws=ws) == 0
        assert triage.list_ids(ws=ws, search="a") == []
    finally:
        ws.close()
