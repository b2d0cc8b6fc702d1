"""Engine creation: the only place that knows the database is SQLite and sets its pragmas.

Three kinds of engine:

- the normal one: WAL journal, foreign keys on, ``synchronous=FULL``;
- read-only (``mode=ro``): no PRAGMA that writes, and ``immutable=1`` when the folder is
  not writable (SQLite could not create the ``-shm`` side file there), so opening a file
  in a read-only place never writes anything and leaves no side files;
- the upgrade engine: every transaction starts with an explicit ``BEGIN IMMEDIATE`` so
  schema changes (DDL) are part of it (Python's sqlite3 would otherwise run DDL outside a
  transaction), and foreign keys are enforced only by the check at the end of the
  upgrade, so a migration that rebuilds a table cannot cascade into its children.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event

#: PRAGMA application_id of an AIPM workspace ("AIPM" in ASCII).
APPLICATION_ID = 0x4149504D
#: How long a write waits for another process's write to finish before giving up.
BUSY_TIMEOUT_MS = 5000


def _set_pragmas(readonly: bool, upgrading: bool) -> Any:
    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if readonly:
            cursor.execute("PRAGMA query_only=ON")
        else:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA foreign_keys={'OFF' if upgrading else 'ON'}")
        cursor.execute("PRAGMA temp_store=MEMORY")  # the per-connection operation journal
        cursor.close()
        if upgrading:
            # Let SQLAlchemy's "begin" event below open every transaction itself.
            dbapi_connection.isolation_level = None

    return on_connect


def _begin_immediate(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def folder_writable(path: Path) -> bool:
    """True when files can be created beside ``path`` (where SQLite puts -wal and -shm)."""
    folder = path.resolve().parent
    return os.access(folder, os.W_OK | os.X_OK)


def ro_uri(path: Path) -> str:
    """The ``file:`` URI that opens ``path`` read-only without creating any side file."""
    uri = f"file:{quote(path.resolve().as_posix())}?mode=ro"
    if not folder_writable(path):
        uri += "&immutable=1"
    return uri


def make_engine(path: Path, *, readonly: bool = False, upgrading: bool = False) -> Engine:
    """An engine on the workspace file (see the module docstring for the three kinds)."""
    if readonly:
        url = f"sqlite:///{ro_uri(path)}&uri=true"
    else:
        url = f"sqlite:///{path.resolve().as_posix()}"
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _set_pragmas(readonly, upgrading))
    if upgrading:
        event.listen(engine, "begin", _begin_immediate)
    return engine
