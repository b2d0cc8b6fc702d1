"""Does a workspace file have the tables and columns its schema revision promises?

A file whose schema was changed outside the app (a dropped table or column) would
otherwise open and then fail on the first query with SQL in the message. The check
compares the file's tables and columns with those of the head revision; a file at an
older revision is checked after its upgrade.

The head revision's tables and columns are read from ``schema_head.json`` beside this
module, not from the entity classes: every open checks them, and building every entity
class would cost the start-up what the lazy ``models`` package saves. A test keeps the
file equal to the models; after changing the models (and adding their migration),
rewrite it with ``python -m aipm_desktop.store.schema``.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

HEAD_FILE = Path(__file__).with_name("schema_head.json")


@functools.cache
def expected_columns() -> dict[str, list[str]]:
    """Table name → column names at the head revision (``schema_head.json``)."""
    return dict(json.loads(HEAD_FILE.read_text(encoding="utf-8")))


def model_columns() -> dict[str, list[str]]:
    """Table name → column names, as the entity classes define them (builds them all)."""
    from sqlmodel import SQLModel

    from .. import models

    models.load_all()
    return {t.name: [c.name for c in t.columns] for t in SQLModel.metadata.sorted_tables}


def problems(conn: sqlite3.Connection, *, tables: Iterable[str] | None = None) -> list[str]:
    """What differs between the file on ``conn`` and the head revision (empty when it
    matches)."""
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


def write_head_file() -> None:
    """Rewrite ``schema_head.json`` from the entity classes."""
    lines = [f"  {json.dumps(n)}: {json.dumps(c)}" for n, c in model_columns().items()]
    text = "{\n" + ",\n".join(lines) + "\n}\n"
    HEAD_FILE.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_head_file()
    print(f"wrote {HEAD_FILE}")
