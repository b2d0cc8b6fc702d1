"""Engine creation: the only place that knows the database is SQLite and sets its pragmas."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

#: PRAGMA application_id of an AIPM workspace ("AIPM" in ASCII).
APPLICATION_ID = 0x4149504D


def _set_pragmas(readonly: bool):
    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not readonly:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA temp_store=MEMORY")  # the per-connection operation journal
        cursor.close()

    return on_connect


def make_engine(path: Path, *, readonly: bool = False) -> Engine:
    """An engine on the workspace file: WAL, foreign keys, synchronous=FULL."""
    if readonly:
        url = f"sqlite:///file:{path.resolve().as_posix()}?mode=ro&uri=true"
    else:
        url = f"sqlite:///{path.resolve().as_posix()}"
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _set_pragmas(readonly))
    return engine
