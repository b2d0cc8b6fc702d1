"""Generic create / update / delete / restore of any entity, with validation and a change log.

Every function runs one transaction on the workspace (each edit committed at once),
validates input through the entity's pydantic classes (``XCreate``; ``XBase`` for the
merged result of an update) so a rule lives in one place, records a :class:`ChangeLog`
row, and returns :class:`Changes`. Deletion returns a :class:`Tombstone` holding the row
and everything its deletion cascades to, which :func:`restore` puts back (undo).
"""

from __future__ import annotations

import datetime as dt
import difflib
import getpass
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pydantic
from sqlalchemy import Table, exc, insert, select
from sqlalchemy import update as sql_update
from sqlmodel import Session, SQLModel

from ..errors import ConflictError, NotFoundError, UserError, ValidationError
from ..models import ENTITIES, ChangeLog, utcnow
from ..store import Workspace
from .changes import Changes

KIND_BY_MODEL: dict[type, str] = {model: kind for kind, model in ENTITIES.items()}
_SYSTEM_FIELDS = {"id", "created_at", "updated_at", "version"}


def default_author() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no user database (containers)
        return ""


def kind_of(model: type[SQLModel]) -> str:
    return KIND_BY_MODEL.get(model, model.__tablename__)  # type: ignore[attr-defined]


def companion(model: type[SQLModel], suffix: str) -> type[SQLModel]:
    """The ``XCreate`` / ``XBase`` class beside a table model."""
    module = importlib.import_module(model.__module__)
    return getattr(module, model.__name__ + suffix)


def label_of(obj: Any) -> str:
    for attr in ("title", "name", "item", "action", "interviewer"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            return value[:300]
    return f"#{getattr(obj, 'id', '')}"


def jsonable(value: Any) -> Any:
    """A value as JSON can carry it (dates as ISO text)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def validation_error(error: pydantic.ValidationError, what: str) -> ValidationError:
    """Turn pydantic's error into a user-facing one naming the fields."""
    pairs: list[tuple[str, str]] = []
    for item in error.errors():
        loc = ".".join(str(p) for p in item.get("loc", ())) or "record"
        msg = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
        pairs.append((loc, msg))
    text = "; ".join(f"{loc}: {msg}" if loc != "record" else msg for loc, msg in pairs)
    return ValidationError(f"Invalid {what}: {text}", pairs)


def integrity_error(error: exc.IntegrityError, what: str) -> ValidationError:
    detail = str(error.orig) if error.orig is not None else str(error)
    if "UNIQUE" in detail:
        message = f"Invalid {what}: a record with the same key already exists ({detail})."
    elif "FOREIGN KEY" in detail:
        message = f"Invalid {what}: it refers to a record that does not exist."
    elif "CHECK" in detail:
        message = f"Invalid {what}: a value is out of range ({detail})."
    else:
        message = f"Invalid {what}: {detail}"
    return ValidationError(message, [("record", detail)])


def validate_create(model: type[SQLModel], data: Mapping[str, Any] | SQLModel) -> SQLModel:
    """Validate input for a new row of ``model``; returns the (unsaved) table object."""
    what = kind_of(model).replace("_", " ")
    try:
        create_cls = companion(model, "Create")
    except AttributeError:
        create_cls = model
    try:
        payload = data if isinstance(data, create_cls) else create_cls.model_validate(data)
        return model.model_validate(payload)
    except pydantic.ValidationError as error:
        raise validation_error(error, what) from error


def change_log_row(
    *,
    entity: str,
    entity_id: int,
    action: str,
    label: str,
    changes: dict[str, Any],
    who: str | None,
) -> dict[str, Any]:
    """One change-log row as plain values (for Core inserts of many rows at once)."""
    return {
        "at": utcnow(),
        "who": default_author() if who is None else who,
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "label": label[:300],
        "changes": jsonable(changes),
    }


def _log(
    session: Session,
    *,
    kind: str,
    entity_id: int,
    action: str,
    label: str,
    changes: dict[str, Any],
    who: str | None,
) -> None:
    session.add(
        ChangeLog(
            **change_log_row(
                entity=kind,
                entity_id=entity_id,
                action=action,
                label=label,
                changes=changes,
                who=who,
            )
        )
    )


def create(
    *,
    ws: Workspace,
    model: type[SQLModel],
    data: Mapping[str, Any] | SQLModel,
    who: str | None = None,
) -> tuple[SQLModel, Changes]:
    """Validate and insert one row; returns the stored object and the changes."""
    obj = validate_create(model, data)
    kind = kind_of(model)
    try:
        with ws.write() as session:
            session.add(obj)
            session.flush()
            values = {k: v for k, v in obj.model_dump().items() if k not in _SYSTEM_FIELDS}
            _log(
                session,
                kind=kind,
                entity_id=obj.id,
                action="create",
                label=label_of(obj),
                changes={k: [None, v] for k, v in values.items()},
                who=who,
            )
    except exc.IntegrityError as error:
        raise integrity_error(error, kind.replace("_", " ")) from error
    return obj, Changes(kind, (obj.id,), "create")


def get(*, ws: Workspace, model: type[SQLModel], id: int) -> SQLModel:
    with ws.session() as session:
        obj = session.get(model, id)
        if obj is None:
            raise NotFoundError(f"No {kind_of(model).replace('_', ' ')} with id {id}.")
        return obj


def update(
    *,
    ws: Workspace,
    model: type[SQLModel],
    id: int,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    who: str | None = None,
) -> tuple[SQLModel, Changes, dict[str, Any]]:
    """Change some fields of one row. Returns the object, changes and the old values."""
    kind = kind_of(model)
    what = kind.replace("_", " ")
    unknown = set(data) - set(model.model_fields) | (set(data) & _SYSTEM_FIELDS)
    if unknown:
        raise ValidationError(f"Invalid {what}: unknown field(s) {', '.join(sorted(unknown))}")
    try:
        with ws.write() as session:
            obj = session.get(model, id)
            if obj is None:
                raise NotFoundError(f"No {what} with id {id}; it may have been deleted.")
            if expected_version is not None and obj.version != expected_version:
                raise ConflictError(
                    f"This {what} was changed elsewhere since you opened it; reload and retry."
                )
            current = {k: getattr(obj, k) for k in model.model_fields if k not in _SYSTEM_FIELDS}
            merged = {**current, **data}
            try:
                base_cls = companion(model, "Base")
            except AttributeError:
                base_cls = model
            try:
                checked = base_cls.model_validate(merged)
            except pydantic.ValidationError as error:
                raise validation_error(error, what) from error
            old: dict[str, Any] = {}
            diff: dict[str, Any] = {}
            for key in data:
                new_value = getattr(checked, key)
                if current[key] != new_value:
                    old[key] = current[key]
                    diff[key] = [current[key], new_value]
                    setattr(obj, key, new_value)
            if diff:
                obj.version += 1
                obj.updated_at = utcnow()
                session.flush()
                _log(
                    session,
                    kind=kind,
                    entity_id=id,
                    action="update",
                    label=label_of(obj),
                    changes=diff,
                    who=who,
                )
    except exc.IntegrityError as error:
        raise integrity_error(error, what) from error
    return obj, Changes(kind, (id,), "update"), old


@dataclass
class Tombstone:
    """A deleted row and what its deletion removed or unlinked, enough to restore it."""

    kind: str
    id: int
    label: str
    rows: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    nulled: list[tuple[str, str, list[dict[str, Any]]]] = field(default_factory=list)


def _pk_filter(table: Table, row: Mapping[str, Any]) -> Any:
    from sqlalchemy import and_

    return and_(*(col == row[col.name] for col in table.primary_key.columns))


def _collect(session: Session, table: Table, where: Any, stone: Tombstone) -> None:
    rows = [dict(r) for r in session.execute(select(table).where(where)).mappings().all()]
    if not rows:
        return
    stone.rows.append((table.name, rows))
    metadata = SQLModel.metadata
    pk_cols = list(table.primary_key.columns)
    if len(pk_cols) != 1:
        return
    ids = [r[pk_cols[0].name] for r in rows]
    for child in metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is not table:
                continue
            col = fk.parent
            ondelete = (fk.ondelete or "").upper()
            if ondelete == "CASCADE":
                _collect(session, child, col.in_(ids), stone)
            elif ondelete == "SET NULL":
                affected = session.execute(
                    select(*child.primary_key.columns, col).where(col.in_(ids))
                ).mappings()
                refs = [dict(r) for r in affected]
                if refs:
                    stone.nulled.append((child.name, col.name, refs))


def delete(
    *, ws: Workspace, model: type[SQLModel], id: int, who: str | None = None
) -> tuple[Tombstone, Changes]:
    """Delete one row (and what cascades from it); returns a tombstone for undo."""
    kind = kind_of(model)
    table: Table = model.__table__  # type: ignore[attr-defined]
    try:
        with ws.write() as session:
            obj = session.get(model, id)
            if obj is None:
                raise NotFoundError(f"No {kind.replace('_', ' ')} with id {id}.")
            stone = Tombstone(kind=kind, id=id, label=label_of(obj))
            _collect(session, table, table.c.id == id, stone)
            session.delete(obj)
            session.flush()
            _log(
                session,
                kind=kind,
                entity_id=id,
                action="delete",
                label=stone.label,
                changes={},
                who=who,
            )
    except exc.IntegrityError as error:
        raise ValidationError(
            f"Cannot delete this {kind.replace('_', ' ')}: other records still depend on it."
        ) from error
    return stone, Changes(kind, (id,), "delete")


def restore(*, ws: Workspace, stone: Tombstone, who: str | None = None) -> Changes:
    """Put back what :func:`delete` removed, with the same ids."""
    tables = SQLModel.metadata.tables
    order = {t.name: i for i, t in enumerate(SQLModel.metadata.sorted_tables)}
    with ws.write() as session:
        for name, rows in sorted(stone.rows, key=lambda item: order[item[0]]):
            session.execute(insert(tables[name]), rows)
        for name, column, refs in stone.nulled:
            table = tables[name]
            for ref in refs:
                session.execute(
                    sql_update(table).where(_pk_filter(table, ref)).values({column: ref[column]})
                )
        _log(
            session,
            kind=stone.kind,
            entity_id=stone.id,
            action="restore",
            label=stone.label,
            changes={},
            who=who,
        )
    return Changes(stone.kind, (stone.id,), "restore")


def resolve_ref(
    *,
    ws: Workspace,
    table: Table,
    name_column: str,
    ref: str | int,
    noun: str,
    plural: str,
    id_hint: str = "the id",
    cutoff: float = 0.5,
    list_names: bool = False,
) -> int:
    """The id of the record ``ref`` names: an id, or a name (any case) in ``name_column``.

    Several records with that name, or none, raise a ``UserError`` (with close names as a
    hint; with ``list_names`` the first few names when nothing is close).
    """
    text = str(ref).strip()
    name = table.c[name_column]
    with ws.engine.connect() as conn:
        rows = conn.execute(select(table.c.id, name)).all()
    if text.isdigit() and any(row[0] == int(text) for row in rows):
        return int(text)
    matches = [row[0] for row in rows if str(row[1]).casefold() == text.casefold()]
    if len(matches) == 1:
        return int(matches[0])
    if matches:
        raise UserError(f"{len(matches)} {plural} are called {text!r}; give {id_hint}.")
    names = [str(row[1]) for row in rows]
    close = difflib.get_close_matches(text, names, n=3, cutoff=cutoff)
    if close:
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?"
    elif list_names and names:
        hint = f"; {plural}: {', '.join(repr(n) for n in names[:5])}."
    elif list_names:
        hint = f"; this workspace has no {plural} yet."
    else:
        hint = "."
    raise UserError(f"No {noun} {text!r}{hint}")
