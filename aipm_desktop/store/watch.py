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
its rows to the first, so their ids stay as they were. On a server the ids come from a
sequence; every operation takes the server's writer lock before it draws one
(:func:`.server.claim_writer`), so they commit in id order and a poll never passes over
one still to commit.

Waking up: on a server, :func:`listen` starts a :class:`CommitListener`, a thread with a
connection of its own that waits for the server's ``NOTIFY`` of each committed operation
and calls back at once, so a poll can run then rather than on the next tick. On a file
there is nothing to listen to (``listen`` gives None) and polling alone serves.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import threading
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection, exc, func, select

from ..locations import ServerLocation
from ..models import EntityKind, Operation, OperationRow, kind_of_table
from . import server
from .bulk import RANGE_ACTIONS
from .workspace import Workspace

_OP = Operation.__table__  # type: ignore[attr-defined]
_ROWS = OperationRow.__table__  # type: ignore[attr-defined]
#: How often (s) the GUI asks an open workspace whether another connection committed.
POLL_INTERVAL_S = 0.5
#: How often (s) the GUI still polls while a :class:`CommitListener` wakes it (a fallback).
LISTENING_POLL_INTERVAL_S = 5.0
#: How long (s) a :class:`CommitListener` waits for a notification before it checks
#: whether it was stopped (what stopping it may take).
LISTEN_WAIT_S = 0.2


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
_NOT_CONNECTION = (
    "no such ",
    "syntax error",
    "database is locked",
    "database is busy",
    "lock timeout",
)


def writing(ws: Workspace) -> bool:
    """True while another thread of this process writes to ``ws`` (a poll waits)."""
    lock = ws._writer
    if lock.acquire(blocking=False):
        lock.release()
        return False
    return True


class CommitListener:
    """Calls ``woken(op_id)`` whenever an operation commits on the server of ``location``
    (anyone's, this process's included), from a thread of its own with its own
    connection (see the module docstring). When that connection cannot be made or drops,
    it calls ``failed(error)`` once and ends; it never raises. :meth:`stop` ends it."""

    def __init__(
        self,
        location: ServerLocation,
        woken: Callable[[int], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        self.location = location
        self._woken = woken
        self._failed = failed
        self._stopped = threading.Event()
        #: Set once its connection listens (a commit from then on is told).
        self.listening = threading.Event()
        #: Set once it has ended and closed its connection.
        self.closed = threading.Event()
        #: Held while a callback runs, so ``stop`` waits for one under way.
        self._calling = threading.RLock()
        self._thread = threading.Thread(target=self._run, name="aipm-listen", daemon=True)

    def start(self) -> CommitListener:
        self._thread.start()
        return self

    @property
    def alive(self) -> bool:
        """Whether it still listens (not stopped, connection not lost)."""
        return self._thread.is_alive() and not self._stopped.is_set()

    def stop(self, *, wait: bool = True) -> None:
        """Stop listening: no callback comes after this returns; the thread closes its
        connection within :data:`LISTEN_WAIT_S` (``wait``: this waits for that)."""
        self._stopped.set()
        with self._calling:
            pass
        if wait and self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=LISTEN_WAIT_S * 5)

    def _call(self, callback: Callable[[Any], None], value: Any) -> None:
        with self._calling:
            if not self._stopped.is_set():
                callback(value)

    def _run(self) -> None:
        try:
            listener = server.listen_changes(self.location, timeout=LISTEN_WAIT_S)
        except Exception as error:
            self._call(self._failed, error)
            self.closed.set()
            return
        self.listening.set()
        try:
            while not self._stopped.is_set():
                for op_id in listener:
                    if self._stopped.is_set():
                        break
                    self._call(self._woken, op_id)
        except Exception as error:
            self._call(self._failed, error)
        finally:
            with contextlib.suppress(Exception):  # a dropped connection may not close cleanly
                listener.close()
            self.closed.set()


def listen(
    ws: Workspace,
    woken: Callable[[int], None],
    failed: Callable[[BaseException], None],
) -> CommitListener | None:
    """A started :class:`CommitListener` on the server of ``ws``; None for a file (there
    polling alone tells what other windows committed)."""
    if not isinstance(ws.path, ServerLocation):
        return None
    return CommitListener(ws.path, woken, failed).start()
