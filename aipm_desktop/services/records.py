"""Generic create / update / delete of any entity, with validation.

Every function runs one operation on the workspace (each edit committed at once, its
change-log rows and undo history written by the operation layer in ``store``), validates
input through the entity's pydantic classes (``XCreate``; ``XBase`` for the merged result
of an update) so a rule lives in one place, and returns :class:`Changes`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import enum
import functools
import getpass
import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import pydantic
from sqlalchemy import FromClause, Table, exc, func, insert, select
from sqlmodel import Session, SQLModel

from ..errors import NotFoundError, UserError, ValidationError
from ..models import TableMixin, kind_of_table, utcnow
from ..store import Workspace
from ..store.server import violation
from . import conflicts
from .changes import Changes

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_SYSTEM_FIELDS = {"id", "created_at", "updated_at", "version"}

M = TypeVar("M", bound=SQLModel)
R = TypeVar("R", bound="DataclassInstance")
E = TypeVar("E", bound=enum.Enum)


def default_author() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no user database (containers)
        return ""


def kind_of(model: type[SQLModel]) -> str:
    """The entity kind of a table model (``Changes`` and the change log name it so)."""
    return kind_of_table(model.__tablename__).value  # type: ignore[arg-type]


def companion(model: type[SQLModel], suffix: str) -> type[SQLModel]:
    """The ``XCreate`` / ``XBase`` class beside a table model."""
    module = importlib.import_module(model.__module__)
    return getattr(module, model.__name__ + suffix)


def input_model(model: type[SQLModel]) -> type[SQLModel]:
    """The class holding a table's input rules: ``XCreate`` where the entity names one,
    else ``XBase``, else the table class itself (a table with no user input)."""
    for suffix in ("Create", "Base"):
        try:
            return companion(model, suffix)
        except AttributeError:
            continue
    return model


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


class AsDict:
    """A dataclass record whose :meth:`as_dict` is its plain :func:`record_dict` (mix it
    into the record's class)."""

    def as_dict(self) -> dict[str, Any]:
        return record_dict(self)


@functools.cache
def _init_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)


def from_row(cls: type[R], row: Any, /, **values: Any) -> R:
    """A dataclass record from a query row, a mapping or any object: every field
    ``values`` does not give takes the row's value of the same name (a missing one is an
    error)."""
    mapping = row if isinstance(row, Mapping) else getattr(row, "_mapping", None)
    for name in _init_fields(cls):
        if name not in values:
            values[name] = mapping[name] if mapping is not None else getattr(row, name)
    return cls(**values)


def named_row(conn: Any, table: Table, id: int, what: str, **names: tuple[Any, Any]) -> Any:
    """The row ``id`` of ``table`` (on an open connection), with the names of the rows it
    refers to: each keyword is a label, its value ``(name column, join condition)`` of
    the table referred to (an outer join: no such row reads ""). A
    :class:`NotFoundError` "No <what> with id <id>." when there is no row ``id``."""
    source: FromClause = table
    for column, condition in names.values():
        source = source.outerjoin(column.table, condition)
    labelled = [func.coalesce(column, "").label(label) for label, (column, _) in names.items()]
    row = conn.execute(select(table, *labelled).select_from(source).where(table.c.id == id)).first()
    if row is None:
        raise NotFoundError(f"No {what} with id {id}.")
    return row


def field_values(obj: Any, schema: type[SQLModel]) -> dict[str, Any]:
    """The values of ``obj`` for the fields ``schema`` declares (e.g. what ``XCreate``
    takes: a row's own data, to copy it)."""
    return {name: getattr(obj, name) for name in schema.model_fields}


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
    rule = violation(error)
    if rule == "unique":
        message = f"Invalid {what}: a record with the same key already exists ({detail})."
    elif rule == "foreign key":
        message = f"Invalid {what}: it refers to a record that does not exist."
    elif rule == "check":
        message = f"Invalid {what}: a value is out of range ({detail})."
    else:
        message = f"Invalid {what}: {detail}"
    return ValidationError(message, [("record", detail)])


def validate_create(model: type[M], data: Mapping[str, Any] | SQLModel) -> M:
    """Validate input for a new row of ``model``; returns the (unsaved) table object."""
    what = kind_of(model).replace("_", " ")
    create_cls = input_model(model)
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
    # Every entity created here has an integer ``id`` (reference rows too).
    return obj, Changes(kind, (obj.id,), "create")  # type: ignore[attr-defined]


def add_row(session: Session, obj: SQLModel) -> tuple[int, Changes]:
    """Add a validated row (see :func:`validate_create`) inside an open write; returns its
    new id and the changes (a create of its kind)."""
    session.add(obj)
    session.flush()
    new_id: int = obj.id  # type: ignore[attr-defined]
    return new_id, Changes(kind_of(type(obj)), (new_id,), "create")


def choice_of(
    enum_cls: type[E],
    value: Any,
    *,
    what: str,
    field: str,
    problem: str = "unknown status",
    options: Sequence[E] | None = None,
) -> E:
    """The member of ``enum_cls`` ``value`` names (any case, surrounding white space
    ignored), or a :class:`ValidationError` "Invalid <what> <value>; choose one of: ..."
    (``options``, default every member) with the pair ``(field, problem)``."""
    try:
        return enum_cls(str(value).strip().lower())
    except ValueError as error:
        choices = ", ".join(str(m.value) for m in (options or list(enum_cls)))
        raise ValidationError(
            f"Invalid {what} {value!r}; choose one of: {choices}.", [(field, problem)]
        ) from error


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
    _check_known(model, data)
    try:
        with ws.write(who=who) as session:
            obj, old = _update_row(session, model, id, data, expected_version)
    except exc.IntegrityError as error:
        raise integrity_error(error, kind.replace("_", " ")) from error
    return obj, Changes(kind, (id,), "update"), old


def _check_known(model: type[SQLModel], data: Mapping[str, Any]) -> None:
    """Refuse fields ``model`` does not have, and the ones the app keeps itself."""
    unknown = set(data) - set(model.model_fields) | (set(data) & _SYSTEM_FIELDS)
    if unknown:
        what = kind_of(model).replace("_", " ")
        raise ValidationError(f"Invalid {what}: unknown field(s) {', '.join(sorted(unknown))}")


def _update_row(
    session: Session,
    model: type[M],
    id: int,
    data: Mapping[str, Any],
    expected_version: int | None,
) -> tuple[M, dict[str, Any]]:
    """:func:`update` inside an open write: the row and the old values of what changed."""
    what = kind_of(model).replace("_", " ")
    obj = existing(session, model, id, what=what)
    if (
        expected_version is not None
        and isinstance(obj, TableMixin)
        and obj.version != expected_version
    ):
        raise conflicts.conflict_error(
            conflicts.RecordConflict(kind_of(model), id, expected_version, obj.version),
            label_of(obj) if not label_of(obj).startswith("#") else "",
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
    for key in data:
        new_value = getattr(checked, key)
        if current[key] != new_value:
            old[key] = current[key]
            setattr(obj, key, new_value)
    if old:
        if isinstance(obj, TableMixin):  # reference rows (catalogues ...) have no version
            touch(obj)
        session.flush()
    return obj, old


def new_row(values: Mapping[str, Any], now: dt.datetime) -> dict[str, Any]:
    """``values`` of a row inserted with SQLAlchemy Core, with the bookkeeping columns of a
    new row: created and updated ``now``, version 1."""
    return {**values, "created_at": now, "updated_at": now, "version": 1}


def insert_row(conn: Any, table: Table, values: Mapping[str, Any]) -> int:
    """Insert one row into ``table`` with SQLAlchemy Core inside an open write; returns
    its id."""
    key = conn.execute(insert(table).values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def touch(obj: TableMixin, now: dt.datetime | None = None) -> None:
    """Mark a row changed in place (outside :func:`update`): its version moves on and
    ``updated_at`` is ``now`` (default: the current time)."""
    obj.version += 1
    obj.updated_at = now or utcnow()


@contextlib.contextmanager
def editing(
    ws: Workspace,
    model: type[M],
    id: int,
    label: Callable[[M], str],
    *,
    who: str | None = None,
    what: str | None = None,
) -> Iterator[tuple[Session, M]]:
    """One operation on the row ``id`` of ``model`` (see :func:`existing`): yields the
    open session and the row; ``label(row)`` names the operation."""
    with ws.operation(None, who=who) as op:
        session = op.session
        assert session is not None
        obj = existing(session, model, id, what=what)
        session.info["label"] = label(obj)
        yield session, obj


@dataclasses.dataclass(frozen=True)
class WithChildren(Generic[M]):
    """The writes of a record kind whose data may also give child rows (links, nested
    lists): ``split(data)`` returns the row's own fields and the children given;
    ``apply(session, row, children)`` writes those for the row inside the open write."""

    model: type[M]
    split: Callable[[Mapping[str, Any]], tuple[dict[str, Any], Mapping[str, Any]]]
    apply: Callable[[Session, M, Mapping[str, Any]], None]

    def create(
        self, ws: Workspace, data: Mapping[str, Any], verb: str, *, who: str | None = None
    ) -> tuple[int, Changes]:
        """Validate and add a row with its children, in one operation named
        "<verb> <kind> <label>"; returns the new id and the changes."""
        fields, children = self.split(data)
        obj = validate_create(self.model, fields)
        kind = kind_of(self.model)
        label = f"{verb} {kind.replace('_', ' ')} {label_of(obj)}"
        with ws.write(label=label, who=who) as session:
            session.add(obj)
            session.flush()
            self.apply(session, obj, children)
        new_id: int = obj.id  # type: ignore[attr-defined]
        return new_id, Changes(kind, (new_id,), "create")

    def update(
        self,
        ws: Workspace,
        id: int,
        data: Mapping[str, Any],
        expected_version: int | None,
        who: str | None,
    ) -> Changes:
        """Change a row's fields (checked as :func:`update` checks them) and the children
        ``data`` gives, in one operation named "Edit <kind> <label>". Children changed
        alone still count as an edit of the row: its version moves on (``expected_version``
        is checked only when fields change)."""
        fields, children = self.split(data)
        kind = kind_of(self.model)
        what = kind.replace("_", " ")

        def label(row: M) -> str:
            return f"Edit {what} {label_of(row)}"

        with editing(ws, self.model, id, label, who=who) as (session, obj):
            if fields:
                _check_known(self.model, fields)
                try:
                    _update_row(session, self.model, id, fields, expected_version)
                except exc.IntegrityError as error:
                    raise integrity_error(error, what) from error
            if children:
                self.apply(session, obj, children)
                if not fields:
                    touch(obj)  # type: ignore[arg-type]
                session.flush()
        return Changes(kind, (id,), "update")


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


@dataclasses.dataclass(frozen=True)
class RefFinder:
    """A service's ``find_x(*, ws, ref) -> int``: the id of the record ``ref`` names in
    ``table`` (an id, or a name in ``name_column``), by :func:`resolve_ref` with these
    settings."""

    table: Table
    name_column: str
    noun: str
    plural: str | None = None
    id_hint: str = "the id"
    cutoff: float = 0.5
    list_names: bool = False

    def __call__(self, *, ws: Workspace, ref: str | int) -> int:
        return resolve_ref(ws=ws, ref=ref, **vars(self))
