"""Migration 0012_reports: a 0009 file gains the empty saved-report table; the downgrade
drops it and leaves everything else as it was."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from aipm_desktop.services.reports import ReportOptions
from aipm_desktop.services.reports import saved as saved_reports
from aipm_desktop.store import head_revision, known_revisions, open_workspace
from aipm_desktop.store.engine import APPLICATION_ID, make_engine
from aipm_desktop.store.migrate import alembic_config, upgrade

#: The revision under test and the one before it (renumbered together at a merge).
REVISION, PREVIOUS = "0012_reports", "0009"


def _tables(path: Path) -> set[str]:
    engine = make_engine(path)
    with engine.connect() as conn:
        found = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
    engine.dispose()
    return found


def _at_previous_revision(path: Path) -> None:
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        upgrade(conn, PREVIOUS)
        conn.execute(
            text("INSERT INTO workspace_settings (id, name, client, owner_name, risk_method, "
                 "risk_bands, roadmap_lanes, created_at, updated_at, version) VALUES (1, "
                 "'Legacy', 'Acme', '', 'multiply', '[]', '[\"Data\"]', '2025-01-01', "
                 "'2025-01-01', 1)")
        )  # fmt: skip
    engine.dispose()


def test_0012_follows_the_previous_head() -> None:
    revisions = known_revisions()
    assert revisions.index(REVISION) == revisions.index(PREVIOUS) + 1


def test_upgrade_adds_an_empty_saved_report_table_that_takes_reports(tmp_path: Path) -> None:
    path = tmp_path / "legacy.aipm"
    _at_previous_revision(path)
    assert "saved_report" not in _tables(path)
    ws = open_workspace(path)
    try:
        assert ws.migrated_from == PREVIOUS and ws.revision == head_revision()
        assert saved_reports.saved_reports(ws=ws) == []
        options = ReportOptions(kind="readout", sections=("kpis", "appendix"))
        saved_reports.save_report(ws=ws, name="Monthly", options=options)
        assert saved_reports.find_saved(ws=ws, name="monthly").options == options
    finally:
        ws.close()


def test_downgrade_drops_the_table_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "legacy.aipm"
    _at_previous_revision(path)
    open_workspace(path).close()
    engine = make_engine(path)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), PREVIOUS)
    with engine.connect() as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        client = conn.execute(text("SELECT client FROM workspace_settings")).scalar()
    engine.dispose()
    assert (revision, client) == (PREVIOUS, "Acme")
    assert "saved_report" not in _tables(path)
