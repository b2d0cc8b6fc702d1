"""Helpers of the migration tests: read a file's rows with plain SQL, downgrade a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from aipm_desktop.store.engine import make_engine
from aipm_desktop.store.migrate import alembic_config


def rows_of(path: Path, sql: str, **params: object) -> list[tuple]:
    """The rows ``sql`` reads from the file at ``path`` (any schema revision), as tuples."""
    engine = make_engine(path)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql), params).all()]
    engine.dispose()
    return rows


def downgrade_file(path: Path, revision: str) -> set[str]:
    """Downgrade the file at ``path`` to ``revision`` (checked); the tables it has then.
    Foreign keys are off, as for an upgrade (a table rebuilt must not cascade)."""
    engine = make_engine(path, upgrading=True)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)
    engine.dispose()
    assert rows_of(path, "SELECT version_num FROM alembic_version") == [(revision,)]
    return {name for (name,) in rows_of(path, "SELECT name FROM sqlite_master")}


@pytest.fixture
def read_rows() -> Callable[..., list[tuple]]:
    """:func:`rows_of`, for a test."""
    return rows_of


@pytest.fixture
def downgrade() -> Callable[[Path, str], set[str]]:
    """:func:`downgrade_file`, for a test."""
    return downgrade_file
