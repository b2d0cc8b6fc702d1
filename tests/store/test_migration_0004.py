"""Migration 0004 adds the roadmap lanes: a 0003 file with data opens, is backed up and
migrated with its data intact and the five default lanes; the schema matches the models."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from aipm_desktop.models.roadmap import DEFAULT_LANES
from aipm_desktop.services import roadmap
from aipm_desktop.services.workspace import get_settings
from aipm_desktop.store import head_revision, known_revisions, open_workspace
from aipm_desktop.store.engine import APPLICATION_ID, make_engine
from aipm_desktop.store.migrate import upgrade


def _make_0003_workspace(path: Path) -> None:
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        upgrade(conn, "0003")
    stamp = "'2025-01-01 00:00:00'"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO workspace_settings (id, created_at, updated_at, version, name,"
                f" client, owner_name, risk_method, risk_bands) VALUES (1, {stamp}, {stamp}, 1,"
                " 'Legacy', 'Contoso', 'Dana', 'multiply',"
                ' \'[{"name": "low", "max": 12, "color": "#4caf50"}, {"name": "high",'
                ' "max": 25, "color": "#c62828"}]\')'
            )
        )
        conn.execute(
            text(
                "INSERT INTO roadmap_item (created_at, updated_at, version, title, lane, kind,"
                ' start, "end", planned_start, planned_end, status, progress, owner,'
                f" use_case_id) VALUES ({stamp}, {stamp}, 1, 'Label data', 'Data readiness',"
                " 'work', '2025-02-03', '2025-02-28', '2025-02-03', '2025-02-21', 'done', 100,"
                " 'Dana', NULL)"
            )
        )
    engine.dispose()


def test_0004_is_known_and_follows_0003() -> None:
    revisions = known_revisions()
    assert revisions.index("0004") == revisions.index("0003") + 1


def test_0003_file_is_migrated_with_the_default_lanes(tmp_path: Path) -> None:
    path = tmp_path / "legacy.aipm"
    _make_0003_workspace(path)
    ws = open_workspace(path)
    try:
        assert ws.migrated_from == "0003" and ws.revision == head_revision()
        assert ws.backup_path is not None and ws.backup_path.exists()
        settings = get_settings(ws=ws)
        assert settings.name == "Legacy" and settings.risk_bands[0]["max"] == 12
        assert settings.roadmap_lanes == list(DEFAULT_LANES)
        items, _deps = roadmap.timeline(ws=ws)
        assert [(i.title, i.slip_days) for i in items] == [("Label data", 7)]
        roadmap.set_lanes(ws=ws, lanes=["Data readiness", "Launch"])
        assert roadmap.lanes(ws=ws) == ["Data readiness", "Launch"]
    finally:
        ws.close()


def test_fresh_workspace_has_the_default_lanes(ws) -> None:
    assert get_settings(ws=ws).roadmap_lanes == list(DEFAULT_LANES)
