"""Operations: every write journaled with before-images, undone and redone in the core.

How it works (SQLite): on the first write of each database connection, temporary
triggers are created on every workspace table (not in the file: edits made outside the
app are not journaled, and a read-only file gets none). They copy the row each INSERT,
UPDATE or DELETE touches — foreign-key cascades included, since those fire triggers too —
into a per-connection temporary journal. When a write transaction ends, :func:`finish`
turns that journal into one :class:`~aipm_desktop.models.Operation` with its
:class:`~aipm_desktop.models.OperationRow` before-images, writes the change-log rows (one
per record whose net content changed), derives the entity kinds from the tables touched,
prunes the history to :data:`HISTORY_LIMIT` operations, and commits with the edit.

Undo applies an operation's before-images in reverse order inside a new operation (whose
own journal then holds what redo needs); redo reverses that undo the same way. Both refuse,
writing nothing, when a later operation still in effect touched the same records. A row
they put back gets a version higher than any it had, never its old one back: an edit
expecting a version read before (:mod:`aipm_desktop.services.conflicts`) is refused.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, RowMapping, Table, delete, select, update
from sqlmodel import SQLModel

from ..errors import ConflictError, NotFoundError, UserError
from ..models import (
    UNJOURNALED_TABLES,
    ChangeLog,
    EntityKind,
    Operation,
    OperationKind,
    OperationRow,
    OperationState,
    kind_of_table,
    load_all,
    utcnow,
)
from . import audit, bulk, server

#: Operations kept for undo; older ones are pruned as new ones are recorded.
HISTORY_LIMIT = 500
#: Pruning runs with every this many operations (so the file holds at most this many more).
_PRUNE_EVERY = 20

_JOURNAL = bulk.JOURNAL
_SYSTEM_FIELDS = frozenset({"id", "created_at", "updated_at", "version"})
_LABEL_FIELDS = bulk.LABEL_FIELDS
#: Tables whose rows are details of another record and get no change-log row of their own.
_UNLOGGED_TABLES = frozenset({"document_revision", "evidence_blob"})
#: Text longer than this is logged by its length, not copied into the change log.
_LONG_TEXT = 300
#: Operations touching more records log creations and deletions without their values.
_DETAILED_LOG_LIMIT = 5_000
_OP = Operation.__table__  # type: ignore[attr-defined]
_ROWS = OperationRow.__table__  # type: ignore[attr-defined]
_LOG = ChangeLog.__table__  # type: ignore[attr-defined]


@dataclass
class PendingOperation:
    """What the caller knows of a write before it commits (label, actor, what it is)."""

    label: str | None = None
    actor: str = ""
    kind: OperationKind = OperationKind.DO
    target_id: int | None = None


@dataclass(frozen=True)
class OperationResult:
    """A committed operation: its id, label and the entity kinds it touched."""

    id: int
    label: str
    kind: str
    kinds: frozenset[EntityKind] = field(default_factory=frozenset)
    row_count: int = 0


@functools.cache
def _tables() -> Mapping[str, Table]:
    """Every table of the workspace by name (the entity classes are built on first use)."""
    load_all()
    return SQLModel.metadata.tables


def all_tables() -> tuple[Table, ...]:
    """Every table of the workspace, the history's own included."""
    return tuple(_tables().values())


@functools.cache
def journaled_tables() -> tuple[Table, ...]:
    _tables()
    return tuple(t for t in SQLModel.metadata.sorted_tables if t.name not in UNJOURNALED_TABLES)


@functools.cache
def _width() -> int:
    return max(len(t.columns) for t in journaled_tables())


# -- the per-connection journal --------------------------------------------------------------


def install_journal(dbapi_connection: Any) -> None:
    """Create the temporary journal and its triggers on one SQLite connection (idempotent)."""
    cursor = dbapi_connection.cursor()
    try:
        exists = cursor.execute(
            "SELECT 1 FROM sqlite_temp_master WHERE type = 'table' AND name = ?", (_JOURNAL,)
        ).fetchone()
        if exists:
            return
        width = _width()
        slots = ", ".join(f"c{i}" for i in range(width))
        statements = [
            f"CREATE TEMP TABLE {_JOURNAL} (seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, "
            f"action TEXT NOT NULL, {slots})"
        ]
        for table in journaled_tables():
            statements.extend(bulk.trigger_sql(table, action) for action in "IUD")
        for statement in statements:
            cursor.execute(statement)
    finally:
        cursor.close()


_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLAC")
_ACTIVE = "aipm_operation"


def _refuse_stray_writes(
    conn: Connection, _cursor: Any, statement: str, *_args: Any, **_kw: Any
) -> None:
    if conn.info.get(_ACTIVE):
        return
    head = statement.lstrip()[:6].upper()
    if head in _WRITE_VERBS:
        raise RuntimeError(
            "a write outside an operation (use ws.write() / ws.operation()): "
            + statement.split("\n", 1)[0][:120]
        )


def guard_writes(engine: Any) -> None:
    """Make ``engine`` refuse any INSERT/UPDATE/DELETE not made inside an operation."""
    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", _refuse_stray_writes)


def begin(conn: Connection) -> None:
    """Start journaling a write on ``conn`` (inside its transaction)."""
    conn.info[_ACTIVE] = True
    if server.is_server(conn):
        server.begin(conn)
        return
    install_journal(conn.connection.driver_connection)
    # A DML statement opens the transaction, so the pragma below applies to it alone.
    conn.exec_driver_sql(f"DELETE FROM temp.{_JOURNAL}")


# -- recording ---------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"$bytes"}:
        return base64.b64decode(value["$bytes"])
    return value


def fingerprint(row: Mapping[str, Any], *, content: bool = False) -> str:
    """A short digest of a record's stored values (to tell whether it changed since);
    with ``content``, of all but its version."""
    items = sorted(i for i in row.items() if not (content and i[0] == "version"))
    return hashlib.blake2b(repr(items).encode("utf-8"), digest_size=12).hexdigest()


def _digests(row: Mapping[str, Any]) -> dict[str, str]:
    """What a history row keeps of a record as its operation left it: ``#`` the
    fingerprint, ``~`` that of its content (all but the version)."""
    return {"#": fingerprint(row), "~": fingerprint(row, content=True)}


def _same_as_left(conn: Connection, op_id: int, tbl: str, pk: str, now: Any, after: Any) -> bool:
    """Whether the row ``now`` (None: gone) is as operation ``op_id`` left it (``after``).
    An undo puts a row back at a new version (versions only grow): a row differing only
    in its version is as left when every later operation that changed it was undone."""
    if after is None or now is None:
        return after is None and now is None
    if fingerprint(now) == after.get("#"):
        return True
    if fingerprint(now, content=True) != after.get("~"):
        return False
    key = _pk_values(pk)
    return not bulk.changed_later(conn, op_id, tbl, lambda found: found == key)


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def _stamp(moment: dt.datetime) -> str:
    """A timestamp as SQLAlchemy stores DateTime in SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def pk_text(table: Table, row: Mapping[str, Any]) -> str:
    """A record's primary key as canonical JSON (how history rows name a record)."""
    key = row.get("id")
    if type(key) is int and _single_id(table):
        return f'{{"id":{key}}}'
    return json.dumps(
        {c.name: row[c.name] for c in table.primary_key.columns},
        sort_keys=True,
        separators=(",", ":"),
    )


_SINGLE_ID: dict[str, bool] = {}


def _single_id(table: Table) -> bool:
    known = _SINGLE_ID.get(table.name)
    if known is None:
        known = [c.name for c in table.primary_key.columns] == ["id"]
        _SINGLE_ID[table.name] = known
    return known


def _pk_values(pk: str) -> dict[str, Any]:
    if pk.startswith('{"id":'):
        return {"id": int(pk[6:-1])}
    return dict(json.loads(pk))


def label_of(row: Mapping[str, Any] | None) -> str:
    if not row:
        return ""
    for key in _LABEL_FIELDS:
        value = row.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:300]
    return f"#{row.get('id', '')}"


def _read_journal(conn: Connection) -> list[tuple[int, str, str, dict[str, Any]]]:
    tables = _tables()
    if server.is_server(conn):
        return [
            (seq, tbl, action, server.image(tables[tbl], found))
            for seq, tbl, action, found in server.read_journal(conn)
        ]
    width = _width()
    slots = ", ".join(f"c{i}" for i in range(width))
    out: list[tuple[int, str, str, dict[str, Any]]] = []
    for seq, tbl, action, *values in conn.exec_driver_sql(
        f"SELECT seq, tbl, action, {slots} FROM temp.{_JOURNAL} ORDER BY seq"
    ):
        if action in bulk.RANGE_ACTIONS:  # a range: first and last id (and erased rows)
            key = bulk.range_key(values[0], values[1])
            out.append((seq, tbl, action, {"action": action, "key": key, "rows": values[2]}))
            continue
        names = [c.name for c in tables[tbl].columns]
        out.append((seq, tbl, action, dict(zip(names, values, strict=False))))
    return out


def _current_rows(conn: Connection, table: Table, pks: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Today's raw rows of ``table`` for canonical primary keys ``pks``."""
    keys = [_pk_values(pk) for pk in pks]
    if server.is_server(conn):
        return {pk_text(table, row): row for row in server.current_images(conn, table, keys)}
    names = [c.name for c in table.columns]
    pk_cols = [c.name for c in table.primary_key.columns]
    found: dict[str, dict[str, Any]] = {}
    select_list = ", ".join(f'"{n}"' for n in names)
    if len(pk_cols) == 1:
        col = pk_cols[0]
        for start in range(0, len(keys), 500):
            chunk = [k[col] for k in keys[start : start + 500]]
            marks = ", ".join("?" for _ in chunk)
            sql = f'SELECT {select_list} FROM "{table.name}" WHERE "{col}" IN ({marks})'
            for values in conn.exec_driver_sql(sql, tuple(chunk)):
                row = dict(zip(names, values, strict=True))
                found[pk_text(table, row)] = row
    else:
        where = " AND ".join(f'"{c}" = ?' for c in pk_cols)
        sql = f'SELECT {select_list} FROM "{table.name}" WHERE {where}'
        for key in keys:
            match = conn.exec_driver_sql(sql, tuple(key[c] for c in pk_cols)).first()
            if match is not None:
                row = dict(zip(names, match, strict=True))
                found[pk_text(table, row)] = row
    return found


def _derive_label(
    first: dict[tuple[str, str], tuple[str, dict[str, Any] | None]],
    after: dict[tuple[str, str], dict[str, Any] | None],
    ranges: Iterable[tuple[str, dict[str, Any]]] = (),
) -> str:
    """A label for an operation nobody named: 'edit use case 'X'', 'add 12 risks'…"""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    sample: dict[tuple[str, str], str] = {}
    for tbl, image in ranges:
        verb = "add" if image["action"] == bulk.BULK_INSERT else "delete"
        counts[(tbl, verb)] += bulk.range_size(image["key"])
        sample.setdefault((tbl, verb), "")
    for (tbl, pk), (action, before) in first.items():
        now = after.get((tbl, pk))
        verb = {"I": "add", "D": "delete"}.get(action, "edit")
        if action == "I" and now is None:
            continue
        counts[(tbl, verb)] += 1
        sample.setdefault((tbl, verb), label_of(now or before))
    if not counts:
        return "change"
    (tbl, verb), n = next(iter(counts.items()))
    noun = kind_of_table(tbl).value.replace("_", " ")
    if n == 1:
        name = sample[(tbl, verb)]
        text = f"{verb} {noun}" + (f" '{name}'" if name and not name.startswith("#") else "")
    else:
        text = f"{verb} {n} {noun}s"
    if len(counts) > 1:
        text += " and related records"
    return text[:300]


def _change_log_rows(
    first: dict[tuple[str, str], tuple[str, dict[str, Any] | None]],
    after: dict[tuple[str, str], dict[str, Any] | None],
    *,
    actor: str,
    now: dt.datetime,
    restore_ids: set[tuple[str, str]],
    fallback: str,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    # A bulk operation logs which records it touched, not every value of each.
    detailed = len(first) <= _DETAILED_LOG_LIMIT
    for (tbl, pk), (action, before) in first.items():
        if tbl in _UNLOGGED_TABLES:
            continue
        now_row = after.get((tbl, pk))
        source = now_row if now_row is not None else before
        if source is None:
            continue
        if action == "I" and now_row is None:
            continue  # created and removed within one operation
        if action == "I" or before is None:
            kind = "restore" if (tbl, pk) in restore_ids else "create"
            diff = (
                {k: [None, v] for k, v in now_row.items() if k not in _SYSTEM_FIELDS}
                if now_row and kind == "create" and detailed
                else {}
            )
        elif now_row is None:
            kind = "delete"
            diff = (
                {k: [v, None] for k, v in before.items() if k not in _SYSTEM_FIELDS}
                if detailed
                else {}
            )
        else:
            kind = "update"
            diff = {
                k: [before.get(k), v]
                for k, v in now_row.items()
                if k not in _SYSTEM_FIELDS and before.get(k) != v
            }
            if not diff:
                continue
        rows.append(
            {
                "at": now,
                "who": actor,
                "entity": kind_of_table(tbl).value,
                # A link row (no id of its own) is logged under its first key column.
                "entity_id": int(
                    source["id"] if "id" in source else next(iter(json.loads(pk).values()))
                ),
                "action": kind,
                "label": _row_label(source, fallback),
                "changes": {k: [_jsonable(a), _jsonable(b)] for k, (a, b) in diff.items()},
            }
        )
    return rows


def _row_label(row: Mapping[str, Any], fallback: str) -> str:
    text = label_of(row)
    return fallback if text.startswith("#") and fallback else text


def _jsonable(value: Any) -> Any:
    kind = type(value)
    if kind is int or kind is float or value is None:
        return value
    if kind is str:
        if len(value) > _LONG_TEXT:
            return f"{len(value):,} characters"
        if value[:1] in ("[", "{"):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(bytes(value))} bytes>"
    return value


def finish(
    conn: Connection, pending: PendingOperation, *, force: bool = False
) -> OperationResult | None:
    """Record the journaled write on ``conn`` as one operation (same transaction).

    Returns ``None`` when the write touched no row (unless ``force``: undo and redo are
    recorded even when there was nothing left to change).
    """
    entries = _read_journal(conn)
    if server.is_server(conn):
        server.clear_journal(conn)
        server.sync_sequences(conn, {_tables()[e[1]] for e in entries if e[2] == "I"})
    else:
        conn.exec_driver_sql(f"DELETE FROM temp.{_JOURNAL}")
    if not entries and not force:
        return None
    return _record(conn, pending, entries)


def end(conn: Connection) -> None:
    """The operation on ``conn`` is over (committed or rolled back)."""
    conn.info.pop(_ACTIVE, None)


def _record(
    conn: Connection,
    pending: PendingOperation,
    entries: list[tuple[int, str, str, dict[str, Any]]],
) -> OperationResult:
    tables = _tables()
    first: dict[tuple[str, str], tuple[str, dict[str, Any] | None]] = {}
    history_rows: list[dict[str, Any]] = []
    ranges: list[tuple[str, dict[str, Any]]] = []
    for index, (_seq, tbl, action, image) in enumerate(entries):
        table = tables[tbl]
        if action in bulk.RANGE_ACTIONS:
            ranges.append((tbl, image))
            history_rows.append(bulk.history_row(conn, table, index, image))
            continue
        pk = pk_text(table, image)
        before = None if action == "I" else {k: _encode(v) for k, v in image.items()}
        head = (tbl, pk) not in first
        first.setdefault((tbl, pk), (action, before))
        history_rows.append(
            {
                "seq": index,
                "tbl": tbl,
                "action": action,
                "pk": pk,
                "before": before,
                "head": head,
                "after": None,
            }
        )
    by_table: dict[str, list[str]] = defaultdict(list)
    for tbl, pk in first:
        by_table[tbl].append(pk)
    after: dict[tuple[str, str], dict[str, Any] | None] = {}
    for tbl, pks in by_table.items():
        current = _current_rows(conn, tables[tbl], pks)
        for pk in pks:
            after[(tbl, pk)] = current.get(pk)
    for row in history_rows:
        if row["head"] and not row.get("raw"):  # a range has its digest already
            now_row = after[(row["tbl"], row["pk"])]
            row["after"] = None if now_row is None else _digests(now_row)
    kinds = frozenset(kind_of_table(tbl) for tbl in [*by_table, *(t for t, _i in ranges)])
    label = (pending.label or _derive_label(first, after, ranges))[:300]
    row_count = len(history_rows) + sum(bulk.range_size(i["key"]) - 1 for _t, i in ranges)
    now = utcnow()
    returning = " RETURNING id" if server.is_server(conn) else ""
    cursor = server.execute(
        conn,
        "INSERT INTO operation (at, actor, label, kind, target_id, state, kinds, row_count) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)" + returning,
        (
            _stamp(now),
            pending.actor,
            label,
            pending.kind.value,
            pending.target_id,
            OperationState.ACTIVE.value,
            json.dumps(sorted(k.value for k in kinds)),
            row_count,
        ),
    )
    op_id = int(cursor.fetchone()[0] if returning else cursor.lastrowid)
    server.executemany(
        conn,
        "INSERT INTO operation_row (op_id, seq, tbl, action, pk, before, head, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                op_id,
                r["seq"],
                r["tbl"],
                r["action"],
                r["pk"],
                r["before"] if r.get("raw") else _dumps(r["before"]),
                bool(r["head"]),
                _dumps(r["after"]),
            )
            for r in history_rows
        ],
    )
    restore_ids = (
        {key for key, (action, _b) in first.items() if action == "I"}
        if pending.kind is not OperationKind.DO
        else set()
    )
    log_rows = _change_log_rows(
        first, after, actor=pending.actor, now=now, restore_ids=restore_ids, fallback=label
    )
    if log_rows:
        server.executemany(
            conn,
            "INSERT INTO change_log (at, who, entity, entity_id, action, label, changes) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    _stamp(r["at"]),
                    r["who"],
                    r["entity"],
                    r["entity_id"],
                    r["action"],
                    r["label"],
                    _dumps(r["changes"]),
                )
                for r in log_rows
            ],
        )
    restoring = pending.kind is not OperationKind.DO
    for tbl, image in ranges:
        bulk.log_range(conn, tables[tbl], image, _stamp(now), pending.actor, restoring, label)
    audit.seal(conn, op_id)  # chain this operation's change-log rows (store/audit.py)
    if pending.kind is OperationKind.DO:
        conn.execute(
            update(_OP)
            .where(_OP.c.kind == OperationKind.UNDO.value, _OP.c.state == "active")
            .values(state=OperationState.CLOSED.value)
        )
    if op_id % _PRUNE_EVERY == 0:
        _prune(conn, op_id)
    return OperationResult(
        id=op_id, label=label, kind=pending.kind.value, kinds=kinds, row_count=row_count
    )


def _prune(conn: Connection, newest: int) -> None:
    keep_from = conn.execute(
        select(_OP.c.id).order_by(_OP.c.id.desc()).offset(HISTORY_LIMIT - 1).limit(1)
    ).scalar()
    if keep_from is None:
        return
    old = select(_OP.c.id).where(_OP.c.id < keep_from)
    conn.execute(delete(_ROWS).where(_ROWS.c.op_id.in_(old)))
    conn.execute(delete(_OP).where(_OP.c.id < keep_from))


# -- undo and redo -----------------------------------------------------------------------------


def _get(conn: Connection, op_id: int) -> RowMapping:
    row = conn.execute(select(_OP).where(_OP.c.id == op_id)).mappings().first()
    if row is None:
        raise NotFoundError(
            f"Operation {op_id} is not in the history (it may be older than the last "
            f"{HISTORY_LIMIT} operations)."
        )
    return row


def _check_unchanged(conn: Connection, op_id: int, verb: str) -> None:
    """Refuse when a record ``op_id`` touched is no longer as the operation left it."""
    tables = _tables()
    heads = conn.execute(
        select(_ROWS.c.tbl, _ROWS.c.pk, _ROWS.c.after, _ROWS.c.action).where(
            _ROWS.c.op_id == op_id, _ROWS.c.head.is_(True)
        )
    ).all()
    by_table: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for tbl, pk, after, action in heads:
        if action in bulk.RANGE_ACTIONS:
            bulk.check_range(conn, tables.get(tbl), pk, after, verb, op_id)
            continue
        by_table[tbl].append((pk, after))
    for tbl, items in by_table.items():
        table = tables.get(tbl)
        if table is None:
            continue
        current = _current_rows(conn, table, [pk for pk, _a in items])
        for pk, after in items:
            now = current.get(pk)
            if not _same_as_left(conn, op_id, tbl, pk, now, after):
                from .refusals import changed_since

                raise ConflictError(changed_since(conn, op_id, verb, tbl, pk, now))


def _chosen(
    conn: Connection, op_id: int | None, verb: str, *kinds: OperationKind
) -> tuple[int, RowMapping]:
    """``op_id`` (default: the newest active operation of one of ``kinds``) and its row."""
    if op_id is None:
        op_id = conn.execute(
            select(_OP.c.id)
            .where(
                _OP.c.kind.in_([k.value for k in kinds]), _OP.c.state == OperationState.ACTIVE.value
            )
            .order_by(_OP.c.id.desc())
            .limit(1)
        ).scalar()
        if op_id is None:
            raise UserError(f"Nothing to {verb}.")
    return op_id, _get(conn, op_id)


def prepare_undo(conn: Connection, op_id: int | None) -> tuple[int, PendingOperation]:
    """Check that ``op_id`` (default: the latest) can be undone; the pending undo."""
    op_id, op = _chosen(conn, op_id, "undo", OperationKind.DO, OperationKind.REDO)
    if op["kind"] == OperationKind.UNDO.value:
        raise UserError(f"Operation #{op_id} is an undo; redo it instead.")
    if op["state"] != OperationState.ACTIVE.value:
        raise UserError(f"'{op['label']}' (#{op_id}) is already undone.")
    _check_unchanged(conn, op_id, "undo")
    label = op["label"] if op["kind"] == OperationKind.DO.value else _base_label(conn, op)
    return op_id, PendingOperation(
        label=f"undo {label}"[:300], kind=OperationKind.UNDO, target_id=op_id
    )


def prepare_redo(conn: Connection, undo_id: int | None) -> tuple[int, PendingOperation]:
    """Check that the undo ``undo_id`` (default: the latest) can be redone."""
    undo_id, op = _chosen(conn, undo_id, "redo", OperationKind.UNDO)
    if op["kind"] != OperationKind.UNDO.value:
        raise UserError(f"Operation #{undo_id} is not an undo; there is nothing to redo.")
    if op["state"] == OperationState.CLOSED.value:
        raise ConflictError(
            f"Cannot redo '{op['label']}': newer changes were made after it was undone."
        )
    if op["state"] != OperationState.ACTIVE.value:
        raise UserError(f"'{op['label']}' (#{undo_id}) was already redone.")
    _check_unchanged(conn, undo_id, "redo")
    label = str(op["label"]).removeprefix("undo ")
    return undo_id, PendingOperation(
        label=f"redo {label}"[:300], kind=OperationKind.REDO, target_id=undo_id
    )


def _base_label(conn: Connection, op: RowMapping) -> str:
    return str(op["label"]).removeprefix("redo ")


#: How undo and redo set a row's version: past both the version it has now and the one
#: put back, so a version only grows (a form holding an older version cannot see it
#: come back and save over the row).
_SET_GROWN = '"version" = CASE WHEN "version" > ? THEN "version" ELSE ? END + 1'


def apply_inverse(conn: Connection, op_id: int) -> None:
    """Put back the before-images of ``op_id`` in reverse order (inside a journaled write).

    Every value comes back but the version, which moves past both the current one and
    the one put back (versions only grow: see :data:`_SET_GROWN`). Consecutive entries
    of the same table, action and columns run as one batch.
    """
    tables = _tables()
    if server.is_server(conn):
        server.defer_constraints(conn)
    else:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    rows = conn.exec_driver_sql(
        server.params(
            conn,
            "SELECT tbl, action, pk, before FROM operation_row WHERE op_id = ? ORDER BY seq DESC",
        ),
        (op_id,),
    ).all()
    batch_sql: str | None = None
    batch: list[tuple[Any, ...]] = []

    def flush() -> None:
        nonlocal batch
        if batch_sql is not None and batch:
            server.executemany(conn, batch_sql, batch)
        batch = []

    try:
        for tbl, action, pk, before_text in rows:
            table = tables.get(tbl)
            if table is None:
                continue
            if action in bulk.RANGE_ACTIONS:
                flush()
                batch_sql = None
                bulk.reverse(conn, table, action, pk, before_text)
                continue
            key = _pk_values(pk)
            where = " AND ".join(f'"{c}" = ?' for c in key)
            params = tuple(key.values())
            if action == "I":
                sql, values = f'DELETE FROM "{tbl}" WHERE {where}', params
            else:
                before = _loaded(before_text)
                image = {k: _decode(v) for k, v in before.items() if k in table.columns}
                if action == "U":
                    sets = ", ".join(_SET_GROWN if k == "version" else f'"{k}" = ?' for k in image)
                    sql = f'UPDATE "{tbl}" SET {sets} WHERE {where}'
                    grown = [x for k, v in image.items() for x in ((v,) * (1 + (k == "version")))]
                    values = (*grown, *params)  # the version's twice: see _SET_GROWN
                else:
                    if isinstance(image.get("version"), int):
                        image["version"] += 1  # back, but never at a version it had
                    cols = ", ".join(f'"{k}"' for k in image)
                    marks = ", ".join("?" for _ in image)
                    sql = f'INSERT INTO "{tbl}" ({cols}) VALUES ({marks})'
                    values = tuple(image.values())
            if sql != batch_sql:
                flush()
                batch_sql = sql
            batch.append(values)
        flush()
    except Exception as error:
        if "constraint" in str(error).lower():
            raise ConflictError(
                "Cannot restore the records as they were: newer changes conflict with "
                f"them ({error}). Nothing was changed."
            ) from error
        raise


def _loaded(stored: Any) -> dict[str, Any]:
    """A before-image as the history column returns it (text on SQLite, parsed on PG)."""
    if not stored:
        return {}
    return dict(stored) if isinstance(stored, dict) else dict(json.loads(stored))


def mark_reversed(conn: Connection, target_id: int, kind: OperationKind) -> None:
    """After an undo (redo) of ``target_id`` committed: mark it undone (redone)."""
    state = OperationState.UNDONE if kind is OperationKind.UNDO else OperationState.REDONE
    conn.execute(update(_OP).where(_OP.c.id == target_id).values(state=state.value))


def entries(conn: Connection, *, limit: int = 50) -> list[dict[str, Any]]:
    """The newest operations first, as plain values (for ``aipm history``)."""
    rows = conn.execute(select(_OP).order_by(_OP.c.id.desc()).limit(limit)).mappings().all()
    out = []
    for row in rows:
        at = row["at"]
        out.append(
            {
                "id": row["id"],
                "at": at.isoformat(timespec="seconds") if isinstance(at, dt.datetime) else at,
                "actor": row["actor"],
                "label": row["label"],
                "kind": row["kind"],
                "target_id": row["target_id"],
                "state": row["state"],
                "kinds": list(row["kinds"] or []),
                "rows": row["row_count"],
            }
        )
    return out
