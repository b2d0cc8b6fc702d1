"""Shared building blocks for the entity classes: mixins, enums helpers, validators.

Pattern per entity (SQLModel's recommended layering):

* ``XBase``  - the fields a user can set, with their validators (forms, importers, CLI);
* ``XCreate`` - what a create call accepts (``XBase`` itself, subclassed for a clear name);
* ``XUpdate`` - every field optional, built from ``XBase`` by :func:`partial_model`;
* ``X(table=True)`` - the stored row: ``XBase`` plus id, timestamps and a ``version`` counter.
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
from typing import Any, Optional

from pydantic import ConfigDict, create_model, field_validator
from sqlalchemy import CheckConstraint, String
from sqlmodel import Field, SQLModel


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
    """Columns every stored row has: id, created/updated timestamps, a version counter."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: dt.datetime = Field(default_factory=utcnow, nullable=False)
    version: int = Field(default=1, nullable=False)


def enum_field(default: Any = ..., **kwargs: Any) -> Any:
    """A field holding a ``StrEnum``, stored as its plain string value (not the name)."""
    return Field(default=default, sa_type=String(30), **kwargs)


def enum_check(
    column: str, enum_cls: type[enum.Enum], name: str | None = None, *, nullable: bool = False
) -> CheckConstraint:
    """A portable CHECK constraint restricting ``column`` to the enum's values."""
    values = ", ".join(f"'{m.value}'" for m in enum_cls)
    expr = f"{column} IN ({values})"
    if nullable:
        expr = f"{column} IS NULL OR {expr}"
    return CheckConstraint(expr, name=name or f"ck_{column}_enum")


def range_check(column: str, low: float, high: float, *, nullable: bool = False) -> CheckConstraint:
    """A portable CHECK constraint keeping ``column`` within ``[low, high]``."""
    expr = f"{column} >= {low} AND {column} <= {high}"
    if nullable:
        expr = f"{column} IS NULL OR ({expr})"
    return CheckConstraint(expr, name=f"ck_{column}_range")


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


def clean_text(value: str | None) -> str | None:
    """Strip surrounding white space; keep None."""
    return value.strip() if isinstance(value, str) else value


def require_text(value: str, label: str = "This field") -> str:
    """Stripped text that must not be empty."""
    value = (value or "").strip()
    if not value:
        raise ValueError(f"{label} must not be empty")
    return value


def validate_stripped(*fields: str) -> Any:
    """A field validator for ``fields``: :func:`clean_text` on each value.

    Use in a class body: ``_strip = validate_stripped("owner", "area")``.
    """
    return field_validator(*fields)(clean_text)


def validate_required(*fields: str, label: str) -> Any:
    """A field validator for ``fields``: :func:`require_text` with ``label``; None passes
    (an ``XUpdate`` leaves the field as it is).

    Use in a class body: ``_title = validate_required("title", label="Title")``.
    """

    def check(value: str | None) -> str | None:
        return None if value is None else require_text(value, label)

    return field_validator(*fields)(check)
