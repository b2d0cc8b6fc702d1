"""Migration 0016 (scorecard signal version): an older file's signals gain the bookkeeping
columns every editable row has (version 1, stamped with their scorecard's creation), an
edit then moves the version on; the downgrade drops the columns and keeps every signal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from aipm_desktop.models import ScorecardSignal
from aipm_desktop.services import records
from aipm_desktop.store import ServerLocation, head_revision, open_workspace
from aipm_desktop.store.migrate import alembic_config, upgrade

from .conftest import rows_of
from .migration_files import file_before, settings_row, stamped

#: The revision under test and the one before it (renumbered together at a merge).
REVISION, PREVIOUS = "0016_scorecard_signal_version", "0015_change_log_record_index"
CREATED = "2025-03-04 05:06:07.000000"
OLD_ROWS: dict[str, list[dict[str, object]]] = {
    "workspace_settings": [settings_row()],
    "scorecard": [stamped(id=1, key="card", name="Card", rating_scale="[]", created_at=CREATED)],
    "scorecard_signal": [
        {"id": 1, "scorecard_id": 1, "kind": "strong", "text": "Names the trade-off",
         "position": 0},
        {"id": 2, "scorecard_id": 1, "kind": "red_flag", "text": "Ignores the users",
         "position": 0},
    ],
}  # fmt: skip
SIGNALS = "SELECT id, kind, text, position FROM scorecard_signal ORDER BY id"


def _columns(path: Path) -> list[str]:
    return [row[1] for row in rows_of(path, 'PRAGMA table_info("scorecard_signal")')]


def test_an_old_files_signals_get_a_version_and_the_downgrade_drops_it(
    tmp_path: Path, downgrade, read_rows
) -> None:
    path = file_before(tmp_path, REVISION, PREVIOUS, OLD_ROWS)
    assert "version" not in _columns(path)
    before = rows_of(path, SIGNALS)

    ws = open_workspace(path)
    try:
        assert (ws.migrated_from, ws.revision) == (PREVIOUS, head_revision())
        first = records.get(ws=ws, model=ScorecardSignal, id=1)
        assert first.version == 1
        assert first.created_at.isoformat() == "2025-03-04T05:06:07+00:00"
        assert first.updated_at == first.created_at
        records.update(ws=ws, model=ScorecardSignal, id=1, data={"text": "Weighs trade-offs"})
        edited = records.get(ws=ws, model=ScorecardSignal, id=1)
        assert edited.version == 2 and edited.updated_at > first.updated_at
        # a signal added now starts at version 1, like any new row
        new, _ = records.create(
            ws=ws,
            model=ScorecardSignal,
            data={"scorecard_id": 1, "kind": "weak", "text": "Vague metrics"},
        )
        assert records.get(ws=ws, model=ScorecardSignal, id=new.id).version == 1
    finally:
        ws.close()
    assert rows_of(path, "SELECT id, version FROM scorecard_signal ORDER BY id") == [
        (1, 2),
        (2, 1),
        (3, 1),
    ]

    downgrade(path, PREVIOUS)
    assert _columns(path) == ["id", "scorecard_id", "kind", "text", "position"]
    assert read_rows(path, SIGNALS) == [
        (1, "strong", "Weighs trade-offs", 0),
        before[1],
        (3, "weak", "Vague metrics", 0),
    ]


def test_on_a_server_the_signals_get_a_version_and_the_downgrade_drops_it(pg_url: str) -> None:
    """The same up and down on PostgreSQL (ALTER TABLE there, a table rebuild on a file)."""
    engine = sa.create_engine(ServerLocation.parse(pg_url).url)
    created = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    stamps = {"created_at": created, "updated_at": created, "version": 1}
    rows = {**OLD_ROWS, "scorecard": [{**OLD_ROWS["scorecard"][0], **stamps}]}
    rows["workspace_settings"] = [{**rows["workspace_settings"][0], **stamps}]

    def columns(conn: sa.Connection) -> list[str]:
        query = (
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'scorecard_signal' ORDER BY ordinal_position"
        )
        return [name for (name,) in conn.execute(sa.text(query))]

    try:
        with engine.begin() as conn:
            upgrade(conn, PREVIOUS)
        with engine.begin() as conn:
            for table, batch in rows.items():
                conn.execute(sa.table(table, *(sa.column(c) for c in batch[0])).insert(), batch)
        with engine.begin() as conn:
            upgrade(conn, REVISION)
        with engine.connect() as conn:
            found = conn.execute(
                sa.text("SELECT id, version, created_at, updated_at FROM scorecard_signal "
                        "ORDER BY id")
            ).all()  # fmt: skip
        assert [(r.id, r.version) for r in found] == [(1, 1), (2, 1)]
        assert {r.created_at.replace(tzinfo=dt.UTC) for r in found} == {created}
        assert all(r.updated_at == r.created_at for r in found)
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), PREVIOUS)
        with engine.connect() as conn:
            assert columns(conn) == ["id", "scorecard_id", "kind", "text", "position"]
            assert conn.execute(sa.text(SIGNALS)).all() == [
                (1, "strong", "Names the trade-off", 0),
                (2, "red_flag", "Ignores the users", 0),
            ]
    finally:
        engine.dispose()
