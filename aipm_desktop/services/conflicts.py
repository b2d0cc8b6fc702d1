"""No lost update: an edit writes a record only if it is still the version the user read.

A caller that knows which version of a record the user saw (a form shows version 7 of
use case 12) runs its service call inside :func:`expecting`. Whatever the service writes
through the ORM, the flush checks every record it changes or deletes against the
versions expected: the version stored now is read again (``FOR UPDATE``, so on a server
no other transaction can slip in between; on a file the operation holds the write lock),
and a different one raises a :class:`~aipm_desktop.errors.ConflictError` carrying a
:class:`RecordConflict`. Nothing is written (the operation rolls back). The versions the
edit left are kept on the :class:`Expectation`, so the next edit expects them.

:func:`stored_values`, :func:`reference_labels` and :func:`last_change` give what a
conflict dialog shows: the values stored now (a reference by the name of the record it
points to), and who changed the record when.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import event, select
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session, SQLModel

from ..errors import ConflictError, NotFoundError
from ..models import ChangeLog, Operation, OperationRow, TableMixin, kind_of_table
from ..models.common import table_of
from ..store import Workspace

#: ``(entity kind, record id)``: how an expectation names a record.
Key = tuple[str, int]


@dataclasses.dataclass(frozen=True)
class RecordConflict:
    """Record ``record_id`` of ``kind`` was at ``expected`` when read and is at
    ``current`` now (None: it was deleted)."""

    kind: str
    record_id: int
    expected: int
    current: int | None

    @property
    def noun(self) -> str:
        return self.kind.replace("_", " ")


@dataclasses.dataclass
class Expectation:
    """The versions an edit expects (``versions``) and, once it ran, the versions it left
    (``written``; None for a record it deleted)."""

    versions: dict[Key, int]
    written: dict[Key, int | None] = dataclasses.field(default_factory=dict)


_EXPECTED: contextvars.ContextVar[Expectation | None] = contextvars.ContextVar(
    "aipm_expected_versions", default=None
)


@contextlib.contextmanager
def expecting(versions: Mapping[Key, int]) -> Iterator[Expectation]:
    """Run the writes inside only if the records named are still at these versions."""
    expectation = Expectation(dict(versions))
    token = _EXPECTED.set(expectation)
    try:
        yield expectation
    finally:
        _EXPECTED.reset(token)


def key_of(model: type[SQLModel], record_id: int) -> Key:
    return (kind_of_table(str(model.__tablename__)).value, int(record_id))


def conflict_error(conflict: RecordConflict, label: str = "") -> ConflictError:
    """The error telling the user the record changed (or went) since they read it."""
    name = f" \u201c{label}\u201d" if label else ""
    if conflict.current is None:
        text = f"The {conflict.noun}{name} was deleted elsewhere since you opened it; "
        text += "your change was not saved."
    else:
        text = f"The {conflict.noun}{name} was changed elsewhere since you opened it; "
        text += "nothing was saved."
    return ConflictError(text, conflict=conflict)


def _loaded(obj: Any, name: str) -> Any:
    """The value of attribute ``name`` as loaded, before this edit changed it."""
    history = sa_inspect(obj).attrs[name].history
    before = [*history.deleted, *history.unchanged]
    return before[0] if before else None


def _label(obj: Any) -> str:
    for name in ("title", "name"):
        if name in sa_inspect(obj).attrs:
            value = _loaded(obj, name)
            if isinstance(value, str) and value:
                return value
    return ""


def _check(session: Session, objects: Iterable[Any], deleted: bool) -> None:
    expectation = _EXPECTED.get()
    if expectation is None:
        return
    for obj in objects:
        if not isinstance(obj, TableMixin) or obj.id is None:
            continue
        key = key_of(type(obj), obj.id)
        expected = expectation.versions.get(key)
        if expected is None:
            continue
        if key in expectation.written:  # checked at an earlier flush of this edit
            expectation.written[key] = None if deleted else obj.version
            continue
        table = table_of(type(obj))
        # Read the stored version again: locked on a server, current under the write lock
        # of a file (the ORM's copy may predate another window's commit).
        current = (
            session.connection()
            .execute(select(table.c.version).where(table.c.id == obj.id).with_for_update())
            .scalar()
        )
        loaded = _loaded(obj, "version")
        if current != expected or (loaded is not None and loaded != expected):
            raise conflict_error(RecordConflict(key[0], key[1], expected, current), _label(obj))
        expectation.written[key] = None if deleted else obj.version


def check_current(session: Session, model: type[SQLModel], record_id: int, expected: int) -> None:
    """Refuse (a :class:`~aipm_desktop.errors.ConflictError`) when record ``record_id`` is
    stored at another version than ``expected``, read inside the write ``session`` is part
    of (locked: see the module's docstring). The check an edit makes before it writes
    anything, whether its service writes through the ORM or with SQL statements; a record
    that is gone is left to the service to report."""
    table = table_of(model)
    row = (
        session.connection()
        .execute(select(table).where(table.c.id == record_id).with_for_update())
        .mappings()
        .first()
    )
    if row is None or row["version"] == expected:
        return
    label = next((str(row[n]) for n in ("title", "name") if row.get(n)), "")
    kind = key_of(model, record_id)[0]
    raise conflict_error(RecordConflict(kind, record_id, expected, row["version"]), label)


def version_now(session: Session, model: type[SQLModel], record_id: int) -> int | None:
    """The version of record ``record_id`` inside the write ``session`` is part of, with
    what it wrote so far (None: there is no such record)."""
    session.flush()
    table = table_of(model)
    found = session.connection().execute(select(table.c.version).where(table.c.id == record_id))
    return found.scalar()


@event.listens_for(Session, "before_flush")
def _on_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if _EXPECTED.get() is None:
        return
    _check(session, list(session.dirty), deleted=False)
    _check(session, list(session.deleted), deleted=True)


def stored_values(
    ws: Workspace, model: type[SQLModel], record_id: int, fields: Iterable[str]
) -> tuple[dict[str, Any], int]:
    """The values of ``fields`` stored now for record ``record_id`` and its version; a
    :class:`NotFoundError` when it is gone."""
    with ws.session() as session:
        obj = session.get(model, record_id)
        if not isinstance(obj, TableMixin):
            noun = key_of(model, record_id)[0].replace("_", " ")
            raise NotFoundError(f"The {noun} was deleted elsewhere; your change was not saved.")
        return {name: getattr(obj, name) for name in fields}, obj.version


def reference_labels(
    ws: Workspace, model: type[SQLModel], values: Mapping[str, Iterable[Any]]
) -> dict[tuple[str, Any], str]:
    """How a conflict dialog names the records that reference fields point to:
    ``(field, id) -> label`` (a use case's title, a release's name) for each id in
    ``values[field]``, where ``field`` is a foreign key of ``model``. An id of a record
    deleted since is left out (the dialog shows the id)."""
    from .records import label_of

    table = table_of(model)
    labels: dict[tuple[str, Any], str] = {}
    with ws.engine.connect() as conn:
        for name, ids in values.items():
            column = table.columns.get(name)
            if column is None or not column.foreign_keys:
                continue
            wanted = {i for i in ids if isinstance(i, int) and not isinstance(i, bool)}
            if not wanted:
                continue
            target = next(iter(column.foreign_keys)).column
            for row in conn.execute(select(target.table).where(target.in_(wanted))):
                labels[(name, row._mapping[target.name])] = label_of(row)
    return labels


@dataclasses.dataclass(frozen=True)
class LastChange:
    """Who last changed a record, when, and the change log's label of it."""

    who: str
    at: dt.datetime | None
    label: str

    def describe(self) -> str:
        when = self.at.strftime("%Y-%m-%d %H:%M UTC") if self.at is not None else ""
        who = self.who or "someone"
        return f"by {who}" + (f" at {when}" if when else "")


def last_change(ws: Workspace, kind: str, record_id: int) -> LastChange | None:
    """The change log's latest entry for record ``record_id`` of ``kind`` (None: none)."""
    log = table_of(ChangeLog)
    with ws.engine.connect() as conn:
        row = conn.execute(
            select(log.c.who, log.c.at, log.c.label)
            .where(log.c.entity == kind, log.c.entity_id == record_id)
            .order_by(log.c.id.desc())
            .limit(1)
        ).first()
    if row is None:
        return None
    at = row.at if isinstance(row.at, dt.datetime) else None
    return LastChange(str(row.who or ""), at, str(row.label or ""))


@dataclasses.dataclass(frozen=True)
class Slot:
    """What a view read in a slot that holds at most one row (a use case's score on one
    criterion, a KPI's snapshot on one day): that row's id and version, or an empty slot
    (``row_id`` None). An edit of the slot made with it writes only while the slot holds
    the same row at the same version (:func:`check_slot`); :data:`STALE` as the version
    says the view cannot know the row as it was shown, so the edit asks first."""

    row_id: int | None = None
    version: int = 0


#: The version of a :class:`Slot` whose row changed since it was shown, at a version the
#: view does not know: an edit against it is refused (and so offered to merge).
STALE = -1


def check_slot(
    model: type[SQLModel], expected: Slot, found: tuple[int, int] | None, label: str = ""
) -> None:
    """Refuse (a :class:`~aipm_desktop.errors.ConflictError` naming the row the slot holds
    now) when the slot, read inside the write, holds ``found`` (``(id, version)``, None:
    empty) and not what ``expected`` says was read. Another row in the slot (deleted and
    added again) is a conflict even at the same version."""
    if expected.row_id is None:
        if found is None:
            return
        current_id, current = found
        kind = key_of(model, current_id)[0]
        raise conflict_error(RecordConflict(kind, current_id, 0, current), label)
    kind = key_of(model, expected.row_id)[0]
    if found is None:
        raise conflict_error(RecordConflict(kind, expected.row_id, expected.version, None), label)
    if found != (expected.row_id, expected.version):
        # Changed, or deleted with another row added in its place: name the row there now.
        raise conflict_error(RecordConflict(kind, found[0], expected.version, found[1]), label)


def last_touch(ws: Workspace, kind: str, record_id: int) -> LastChange | None:
    """Who last changed record ``record_id`` of ``kind`` (stored in the table of that
    name), when and what: the change log's latest entry for it, its ``label`` naming the
    fields changed ("status, approver"); or, when later, the latest operation in the
    history that wrote the record without changing a field the change log shows (a link
    or a list of its steps moved its version on), its ``label`` the operation's. None:
    neither knows."""
    log, ops, rows = table_of(ChangeLog), table_of(Operation), table_of(OperationRow)
    with ws.engine.connect() as conn:
        entry = conn.execute(
            select(log.c.who, log.c.at, log.c.label, log.c.changes, log.c.op_id)
            .where(log.c.entity == kind, log.c.entity_id == record_id)
            .order_by(log.c.id.desc())
            .limit(1)
        ).first()
        op = conn.execute(
            select(ops.c.id, ops.c.actor, ops.c.at, ops.c.label)
            .join(rows, rows.c.op_id == ops.c.id)
            .where(rows.c.tbl == kind, rows.c.pk == f'{{"id":{int(record_id)}}}')
            .order_by(ops.c.id.desc())
            .limit(1)
        ).first()
    if op is not None and (entry is None or int(entry.op_id or 0) < int(op.id)):
        entry = None  # a later operation moved the record on without a logged field
    if entry is not None:
        fields = [name.replace("_", " ") for name in (entry.changes or {})]
        label = f"changed {', '.join(fields)}" if fields else str(entry.label or "")
        who, at = entry.who, entry.at
    elif op is not None:
        label, who, at = str(op.label or ""), op.actor, op.at
    else:
        return None
    return LastChange(str(who or ""), at if isinstance(at, dt.datetime) else None, label)
