"""Bulk inserts journaled compactly: one history entry for a range of ids, not a row each.

The ordinary journal (:mod:`.history`) copies every row a write touches into the
operation's history and the change log, in Python; for an import of 200,000 feedback
items that is most of a minute. :func:`insert_rows` (called inside an open operation)
gives the new rows consecutive ids and records them as ONE journal entry, action
``B`` ("bulk insert", key ``{"first": lo, "last": hi}``), whose after-image is a digest
of the rows computed in SQL (:func:`range_digest`). The change log gets one row per
entry (a block of up to :data:`CHUNK` records when an undo erases them), naming the ids
it holds (:func:`log_range`), not one row a record.

Undo deletes the range with one DELETE and journals it as ``E`` ("erased") entries, each
holding a chunk of the deleted rows as one JSON document built by SQLite; redo puts those
rows back with one INSERT ... SELECT from the JSON and journals them as ``B`` again. The
checks before an undo or redo compare the digest (``B``) or find the range empty
(``E``), so a record changed since refuses the undo like any other.

The range entries are SQLite's: on PostgreSQL :func:`insert_rows` inserts the rows with
one ``executemany`` and its journal trigger records each row (a server copes with that).
Only tables with a single integer ``id`` key and
no binary or floating-point columns (JSON keeps neither exactly).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Float, LargeBinary, Table

from ..errors import ConflictError
from ..models import kind_of_table
from . import fulltext, server

#: The per-connection temporary journal (created by :func:`.history.install_journal`).
JOURNAL = "aipm_journal"
#: Journal actions of a range: inserted rows, and erased rows kept as JSON.
BULK_INSERT = "B"
BULK_ERASE = "E"
RANGE_ACTIONS = frozenset({BULK_INSERT, BULK_ERASE})
#: Rows per INSERT batch, per digest read and per ``E`` entry.
CHUNK = 20_000
#: Columns whose text names a record in the change log (as :func:`.history.label_of`).
LABEL_FIELDS = ("title", "name", "item", "action", "interviewer", "key")
_EVENTS = (("INSERT", "I", "NEW"), ("UPDATE", "U", "OLD"), ("DELETE", "D", "OLD"))


def trigger_sql(table: Table, action: str) -> str:
    """The temporary trigger that journals ``action`` (I, U or D) on ``table``."""
    event, _action, ref = next(e for e in _EVENTS if e[1] == action)
    names = [c.name for c in table.columns]
    cols = ", ".join(f"c{i}" for i in range(len(names)))
    values = ", ".join(f'{ref}."{n}"' for n in names)
    return (
        f"CREATE TEMP TRIGGER IF NOT EXISTS aipm_j_{table.name}_{action} "
        f'AFTER {event} ON main."{table.name}" BEGIN '
        f"INSERT INTO {JOURNAL} (tbl, action, {cols}) "
        f"VALUES ('{table.name}', '{action}', {values}); END"
    )


def range_key(first: int, last: int) -> str:
    """How a history row names a range of ids."""
    return f'{{"first":{int(first)},"last":{int(last)}}}'


def parse_range(key: str) -> tuple[int, int]:
    values = json.loads(key)
    return int(values["first"]), int(values["last"])


def check_bulk_table(table: Table) -> None:
    """Refuse a table the range journal cannot keep exactly."""
    if [c.name for c in table.primary_key.columns] != ["id"]:
        raise ValueError(f"{table.name}: a bulk insert needs a single integer id key")
    for column in table.columns:
        if isinstance(column.type, LargeBinary | Float):
            raise ValueError(f"{table.name}.{column.name}: no bulk insert of this column type")


class _Suspended:
    """The triggers of ``action`` on ``table`` dropped on ``raw`` while inside: the
    journal's, and the full-text index's (:mod:`.fulltext`), which the caller updates in
    one statement instead (``indexed`` says whether there is one). They are created again
    on the way out, error or not (and a rolled-back transaction brings them back too)."""

    def __init__(self, raw: Any, table: Table, action: str) -> None:
        self.raw, self.table, self.action = raw, table, action
        self.kept = fulltext.index_triggers(raw, table.name, action)
        self.indexed = bool(self.kept)

    def __enter__(self) -> _Suspended:
        self.raw.execute(f"DROP TRIGGER IF EXISTS temp.aipm_j_{self.table.name}_{self.action}")
        for name, _sql in self.kept:
            self.raw.execute(f'DROP TRIGGER main."{name}"')
        return self

    def __exit__(self, *_exc: object) -> None:
        self.raw.execute(trigger_sql(self.table, self.action))
        for _name, sql in self.kept:
            self.raw.execute(sql)


def _raw(conn: Connection) -> Any:
    raw = conn.connection.driver_connection
    assert raw is not None  # the sqlite3 connection of a live Connection
    return raw


def _journal_range(raw: Any, table: Table, action: str, first: int, last: int, rows: Any) -> None:
    raw.execute(
        f"INSERT INTO temp.{JOURNAL} (tbl, action, c0, c1, c2) VALUES (?, ?, ?, ?, ?)",
        (table.name, action, first, last, rows),
    )


def insert_rows(
    conn: Connection,
    table: Table,
    names: Sequence[str | None],
    rows: Sequence[Sequence[Any]],
    *,
    constants: Mapping[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Insert ``rows`` into ``table`` inside an open operation on ``conn``, with
    consecutive new ids, journaled as one range. Each row holds the values of the columns
    ``names`` (not ``id``; a name None marks a value that is not stored, such as the
    row's number in its file); ``constants`` the values every row shares (time stamps,
    the version, an import's id), given once; the other columns take their scalar
    defaults. ``progress(written)`` after each :data:`CHUNK` rows. The full-text index
    (if the table has one) is filled once, after the last row, in one statement.

    Values go through the columns' SQLAlchemy types, as an ORM or Core insert would store
    them, each distinct value once; the rows are turned into columns and back in C, so no
    Python code runs per row. Returns the first and last id (``(0, -1)`` for no rows)."""
    check_bulk_table(table)
    count = len(rows)
    if not count:
        return 0, -1
    fixed = _defaults(table, [n for n in names if n is not None], constants or {})
    shared = {n: _stored(table, conn, n, [v])[0] for n, v in fixed.items()}
    columns = list(zip(*rows, strict=True))
    if len(columns) != len(names):
        raise ValueError(f"{table.name}: rows of {len(columns)} values for {len(names)} names")
    varying: dict[str, Sequence[Any]] = {}
    for name, column in zip(names, columns, strict=True):
        if name is not None:
            values = _stored(table, conn, name, column)
            if values.count(values[0]) == count:  # one value in every row: given once
                shared[name] = values[0]
            else:
                varying[name] = values
    if server.is_server(conn):  # lock out other writers between max(id) and the insert
        conn.exec_driver_sql(f'LOCK TABLE "{table.name}" IN SHARE ROW EXCLUSIVE MODE')
    first = _next_id(conn, table.name)
    last = first + count - 1
    if server.is_server(conn):
        # PostgreSQL: every row journaled by the table's trigger (no range entry).
        quoted = ", ".join(f'"{n}"' for n in ["id", *varying, *shared])
        marks = ", ".join("?" for _ in range(1 + len(varying) + len(shared)))
        rows_given = zip(
            range(first, last + 1),
            *varying.values(),
            *(itertools.repeat(v, count) for v in shared.values()),
            strict=True,
        )
        insert_sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})'
        for start in range(0, count, CHUNK):
            server.executemany(conn, insert_sql, itertools.islice(rows_given, CHUNK))
            if progress is not None:
                progress(min(start + CHUNK, count))
        server.sync_sequences(conn, [table])
        return first, last
    # What every row shares is written into the statement (binding it again for each
    # row costs a fifth of the insert), but for values an SQL literal cannot hold.
    literals = {n: sql for n, v in shared.items() if (sql := _literal(v)) is not None}
    bound = [n for n in shared if n not in literals]
    quoted = ", ".join(f'"{n}"' for n in ["id", *varying, *bound, *literals])
    marks = ", ".join(["?"] * (1 + len(varying) + len(bound)) + list(literals.values()))
    raw = _raw(conn)
    constant_columns = [itertools.repeat(shared[n], count) for n in bound]
    given = zip(range(first, last + 1), *varying.values(), *constant_columns, strict=True)
    sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})'
    with _Suspended(raw, table, "I") as suspended:
        for start in range(0, count, CHUNK):
            raw.executemany(sql, itertools.islice(given, CHUNK))
            if progress is not None:
                progress(min(start + CHUNK, count))
        if suspended.indexed:
            fulltext.index_range(raw, table.name, first, last)
    _journal_range(raw, table, BULK_INSERT, first, last, None)
    return first, last


def _next_id(conn: Connection, name: str) -> int:
    """The id the next new row of table ``name`` gets: past its highest id and past every
    id it ever gave (a deleted row's id is never given again; migration 0017)."""
    if server.is_server(conn):
        sql = (
            f"SELECT greatest(coalesce(max(id), 0), (SELECT CASE WHEN is_called THEN "
            f"last_value ELSE last_value - 1 END FROM {server.id_sequence(conn, name)})) "
            f'FROM "{name}"'
        )
    else:
        sql = (
            f"SELECT max(coalesce(max(id), 0), coalesce((SELECT seq FROM sqlite_sequence "
            f"WHERE name = '{name}'), 0)) FROM \"{name}\""
        )
    return int(server.execute(conn, sql).fetchone()[0] or 0) + 1


def _literal(value: Any) -> str | None:
    """``value`` as an SQL literal (None for a value better bound as a parameter)."""
    if value is None:
        return "NULL"
    if type(value) is int:
        return str(value)
    if type(value) is str and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    return None


def _defaults(table: Table, names: Sequence[str], given: Mapping[str, Any]) -> dict[str, Any]:
    """``given`` and the scalar default of every other column not in ``names`` (as a
    Core insert fills them); a column with a computed default must be given."""
    fixed = dict(given)
    for column in table.columns:
        if column.name != "id" and column.name not in fixed and column.name not in names:
            default = column.default
            if default is not None and not getattr(default, "is_scalar", False):
                raise ValueError(f"{table.name}.{column.name}: give its value")
            fixed[column.name] = None if default is None else getattr(default, "arg", None)
    return fixed


def _stored(table: Table, conn: Connection, name: str, column: Sequence[Any]) -> Sequence[Any]:
    """The values of ``column`` as the column ``name`` stores them (its type's bind
    processor run once per distinct value)."""
    process = table.columns[name].type._cached_bind_processor(conn.dialect)
    if process is None:
        return column
    try:
        known = {value: process(value) for value in set(column)}
    except TypeError:  # a value that cannot be hashed
        return [process(value) for value in column]
    return list(map(known.__getitem__, column))


def _digest_sql(table: Table) -> str:
    """What :func:`range_digest` reads of a range. Where every edit moves the ``version``
    (as the services' writes and :func:`~aipm_desktop.services.records.touch` do; an undo
    moves it on too), aggregates SQLite computes without building anything: how
    many rows and ids, the sum of the versions, the latest ``updated_at``, and per foreign
    key (which a cascade changes without moving the version) how many are set and their
    sum. Otherwise every value of every row, joined."""
    names = [c.name for c in table.columns]
    if "version" not in names:
        line = " || ',' || ".join(f'quote("{n}")' for n in names)
        return f"group_concat({line}, char(10))"
    parts = ["count(*)", "total(id)", "total(version)"]
    if "updated_at" in names:
        parts.append("max(updated_at)")
    for column in table.columns:
        if column.foreign_keys:
            parts += [f'count("{column.name}")', f'total("{column.name}")']
    return ", ".join(parts)


def range_digest(conn: Connection, table: Table, first: int, last: int) -> dict[str, str]:
    """Digests of the rows ``first``..``last`` of ``table`` (see :func:`_digest_sql`),
    read by SQLite a chunk of ids at a time: ``#`` of all it reads, ``~`` of all but the
    sum of the versions (an undo puts rows back at new versions: see :func:`range_unchanged`)."""
    raw = _raw(conn)
    sql = f'SELECT {_digest_sql(table)} FROM (SELECT * FROM "{table.name}" '
    sql += "WHERE id BETWEEN ? AND ? ORDER BY id)"
    versioned = "version" in table.columns
    digest = hashlib.blake2b(digest_size=12)
    content = hashlib.blake2b(digest_size=12)
    for start in range(first, last + 1, CHUNK):
        found = tuple(raw.execute(sql, (start, min(start + CHUNK - 1, last))).fetchone())
        digest.update(repr(found).encode("utf-8", "surrogatepass"))
        rest = found[:2] + found[3:] if versioned else found
        content.update(repr(rest).encode("utf-8", "surrogatepass"))
    return {"#": digest.hexdigest(), "~": content.hexdigest()}


def range_unchanged(
    conn: Connection, table: Table, key: str, after: Any, op_id: int | None = None
) -> bool:
    """Whether the range ``key`` is as operation ``op_id`` left it: the same digest
    (``after`` holds it), or no row at all (``after`` None: the operation erased them).
    When only the versions differ, it is as left if every later operation that changed
    one of its rows was undone (an undo puts a row back at a new version)."""
    first, last = parse_range(key)
    if after is None:
        found = _raw(conn).execute(
            f'SELECT 1 FROM "{table.name}" WHERE id BETWEEN ? AND ? LIMIT 1', (first, last)
        )
        return found.fetchone() is None
    now = range_digest(conn, table, first, last)
    if now["#"] == after.get("#"):
        return True
    if op_id is None or now["~"] != after.get("~"):
        return False
    return not changed_later(conn, op_id, table.name, lambda key: first <= key.get("id", 0) <= last)


def changed_later(
    conn: Connection, op_id: int, tbl: str, matches: Callable[[dict[str, Any]], bool]
) -> bool:
    """Whether a change made after operation ``op_id`` and still in effect touched a row
    of table ``tbl`` whose key ``matches``: a later edit not undone, or the redo of one
    (undo and redo of operations before ``op_id`` only move along the history)."""
    found = conn.exec_driver_sql(
        server.params(
            conn,
            "SELECT r.pk FROM operation_row r JOIN operation o ON o.id = r.op_id "
            "LEFT JOIN operation u ON u.id = o.target_id "
            "WHERE r.op_id > ? AND r.tbl = ? AND r.action IN ('I', 'U', 'D') "
            "AND o.state = 'active' AND (o.kind = 'do' OR (o.kind = 'redo' AND u.target_id > ?))",
        ),
        (op_id, tbl, op_id),
    )
    return any(matches(json.loads(pk)) for (pk,) in found)


def check_range(
    conn: Connection,
    table: Table | None,
    key: str,
    after: Any,
    verb: str,
    op_id: int | None = None,
) -> None:
    """Refuse to ``verb`` (undo, redo) operation ``op_id`` when its range ``key`` of
    ``table`` is no longer as the operation left it (see :func:`range_unchanged`)."""
    if table is not None and not range_unchanged(conn, table, key, after, op_id):
        noun = kind_of_table(table.name).value.replace("_", " ")
        raise ConflictError(
            f"Cannot {verb} this: some of its {noun}s were changed since. "
            f"{verb.capitalize()} the later changes first."
        )


def reverse(conn: Connection, table: Table, action: str, key: str, stored: str | None) -> None:
    """Undo what a range entry did: erase inserted rows, or put erased rows back."""
    if action == BULK_INSERT:
        erase_range(conn, table, *parse_range(key))
    elif stored:
        restore_range(conn, table, stored)


def erase_range(conn: Connection, table: Table, first: int, last: int) -> None:
    """Delete the rows ``first``..``last`` (undo of a bulk insert), journaled as ``E``
    entries that keep the rows as JSON for a redo."""
    raw = _raw(conn)
    names = [c.name for c in table.columns]
    columns = json.dumps(names)
    values = ", ".join(f'"{n}"' for n in names)
    for start in range(first, last + 1, CHUNK):
        end = min(start + CHUNK - 1, last)
        rows = raw.execute(
            "SELECT json_object('columns', json(?), 'rows', "
            f"json_group_array(json_array({values}))) "
            f'FROM (SELECT * FROM "{table.name}" WHERE id BETWEEN ? AND ? ORDER BY id)',
            (columns, start, end),
        ).fetchone()[0]
        with _Suspended(raw, table, "D") as suspended:
            if suspended.indexed:
                fulltext.index_range(raw, table.name, start, end, remove=True)
            raw.execute(f'DELETE FROM "{table.name}" WHERE id BETWEEN ? AND ?', (start, end))
        _journal_range(raw, table, BULK_ERASE, start, end, rows)


def restore_range(conn: Connection, table: Table, stored: str) -> None:
    """Put back rows :func:`erase_range` kept (redo of a bulk insert), journaled as a
    ``B`` entry again."""
    raw = _raw(conn)
    data = json.loads(stored)
    names = [n for n in data["columns"] if n in table.columns]
    if "id" not in names:
        raise ValueError(f"{table.name}: the kept rows have no ids")
    where = {n: i for i, n in enumerate(data["columns"])}
    quoted = ", ".join(f'"{n}"' for n in names)
    # A row put back gets a version it never had (versions only grow: see history).
    picks = ", ".join(
        f"json_extract(value, '$[{where[n]}]')" + (" + 1" if n == "version" else "") for n in names
    )
    ids = [row[where["id"]] for row in data["rows"]]
    if not ids:
        return
    first, last = min(ids), max(ids)
    with _Suspended(raw, table, "I") as suspended:
        raw.execute(
            f"INSERT INTO \"{table.name}\" ({quoted}) SELECT {picks} FROM json_each(?, '$.rows')",
            (stored,),
        )
        if suspended.indexed:
            fulltext.index_range(raw, table.name, first, last)
    _journal_range(raw, table, BULK_INSERT, first, last, None)


def log_range(
    conn: Connection,
    table: Table,
    entry: Mapping[str, Any],
    at: str,
    who: str,
    restoring: bool,
    fallback: str,
) -> None:
    """The change-log row of a range entry (``entry``: its ``action``, ``key`` and, for
    ``E``, the kept rows), stamped ``at`` by ``who`` and labelled ``fallback`` (the
    operation's label). A bulk write is logged a block at a time, not a row a record: the
    row names the block's first record, and its changes hold the block's ``first`` and
    ``last`` id and how many records it holds (``count``). Records put back by an undo
    or redo are logged as restored."""
    raw = _raw(conn)
    if entry["action"] == BULK_INSERT:
        first, last = parse_range(entry["key"])
        count = last - first + 1
    else:
        # erase_range kept the columns in the table's order, in this same transaction
        where = [c.name for c in table.columns].index("id")
        first, last, count = raw.execute(
            f"SELECT min(v), max(v), count(*) FROM (SELECT json_extract(value, '$[{where}]') "
            "AS v FROM json_each(?, '$.rows'))",
            (entry["rows"],),
        ).fetchone()
    if not count:
        return
    raw.execute(
        "INSERT INTO change_log (at, who, entity, entity_id, action, label, changes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            at,
            who,
            kind_of_table(table.name).value,
            first,
            log_action(entry["action"], restoring=restoring),
            fallback[:300],
            json.dumps({"first": first, "last": last, "count": count}),
        ),
    )


def history_row(
    conn: Connection, table: Table, index: int, image: Mapping[str, Any]
) -> dict[str, Any]:
    """The history row of a range entry: inserted rows keep a digest of what they hold;
    erased rows keep the rows themselves (their JSON, stored as is: ``raw``)."""
    inserted = image["action"] == BULK_INSERT
    after = None
    if inserted:
        after = range_digest(conn, table, *parse_range(image["key"]))
    return {
        "seq": index,
        "tbl": table.name,
        "action": image["action"],
        "pk": image["key"],
        "before": None if inserted else image["rows"],
        "raw": True,
        "head": True,
        "after": after,
    }


def log_action(action: str, *, restoring: bool) -> str:
    """The change-log action of the records of a range entry."""
    if action == BULK_ERASE:
        return "delete"
    return "restore" if restoring else "create"


def range_size(key: str) -> int:
    first, last = parse_range(key)
    return max(last - first + 1, 0)


def ranges_in(conn: Connection, op_ids: Sequence[int]) -> bool:
    """Whether any of the operations ``op_ids`` holds a range entry."""
    marks = ", ".join("?" for _ in op_ids)
    found = server.execute(
        conn,
        f"SELECT 1 FROM operation_row WHERE op_id IN ({marks}) AND action IN (?, ?) LIMIT 1",
        (*op_ids, BULK_INSERT, BULK_ERASE),
    )
    return found.fetchone() is not None
