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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, text

#: The "previous hash" of the first entry.
GENESIS = "0" * 64
#: Rows read per batch while verifying.
_BATCH = 20_000
_COLUMNS = "id, op_id, at, who, entity, entity_id, action, label, changes, entry_hash"
_EMPTY = hashlib.sha256(b"{}").hexdigest()


def utc_iso(value: Any) -> str:
    """A stored time as UTC ISO 8601 with microseconds (a naive time is UTC)."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "+00:00"


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _digests(changes: Any) -> tuple[str, str]:
    """SHA-256 of the values before and after, from the entry's ``{field: [old, new]}``."""
    if isinstance(changes, str | bytes):
        if changes in ("{}", b"{}", ""):
            return _EMPTY, _EMPTY
        changes = json.loads(changes)
    if not changes:
        return _EMPTY, _EMPTY
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, pair in dict(changes).items():
        if isinstance(pair, list) and len(pair) == 2:
            before[key], after[key] = pair
        else:
            after[key] = pair
    return (
        hashlib.sha256(_dump(before).encode("utf-8")).hexdigest(),
        hashlib.sha256(_dump(after).encode("utf-8")).hexdigest(),
    )


def canonical(row: Mapping[Any, Any]) -> str:
    """The canonical text of a change-log entry (what its hash covers)."""
    before, after = _digests(row["changes"])
    return _dump(
        {
            "id": int(row["id"]),
            "op": None if row["op_id"] is None else int(row["op_id"]),
            "actor": row["who"] or "",
            "at": utc_iso(row["at"]),
            "entity": row["entity"],
            "entity_id": int(row["entity_id"]),
            "action": row["action"],
            "label": row["label"] or "",
            "before": before,
            "after": after,
        }
    )


def entry_hash(previous: str, row: Mapping[Any, Any]) -> str:
    """The hash of ``row`` chained on ``previous``."""
    return hashlib.sha256(f"{previous}\n{canonical(row)}".encode()).hexdigest()


def _head(conn: Connection) -> tuple[int, str]:
    """The id and hash of the newest sealed entry ((0, GENESIS) when there is none)."""
    found = conn.execute(
        text(
            "SELECT id, entry_hash FROM change_log WHERE entry_hash IS NOT NULL "
            "ORDER BY id DESC LIMIT 1"
        )
    ).first()
    return (0, GENESIS) if found is None else (int(found[0]), str(found[1]))


def seal(conn: Connection, op_id: int | None = None) -> int:
    """Chain the unsealed entries after the newest sealed one; returns how many.

    With ``op_id``: only those stamped with that operation's time (its own rows, which
    then also record the operation's id); without: every unsealed entry (a new file).
    """
    last_id, previous = _head(conn)
    sql = f"SELECT {_COLUMNS} FROM change_log WHERE id > :last AND entry_hash IS NULL"
    params: dict[str, Any] = {"last": last_id}
    if op_id is not None:
        sql += " AND at = (SELECT at FROM operation WHERE id = :op)"
        params["op"] = op_id
    rows = conn.execute(text(sql + " ORDER BY id"), params).mappings().all()
    sealed = []
    for row in rows:
        values = dict(row)
        if op_id is not None:
            values["op_id"] = op_id
        previous = entry_hash(previous, values)
        sealed.append({"id": values["id"], "op": values["op_id"], "hash": previous})
    if sealed:
        conn.execute(
            text("UPDATE change_log SET entry_hash = :hash, op_id = :op WHERE id = :id"), sealed
        )
    return len(sealed)


@dataclass(frozen=True)
class Broken:
    """The first entry that does not match the chain, and what it claims."""

    id: int
    at: str
    who: str
    entity: str
    entity_id: int
    action: str
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


def _rows(conn: Connection) -> Iterator[RowMapping]:
    last = 0
    while True:
        batch = (
            conn.execute(
                text(f"SELECT {_COLUMNS} FROM change_log WHERE id > :last ORDER BY id LIMIT :n"),
                {"last": last, "n": _BATCH},
            )
            .mappings()
            .all()
        )
        if not batch:
            return
        yield from batch
        last = int(batch[-1]["id"])


def _broken(row: Mapping[Any, Any], reason: str) -> Broken:
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
        stored = row["entry_hash"]
        if stored is None:
            reason = "it is not sealed (added outside the app)"
            return ChainReport(count, previous, _broken(row, reason))
        try:
            expected = entry_hash(previous, row)
        except (TypeError, ValueError) as error:
            return ChainReport(count, previous, _broken(row, f"it cannot be read ({error})"))
        if expected != stored:
            row_id = int(row["id"])
            if row_id > previous_id + 1:
                gap = f"{previous_id + 1}" if row_id == previous_id + 2 else ""
                gap = gap or f"{previous_id + 1}-{row_id - 1}"
                reason = f"the entries before it ({gap}) were removed, or it was changed"
            else:
                reason = "it was changed since it was recorded (its hash does not match)"
            return ChainReport(count, previous, _broken(row, reason))
        previous, previous_id = stored, int(row["id"])
    return ChainReport(count, previous)


def chain_hashes(conn: Connection) -> set[str]:
    """Every stored entry hash (to check a head hash recorded earlier is still there)."""
    found = conn.execute(text("SELECT entry_hash FROM change_log WHERE entry_hash IS NOT NULL"))
    return {str(h) for (h,) in found}
