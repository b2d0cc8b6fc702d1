"""Generic create / update / delete of any entity, with validation.

Every function runs one operation on the workspace (each edit committed at once, its
change-log rows and undo history written by the operation layer in ``store``), validates
input through the entity's pydantic classes (``XCreate``; ``XBase`` for the merged result
of an update) so a rule lives in one place, and returns :class:`Changes`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import getpass
import importlib
from collections.abc import Mapping
from typing import Any, TypeVar

import pydantic
from sqlalchemy import Table, exc, select
from sqlmodel import Session, SQLModel

from ..errors import ConflictError, NotFoundError, UserError, ValidationError
from ..models import ENTITIES, TableMixin, utcnow
from ..store import Workspace
from .changes import Changes

KIND_BY_MODEL: dict[type, str] = {model: kind for kind, model in ENTITIES.items()}
_SYSTEM_FIELDS = {"id", "created_at", "updated_at", "version"}

M = TypeVar("M", bound=SQLModel)


def default_author() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no user database (containers)
        return ""


def kind_of(model: type[SQLModel]) -> str:
    return KIND_BY_MODEL.get(model, model.__tablename__)  # type: ignore[arg-type]


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


def parse_date(value: Any) -> dt.date | None:
    """A date from a date, a datetime or ISO text (``YYYY-MM-DD``); None for None or "".

    Raises ``ValueError`` for text that is not a date; callers word the error for users.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def record_dict(record: Any, **overrides: Any) -> dict[str, Any]:
    """A dataclass record as a JSON-ready dict: every field in declaration order, dates as
    ISO text; ``overrides`` replace the values of the fields they name."""
    values = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    values.update(overrides)
    return {name: jsonable(value) for name, value in values.items()}


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


def validate_create(model: type[M], data: Mapping[str, Any] | SQLModel) -> M:
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


def create(
    *,
    ws: Workspace,
    model: type[M],
    data: Mapping[str, Any] | SQLModel,
    who: str | None = None,
) -> tuple[M, Changes]:
    """Validate and insert one row; returns the stored object and the changes."""
    obj = validate_create(model, data)
    kind = kind_of(model)
    try:
        with ws.write(who=who) as session:
            session.add(obj)
            session.flush()
    except exc.IntegrityError as error:
        raise integrity_error(error, kind.replace("_", " ")) from error
    # Every entity created here has an integer ``id`` (not only TableMixin ones: signals).
    return obj, Changes(kind, (obj.id,), "create")  # type: ignore[attr-defined]


def get(*, ws: Workspace, model: type[M], id: int) -> M:
    with ws.session() as session:
        obj = session.get(model, id)
        if obj is None:
            raise NotFoundError(f"No {kind_of(model).replace('_', ' ')} with id {id}.")
        return obj


def existing(session: Session, model: type[M], id: int, *, what: str | None = None) -> M:
    """The row ``id`` of ``model`` in an open write, or a :class:`NotFoundError` naming
    ``what`` (default: the entity's kind in words)."""
    obj = session.get(model, id)
    if obj is None:
        what = what or kind_of(model).replace("_", " ")
        raise NotFoundError(f"No {what} with id {id}; it may have been deleted.")
    return obj


def update(
    *,
    ws: Workspace,
    model: type[M],
    id: int,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    who: str | None = None,
) -> tuple[M, Changes, dict[str, Any]]:
    """Change some fields of one row. Returns the object, changes and the old values."""
    kind = kind_of(model)
    what = kind.replace("_", " ")
    unknown = set(data) - set(model.model_fields) | (set(data) & _SYSTEM_FIELDS)
    if unknown:
        raise ValidationError(f"Invalid {what}: unknown field(s) {', '.join(sorted(unknown))}")
    try:
        with ws.write(who=who) as session:
            obj = existing(session, model, id, what=what)
            if (
                expected_version is not None
                and isinstance(obj, TableMixin)
                and obj.version != expected_version
            ):
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
                if isinstance(obj, TableMixin):  # reference rows (signals ...) have no version
                    obj.version += 1
                    obj.updated_at = utcnow()
                session.flush()
    except exc.IntegrityError as error:
        raise integrity_error(error, what) from error
    return obj, Changes(kind, (id,), "update"), old


def delete(*, ws: Workspace, model: type[SQLModel], id: int, who: str | None = None) -> Changes:
    """Delete one row (and what cascades from it). Undo is the workspace's undo."""
    kind = kind_of(model)
    try:
        with ws.write(who=who) as session:
            obj = session.get(model, id)
            if obj is None:
                raise NotFoundError(f"No {kind.replace('_', ' ')} with id {id}.")
            session.delete(obj)
            session.flush()
    except exc.IntegrityError as error:
        raise ValidationError(
            f"Cannot delete this {kind.replace('_', ' ')}: other records still depend on it."
        ) from error
    return Changes(kind, (id,), "delete")


def resolve_ref(
    *,
    ws: Workspace,
    table: Table,
    name_column: str,
    ref: str | int,
    noun: str,
    plural: str | None = None,
    id_hint: str = "the id",
    cutoff: float = 0.5,
    list_names: bool = False,
) -> int:
    """The id of the record ``ref`` names: an id, or a name (any case) in ``name_column``.

    Several records with that name, or none, raise a ``UserError`` (with close names as a
    hint; with ``list_names`` the first few names when nothing is close). ``plural``
    defaults to ``noun`` + "s".
    """
    plural = plural or f"{noun}s"
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
