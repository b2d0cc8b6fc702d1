"""Migration 0012_reports: a file at the previous head gains the empty saved-report table;
the downgrade drops it and leaves everything else as it was."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from aipm_desktop.services.reports import ReportOptions
from aipm_desktop.services.reports import saved as saved_reports
from aipm_desktop.store import head_revision, known_revisions, open_workspace
from aipm_desktop.store.engine import APPLICATION_ID, make_engine
from aipm_desktop.store.migrate import upgrade

#: The revision under test and the one before it (renumbered together at a merge).
REVISION, PREVIOUS = "0012_reports", "0011_evaluations"


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


def test_upgrade_adds_an_empty_saved_report_table_that_takes_reports(
    tmp_path: Path, read_rows
) -> None:
    path = tmp_path / "legacy.aipm"
    _at_previous_revision(path)
    assert read_rows(path, "SELECT name FROM sqlite_master WHERE name = 'saved_report'") == []
    ws = open_workspace(path)
    try:
        assert ws.migrated_from == PREVIOUS and ws.revision == head_revision()
        assert saved_reports.saved_reports(ws=ws) == []
        options = ReportOptions(kind="readout", sections=("kpis", "appendix"))
        saved_reports.save_report(ws=ws, name="Monthly", options=options)
        assert saved_reports.find_saved(ws=ws, name="monthly").options == options
    finally:
        ws.close()


def test_downgrade_drops_the_table_and_keeps_the_rest(tmp_path: Path, read_rows, downgrade) -> None:
    path = tmp_path / "legacy.aipm"
    _at_previous_revision(path)
    ws = open_workspace(path)
    try:
        saved_reports.save_report(ws=ws, name="Monthly", options=ReportOptions(kind="readout"))
    finally:
        ws.close()
    tables = downgrade(path, PREVIOUS)
    assert "saved_report" not in tables
    assert read_rows(path, "SELECT client FROM workspace_settings") == [("Acme",)]
    # and up again: an empty table that takes reports
    ws = open_workspace(path)
    try:
        assert ws.revision == head_revision() and saved_reports.saved_reports(ws=ws) == []
    finally:
        ws.close()
