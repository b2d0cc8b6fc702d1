"""Migration 0003 adds the EU AI Act tables; a 0002 file with data opens, is backed up and
migrated with its data intact, and the migrated schema matches the models."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from aipm_desktop import models
from aipm_desktop.services import ai_act, risks
from aipm_desktop.store import fulltext, head_revision, known_revisions, open_workspace
from aipm_desktop.store.engine import APPLICATION_ID, make_engine
from aipm_desktop.store.migrate import upgrade


def _make_0002_workspace(path: Path) -> None:
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        upgrade(conn, "0002")
    stamp = "'2025-01-01 00:00:00'"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO workspace_settings (id, created_at, updated_at, version, name,"
                f" client, owner_name, risk_method, risk_bands) VALUES (1, {stamp}, {stamp}, 1,"
                " 'Legacy', 'Contoso', 'Dana', 'multiply',"
                ' \'[{"name": "low", "max": 9, "color": "#4caf50"}, {"name": "high",'
                ' "max": 25, "color": "#c62828"}]\')'
            )
        )
        conn.execute(
            text(
                "INSERT INTO use_case (created_at, updated_at, version, title, problem,"
                " target_users, value_hypothesis, metric_name, metric_unit, status, owner, area,"
                " tags, data_sources, data_availability, latency_requirement, safety_constraints,"
                f" human_in_loop, decision, decision_rationale) VALUES ({stamp}, {stamp}, 1,"
                " 'CV screening', '', '', '', '', '', 'idea', '', '', '', '', '', '', '', '',"
                " 'undecided', '')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO risk (created_at, updated_at, version, title, description, category,"
                " source, owner, likelihood, impact, treatment, status, acceptance_rationale,"
                " approver, review_cadence_days, framework_refs, residual_likelihood,"
                f" residual_impact) VALUES ({stamp}, {stamp}, 1, 'Biased ranking', '',"
                " 'Harmful bias or homogenization', 'review', 'Dana', 4, 4, 'mitigate',"
                " 'mitigating', '', '', 90, '', 2, 3)"
            )
        )
        conn.execute(text("INSERT INTO risk_use_case (risk_id, use_case_id) VALUES (1, 1)"))
        conn.execute(
            text(
                "INSERT INTO change_log (at, who, entity, entity_id, action, label, changes)"
                f" VALUES ({stamp}, 'dana', 'risk', 1, 'create', 'Biased ranking', '{{}}')"
            )
        )
    engine.dispose()


def test_0003_is_known_and_follows_0002() -> None:
    revisions = known_revisions()
    assert revisions.index("0003") == revisions.index("0002") + 1


def test_0002_file_is_backed_up_and_migrated_with_data_intact(tmp_path: Path) -> None:
    path = tmp_path / "legacy.aipm"
    _make_0002_workspace(path)
    ws = open_workspace(path)
    try:
        assert ws.migrated_from == "0002" and ws.revision == head_revision()
        assert ws.backup_path is not None and ws.backup_path.name.startswith(
            "legacy.aipm.bak-0002-"
        )
        rows = risks.export_rows(ws=ws)
        keys = ("title", "inherent_score", "residual_score", "residual_level", "use_case_ids")
        assert [tuple(r[k] for k in keys) for r in rows] == [("Biased ranking", 16, 6, "low", [1])]
        # the new tables work on the migrated file
        ai_act.save_assessment(ws=ws, use_case_id=1, answers={"employment": True})
        assert ai_act.get_assessment(ws=ws, use_case_id=1).tier == "high"  # type: ignore[union-attr]
        assert len(ai_act.obligations(ws=ws, use_case_id=1)) == 12
    finally:
        ws.close()
    backup = sa.create_engine(f"sqlite:///{ws.backup_path}")
    with backup.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
        assert "ai_act_assessment" not in tables
        assert conn.execute(text("SELECT title FROM risk")).scalar() == "Biased ranking"
    backup.dispose()


def test_fresh_workspace_schema_matches_the_models(ws) -> None:
    models.load_all()
    with ws.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": fulltext.include_name}
        )
        assert compare_metadata(context, SQLModel.metadata) == []
