"""Does a workspace file have the tables and columns its schema revision promises?

A file whose schema was changed outside the app (a dropped table or column) would
otherwise open and then fail on the first query with SQL in the message. The check
compares the file's tables and columns with the models (the head revision); a file at
an older revision is checked after its upgrade.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from sqlmodel import SQLModel

import aipm_desktop.models  # noqa: F401  (registers every table on the metadata)


def expected_columns() -> dict[str, list[str]]:
    """Table name → column names, as the current models define them."""
    return {t.name: [c.name for c in t.columns] for t in SQLModel.metadata.sorted_tables}


def problems(conn: sqlite3.Connection, *, tables: Iterable[str] | None = None) -> list[str]:
    """What differs between the file on ``conn`` and the models (empty when it matches)."""
    expected = expected_columns()
    wanted = list(tables) if tables is not None else list(expected)
    present = {
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    found: list[str] = []
    for name in wanted:
        if name not in present:
            found.append(f"table {name} is missing")
            continue
        have = {row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')}
        missing = [c for c in expected[name] if c not in have]
        if missing:
            found.append(f"table {name} is missing column(s) {', '.join(missing)}")
    return found
