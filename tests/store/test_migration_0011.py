"""Migration 0011 (evaluations): it follows its predecessor, creates the eval tables an
older file lacks (its data kept), and the downgrade drops them again."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from aipm_desktop.store import head_revision, known_revisions, open_workspace
from aipm_desktop.store.engine import APPLICATION_ID, make_engine
from aipm_desktop.store.migrate import alembic_config, upgrade

EVAL_TABLES = {"eval_suite", "eval_metric", "eval_run", "eval_run_results"}


def _previous() -> str:
    revisions = known_revisions()
    return revisions[revisions.index("0011_evaluations") - 1]


def test_0011_is_known_and_follows_its_predecessor() -> None:
    revisions = known_revisions()
    assert "0011_evaluations" in revisions
    assert revisions.index("0011_evaluations") == revisions.index(_previous()) + 1


def _tables(path: Path) -> set[str]:
    engine = make_engine(path)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def test_an_older_file_gains_the_eval_tables(tmp_path: Path) -> None:
    path = tmp_path / "older.aipm"
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        upgrade(conn, _previous())
    engine.dispose()
    assert not EVAL_TABLES & _tables(path)
    ws = open_workspace(path)
    try:
        assert ws.migrated_from == _previous() and ws.revision == head_revision()
        from aipm_desktop.services import evaluations as ev

        ev.create_suite(ws=ws, data={"name": "Triage set"}, metrics=["accuracy:0.9"])
        assert [(s.name, s.metrics) for s in ev.suites(ws=ws)] == [("Triage set", 1)]
    finally:
        ws.close()
    assert _tables(path) >= EVAL_TABLES


def test_the_downgrade_drops_the_eval_tables(ws) -> None:
    from aipm_desktop.services import evaluations as ev

    ev.create_suite(ws=ws, data={"name": "Gone"}, metrics=["accuracy"])
    path = ws.path
    ws.close()
    engine = make_engine(path, upgrading=True)  # foreign keys off, as for an upgrade
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), _previous())
    finally:
        engine.dispose()
    tables = _tables(path)
    assert not EVAL_TABLES & tables and "use_case" in tables
