"""The PostgreSQL back end: the engine, the journal's server objects, roles, notifications.

Only the store knows which database it talks to; this module holds what is particular
to PostgreSQL so the rest of the store asks :func:`is_server` and calls in here.

The operation journal. PostgreSQL has no temporary triggers on permanent tables, so each
journaled table carries a permanent trigger calling one PL/pgSQL function,
``aipm_journal_row()``. It appends the row's image (``to_jsonb``) to the session's
temporary table ``aipm_journal`` only while the store's per-transaction setting
``aipm.journal`` is on: a write made outside the app (psql, another tool) is not
journaled, as on SQLite. :func:`install` creates (or brings up to date) the function, the
triggers, deferrable foreign keys (an undo puts rows back parent-after-child) and the
full-text index of the feedback; it runs after every migration, in the same transaction.

Roles: ``aipm_viewer`` may read, ``aipm_editor`` may also write (members of either are
granted by the administrator: ``GRANT aipm_editor TO ana``). A user without the right to
insert into the history opens the workspace read-only.

After each committed operation the server sends ``NOTIFY aipm_changes, '<id>'``
(:func:`notify`, inside the operation's transaction, so it is delivered on commit);
:func:`listen_changes` yields those ids to another process.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import JSON, Connection, DateTime, Engine, Table, create_engine, event

from ..errors import WorkspaceError
from ..locations import ServerLocation

#: The temporary journal table of a session, and the function its triggers call.
JOURNAL = "aipm_journal"
FUNCTION = "aipm_journal_row"
#: The per-transaction setting that switches the journal on.
SETTING = "aipm.journal"
#: The notification channel of committed operations.
CHANNEL = "aipm_changes"
VIEWER = "aipm_viewer"
EDITOR = "aipm_editor"
#: The expression the feedback's full-text index is built on (and searches must repeat).
FEEDBACK_DOCUMENT = (
    "to_tsvector('simple', coalesce(text, '') || ' ' || coalesce(customer, '') || ' ' || "
    "coalesce(source, '') || ' ' || coalesce(tags, '') || ' ' || coalesce(cluster, ''))"
)
FEEDBACK_INDEX = "ix_feedback_item_fulltext"


def is_server(bind: Connection | Engine) -> bool:
    """Whether ``bind`` talks to PostgreSQL."""
    return bind.dialect.name == "postgresql"


def make_engine(location: ServerLocation, *, readonly: bool = False) -> Engine:
    """An engine on the server database: times in UTC, read-only sessions for a viewer."""
    if not location.url.database:
        raise WorkspaceError(
            f"{location} names no database: add it after the host, as in "
            "postgresql://user@host/database."
        )
    options = "-c timezone=UTC"
    if readonly:
        options += " -c default_transaction_read_only=on"
    engine = create_engine(
        location.url,
        pool_pre_ping=True,
        connect_args={"options": options, "application_name": "aipm-desktop"},
    )
    if not readonly:
        event.listen(engine, "connect", _make_journal)
    return engine


_JOURNAL_TABLE = (
    f"CREATE TEMP TABLE IF NOT EXISTS {JOURNAL} (seq bigserial PRIMARY KEY, "
    "tbl text NOT NULL, action text NOT NULL, image jsonb)"
)


def _make_journal(dbapi_connection: Any, _record: Any) -> None:
    """Give each new session its (empty) journal table, once."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute(_JOURNAL_TABLE)
    dbapi_connection.commit()


def params(conn: Connection, sql: str) -> str:
    """``sql`` written with ``?`` placeholders, in the driver's own style."""
    return sql.replace("?", "%s") if is_server(conn) else sql


def execute(conn: Connection, sql: str, values: Iterable[Any] = ()) -> Any:
    """Run ``sql`` (``?`` placeholders) on the driver connection; its cursor."""
    raw = conn.connection.driver_connection
    assert raw is not None
    return raw.execute(params(conn, sql), tuple(values))


def executemany(conn: Connection, sql: str, rows: Iterable[Iterable[Any]]) -> None:
    """Run ``sql`` (``?`` placeholders) once per row of ``rows``, on the driver connection."""
    raw = conn.connection.driver_connection
    assert raw is not None
    if is_server(conn):
        with raw.cursor() as cursor:
            cursor.executemany(params(conn, sql), [tuple(r) for r in rows])
    else:
        raw.executemany(sql, rows)


# -- the journal -------------------------------------------------------------------------------


def _function_sql() -> str:
    return f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('{SETTING}', true), '') <> 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO pg_temp.{JOURNAL} (tbl, action, image)
        VALUES (TG_TABLE_NAME, 'I', to_jsonb(NEW));
    ELSE
        INSERT INTO pg_temp.{JOURNAL} (tbl, action, image)
        VALUES (TG_TABLE_NAME, left(TG_OP, 1), to_jsonb(OLD));
    END IF;
    RETURN NULL;
END
$$"""


def install(conn: Connection, tables: Iterable[Table]) -> None:
    """Create or update the journal function and triggers on ``tables``, make every
    foreign key deferrable, and build the feedback's full-text index (idempotent)."""
    conn.exec_driver_sql(_function_sql())
    for table in tables:
        conn.exec_driver_sql(
            f'CREATE OR REPLACE TRIGGER aipm_j AFTER INSERT OR UPDATE OR DELETE ON "{table.name}" '
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
        )
    fixed = conn.exec_driver_sql(
        "SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c "
        "JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE c.contype = 'f' AND NOT c.condeferrable AND n.nspname = current_schema()"
    ).all()
    for table_name, name in fixed:
        conn.exec_driver_sql(
            f'ALTER TABLE {table_name} ALTER CONSTRAINT "{name}" DEFERRABLE INITIALLY IMMEDIATE'
        )
    present = conn.exec_driver_sql("SELECT to_regclass('feedback_item')").scalar()
    if present is not None:
        conn.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {FEEDBACK_INDEX} ON feedback_item "
            f"USING gin (({FEEDBACK_DOCUMENT}))"
        )


def begin(conn: Connection) -> None:
    """Switch the journal on for the transaction on ``conn`` (it starts empty)."""
    conn.exec_driver_sql(f"SET LOCAL {SETTING} = 'on'")
    conn.exec_driver_sql(f"DELETE FROM pg_temp.{JOURNAL}")


def stop(conn: Connection) -> None:
    """Switch the journal off for the rest of the transaction (the history's own rows)."""
    conn.exec_driver_sql(f"SET LOCAL {SETTING} = 'off'")


def _json_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if isinstance(c.type, JSON)]


def _time_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if isinstance(c.type, DateTime)]


def image(table: Table, found: Mapping[str, Any]) -> dict[str, Any]:
    """A row's ``to_jsonb`` image as SQLite's journal holds it: the table's columns in
    order, JSON columns as their text, times as ``YYYY-MM-DD HH:MM:SS[.ffffff]``."""
    row = {c.name: found.get(c.name) for c in table.columns}
    for name in _json_columns(table):
        if row[name] is not None:
            row[name] = json.dumps(row[name], ensure_ascii=False)
    for name in _time_columns(table):
        value = row[name]
        if isinstance(value, str):
            row[name] = value.replace("T", " ", 1)
    return row


def read_journal(conn: Connection) -> list[tuple[int, str, str, dict[str, Any]]]:
    """The journal of the transaction on ``conn``: (seq, table, action, raw image)."""
    return [
        (int(seq), str(tbl), str(action), dict(found))
        for seq, tbl, action, found in conn.exec_driver_sql(
            f"SELECT seq, tbl, action, image FROM pg_temp.{JOURNAL} ORDER BY seq"
        )
    ]


def clear_journal(conn: Connection) -> None:
    conn.exec_driver_sql(f"DELETE FROM pg_temp.{JOURNAL}")


def current_images(
    conn: Connection, table: Table, keys: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Today's rows of ``table`` with primary keys ``keys``, as :func:`image` gives them."""
    pk_cols = [c.name for c in table.primary_key.columns]
    found: list[dict[str, Any]] = []
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        where = " OR ".join("(" + " AND ".join(f'"{c}" = %s' for c in pk_cols) + ")" for _ in chunk)
        values = [k[c] for k in chunk for c in pk_cols]
        if len(pk_cols) == 1:
            where = f'"{pk_cols[0]}" = ANY(%s)'
            values = [[k[pk_cols[0]] for k in chunk]]
        sql = f'SELECT to_jsonb(t) FROM "{table.name}" t WHERE {where}'
        found.extend(image(table, r[0]) for r in conn.exec_driver_sql(sql, tuple(values)))
    return found


def id_sequence(conn: Connection, table: str) -> str | None:
    """The sequence that gives the ids of ``table`` (None: it has none)."""
    return conn.exec_driver_sql("SELECT pg_get_serial_sequence(%s, 'id')", (f'"{table}"',)).scalar()


def sync_sequences(conn: Connection, tables: Iterable[Table]) -> None:
    """Move each table's id sequence past its highest id (rows inserted with their ids,
    as an undo, a copy or a bulk insert does, must not meet a later new row's id)."""
    for table in tables:
        if "id" not in table.columns:
            continue
        name = table.name
        sequence = id_sequence(conn, name)
        if sequence is None:
            continue
        conn.exec_driver_sql(
            f"SELECT setval('{sequence}', top) FROM (SELECT max(id) AS top FROM \"{name}\") m "
            f"WHERE top >= (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END "
            f"FROM {sequence})"
        )


def defer_constraints(conn: Connection) -> None:
    conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")


#: The transaction-level advisory lock every operation takes first (see :func:`claim_writer`).
WRITER_LOCK = 0x4149504D  # "AIPM"
#: How long an operation waits for another one's lock before it is refused as busy (ms).
WRITER_WAIT_MS = 5000


def claim_writer(conn: Connection) -> None:
    """One operation at a time on the server, as SQLite's write lock gives a file: taken
    before the operation reads or draws an id, held until it commits. So operations commit
    in the order of their ids (a change feed reading "ids after the last one seen" misses
    none) and each chains its change-log entries onto the previous operation's, never
    onto the same entry as a concurrent one. A wait longer than :data:`WRITER_WAIT_MS`
    fails as busy (``lock timeout``), like a file's busy timeout."""
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {WRITER_WAIT_MS}")
    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK,))


def notify(conn: Connection, op_id: int) -> None:
    """Tell listeners operation ``op_id`` committed (delivered when the transaction is)."""
    conn.exec_driver_sql("SELECT pg_notify(%s, %s)", (CHANNEL, str(op_id)))


def current_user(conn: Connection) -> str:
    return str(conn.exec_driver_sql("SELECT current_user").scalar())


def may_write(conn: Connection) -> bool:
    """Whether the user may record operations (a viewer may not)."""
    return bool(conn.exec_driver_sql("SELECT has_table_privilege('operation', 'INSERT')").scalar())


def table_names(conn: Connection) -> set[str]:
    return {
        str(r[0])
        for r in conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
    }


def columns_by_table(conn: Connection) -> dict[str, set[str]]:
    """The column names of every table of the schema, in one query (the schema check
    runs on every open: one round trip per table would cost a second)."""
    found: dict[str, set[str]] = {}
    for table, name in conn.exec_driver_sql(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema()"
    ):
        found.setdefault(str(table), set()).add(str(name))
    return found


# -- listening ---------------------------------------------------------------------------------


class ChangeListener:
    """The ids of operations committed on a server from the moment it is made, in the
    order they committed: iterate to wait for them (each wait up to ``timeout`` seconds;
    the iteration ends after a wait with none). Close it (or use ``with``) when done."""

    def __init__(self, location: ServerLocation | str, *, timeout: float = 1.0) -> None:
        import psycopg

        if isinstance(location, str):
            location = ServerLocation.parse(location)
        self.timeout = timeout
        self._conn = psycopg.connect(
            location.given,
            autocommit=True,
            connect_timeout=10,
            application_name="aipm-desktop-listen",
        )
        self._conn.execute(f"LISTEN {CHANNEL}")

    def __iter__(self) -> Iterator[int]:
        while True:
            found = False
            for note in self._conn.notifies(timeout=self.timeout, stop_after=1):
                found = True
                yield int(note.payload)
            if not found:
                return

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> ChangeListener:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def listen_changes(location: ServerLocation | str, *, timeout: float = 1.0) -> ChangeListener:
    """Listen for operations committed on the server at ``location`` (see
    :class:`ChangeListener`), starting now."""
    return ChangeListener(location, timeout=timeout)


# -- roles -------------------------------------------------------------------------------------

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def grant_roles(conn: Connection) -> list[str]:
    """Create the viewer and editor roles (when missing) and grant them their rights on
    every table and sequence; returns what was done, for the report."""
    done: list[str] = []
    existing = {
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT rolname FROM pg_roles WHERE rolname IN (%s, %s)", (VIEWER, EDITOR)
        )
    }
    for role in (VIEWER, EDITOR):
        assert _ROLE_NAME.match(role)
        if role not in existing:
            conn.exec_driver_sql(f"CREATE ROLE {role} NOLOGIN")
            done.append(f"created role {role}")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {VIEWER}, {EDITOR}")
    conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {VIEWER}")
    conn.exec_driver_sql(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {EDITOR}"
    )
    conn.exec_driver_sql(
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {EDITOR}"
    )
    conn.exec_driver_sql(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {VIEWER}"
    )
    conn.exec_driver_sql(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {EDITOR}"
    )
    conn.exec_driver_sql(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {EDITOR}"
    )
    done.append(f"granted {VIEWER} reading and {EDITOR} reading and writing")
    return done


def stamp(moment: dt.datetime) -> str:
    """A time as both back ends take it in a text parameter."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def grant_roles_if_allowed(conn: Connection) -> list[str]:
    """:func:`grant_roles` when this user may (in a savepoint: a refusal changes nothing
    else); otherwise one line saying what the administrator must do."""
    try:
        with conn.begin_nested():
            return grant_roles(conn)
    except Exception as error:
        detail = " ".join(str(getattr(error, "orig", error)).split())
        return [
            f"roles not set up ({detail}); a user with CREATEROLE can run "
            "`aipm server init` again to create aipm_viewer and aipm_editor"
        ]


#: SQLSTATE of PostgreSQL's integrity errors, and the words SQLite's messages use.
_VIOLATIONS = {
    "23505": "unique",
    "23503": "foreign key",
    "23514": "check",
    "23502": "not null",
}
_SQLITE_VIOLATIONS = {
    "UNIQUE": "unique",
    "FOREIGN KEY": "foreign key",
    "CHECK": "check",
    "NOT NULL": "not null",
}


def violation(error: BaseException) -> str | None:
    """Which rule an integrity error broke (``unique``, ``foreign key``, ``check``, ``not
    null``), on either back end; None when it is not one of those."""
    orig = getattr(error, "orig", error)
    state = getattr(orig, "sqlstate", None)
    if state is not None:
        return _VIOLATIONS.get(str(state))
    detail = str(orig)
    return next((kind for word, kind in _SQLITE_VIOLATIONS.items() if word in detail), None)
