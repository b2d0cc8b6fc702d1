"""Lossless JSON dump of a whole workspace, and its restore into a new workspace file.

The dump holds every table of the schema, rows ordered by primary key, values as JSON
carries them (dates and date-times as ISO 8601 text, JSON columns as JSON values)::

    {"format": "aipm-workspace", "format_version": 1, "schema_version": "0002",
     "app_version": "0.1.0", "tables": {"use_case": [{...}, ...], ...}}

Export → import → export gives identical JSON. Import validates everything first (types,
the entities' own pydantic rules, primary and unique keys, references between records)
and only then builds the new workspace, all-or-nothing: a dump with a problem leaves no
file behind and an existing destination untouched. Reading and writing use SQLAlchemy
Core (no ORM objects), so large workspaces move quickly.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    TypeDecorator,
    UniqueConstraint,
    delete,
    exc,
    insert,
    inspect,
    select,
)
from sqlmodel import Session, SQLModel

from .. import __version__
from .. import models as _models
from ..errors import UserError, ValidationError, WorkspaceError
from ..locations import Location, as_location
from ..store import Workspace, create_workspace, head_revision, known_revisions, open_workspace
from .outputs import write_text
from .problems import MAX_LISTED, ImportRefused, Problem, check_format_version, quote
from .records import input_model

FORMAT = "aipm-workspace"
FORMAT_VERSION = 1
#: How many problems an import error lists (the total is always given).
MAX_REPORTED = MAX_LISTED


# --------------------------------------------------------------------------- tables


#: The undo history belongs to one file: an export leaves it out, an import starts afresh.
HISTORY_TABLES = frozenset({"operation", "operation_row"})


def tables() -> list[Table]:
    """Every table of the workspace's content, parents before children (insert order)."""
    _models.load_all()
    return [t for t in SQLModel.metadata.sorted_tables if t.name not in HISTORY_TABLES]


def _model_classes() -> dict[str, type[SQLModel]]:
    """Table name → the SQLModel table class, for the pydantic rules of each table."""
    found: dict[str, type[SQLModel]] = {}
    for value in vars(_models).values():
        if isinstance(value, type) and issubclass(value, SQLModel) and hasattr(value, "__table__"):
            found[value.__tablename__] = value  # type: ignore[index]
    return found


def _kind(column: Any) -> type:
    """The storage kind of a column: Integer, Float, Boolean, Date, DateTime, JSON,
    LargeBinary or String (a TypeDecorator such as SQLModel's UTCDateTime counts as what
    it wraps)."""
    col_type = column.type
    if isinstance(col_type, TypeDecorator):
        col_type = col_type.impl_instance
    for kind in (Boolean, DateTime, Date, JSON, Integer, Float, LargeBinary, String):
        if isinstance(col_type, kind):
            return kind
    return String


# --------------------------------------------------------------------------- export


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        # Evidence files: base64 text inside the dump (no side archive).
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def export_data(*, ws: Workspace) -> dict[str, Any]:
    """The whole workspace as one JSON-ready dict (see the module docstring).

    Only the columns the file actually has are read, so a file of an older schema
    revision dumps as that revision (which :func:`import_json` accepts).
    """
    data: dict[str, list[dict[str, Any]]] = {}
    with ws.engine.connect() as conn:
        revision = ws.revision
        inspector = inspect(conn)
        existing = set(inspector.get_table_names())
        for table in tables():
            if table.name not in existing:
                continue
            present = {c["name"] for c in inspector.get_columns(table.name)}
            columns = [c for c in table.columns if c.name in present]
            names = [c.name for c in columns]
            query = select(*columns).order_by(*table.primary_key.columns)
            data[table.name] = [
                {name: _to_json(value) for name, value in zip(names, row, strict=True)}
                for row in conn.execute(query)
            ]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": revision,
        "app_version": __version__,
        "tables": data,
    }


def export_json(*, ws: Workspace, out: Path, overwrite: bool = True) -> Path:
    """Write the dump of ``ws`` to ``out`` (replaced whole, never onto a workspace)."""
    text = json.dumps(export_data(ws=ws), indent=2, ensure_ascii=False, sort_keys=True)
    return write_text(out, text + "\n", overwrite=overwrite)


# --------------------------------------------------------------------------- import


#: How many problems an import keeps (beyond them it only counts).
_KEPT = 100_000


@dataclass
class _Problems:
    """Problems found in a dump; refused with one summary (:mod:`.problems`)."""

    total: int = 0
    items: list[Problem] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.total += 1
        if len(self.items) < _KEPT:
            place, _sep, column = where.partition(": ")
            self.items.append(Problem(place, column, message))

    def raise_if_any(self, source: Path) -> None:
        if not self.total:
            return
        count = f"{self.total:,} problem{'s' if self.total != 1 else ''}"
        raise ImportRefused(f"{source.name} cannot be imported ({count})", self.items)


class _BadValue(ValueError):
    pass


_INT_RANGE = (-(2**63), 2**63 - 1)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_]{1,60}")


def _show(value: Any) -> str:
    """A value as a message quotes it: short, escaped."""
    if isinstance(value, str):
        return quote(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _name(name: str) -> str:
    """A table or field name from the dump: as it is when plain, else quoted."""
    return name if _PLAIN_NAME.fullmatch(name) else quote(name)


def _check_text(value: Any) -> None:
    """Refuse text SQLite cannot store: a lone surrogate (``"\\ud800"`` in the JSON)."""
    if isinstance(value, str):
        bad = _SURROGATE.search(value)
        if bad is not None:
            raise _BadValue(
                f"contains a lone surrogate {quote(bad.group())} at character {bad.start() + 1}, "
                "which is not valid text"
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)


def _convert(kind: type, value: Any) -> Any:
    """A JSON value as the Python value a column of ``kind`` stores; raises _BadValue."""
    if value is None:
        return None
    if kind is Integer:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _BadValue(f"expected a whole number, got {_show(value)}")
        if not _INT_RANGE[0] <= value <= _INT_RANGE[1]:
            raise _BadValue(f"the number {_show(value)} is too large")
        return value
    if kind is Float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _BadValue(f"expected a number, got {_show(value)}")
        try:
            return float(value)
        except OverflowError:
            raise _BadValue(f"the number {_show(value)} is too large") from None
    if kind is Boolean:
        if not isinstance(value, bool):
            raise _BadValue(f"expected true or false, got {_show(value)}")
        return value
    if kind is Date:
        if not isinstance(value, str):
            raise _BadValue(f"expected a date as YYYY-MM-DD, got {_show(value)}")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise _BadValue(f"expected a date as YYYY-MM-DD, got {_show(value)}") from None
    if kind is DateTime:
        if not isinstance(value, str):
            raise _BadValue(f"expected an ISO 8601 date-time, got {_show(value)}")
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise _BadValue(f"expected an ISO 8601 date-time, got {_show(value)}") from None
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)
    if kind is JSON:
        _check_text(value)
        return value
    if kind is LargeBinary:
        if not isinstance(value, str):
            raise _BadValue(f"expected base64 text, got {_show(value)}")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise _BadValue("expected base64 text (the bytes of a file)") from None
    if not isinstance(value, str):
        raise _BadValue(f"expected text, got {_show(value)}")
    _check_text(value)
    return value


def _record_label(table: Table, row: Mapping[str, Any], position: int) -> str:
    pk = [c.name for c in table.primary_key.columns]
    values = [row.get(name) if isinstance(row, Mapping) else None for name in pk]
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        if len(pk) == 1:
            return f"table {table.name}, record {values[0]}"
        keys = ", ".join(f"{n}={v}" for n, v in zip(pk, values, strict=True))
        return f"table {table.name}, record ({keys})"
    return f"table {table.name}, record at position {position}"


def _missing_value(column: Any, model: type[SQLModel] | None) -> tuple[bool, Any]:
    """(found, value) for a column an older dump lacks: the field's or column's default."""
    if model is not None and column.name in model.model_fields:
        info = model.model_fields[column.name]
        if not info.is_required():
            return True, info.get_default(call_default_factory=True)
    default = column.default
    if default is not None and getattr(default, "is_scalar", False):
        return True, default.arg
    if column.nullable:
        return True, None
    return False, None


def _validate_rules(
    validator: type[SQLModel], row: Mapping[str, Any], where: str, problems: _Problems
) -> None:
    payload = {k: v for k, v in row.items() if k in validator.model_fields}
    try:
        validator.model_validate(payload)
    except pydantic.ValidationError as error:
        for item in error.errors():
            loc = ".".join(str(p) for p in item.get("loc", ()))
            msg = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
            problems.add(f"{where}: field {loc}" if loc else where, msg)
    except (TypeError, AttributeError, ArithmeticError) as error:
        # A rule tripping over a value of an unexpected shape: still bad input.
        problems.add(where, f"invalid record ({error})")


def _parse(source: Path) -> Any:
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        raise UserError(f"No such file: {source}") from None
    except IsADirectoryError:
        raise UserError(f"{source} is a folder, not a JSON dump.") from None
    except OSError as error:
        raise UserError(f"Cannot read {source}: {error.strerror or error}") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"{source.name} is not a JSON dump: it is not UTF-8 text "
            f"(bad byte at offset {error.start})."
        ) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"{source.name} is not valid JSON: {error.msg} "
            f"(line {error.lineno}, column {error.colno})."
        ) from error
    except RecursionError as error:
        raise ValidationError(
            f"{source.name} is not a JSON dump: it is nested too deeply."
        ) from error


def _check_header(doc: Any, source: Path) -> tuple[str, Mapping[str, Any]]:
    """The dump's schema revision and tables, after checking what it says it is."""
    name = source.name
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValidationError(
            f'{name} is not an AIPM workspace dump (its "format" is not "{FORMAT}").'
        )
    check_format_version(doc.get("format_version"), FORMAT_VERSION, name=name, what="dump")
    revision = doc.get("schema_version")
    if not isinstance(revision, str) or not revision:
        raise ValidationError(f'{name} has no valid "schema_version".')
    if revision not in known_revisions():
        raise ValidationError(
            f"{name} was written by a newer version of AIPM Desktop (schema {revision}); "
            f"this version knows schemas up to {head_revision()}. Update the app to import it."
        )
    data = doc.get("tables")
    if not isinstance(data, dict):
        raise ValidationError(f'{name} has no "tables" object.')
    return revision, data


def _unique_groups(table: Table) -> list[tuple[str, ...]]:
    groups: list[tuple[str, ...]] = []
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            groups.append(tuple(c.name for c in constraint.columns))
    for index in table.indexes:
        if index.unique:
            groups.append(tuple(c.name for c in index.columns))
    for column in table.columns:
        if column.unique and (column.name,) not in groups:
            groups.append((column.name,))
    return groups


def _legacy_cost_model(row: Any) -> Any:
    """A cost model of a dump older than schema 0006 in today's fields, with the same
    cost per request (as migration 0006 converts a stored one)."""
    if not isinstance(row, dict):
        return row
    row = dict(row)
    renamed = {
        "tokens_per_request": "input_tokens_per_request",
        "other_cost_per_request": "retrieval_cost_per_request",
    }
    for old, new in renamed.items():
        if old in row:
            row.setdefault(new, row.pop(old))
    if "cost_per_1k_tokens" in row:
        per_1k = row.pop("cost_per_1k_tokens")
        if isinstance(per_1k, int | float) and not isinstance(per_1k, bool):
            row.setdefault("price_input_per_m", per_1k * 1000)
        else:  # let validation name the bad value under its new field
            row.setdefault("price_input_per_m", per_1k)
    return row


def _legacy_incident(row: Any) -> Any:
    """An incident of a dump older than schema 0007 in today's fields (as migration 0007
    converts a stored one): the day it occurred is when it was detected, the day it was
    resolved when it was resolved (midnight UTC); its use case becomes a link row."""
    if not isinstance(row, dict):
        return row
    row = dict(row)
    row.pop("use_case_id", None)
    for old, new in (("occurred_on", "detected_at"), ("resolved_on", "resolved_at")):
        if old in row:
            value = row.pop(old)
            if isinstance(value, str) and len(value) == 10:
                value = f"{value}T00:00:00+00:00"
            row.setdefault(new, value)
    return row


def _legacy_experiments(table: str, rows: Any, data: Mapping[str, Any]) -> Any:
    """Experiments of a dump older than schema 0008 in today's fields, and their
    free-text guardrails as guardrail rows (as migration 0008 converts stored ones)."""
    from ..models.experiments import from_schema_0007

    experiments = data.get("experiment")
    if not isinstance(experiments, list):
        return rows
    if table == "experiment":
        return [from_schema_0007(r)[0] if isinstance(r, dict) else r for r in experiments]
    if rows:  # experiment_guardrail rows the dump has: kept as they are
        return rows
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    made: list[dict[str, Any]] = []
    for row in experiments:
        if not isinstance(row, dict):
            continue
        _row, names = from_schema_0007(row)
        made += [
            {
                "id": len(made) + position + 1,
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "experiment_id": row.get("id"),
                "name": name,
                "position": position,
            }
            for position, name in enumerate(names)
        ]
    return made


def _legacy_evaluations(rows: Any, data: Mapping[str, Any]) -> Any:
    """Evaluations of a dump from before blind scoring (no ``submitted_at``): one with a
    rating counts as submitted at its last change (as the migration converts them)."""
    ratings = data.get("rating")
    if not isinstance(rows, list) or not isinstance(ratings, list):
        return rows
    rated = {r.get("evaluation_id") for r in ratings if isinstance(r, dict)}
    return [
        {**row, "submitted_at": row.get("updated_at") if row.get("id") in rated else None}
        if isinstance(row, dict) and "submitted_at" not in row
        else row
        for row in rows
    ]


def _older_rows(revision: str, table: str, rows: Any, data: Mapping[str, Any]) -> Any:
    """Rows of ``table`` from a dump at schema ``revision``, in today's fields."""
    order = known_revisions()
    before = order.index(revision)
    if table == "evaluation" and revision != head_revision():
        return _legacy_evaluations(rows, data)
    if table in ("experiment", "experiment_guardrail") and before < order.index("0008"):
        return _legacy_experiments(table, rows, data)
    if table == "cost_model" and isinstance(rows, list) and before < order.index("0006"):
        return [_legacy_cost_model(row) for row in rows]
    if before < order.index("0007"):
        if table == "incident" and isinstance(rows, list):
            return [_legacy_incident(row) for row in rows]
        if table == "incident_use_case" and not rows:
            incidents = data.get("incident")
            if isinstance(incidents, list):
                return [
                    {"incident_id": row.get("id"), "use_case_id": row["use_case_id"]}
                    for row in incidents
                    if isinstance(row, dict) and row.get("use_case_id") is not None
                ]
        if table in ("severity_definition", "failure_category") and not rows:
            from .reference import incident_reference_rows

            severities, categories = incident_reference_rows()
            now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
            seeded = severities if table == "severity_definition" else categories
            return [
                {"id": i, "created_at": now, "updated_at": now, "version": 1, **values}
                for i, values in enumerate(seeded, start=1)
            ]
    return rows


def validate_dump(doc: Any, *, source: Path) -> dict[str, list[dict[str, Any]]]:
    """Check a parsed dump completely; returns rows ready to insert, by table name.

    Raises :class:`ValidationError` naming the table, record and field of each problem.
    """
    revision, data = _check_header(doc, source)
    at_head = revision == head_revision()
    problems = _Problems()
    schema = {t.name: t for t in tables()}
    classes = _model_classes()

    for name in sorted(set(data) - set(schema)):
        problems.add(f"table {_name(name)}", "unknown table")
    if at_head:
        for name in sorted(set(schema) - set(data)):
            problems.add(f"table {name}", "missing from the dump")

    ready: dict[str, list[dict[str, Any]]] = {}
    keys: dict[str, set[Any]] = {}
    labels: dict[str, list[str]] = {}
    for table in tables():
        rows = _older_rows(revision, table.name, data.get(table.name, []), data)
        ready[table.name] = []
        labels[table.name] = []
        keys[table.name] = set()
        if not isinstance(rows, list):
            problems.add(f"table {table.name}", "expected a list of records")
            continue
        model = classes.get(table.name)
        validator = input_model(model) if model is not None else None
        columns = list(table.columns)
        known = {c.name for c in columns}
        pk_names = [c.name for c in table.primary_key.columns]
        kinds = {c.name: _kind(c) for c in columns}
        # per unique group: its values seen so far → where they were seen
        uniques: dict[tuple[str, ...], dict[tuple[Any, ...], str]] = {
            group: {} for group in _unique_groups(table)
        }
        for position, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                problems.add(
                    f"table {table.name}, record at position {position}", "expected an object"
                )
                continue
            where = _record_label(table, row, position)
            bad = False
            for extra in sorted(set(row) - known):
                problems.add(f"{where}: field {_name(extra)}", "unknown field")
                bad = True
            values: dict[str, Any] = {}
            for column in columns:
                if column.name not in row:
                    found, default = (False, None) if at_head else _missing_value(column, model)
                    if not found or (default is None and not column.nullable):
                        problems.add(f"{where}: field {column.name}", "missing")
                        bad = True
                    values[column.name] = default
                    continue
                try:
                    value = _convert(kinds[column.name], row[column.name])
                except _BadValue as error:
                    problems.add(f"{where}: field {column.name}", str(error))
                    bad = True
                    continue
                if value is None and not column.nullable:
                    problems.add(f"{where}: field {column.name}", "a value is required")
                    bad = True
                values[column.name] = value
            key = tuple(values.get(n) for n in pk_names)
            if all(isinstance(v, int) for v in key):
                # Known even when the row has other problems, so the records that refer
                # to it are not reported as well.
                if key in keys[table.name]:
                    problems.add(where, "the same key appears more than once")
                    continue
                keys[table.name].add(key)
            if bad:
                continue
            if table.name == "evidence_blob" and _blob_mismatch(values):
                problems.add(f"{where}: field data", "the bytes do not match the SHA-256 key")
                continue
            if validator is not None:
                before = problems.total
                _validate_rules(validator, values, where, problems)
                if problems.total > before:
                    continue
            duplicate = False
            for group, seen in uniques.items():
                group_key = tuple(values[n] for n in group)
                if any(v is None for v in group_key):
                    continue
                if group_key in seen:
                    fields = ", ".join(group)
                    problems.add(
                        f"{where}: field {fields}",
                        f"the value is already used by {seen[group_key]}",
                    )
                    duplicate = True
                else:
                    seen[group_key] = where.split(", ", 1)[1]
            if duplicate:
                continue
            ready[table.name].append(values)
            labels[table.name].append(where)

    _check_references(ready, labels, keys, problems)
    problems.raise_if_any(source)
    return ready


def _blob_mismatch(values: Mapping[str, Any]) -> bool:
    data = values.get("data") or b""
    return hashlib.sha256(data).hexdigest() != values.get("sha256") or len(data) != values.get(
        "size_bytes"
    )


def _check_references(
    ready: Mapping[str, list[dict[str, Any]]],
    labels: Mapping[str, list[str]],
    keys: Mapping[str, set[Any]],
    problems: _Problems,
) -> None:
    for table in tables():
        links = [
            (fk.parent.name, fk.column.table.name)
            for fk in table.foreign_keys
            if len(fk.column.table.primary_key.columns) == 1
        ]
        if not links:
            continue
        for values, where in zip(ready[table.name], labels[table.name], strict=True):
            for column, target in links:
                ref = values.get(column)
                if ref is not None and (ref,) not in keys[target]:
                    problems.add(
                        f"{where}: field {column}",
                        f"refers to {target} {ref}, which is not in the dump",
                    )


def _populate(rows: Mapping[str, list[dict[str, Any]]], *, seed_controls: bool = False) -> Any:
    def populate(session: Session) -> None:
        ordered = tables()
        for table in reversed(ordered):
            session.execute(delete(table))
        for table in ordered:
            batch = rows.get(table.name) or []
            if batch:
                session.execute(insert(table), batch)
        if seed_controls:  # a dump older than the control catalogs: give it the built-in ones
            from .controls import seed_builtin

            seed_builtin(session)

    return populate


def import_json(*, source: Path, dest: Location | str, overwrite: bool = False) -> Workspace:
    """Restore the dump ``source`` into a new workspace ``dest`` (a file, or an empty
    server database); returns it open.

    Everything is validated before anything is written; the new file appears only when
    complete (on a server: one transaction). An existing ``dest`` is replaced only with
    ``overwrite`` (and only on success).
    """
    source = Path(source).expanduser()
    return _restore(_parse(source), source=source, dest=dest, overwrite=overwrite)


def copy_workspace(
    *, source: Location | str, dest: Location | str, overwrite: bool = False
) -> Workspace:
    """Copy the whole workspace ``source`` into a new one at ``dest`` (a file or a server
    database, either way), as an export and import would: validated first, all or
    nothing, an existing ``dest`` replaced only with ``overwrite``. Returns it open."""
    source, dest = as_location(source), as_location(dest)
    if str(source) == str(dest):
        raise WorkspaceError("Copy to another file or database than the one copied.")
    ws = open_workspace(source, readonly=True)
    try:
        doc = export_data(ws=ws)
    finally:
        ws.close()
    return _restore(doc, source=source, dest=dest, overwrite=overwrite)


def _restore(doc: Any, *, source: Any, dest: Location | str, overwrite: bool) -> Workspace:
    dest = as_location(dest)
    if isinstance(dest, Path):
        if dest.exists() and not overwrite:
            raise WorkspaceError(f"{dest} already exists.")
        if dest.is_dir():
            raise WorkspaceError(f"{dest} is a folder, not a workspace file.")
        if not dest.parent.is_dir():
            raise WorkspaceError(f"The folder {dest.parent} does not exist.")
    rows = validate_dump(doc, source=source)
    order = known_revisions()
    older = order.index(doc["schema_version"]) < order.index("0013_controls")
    seed = older and not rows.get("control_catalog")
    try:
        return create_workspace(
            dest, populate=_populate(rows, seed_controls=seed), overwrite=overwrite
        )
    except exc.IntegrityError as error:
        detail = str(error.orig) if error.orig is not None else str(error)
        raise ValidationError(
            f"{source.name} cannot be imported: the database refused a record ({detail}).",
            [("record", detail)],
        ) from error
