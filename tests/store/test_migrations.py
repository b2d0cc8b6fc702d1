"""A file made by an older schema revision is migrated after a backup copy."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import text

from aipm_desktop.store import head_revision, known_revisions, open_workspace
from aipm_desktop.store.engine import APPLICATION_ID, make_engine
from aipm_desktop.store.migrate import upgrade


def _make_old_workspace(path: Path, revision: str) -> None:
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        upgrade(conn, revision)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO workspace_settings (id, created_at, updated_at, version, name, client,"
                " owner_name, risk_method, risk_bands) VALUES (1, '2025-01-01 00:00:00',"
                " '2025-01-01 00:00:00', 1, 'Legacy client', 'Contoso', 'Dana', 'multiply',"
                ' \'[{"name": "low", "max": 4, "color": "#4caf50"}, {"name":'
                ' "critical", "max": 25, "color": "#c62828"}]\')'
            )
        )
        conn.execute(
            text(
                "INSERT INTO use_case (created_at, updated_at, version, title, problem,"
                " target_users, value_hypothesis, metric_name, metric_unit, status, owner, area,"
                " tags, data_sources, data_availability, latency_requirement, safety_constraints,"
                " human_in_loop, decision, decision_rationale) VALUES ('2025-01-01 00:00:00',"
                " '2025-01-01 00:00:00', 1, 'Invoice triage', '', '', '', '', '', 'idea', '', '',"
                " '', '', '', '', '', '', 'undecided', '')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO change_log (at, who, entity, entity_id, action, changes)"
                " VALUES ('2025-01-01 00:00:00', 'dana', 'use_case', 1, 'create', '{}')"
            )
        )
    engine.dispose()


def test_revisions_are_linear_and_head_is_last() -> None:
    revisions = known_revisions()
    assert revisions[0] == "0001"
    assert revisions[-1] == head_revision()


def test_older_file_is_backed_up_then_migrated(tmp_path: Path) -> None:
    path = tmp_path / "legacy.aipm"
    _make_old_workspace(path, "0001")
    ws = open_workspace(path)
    try:
        assert ws.migrated_from == "0001"
        assert ws.revision == head_revision()
        assert ws.backup_path is not None and ws.backup_path.exists()
        assert ws.backup_path.name.startswith("legacy.aipm.bak-0001-")
        with ws.engine.connect() as conn:
            assert conn.execute(text("SELECT title FROM use_case")).scalar() == "Invoice triage"
            assert conn.execute(text("SELECT label FROM change_log")).scalar() == ""
    finally:
        ws.close()
    # The backup is the untouched old revision, still openable by the old schema.
    backup = sa.create_engine(f"sqlite:///{ws.backup_path}")
    with backup.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
        columns = {row[1] for row in conn.execute(text("PRAGMA table_info(change_log)"))}
        assert "label" not in columns
    backup.dispose()


def test_current_file_is_not_backed_up(ws) -> None:
    path = ws.path
    ws.close()
    reopened = open_workspace(path)
    try:
        assert reopened.migrated_from is None
        assert not list(path.parent.glob("*.bak-*"))
    finally:
        reopened.close()


def test_revision_reading_matches_alembic() -> None:
    from alembic.script import ScriptDirectory

    from aipm_desktop.store.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    alembic_order = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert list(known_revisions()) == alembic_order
    assert head_revision() == script.get_current_head()
