"""The head revision's tables and columns, as every open checks them, match the models."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from aipm_desktop.store import schema


def test_the_head_file_lists_every_table_and_column_the_models_define() -> None:
    assert schema.expected_columns() == schema.model_columns(), (
        "store/schema_head.json is out of date: run python -m aipm_desktop.store.schema"
    )


def test_a_dropped_column_is_named(ws, tmp_path: Path) -> None:
    ws.close()
    conn = sqlite3.connect(ws.path)
    try:
        conn.execute('ALTER TABLE risk DROP COLUMN "owner"')
        conn.commit()
        assert schema.problems(conn) == ["table risk is missing column(s) owner"]
    finally:
        conn.close()
