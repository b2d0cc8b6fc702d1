"""Shared building blocks for the entity classes: mixins, enums helpers, validators.

Pattern per entity (SQLModel's recommended layering):

* ``XBase``  - the fields a user can set, with their validators (forms, importers, CLI);
* ``XCreate`` - what a create call accepts: ``XBase`` itself, subclassed for a clear name
  where code names it (elsewhere ``XBase`` serves: :func:`services.records.input_model`);
* ``XUpdate`` - every field optional, built from ``XBase`` by :func:`partial_model`;
* ``X(table=True)`` - the stored row: ``XBase`` plus id, timestamps and a ``version`` counter
  (:class:`TableMixin`), in a table named after the class (``UseCase`` -> ``use_case``).

Enum columns get their CHECK constraints from :func:`enum_checks`; many-to-many link
tables come from :func:`link_table`.
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
import re
import sys
import types
from typing import Any, Optional, cast

from pydantic import ConfigDict, create_model
from sqlalchemy import CheckConstraint, String, Table
from sqlalchemy.orm import declared_attr
from sqlalchemy.sql.compiler import RESERVED_WORDS
from sqlmodel import Field, SQLModel

from .validators import (
    clean_text as clean_text,
)
from .validators import (
    require_text as require_text,
)
from .validators import (
    validate_date_order as validate_date_order,
)
from .validators import (
    validate_level_count as validate_level_count,
)
from .validators import (
    validate_required as validate_required,
)
from .validators import (
    validate_stripped as validate_stripped,
)


def utcnow() -> dt.datetime:
    """Current UTC time, timezone-aware, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Schema(SQLModel):
    """Base of the entity classes: pydantic builds each validator on first use, not at
    import, which keeps ~50 ms of model building out of the app's start-up."""

    # SQLModel types the attribute as its own ConfigDict subclass (which adds only `table`
    # and `registry`); a plain ConfigDict is what pydantic documents and works the same.
    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]


class TableMixin(Schema):
    """Columns every stored row has: id, created/updated timestamps, a version counter.

    An entity's table is named after its class in snake case (``UseCase`` ->
    ``use_case``, ``AiActAssessment`` -> ``ai_act_assessment``); the migrations create
    those names, so renaming an entity class renames its table and needs a migration.
    An id is never given twice, not even after its row was deleted (AUTOINCREMENT on
    SQLite since migration 0017, a sequence on PostgreSQL): a form or undo still holding
    a deleted row's id can never reach another row.
    """

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: dt.datetime = Field(default_factory=utcnow, nullable=False)
    version: int = Field(default=1, nullable=False)

    @declared_attr.directive
    def __tablename__(cls) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


def table_of(model: type) -> Table:
    """The SQLAlchemy Core table of a table class (its ``__table__``, which SQLModel does
    not declare to type checkers)."""
    return cast("Table", model.__table__)  # type: ignore[attr-defined]


def enum_field(default: Any = ..., **kwargs: Any) -> Any:
    """A field holding a ``StrEnum``, stored as its plain string value (not the name)."""
    return Field(default=default, sa_type=String(30), **kwargs)


def parent_ref(table: str, *, index: bool = True, **kwargs: Any) -> Any:
    """A required reference to the row of ``table`` this row belongs to; deleting that row
    deletes this one (``ON DELETE CASCADE``)."""
    if index:
        kwargs["index"] = True
    return Field(foreign_key=f"{table}.id", ondelete="CASCADE", **kwargs)


def optional_ref(table: str, *, index: bool = False) -> Any:
    """An optional reference to a row of ``table``; deleting that row clears it
    (``ON DELETE SET NULL``)."""
    if index:
        return Field(default=None, foreign_key=f"{table}.id", ondelete="SET NULL", index=True)
    return Field(default=None, foreign_key=f"{table}.id", ondelete="SET NULL")


def use_case_ref() -> Any:
    """The optional, indexed link of a record to the use case it serves."""
    return optional_ref("use_case", index=True)


def person_field() -> Any:
    """An optional person's name (owner, approver, assessor ...)."""
    return Field(default="", max_length=200)


#: Relative weights (of scoring criteria, of scorecard dimensions) lie in (0, WEIGHT_MAX].
WEIGHT_MAX = 1000


def weight_field() -> Any:
    """A required relative weight, above 0 and at most :data:`WEIGHT_MAX`."""
    return Field(gt=0, le=WEIGHT_MAX)


def weight_check() -> CheckConstraint:
    """The CHECK constraint that goes with :func:`weight_field`."""
    return range_check("weight", 0.0001, WEIGHT_MAX)


def sql_column(column: str) -> str:
    """``column`` as it stands in a portable CHECK expression: quoted when it is an SQL
    reserved word (``"group"``, ``"end"``)."""
    return f'"{column}"' if column in RESERVED_WORDS else column


def enum_check(
    column: str, enum_cls: type[enum.Enum], name: str | None = None, *, nullable: bool = False
) -> CheckConstraint:
    """A portable CHECK constraint restricting ``column`` to the enum's values."""
    values = ", ".join(f"'{m.value}'" for m in enum_cls)
    expr = f"{sql_column(column)} IN ({values})"
    if nullable:
        expr = f"{sql_column(column)} IS NULL OR {expr}"
    return CheckConstraint(expr, name=name or f"ck_{column}_enum")


def enum_checks(table: str, **columns: type[enum.Enum]) -> tuple[CheckConstraint, ...]:
    """The :func:`enum_check` of each of ``table``'s enum ``columns`` (column name -> enum),
    named ``ck_<table>_<column>`` as the migrations name them.

    Use in a table class: ``__table_args__ = enum_checks("risk", status=RiskStatus)``.
    """
    return tuple(
        enum_check(column, enum_cls, f"ck_{table}_{column}") for column, enum_cls in columns.items()
    )


def range_check(column: str, low: float, high: float, *, nullable: bool = False) -> CheckConstraint:
    """A portable CHECK constraint keeping ``column`` within ``[low, high]``."""
    expr = f"{column} >= {low} AND {column} <= {high}"
    if nullable:
        expr = f"{column} IS NULL OR ({expr})"
    return CheckConstraint(expr, name=f"ck_{column}_range")


def link_table(owner: str, target: str, doc: str) -> type[SQLModel]:
    """A many-to-many link table between the rows of ``owner`` and ``target``.

    The table is ``<owner>_<target>``; its primary key is (``<owner>_id``,
    ``<target>_id``), each a reference that cascades on delete; ``<target>_id`` has an
    index of its own (the key's leading column serves ``<owner>_id``). The class is named
    after both tables (``"incident", "kpi"`` -> ``IncidentKpiLink``), its docstring is
    "Many-to-many: ``doc``", and it belongs to the module that calls this.
    """
    name = "".join(part.title() for part in f"{owner}_{target}".split("_")) + "Link"
    owner_id, target_id = f"{owner}_id", f"{target}_id"
    namespace = {
        "__module__": sys._getframe(1).f_globals["__name__"],
        "__qualname__": name,
        "__doc__": f"Many-to-many: {doc}",
        "__tablename__": f"{owner}_{target}",
        "__annotations__": {owner_id: int, target_id: int},
        owner_id: parent_ref(owner, index=False, primary_key=True),
        target_id: parent_ref(target, primary_key=True),
    }
    link = types.new_class(name, (SQLModel,), {"table": True}, lambda ns: ns.update(namespace))
    return cast("type[SQLModel]", link)


def partial_model(base: type[SQLModel], name: str | None = None) -> type[SQLModel]:
    """Build an ``XUpdate`` class: every field of ``base`` optional and defaulting to None.

    Validators declared on ``base`` still run on the values that are given; a validator
    receiving ``None`` must let it through.
    """
    fields: dict[str, Any] = {}
    for field_name, info in base.model_fields.items():
        optional = copy.copy(info)
        optional.default = None
        optional.default_factory = None
        fields[field_name] = (Optional[info.annotation], optional)  # noqa: UP045
    model_name = name or base.__name__.removesuffix("Base") + "Update"
    return create_model(model_name, __base__=base, **fields)


class TitledSchema(Schema):
    """Base of the entities that open with a required title of at most 200 characters
    (use cases, risks, roadmap items, experiments, incidents)."""

    title: str = Field(max_length=200)

    _title = validate_required("title", label="Title")
