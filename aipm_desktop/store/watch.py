"""What other windows and processes changed: operations committed by other connections.

Every operation writes its before-images to ``operation_row`` (see :mod:`.history`), so
the newest ``operation_row`` id moves on with every commit, on a file or on a server,
whoever made it. :class:`Watch` keeps the last id it has seen: :meth:`Watch.anything_new`
is one ``SELECT max(id)`` (an index lookup), and :meth:`Watch.poll` reads the rows after
it, grouped by operation, leaving out the operations this workspace object recorded
itself. Each comes back as an :class:`ExternalOperation` with the entity kinds and record
ids it touched, for the views to refresh.

``operation_row`` rather than ``operation``: merging two edits into one undo step (typing
in one field) deletes the second operation, whose id a new one may then reuse, but moves
its rows to the first, so their ids stay as they were.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Mapping

from sqlalchemy import Connection, exc, func, select

from ..models import EntityKind, Operation, OperationRow, kind_of_table
from .bulk import RANGE_ACTIONS
from .workspace import Workspace

_OP = Operation.__table__  # type: ignore[attr-defined]
_ROWS = OperationRow.__table__  # type: ignore[attr-defined]
#: How often (s) the GUI asks an open workspace whether another connection committed.
POLL_INTERVAL_S = 0.5


@dataclasses.dataclass(frozen=True)
class ExternalOperation:
    """An operation another connection committed: its id, label, actor, kind (do, undo,
    redo), the entity kinds it touched and, per kind, the ids of the records it touched
    (a bulk range or a record without an id of its own adds its kind alone), and per kind
    what was done: "create", "delete" or "update" (some of each: "update")."""

    id: int
    label: str
    actor: str
    kind: str
    kinds: frozenset[EntityKind]
    ids: Mapping[EntityKind, tuple[int, ...]]
    actions: Mapping[EntityKind, str] = dataclasses.field(default_factory=dict)


_ACTIONS = {frozenset({"I"}): "create", frozenset({"D"}): "delete"}


def latest_row_id(conn: Connection) -> int:
    """The newest ``operation_row`` id (0 in a workspace that has none)."""
    return int(conn.execute(select(func.coalesce(func.max(_ROWS.c.id), 0))).scalar() or 0)


def _record_id(pk: str) -> int | None:
    try:
        key = json.loads(pk)
    except ValueError:
        return None
    value = key.get("id") if isinstance(key, dict) else None
    return value if type(value) is int else None


def operations_after(
    conn: Connection, row_id: int, own: frozenset[int] = frozenset()
) -> tuple[list[ExternalOperation], int]:
    """The operations whose journal rows come after ``row_id`` (oldest first), leaving out
    the ids in ``own``; and the newest row id read (``row_id`` when none)."""
    rows = conn.execute(
        select(_ROWS.c.id, _ROWS.c.op_id, _ROWS.c.tbl, _ROWS.c.pk, _ROWS.c.action)
        .where(_ROWS.c.id > row_id)
        .order_by(_ROWS.c.id)
    ).all()
    if not rows:
        return [], row_id
    newest = max(r.id for r in rows)
    touched: dict[int, dict[EntityKind, set[int]]] = defaultdict(lambda: defaultdict(set))
    done: dict[int, dict[EntityKind, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in rows:
        if r.op_id in own:
            continue
        kind = kind_of_table(r.tbl)
        ids = touched[r.op_id][kind]
        done[r.op_id][kind].add(str(r.action))
        record = None if r.action in RANGE_ACTIONS else _record_id(r.pk)
        if record is not None:
            ids.add(record)
    if not touched:
        return [], newest
    ops = conn.execute(
        select(_OP.c.id, _OP.c.label, _OP.c.actor, _OP.c.kind).where(_OP.c.id.in_(touched))
    ).all()
    found = {op.id: op for op in ops}
    out: list[ExternalOperation] = []
    for op_id in sorted(touched):
        op = found.get(op_id)
        kinds = touched[op_id]
        out.append(
            ExternalOperation(
                id=op_id,
                label=str(op.label) if op is not None else "",
                actor=str(op.actor) if op is not None else "",
                kind=str(op.kind) if op is not None else "do",
                kinds=frozenset(kinds),
                ids={k: tuple(sorted(v)) for k, v in kinds.items()},
                actions={k: _ACTIONS.get(frozenset(v), "update") for k, v in done[op_id].items()},
            )
        )
    return out, newest


class Watch:
    """The operations other connections commit to ``ws`` after this watch started."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        with ws.engine.connect() as conn:
            self.mark = latest_row_id(conn)

    def anything_new(self) -> bool:
        """True when some operation (anyone's) committed since the last poll. Cheap."""
        with self.ws.engine.connect() as conn:
            return latest_row_id(conn) > self.mark

    def poll(self) -> list[ExternalOperation]:
        """The operations other connections committed since the last poll, oldest first
        (this workspace object's own are left out); moves the mark past them."""
        if not self.anything_new():
            return []
        own = frozenset(op.id for op in self.ws.operations_since(0))
        with self.ws.engine.connect() as conn:
            found, self.mark = operations_after(conn, self.mark, own)
        return found


def is_connection_error(error: BaseException) -> bool:
    """True when ``error`` says the workspace cannot be reached (server down, connection
    dropped, the file's storage gone), not that a statement or the data is wrong."""
    if isinstance(error, exc.DisconnectionError):
        return True
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, exc.OperationalError):
        text = str(error.orig if error.orig is not None else error).lower()
        return not any(word in text for word in _NOT_CONNECTION)
    return False


#: Operational errors that are about the statement or a lock, not about the connection.
_NOT_CONNECTION = ("no such ", "syntax error", "database is locked", "database is busy")


def writing(ws: Workspace) -> bool:
    """True while another thread of this process writes to ``ws`` (a poll waits)."""
    lock = ws._writer
    if lock.acquire(blocking=False):
        lock.release()
        return False
    return True
