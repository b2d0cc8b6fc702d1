"""Helpers of the migration tests: a workspace file made by the app at an older revision
holding given rows (reading rows and downgrading: ``conftest.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import sqlalchemy as sa

from aipm_desktop.store import known_revisions
from aipm_desktop.store.engine import APPLICATION_ID, make_engine
from aipm_desktop.store.migrate import upgrade

STAMP = "2025-01-01 00:00:00"


def stamped(**values: object) -> dict[str, object]:
    """A row with the bookkeeping columns every table has (``values`` may override them)."""
    return {"created_at": STAMP, "updated_at": STAMP, "version": 1, **values}


def settings_row(**values: object) -> dict[str, object]:
    """The workspace settings row of a file from schema 0004 on ("Legacy"; ``values`` may
    override its fields)."""
    fields: dict[str, object] = {
        "id": 1, "name": "Legacy", "client": "", "owner_name": "", "risk_method": "multiply",
        "risk_bands": "[]", "roadmap_lanes": '["Data"]',
    }  # fmt: skip
    return stamped(**{**fields, **values})


def file_at(path: Path, revision: str, rows: Mapping[str, Sequence[dict[str, object]]]) -> None:
    """Make ``path`` a workspace file at schema ``revision`` holding ``rows`` by table."""
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        upgrade(conn, revision)
    with engine.begin() as conn:
        for table, batch in rows.items():
            conn.execute(sa.table(table, *(sa.column(c) for c in batch[0])).insert(), batch)
    engine.dispose()


def file_before(
    folder: Path, revision: str, previous: str, rows: Mapping[str, Sequence[dict[str, object]]]
) -> Path:
    """A workspace file at ``previous``, the revision just before ``revision`` (checked),
    holding ``rows`` by table."""
    order = known_revisions()
    assert order.index(revision) == order.index(previous) + 1
    path = folder / "legacy.aipm"
    file_at(path, previous, rows)
    return path
