"""Migration 0010 (feedback triage): a 0009 file with data upgrades with its data intact
and gets the feedback tables and their full-text index; feedback items work on it; the
downgrade drops them (index and triggers too) and leaves the 0009 data as it was."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest

from aipm_desktop.services import triage
from aipm_desktop.store import head_revision, known_revisions, open_workspace
from aipm_desktop.store.engine import make_engine
from aipm_desktop.store.migrate import upgrade

from .conftest import downgrade_file, rows_of
from .test_migration_0008 import _make_0007_workspace

#: The revision this migration has and the one before it.
REVISION = "0010_feedback_triage"
PREVIOUS = "0009"


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    """A file at the previous revision with data in it: the 0007 file of the 0008 test
    (settings, use case 7, experiments), upgraded to 0009."""
    path = tmp_path / "legacy.aipm"
    _make_0007_workspace(path)
    engine = make_engine(path)
    with engine.begin() as conn:
        upgrade(conn, PREVIOUS)
    engine.dispose()
    return path


def test_0010_comes_right_after_0009() -> None:
    assert known_revisions()[known_revisions().index(REVISION) - 1] == PREVIOUS


def _import(ws, folder: Path, lines: str) -> None:
    source = folder / "fb.csv"
    source.write_text("text,date,source,customer\n" + lines, encoding="utf-8")
    triage.apply_import(ws=ws, preview=triage.preview_import(ws=ws, source=source))


def test_an_0009_file_upgrades_and_takes_feedback(old_file: Path, tmp_path: Path) -> None:
    with closing(open_workspace(old_file)) as ws:
        assert ws.migrated_from == PREVIOUS and ws.revision == head_revision()
        _import(ws, tmp_path, "Refund window invented,2025-02-01,Zendesk,Acme\n")
        (item_id,) = triage.list_ids(ws=ws, search="refund")
        triage.update_item(ws=ws, item_id=item_id, data={"use_case_id": 7})
        assert triage.item(ws=ws, item_id=item_id).links == {"use_case_id": "Agent reply drafts"}
    tables = {name for (name,) in rows_of(old_file, "SELECT name FROM sqlite_master")}
    assert {"feedback_item", "feedback_import", "feedback_fts"} <= tables


def test_the_downgrade_drops_the_feedback_tables_with_data_in_them(
    old_file: Path, tmp_path: Path
) -> None:
    with closing(open_workspace(old_file)) as ws:
        _import(ws, tmp_path, "a,2025-02-01,Z,C\nb,2025-02-02,Z,C\n")
        triage.reclassify(ws=ws, item_ids=triage.list_ids(ws=ws), triage_class="model")
    tables = downgrade_file(old_file, PREVIOUS)
    assert rows_of(old_file, "SELECT title FROM use_case") == [("Agent reply drafts",)]
    assert rows_of(old_file, "SELECT name FROM sqlite_master WHERE type = 'trigger'") == []
    assert not any(name.startswith("feedback") for name in tables)
    with closing(open_workspace(old_file)) as ws:  # and up again: an empty inbox
        assert triage.count_items(ws=ws) == 0
        assert triage.list_ids(ws=ws, search="a") == []
