"""The tamper-evident change log: every entry sealed with a hash chained over the one before.

Each ``change_log`` row gets ``entry_hash``, the hex SHA-256 of the previous entry's hash
(:data:`GENESIS` for the first), a newline, and the entry in canonical form
(:func:`canonical`: JSON with sorted keys and no spaces, holding the entry's id, its
operation, actor, time in UTC ISO 8601, entity kind and id, action, label and SHA-256
digests of the values before and after). Changing, removing or inserting an entry with
an SQLite tool breaks the chain at that place, which :func:`verify_chain` finds.

Rows are sealed by :func:`seal` at the end of every operation (the one call in
:func:`.history.finish`), in the same transaction, so ordinary and bulk writes
(:mod:`.bulk` writes its rows with one INSERT ... SELECT) chain alike. An operation
seals only the rows stamped with its own time: a row someone inserted with another tool
since is left unsealed, and verify reports it. A new workspace (reference data, demo,
a JSON restore) is sealed once when it is made (``seal(conn)`` seals every row).

The change log is never pruned (only the undo history is, see ``HISTORY_LIMIT``), so
the chain starts at the first entry of the file. What this does not do: someone who
recomputes the whole chain after editing it is not detected, unless the head hash
(printed by ``aipm audit verify``) was recorded somewhere else and is compared.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from json import scanner as json_scanner
from typing import Any

from sqlalchemy import Connection

#: The "previous hash" of the first entry.
GENESIS = "0" * 64
#: Rows read per batch while verifying.
_BATCH = 20_000
_NAMES = ("id", "op_id", "at", "who", "entity", "entity_id", "action", "label", "changes",
          "entry_hash")  # fmt: skip
_COLUMNS = ", ".join(_NAMES)
_EMPTY = hashlib.sha256(b"{}").hexdigest()


def utc_iso(value: Any) -> str:
    """A stored time as UTC ISO 8601 with microseconds (a naive time is UTC)."""
    if type(value) is str and len(value) == 26 and value[10] == " ":  # as SQLite keeps it
        return f"{value[:10]}T{value[11:]}+00:00"
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "+00:00"


#: A string as JSON (what ``json.dumps(..., ensure_ascii=False)`` writes for it).
_text = json.encoder.encode_basestring
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)
#: ``_ENCODER.encode`` of a dict or list, without the per-call set-up it does: the C
#: encoder it makes each time, made once (same text; no check for circular references,
#: which decoded JSON cannot have). None where the C accelerator is missing.
_MAKE_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_C_ENCODE = (
    None
    if _MAKE_ENCODER is None
    else _MAKE_ENCODER(None, _ENCODER.default, _text, None, ":", ",", True, False, True)
)
#: The C scanner ``json.loads`` ends in (None where the accelerator is missing).
_MAKE_SCANNER = getattr(json_scanner, "c_make_scanner", None)
_C_SCAN = None if _MAKE_SCANNER is None else _MAKE_SCANNER(json.JSONDecoder())


def _encoded(value: Any) -> str:
    return _ENCODER.encode(value) if _C_ENCODE is None else _join(_C_ENCODE(value, 0))


_join, _sha256 = "".join, hashlib.sha256
#: Field names (in the entry's order) -> the digest of those fields all null.
_CREATED: dict[tuple[str, ...], str] = {}


def _loaded(text: str) -> Any:
    """``json.loads(text)``, by the C scanner directly when the whole text is one value
    with no white space around it (a change log's JSON as written); else by ``json``."""
    if _C_SCAN is not None:
        try:
            value, end = _C_SCAN(text, 0)
        except StopIteration:
            pass
        else:
            if end == len(text):
                return value
    return json.loads(text)


def _digest(value: dict[str, Any]) -> str:
    return _sha256(_encoded(value).encode()).hexdigest()


def _digests(changes: Any) -> tuple[str, str]:
    """SHA-256 of the values before and after, from the entry's ``{field: [old, new]}``."""
    if isinstance(changes, str):
        if changes in ("{}", ""):
            return _EMPTY, _EMPTY
        changes = _loaded(changes)
    elif isinstance(changes, bytes):
        changes = json.loads(changes)
    if not changes:
        return _EMPTY, _EMPTY
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    created = True  # every value before is null: a new record's entry
    for key, pair in (changes if type(changes) is dict else dict(changes)).items():
        if isinstance(pair, list) and len(pair) == 2:
            old, after[key] = pair
            before[key] = old
            created = created and old is None
        else:
            after[key] = pair
    if _C_ENCODE is None:
        return _digest(before), _digest(after)
    if created:  # the same fields of a kind give the same "before": hashed once
        fields = tuple(before)
        digest = _CREATED.get(fields)
        if digest is None:
            digest = _sha256(_join(_C_ENCODE(before, 0)).encode()).hexdigest()
            if len(_CREATED) < 1_000:
                _CREATED[fields] = digest
    else:
        digest = _sha256(_join(_C_ENCODE(before, 0)).encode()).hexdigest()
    return digest, _sha256(_join(_C_ENCODE(after, 0)).encode()).hexdigest()


def _canonical(values: Sequence[Any]) -> str:
    """:func:`canonical` of the values in :data:`_NAMES` order, written out directly (the
    same text as the sorted-keys JSON of the entry; a test checks it against a written
    example): building and encoding a dict per entry costs most of a verify."""
    row_id, op_id, at, who, entity, entity_id, action, label, changes = values[:9]
    before, after = _digests(changes)
    op = "null" if op_id is None else int(op_id)
    return (
        f'{{"action":{_text(action)},"actor":{_text(who or "")},"after":"{after}",'
        f'"at":"{utc_iso(at)}","before":"{before}","entity":{_text(entity)},'
        f'"entity_id":{int(entity_id)},"id":{int(row_id)},"label":{_text(label or "")},'
        f'"op":{op}}}'
    )


def canonical(row: Mapping[Any, Any]) -> str:
    """The canonical text of a change-log entry (what its hash covers): JSON with sorted
    keys and no spaces of its id, operation, actor, UTC time, entity kind and id, action,
    label and the SHA-256 of the values before and after."""
    return _canonical([row[name] for name in _NAMES[:9]])


def _chain(previous: str, values: Sequence[Any]) -> str:
    return hashlib.sha256(f"{previous}\n{_canonical(values)}".encode()).hexdigest()


def entry_hash(previous: str, row: Mapping[Any, Any]) -> str:
    """The hash of ``row`` chained on ``previous``."""
    return _chain(previous, [row[name] for name in _NAMES[:9]])


def _mark(conn: Connection) -> str:
    """The driver's parameter mark (``?`` for SQLite, ``%s`` for psycopg)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _head(conn: Connection) -> tuple[int, str]:
    """The id and hash of the newest sealed entry ((0, GENESIS) when there is none)."""
    found = conn.exec_driver_sql(
        "SELECT id, entry_hash FROM change_log WHERE entry_hash IS NOT NULL "
        "ORDER BY id DESC LIMIT 1"
    ).first()
    return (0, GENESIS) if found is None else (int(found[0]), str(found[1]))


def seal(conn: Connection, op_id: int | None = None) -> int:
    """Chain the unsealed entries after the newest sealed one; returns how many.

    With ``op_id``: only those stamped with that operation's time (its own rows, which
    then also record the operation's id); without: every unsealed entry (a new file).
    """
    last_id, previous = _head(conn)
    m = _mark(conn)
    sql = f"SELECT {_COLUMNS} FROM change_log WHERE id > {m} AND entry_hash IS NULL"
    params: tuple[Any, ...] = (last_id,)
    if op_id is not None:
        sql += f" AND at = (SELECT at FROM operation WHERE id = {m})"
        params += (op_id,)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        rows = cursor.execute(sql + " ORDER BY id", params).fetchall()
    finally:
        cursor.close()
    sealed = []
    for row in rows:
        values = list(row)
        if op_id is not None:
            values[1] = op_id
        previous = _chain(previous, values)
        sealed.append((previous, values[1], values[0]))
    if sealed:
        conn.exec_driver_sql(
            f"UPDATE change_log SET entry_hash = {m}, op_id = {m} WHERE id = {m}", sealed
        )
    return len(sealed)


@dataclass(frozen=True)
class Broken:
    """The first entry that does not match the chain, and what it claims."""

    id: int
    at: str
    action: str
    entity: str
    entity_id: int
    who: str
    label: str
    reason: str

    def describe(self) -> str:
        what = f"{self.action} {self.entity.replace('_', ' ')} #{self.entity_id}"
        if self.label:
            what += f" '{self.label}'"
        who = f" by {self.who}" if self.who else ""
        return f"entry {self.id} ({self.at[:19].replace('T', ' ')} UTC{who}: {what}): {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify_chain` found: entries checked, the head hash (the newest
    entry's, to record elsewhere) and the first broken entry (None: the chain holds)."""

    entries: int
    head: str
    broken: Broken | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _rows(conn: Connection) -> Iterator[Sequence[Any]]:
    """Every entry in id order, a batch at a time, as plain tuples from the driver."""
    last, m = 0, _mark(conn)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    sql = f"SELECT {_COLUMNS} FROM change_log WHERE id > {m} ORDER BY id LIMIT {m}"
    try:
        while True:
            cursor.execute(sql, (last, _BATCH))
            batch = cursor.fetchall()
            if not batch:
                return
            yield from batch
            last = int(batch[-1][0])
    finally:
        cursor.close()


def _broken(values: Sequence[Any], reason: str) -> Broken:
    row = dict(zip(_NAMES, values, strict=True))
    try:
        at = utc_iso(row["at"])
    except (TypeError, ValueError):
        at = str(row["at"])
    return Broken(
        id=int(row["id"]),
        at=at,
        who=str(row["who"] or ""),
        entity=str(row["entity"]),
        entity_id=int(row["entity_id"] or 0),
        action=str(row["action"]),
        label=str(row["label"] or ""),
        reason=reason,
    )


def verify_chain(conn: Connection) -> ChainReport:
    """Recompute the chain from the first entry; stop at the first that does not match."""
    previous, previous_id, count = GENESIS, 0, 0
    for row in _rows(conn):
        count += 1
        row_id, stored = int(row[0]), row[9]
        if stored is None:
            reason = "it is not sealed (added outside the app)"
            return ChainReport(count, previous, _broken(row, reason))
        try:
            expected = _chain(previous, row)
        except (TypeError, ValueError) as error:
            return ChainReport(count, previous, _broken(row, f"it cannot be read ({error})"))
        if expected != stored:
            if row_id > previous_id + 1:
                gap = f"{previous_id + 1}" if row_id == previous_id + 2 else ""
                gap = gap or f"{previous_id + 1}-{row_id - 1}"
                reason = f"the entries before it ({gap}) were removed, or it was changed"
            else:
                reason = "it was changed since it was recorded (its hash does not match)"
            return ChainReport(count, previous, _broken(row, reason))
        previous, previous_id = stored, row_id
    return ChainReport(count, previous)


def blob_problems(conn: Connection) -> list[str]:
    """Problems of the stored evidence files: a blob whose bytes no longer hash to its
    key (changed outside the app), or an evidence item whose file is missing; empty when
    every file checks out. The tables are read by name, one blob at a time (``aipm audit
    verify`` needs no model of them)."""
    problems = []
    present = set()
    cursor: Any = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute("SELECT sha256, size_bytes, data FROM evidence_blob ORDER BY sha256")
        for sha, size, data in cursor:
            present.add(sha)
            if len(data) != size or hashlib.sha256(data).hexdigest() != sha:
                problems.append(
                    f"evidence file {sha[:12]}… does not match its SHA-256 (changed outside "
                    "the app)"
                )
        cursor.execute(
            f"SELECT id, title, sha256 FROM evidence_item WHERE kind = {_mark(conn)} ORDER BY id",
            ("file",),
        )
        for item_id, title, sha in cursor.fetchall():
            if sha not in present:
                problems.append(f"evidence item #{item_id} {title!r}: its file is missing")
    finally:
        cursor.close()
    return problems


def chain_hashes(conn: Connection) -> set[str]:
    """Every stored entry hash (to check a head hash recorded earlier is still there)."""
    found = conn.exec_driver_sql("SELECT entry_hash FROM change_log WHERE entry_hash IS NOT NULL")
    return {str(h) for (h,) in found}
