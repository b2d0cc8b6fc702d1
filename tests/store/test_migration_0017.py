"""Migration 0017 (ids never reused): every table with an integer id is rebuilt with
AUTOINCREMENT, so a deleted record's id is never handed to a new one; nothing else of the
schema or the data changes, and the downgrade gives the plain ids back."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from alembic import command

from aipm_desktop.models import UseCase
from aipm_desktop.services import records
from aipm_desktop.store import ServerLocation, head_revision, open_workspace
from aipm_desktop.store.engine import make_engine
from aipm_desktop.store.fulltext import is_fulltext_table
from aipm_desktop.store.migrate import VERSIONS_DIR, alembic_config, upgrade

from .conftest import downgrade_file, rows_of
from .migration_files import file_before

REVISION, PREVIOUS = "0017_ids_never_reused", "0016_scorecard_signal_version"
TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"


def _normal(sql: str) -> str:
    """A table statement without its primary-key wording, quotes or layout."""
    sql = re.sub(r"PRIMARY KEY AUTOINCREMENT|PRIMARY KEY \(id\),?|PRIMARY KEY(?=,)", "", sql)
    sql = re.sub(r"\s+", " ", sql.replace('"', "")).replace(" ,", ",")
    return re.sub(r",?\s*\)$", ")", sql.strip())


def _schema(path: Path) -> dict[str, object]:
    """Everything about the file's tables but how their ids are declared."""
    found: dict[str, object] = {}
    for (name,) in rows_of(path, TABLES):
        found[name] = (
            rows_of(path, f'PRAGMA table_info("{name}")'),
            rows_of(path, f'PRAGMA foreign_key_list("{name}")'),
            sorted(r[1:] for r in rows_of(path, f'PRAGMA index_list("{name}")')),
            rows_of(
                path,
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = :t "
                "AND type IN ('index', 'trigger') ORDER BY type, name",
                t=name,
            ),
            _normal(rows_of(path, "SELECT sql FROM sqlite_master WHERE name = :t", t=name)[0][0]),
        )
    return found


def _data(path: Path) -> dict[str, list[tuple]]:
    return {
        name: rows_of(path, f'SELECT * FROM "{name}" ORDER BY 1')
        for (name,) in rows_of(path, TABLES)
    }


def _autoincrement(path: Path) -> set[str]:
    return {
        name
        for (name,) in rows_of(
            path,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'",
        )
    }


FEEDBACK = (
    "INSERT INTO feedback_item (created_at, updated_at, version, text, date, source, customer, "
    "tags, triage_class, cluster, triaged_by) VALUES ('2025-01-01', '2025-01-01', 1, :text, "
    "'2025-01-01', 'survey', '', '', 'untriaged', '', '')"
)
KINDS = [{"id": i, "key": f"k{i}", "name": f"Kind {i}", "description": ""} for i in (1, 2, 3)]


def _with_ids(path: Path) -> set[str]:
    """The tables whose primary key is an integer id (the full-text index's own tables
    are SQLite's business and left alone)."""
    return {
        name
        for (name,) in rows_of(path, TABLES)
        if not is_fulltext_table(name)
        and any(c[1] == "id" and c[5] == 1 for c in rows_of(path, f'PRAGMA table_info("{name}")'))
    }


def _migration() -> ModuleType:
    """The migration's module, loaded as Alembic loads it (from its file)."""
    path = VERSIONS_DIR / f"{REVISION}.py"
    spec = importlib.util.spec_from_file_location("migration_0017_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rebuild_by_copying(path: Path) -> None:
    """The upgrade as an SQLite that refuses to edit its schema in place (a build in
    defensive mode) makes it: every table rebuilt and its rows copied."""
    migration = _migration()
    engine = make_engine(path, upgrading=True)
    with engine.begin() as conn:
        migration._rebuild(conn, migration._tables(conn, migration._with_autoincrement))
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = ?", (REVISION,))
    engine.dispose()


@pytest.mark.parametrize("how", ["in place", "rebuilt"])
def test_an_older_file_keeps_its_schema_and_rows_and_never_reuses_an_id(
    tmp_path: Path, how: str
) -> None:
    path = file_before(tmp_path, REVISION, PREVIOUS, {"deliverable_kind": KINDS})
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text(FEEDBACK), [{"text": "Refund window too short"}])
    engine.dispose()
    assert _autoincrement(path) == set()
    old_schema, old_data = _schema(path), _data(path)

    if how == "rebuilt":
        _rebuild_by_copying(path)
    else:
        ws = open_workspace(path)  # the upgrade
        try:
            assert (ws.migrated_from, ws.revision) == (PREVIOUS, head_revision())
        finally:
            ws.close()
    assert _autoincrement(path) == _with_ids(path) and "use_case" in _autoincrement(path)
    assert _schema(path) == old_schema
    new_data = _data(path)
    assert new_data.pop("alembic_version") == [(REVISION,)]
    assert new_data == {k: v for k, v in old_data.items() if k != "alembic_version"}
    assert rows_of(path, "PRAGMA foreign_key_check") == []
    assert rows_of(path, "PRAGMA integrity_check") == [("ok",)]

    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM deliverable_kind WHERE id = 3"))
        conn.execute(sa.text("INSERT INTO deliverable_kind (key, name, description) "
                             "VALUES ('new', 'New', '')"))  # fmt: skip
        conn.execute(sa.text(FEEDBACK), [{"text": "Refunds take a week"}])
    engine.dispose()
    assert rows_of(path, "SELECT id FROM deliverable_kind WHERE key = 'new'") == [(4,)]
    # the full-text index's triggers came back with their table
    found = "SELECT text FROM feedback_item WHERE id IN (SELECT rowid FROM feedback_fts "
    found += "WHERE feedback_fts MATCH 'refund*') ORDER BY id"
    assert rows_of(path, found) == [("Refund window too short",), ("Refunds take a week",)]


def test_the_sample_goes_down_and_up_again_unchanged(sample_path: Path) -> None:
    with_ids = _with_ids(sample_path)
    assert _autoincrement(sample_path) == with_ids, (
        "a table lost (or never had) AUTOINCREMENT: pass migrations.columns.ID_NEVER_REUSED "
        "to create_table / batch_alter_table(table_kwargs=...)"
    )
    head_schema, data = _schema(sample_path), _data(sample_path)
    data.pop("alembic_version")

    downgrade_file(sample_path, PREVIOUS)
    assert _autoincrement(sample_path) == set()
    down = _data(sample_path)
    assert down.pop("alembic_version") == [(PREVIOUS,)]
    assert down == data
    assert rows_of(sample_path, "SELECT count(*) FROM sqlite_sequence") == [(0,)]

    ws = open_workspace(sample_path)  # up again
    try:
        newest = max(r[0] for r in rows_of(sample_path, "SELECT id FROM use_case"))
        records.delete(ws=ws, model=UseCase, id=newest)
        fresh, _ = records.create(ws=ws, model=UseCase, data={"title": "After the delete"})
        assert fresh.id == newest + 1
    finally:
        ws.close()
    assert _autoincrement(sample_path) == with_ids
    assert _schema(sample_path) == head_schema


def test_on_a_server_there_is_nothing_to_rebuild(pg_url: str) -> None:
    """PostgreSQL's sequences never give an id twice already: up and down change nothing,
    and a new row after the newest was deleted gets a new id."""
    engine = sa.create_engine(ServerLocation.parse(pg_url).url)
    try:
        with engine.begin() as conn:
            upgrade(conn, REVISION)
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), PREVIOUS)
        with engine.begin() as conn:
            upgrade(conn, REVISION)
        with engine.begin() as conn:
            add = "INSERT INTO deliverable_kind (key, name, description) VALUES (:k, :k, '')"
            conn.execute(sa.text(add), {"k": "a"})
            newest = conn.execute(sa.text("SELECT max(id) FROM deliverable_kind")).scalar_one()
            conn.execute(sa.text("DELETE FROM deliverable_kind WHERE id = :i"), {"i": newest})
            conn.execute(sa.text(add), {"k": "b"})
            fresh = conn.execute(sa.text("SELECT max(id) FROM deliverable_kind")).scalar_one()
        assert fresh > newest
    finally:
        engine.dispose()
