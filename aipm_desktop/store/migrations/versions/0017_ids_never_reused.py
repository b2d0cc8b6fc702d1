"""ids never reused: a deleted row's id is never given to a new row (SQLite AUTOINCREMENT)

Revision ID: 0017_ids_never_reused
Revises: 0016_scorecard_signal_version
Create Date: 2026-12-06

A table whose ``id`` is a plain ``INTEGER PRIMARY KEY`` gives a new row the largest id
in the table plus one, so deleting the newest record and creating another hands the
new one the deleted record's id, at version 1. A form still open on the deleted record
in another window (or a journal entry, or an undo) then passes the id and version check
and writes over an unrelated record. ``AUTOINCREMENT`` makes SQLite remember the largest
id a table ever had (in ``sqlite_sequence``), as PostgreSQL's sequences already do.

SQLite cannot change a primary key in place, so each table with an integer ``id`` is
rebuilt by SQLite's own recipe (create the new table, copy the rows, drop the old one,
rename): the new table's statement is the old one's with only the id column changed,
so every column, default, CHECK, foreign key and unique constraint stays byte for byte;
the table's indexes and triggers (the feedback full-text index's) are created again
from their own statements. Rows keep their ids; the sequence starts at the largest id
present. On PostgreSQL there is nothing to do. The downgrade rebuilds the tables with a
plain ``INTEGER PRIMARY KEY`` again and keeps every row.
"""

import re
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0017_ids_never_reused"
down_revision = "0016_scorecard_signal_version"
branch_labels = None
depends_on = None

#: The id column as the table statements made by this app's migrations define it: a
#: plain column with a table-level ``PRIMARY KEY (id)`` clause (``_PK_CLAUSE``, followed
#: by another clause or closing the statement), or, after this revision's downgrade, a
#: column-level ``PRIMARY KEY``.
_PLAIN_ID = re.compile(r"([(,]\s*)id INTEGER NOT NULL,")
_PK_CLAUSE = re.compile(r"PRIMARY KEY \(id\),\s*|,\s*PRIMARY KEY \(id\)(?=\s*\)\s*$)")
_PK_ID = re.compile(r"([(,]\s*)id INTEGER NOT NULL PRIMARY KEY,")
_AUTO_ID = re.compile(r"([(,]\s*)id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,")


def _with_autoincrement(sql: str) -> str | None:
    """``sql`` with its id as ``PRIMARY KEY AUTOINCREMENT`` (None: no plain integer id)."""
    auto = r"\1id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,"
    if _PK_ID.search(sql):
        return _PK_ID.sub(auto, sql, count=1)
    if not _PLAIN_ID.search(sql) or len(_PK_CLAUSE.findall(sql)) != 1:
        return None
    return _PLAIN_ID.sub(auto, _PK_CLAUSE.sub("", sql, count=1), count=1)


def _without_autoincrement(sql: str) -> str | None:
    """``sql`` with its id back to a plain ``INTEGER PRIMARY KEY`` (None: not rebuilt)."""
    if not _AUTO_ID.search(sql):
        return None
    return _AUTO_ID.sub(r"\1id INTEGER NOT NULL PRIMARY KEY,", sql, count=1)


def _tables(conn: sa.Connection, rewrite: Callable[[str], str | None]) -> list[tuple[str, str]]:
    """(name, new statement) of every table ``rewrite`` changes."""
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).all()
    return [(name, new) for name, sql in found if (new := rewrite(sql)) is not None]


def _edit_in_place(conn: sa.Connection, tables: list[tuple[str, str]]) -> bool:
    """Change the tables' statements where SQLite keeps them, by SQLite's own recipe for
    a change that leaves the stored rows as they are (an ``INTEGER PRIMARY KEY`` is the
    row id with or without AUTOINCREMENT): one schema reload instead of one per table.
    False when this SQLite refuses to (a build in defensive mode): nothing was changed."""
    conn.exec_driver_sql("CREATE TABLE aipm_sequence_seed (id INTEGER PRIMARY KEY AUTOINCREMENT)")
    conn.exec_driver_sql("DROP TABLE aipm_sequence_seed")  # sqlite_sequence exists from now
    version = int(conn.exec_driver_sql("PRAGMA schema_version").scalar() or 0)
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        for name, sql in tables:
            conn.exec_driver_sql(
                "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql, name)
            )
    except sa.exc.DBAPIError:
        return False
    finally:
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")
    conn.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    for name, _sql in tables:  # each table's counter starts at its highest id, as a copy's
        conn.exec_driver_sql(
            f"INSERT INTO sqlite_sequence (name, seq) SELECT ?, max(id) FROM \"{name}\" "
            "HAVING max(id) IS NOT NULL",
            (name,),
        )
    return True


def _rebuild(conn: sa.Connection, tables: list[tuple[str, str]]) -> None:
    """Rebuild each table with its new statement (create, copy, drop, rename; indexes and
    triggers created again), for an SQLite that refuses :func:`_edit_in_place`."""
    if conn.exec_driver_sql("PRAGMA foreign_keys").scalar():
        # Dropping a table with foreign keys on deletes the rows that refer to it first.
        raise RuntimeError("0017 rebuilds tables: run it with PRAGMA foreign_keys=OFF")
    conn.exec_driver_sql("PRAGMA legacy_alter_table = ON")  # references stay by name
    for name, new_sql in tables:
        attached = [
            statement
            for (statement,) in conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN "
                "('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name",
                (name,),
            )
        ]
        temp = f"{name}__rebuilt"
        head = re.match(r"\s*CREATE TABLE\s+(\"[^\"]+\"|\S+)", new_sql)
        assert head is not None, new_sql
        conn.exec_driver_sql(f'CREATE TABLE "{temp}"' + new_sql[head.end() :])
        conn.exec_driver_sql(f'INSERT INTO "{temp}" SELECT * FROM "{name}"')
        conn.exec_driver_sql(f'DROP TABLE "{name}"')
        conn.exec_driver_sql(f'ALTER TABLE "{temp}" RENAME TO "{name}"')
        for statement in attached:
            conn.exec_driver_sql(statement)
    conn.exec_driver_sql("PRAGMA legacy_alter_table = OFF")


def _change(conn: sa.Connection, rewrite: Callable[[str], str | None]) -> None:
    tables = _tables(conn, rewrite)
    if tables and not _edit_in_place(conn, tables):
        _rebuild(conn, tables)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _change(conn, _with_autoincrement)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _change(conn, _without_autoincrement)
        conn.exec_driver_sql("DELETE FROM sqlite_sequence")
